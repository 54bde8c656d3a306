"""What reaches the fire units' pictures: reports built from the step's plots, sensors' own
tracks for track sharing, and the reports in flight over the network.

- `plot_reports`: one report per (plot, picture group) for the groups that may hear its
  sensor and whose area holds its object.
- `SensorTracks`: under track sharing (`network.track_reports: tracks`), each sensor keeps its
  own tracks (a `FilterBank` slot per sensor × replication × object, updated by its own plots;
  the sensor's tracker is taken to associate its own plots correctly, as the system tracker
  does) and reports each track it updated within the last interval once per
  `track_report_interval_s` (Link 16-like track reporting), the report carrying the track's
  estimate and covariance at its time.
- `InFlight`: reports on their way, released when their message arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.tracking.filter_bank import FilterBank, Manoeuvre
from kamae.tracking.picture import Reports
from kamae.tracking.tracker import Plots


def plot_reports(
    plots: Plots,
    t: float,
    hears: BoolArray,
    area: BoolArray,
    organic: BoolArray,
    sensor_node: IntArray,
) -> Reports:
    """Reports of the step's plots (time t) to every group g that hears the plot's sensor
    (``hears`` (G, S)) and whose area holds its object (``area`` (G, N)); ``organic``
    (G, S) marks the group's own sensors. Ordered by replication, sensor, group."""
    groups, rows = np.nonzero(hears[:, plots.sensor] & area[:, np.maximum(plots.origin, 0)])
    order = np.lexsort((groups, plots.sensor[rows], plots.rep[rows]))
    groups, rows = groups[order], rows[order]
    m = rows.size
    sensor = plots.sensor[rows]
    polar = None if plots.polar is None else plots.polar.take(rows)
    return Reports(
        picture=groups, rep=plots.rep[rows], time=np.full(m, t), sensor=sensor,
        source=sensor_node[sensor], organic=organic[groups, sensor], origin=plots.origin[rows],
        z=plots.z[rows], cov=plots.cov[rows], polar=polar, state=np.full((m, 6), np.nan),
        state_cov=np.full((m, 6, 6), np.nan), deceptive=np.zeros(m, dtype=bool),
    )  # fmt: skip


class SensorTracks:
    """Each sensor's own tracks of each object, and their periodic reports."""

    def __init__(
        self,
        sensors: int,
        reps: int,
        objects: int,
        process_noise: float,
        initial_velocity_sigma_mps: float,
        level: BoolArray,
        kind: IntArray,
        manoeuvre: Manoeuvre,
        interval_s: float,
    ) -> None:
        """``kind`` (sensors, objects): each sensor's filter per object."""
        self.sensors, self.reps, self.objects = sensors, reps, objects
        self.bank = FilterBank(
            sensors * reps * objects, process_noise, initial_velocity_sigma_mps,
            level=np.tile(level, sensors * reps), joseph=False,
            kind=np.repeat(np.asarray(kind, np.int64), reps, axis=0).ravel(), manoeuvre=manoeuvre,
        )  # fmt: skip
        """Slot (s·reps + r)·objects + n: sensor s's track of object n in replication r."""
        self.interval_s = float(interval_s)
        self.next_report = 0.0
        self.reported_by_rep = np.zeros(reps)
        """Per replication: track reports sent."""

    def slot(self, sensor: IntArray, rep: IntArray, origin: IntArray) -> IntArray:
        return (sensor * self.reps + rep) * self.objects + origin

    def update(self, plots: Plots, t: float) -> None:
        """Fold the step's plots (time t) into their sensors' own tracks (a sensor makes one
        plot of an object a step)."""
        if plots.rep.size:
            slot = self.slot(plots.sensor, plots.rep, plots.origin)
            self.bank.update(slot, plots.z, plots.cov, t, plots.polar)

    def due(self, t: float) -> bool:
        """Whether the tracks are reported at this step (once per interval)."""
        if t + 1e-9 < self.next_report:
            return False
        self.next_report = t + self.interval_s
        return True

    def reports(
        self, t: float, hears: BoolArray, area: BoolArray, sensor_node: IntArray
    ) -> Reports:
        """Reports of every track updated within the last interval to the groups that may hear
        its sensor (``hears`` (G, S), remote sensors only) and whose area holds its object."""
        bank = self.bank
        fresh = bank.initialised & (bank.time >= t - self.interval_s - 1e-9)
        slots = np.flatnonzero(fresh)
        sensor = slots // (self.reps * self.objects)
        rep = (slots // self.objects) % self.reps
        obj = slots % self.objects
        groups, rows = np.nonzero(hears[:, sensor] & area[:, obj])
        order = np.lexsort((groups, sensor[rows], rep[rows]))
        groups, rows = groups[order], rows[order]
        s = slots[rows]
        m = rows.size
        np.add.at(self.reported_by_rep, rep[rows], 1)
        x, p = bank.state[s], bank.covariance[s]
        return Reports(
            picture=groups, rep=rep[rows], time=bank.time[s], sensor=sensor[rows],
            source=sensor_node[sensor[rows]], organic=np.zeros(m, dtype=bool),
            origin=obj[rows], z=x[:, :3].copy(), cov=p[:, :3, :3].copy(), polar=None,
            state=x.copy(), state_cov=p.copy(), deceptive=np.zeros(m, dtype=bool),
        )  # fmt: skip

    def drop(self, rep_object_slots: IntArray) -> None:
        """Delete every sensor's track of the listed (replication × object) slots."""
        base = np.arange(self.sensors)[:, None] * self.reps * self.objects
        self.bank.drop((base + np.asarray(rep_object_slots)[None, :]).ravel())


@dataclass
class InFlight:
    """Reports on their way to the pictures, with their arrival times."""

    arrival: FloatArray = field(default_factory=lambda: np.zeros(0))
    reports: list[Reports] = field(default_factory=list)
    arrivals: list[FloatArray] = field(default_factory=list)

    def add(self, reports: Reports, arrival: FloatArray) -> None:
        if reports.rep.size:
            self.reports.append(reports)
            self.arrivals.append(arrival)

    def take(self, t: float) -> Reports | None:
        """Remove and return the reports arrived by time t (None: none), in the order they
        were added; a batch none of whose reports has arrived stays as it is."""
        if not self.reports:
            return None
        arrived, waiting, arrivals = [], [], []
        for reports, arrival in zip(self.reports, self.arrivals, strict=True):
            due = arrival <= t + 1e-9
            if np.all(due):
                arrived.append(reports)
            elif not np.any(due):
                waiting.append(reports)
                arrivals.append(arrival)
            else:
                arrived.append(reports.take(due))
                waiting.append(reports.take(~due))
                arrivals.append(arrival[~due])
        self.reports, self.arrivals = waiting, arrivals
        return Reports.concatenate(arrived) if arrived else None
