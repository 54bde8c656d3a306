"""What each fire unit knows: the track picture it has received over the allied network.

Without a `network:` section every fire unit uses the sensing layer's own track bank: all
sensors' data reach every unit at once (one shared picture), as in the walking skeleton.

With a network, fire units are grouped by engagement mode and the sensors whose tracks may
reach them (`Network.picture`: sharing policy × routes × mode, over all event epochs); units
whose mean delays from each sensor round to the same number of engine steps share one
picture (their pictures would differ only by jitter). Each group keeps its own batched
track bank (`BallisticTrackBank`, the sensing layer's filter). Each step, a sensor's threat
plots are sent to each group that may hear it as one message (a report of its tracks) from
the sensor's node to the group's node (`Network.deliver_batch`: route delays, jitter,
queueing at link capacity, loss, events); they update the group's bank when they arrive, at
their measurement time. So latency makes a unit's picture older, loss thins it, a cut link
or a refused release empties it, and organic units hear only their own radars. A group
receives the reports of the threats its units could ever engage (an intercept point inside
one of their envelopes, a class they can kill), as a C2 node forwards the tracks of a unit's
area of responsibility; the others could never draw its fire.

Stated simplifications: a group's bank associates plots perfectly (by threat: false plots
stay in the sensing layer's picture, where they are counted); a plot older than the group's
newest update of that track is dropped and counted (no out-of-sequence filtering); the
message is the plot itself (a measurement report), not a fused track, so there is no double
counting to guard against at the fire unit (covariance intersection, `kamae.network.fusion`,
is for C2 nodes that fuse other nodes' tracks, not used here).

Random numbers: each replication's network draws come from a stream of their own, keyed
off the replication's seed sequence (`kamae.streams.network_generator`), so they leave
the sensing and battle streams untouched; within a replication, messages draw in a fixed
order (step, then sensor, then group).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IndexArray, IntArray
from kamae.engine.records import EventLog
from kamae.network.allied import Network
from kamae.network.topology import LAUNCH_ON_REMOTE, TRACKS
from kamae.results.metrics import NetworkCounts
from kamae.tracking.base import TrackBank, position_sigma, velocity_sigma
from kamae.tracking.converted import BallisticTrackBank
from kamae.tracking.fusion import fuse_measurements
from kamae.tracking.tracker import Plots
from kamae.world import World


@dataclass
class _Pending:
    """Track messages on their way to one group (arrays, one row per message)."""

    arrival: FloatArray = field(default_factory=lambda: np.zeros(0))
    time: FloatArray = field(default_factory=lambda: np.zeros(0))
    slot: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    z: FloatArray = field(default_factory=lambda: np.zeros((0, 3)))
    cov: FloatArray = field(default_factory=lambda: np.zeros((0, 3, 3)))
    declared: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def add(self, arrival: FloatArray, time: float, slot: IntArray, z: FloatArray,
            cov: FloatArray, declared: BoolArray) -> None:  # fmt: skip
        self.arrival = np.concatenate([self.arrival, arrival])
        self.time = np.concatenate([self.time, np.full(arrival.size, time)])
        self.slot = np.concatenate([self.slot, slot])
        self.z = np.concatenate([self.z, z])
        self.cov = np.concatenate([self.cov, cov])
        self.declared = np.concatenate([self.declared, declared])

    def take(self, t: float) -> tuple[FloatArray, IntArray, FloatArray, FloatArray, BoolArray]:
        """Remove and return the messages arrived by time t, in measurement-time order."""
        due = self.arrival <= t + 1e-9
        if not due.any():
            none = np.zeros(0, dtype=np.int64)
            return np.zeros(0), none, np.zeros((0, 3)), np.zeros((0, 3, 3)), none.astype(bool)
        order = np.argsort(self.time[due], kind="stable")
        out = (self.time[due][order], self.slot[due][order], self.z[due][order],
               self.cov[due][order], self.declared[due][order])  # fmt: skip
        keep = ~due
        self.arrival, self.time, self.slot = self.arrival[keep], self.time[keep], self.slot[keep]
        self.z, self.cov, self.declared = self.z[keep], self.cov[keep], self.declared[keep]
        return out


class GroupBank:
    """One group's picture: a window of slots of the combined bank (a `TrackBank`, as the
    tracker's own `BallisticTrackBank` is)."""

    def __init__(self, bank: BallisticTrackBank, offset: int, size: int) -> None:
        self.bank, self.offset, self.size = bank, offset, size
        window = slice(offset, offset + size)
        self.state = bank.state[window]
        self.covariance = bank.covariance[window]
        self.time = bank.time[window]
        self.updates = bank.updates[window]

    @property
    def initialised(self) -> BoolArray:
        return self.updates > 0

    def position_sigma(self) -> FloatArray:
        return position_sigma(self.covariance)

    def velocity_sigma(self) -> FloatArray:
        return velocity_sigma(self.covariance)

    def predict(self, index: IntArray, t: float) -> None:
        self.bank.predict(np.asarray(index) + self.offset, t)

    def predicted_position_sigma(self, index: IntArray, horizon_s: float) -> FloatArray:
        return self.bank.predicted_position_sigma(np.asarray(index) + self.offset, horizon_s)

    def drop(self, index: IntArray) -> None:
        self.bank.drop(np.asarray(index) + self.offset)


class Pictures:
    """The fire units' track pictures for a batch of replications."""

    def __init__(
        self, world: World, streams: Sequence[np.random.Generator], shared: BallisticTrackBank
    ) -> None:
        """``streams``: each replication's network stream (`kamae.engine.draws`); ``shared``:
        the tracker's threat slots, the one picture without a network."""
        self.world = world
        self.reps = reps = len(streams)
        self.threats = n = world.trajectory.count
        units = len(world.fire_units.ids)
        net = world.network
        self.network = net
        self.shared = shared
        self.sent = np.zeros(reps, dtype=np.int64)
        self.lost = np.zeros(reps, dtype=np.int64)
        self.stale = np.zeros(reps, dtype=np.int64)
        self.confirmed = np.zeros(reps, dtype=bool)
        self.banks: list[TrackBank] = [shared]
        """Each picture group's track bank (the tracker's own without a network)."""
        self.unit_group = np.zeros(units, dtype=np.int64)
        self.guided_by: list[IndexArray | None] = [None] * units
        """Per unit: its own radars when it must guide with them (launch on remote)."""
        self.declared = np.ones((1, reps * n), dtype=bool)
        """(groups, slots) the group's picture declares the slot's object a warhead (the
        declaration its latest plot carried: `Plots.warhead_declared`)."""
        if net is None:
            return
        topo = net.topology
        sensors = topo.sensor_node.size
        organic, groups = self._form_groups(world, net)
        q = world.doctrine.tracker_process_noise
        level = np.tile(world.threat_level_flight, reps)
        size = reps * n
        self.combined = BallisticTrackBank(
            groups * size,
            q,
            shared.initial_velocity_var**0.5,
            level=np.tile(level, groups),
            joseph=False,  # the standard form: pictures hold many copies of each update
        )
        self.banks = [GroupBank(self.combined, g * size, size) for g in range(groups)]
        self.declared = np.ones((groups, size), dtype=bool)
        self.pending = _Pending()
        # Launch on remote: the unit's own radars must see the threat at intercept.
        radars = len(world.radars)
        self.guided_by = [
            np.flatnonzero(organic[f, :radars])
            if topo.fire_unit_mode[f] == LAUNCH_ON_REMOTE
            else None
            for f in range(units)
        ]
        self.sensor_count = sensors
        self.rng = list(streams)
        self.queues = net.new_queues(reps)

    def _form_groups(self, world: World, net: Network) -> tuple[BoolArray, int]:
        """Group the fire units by picture (`unit_group`, `group_node`, `group_sensors`,
        `group_threats`); returns the units' organic sensors (units, sensors) and the number
        of groups."""
        topo = net.topology
        units, sensors = topo.fire_unit_node.size, topo.sensor_node.size
        n = world.trajectory.count
        launch = np.zeros((units, sensors), dtype=bool)
        organic = np.zeros((units, sensors), dtype=bool)
        latency = np.full((units, sensors), np.inf)
        for start in np.atleast_1d(net.epochs.starts).tolist():
            p = net.picture(float(start))
            launch |= p.launch
            organic |= p.organic
            if start <= 0.0:
                latency = p.latency_s
        # Units hearing the same sensors in the same mode, whose mean delays from each
        # sensor round to the same number of engine steps, share one picture (delivered to
        # the first such unit's node): their pictures would differ only by jitter.
        steps = np.where(np.isfinite(latency), np.round(latency / world.dt), -1).astype(np.int64)
        keys: dict[tuple[int, bytes, bytes], int] = {}
        group, node_of = [], []
        for f in range(units):
            key = (int(topo.fire_unit_mode[f]), launch[f].tobytes(), steps[f].tobytes())
            if key not in keys:
                keys[key] = len(keys)
                node_of.append(int(topo.fire_unit_node[f]))
            group.append(keys[key])
        self.unit_group = np.array(group, dtype=np.int64)
        self.group_node = np.array(node_of, dtype=np.int64)
        self.group_sensors = np.zeros((len(keys), sensors), dtype=bool)
        # A group's picture holds the threats its units could ever engage (an intercept
        # point inside an envelope at some time, a class they can kill): the reports a C2
        # node forwards to a unit are those of its area of responsibility.
        engageable = world.windows.feasible.any(axis=2) & (
            world.fire_units.sspk[:, world.threat_class].T > 0.0
        )  # (N, F)
        self.group_threats = np.zeros((len(keys), n), dtype=bool)
        for f in range(units):
            self.group_sensors[self.unit_group[f]] = launch[f]
            self.group_threats[self.unit_group[f]] |= engageable[:, f]
        return organic, len(keys)

    @property
    def networked(self) -> bool:
        return self.network is not None

    def declared_warhead(self, group: int) -> BoolArray:
        """(reps, objects) the group's picture declares each slot's object a warhead."""
        return self.declared[group].reshape(self.reps, self.threats)

    def bank_of(self, unit: int) -> TrackBank:
        """The track bank unit `unit` decides on."""
        return self.banks[int(self.unit_group[unit])]

    def guidance_ok(self, unit: int, threat: int, step: int) -> bool:
        """Whether the unit can guide an interceptor to this threat at this step: always,
        except in launch-on-remote mode, where one of its own radars must see the threat."""
        own = self.guided_by[unit]
        if own is None:
            return True
        views = self.world.views
        return any(bool(views[s].visible[threat, step]) for s in own.tolist())

    def observe(self, t: float, plots: Plots) -> None:
        """Send this step's threat plots (one per sensor, before fusion) to the groups: one
        message per replication, sensor and group carries that sensor's plots of the step
        (a report of its tracks), so its plots share the message's fate."""
        rep, threat, sensor, z, cov = plots.rep, plots.origin, plots.sensor, plots.z, plots.cov
        net = self.network
        if net is None:
            self.declared[0, rep * self.threats + threat] = plots.warhead_declared
            return
        if rep.size == 0:
            return
        groups, rows = np.nonzero(self.group_sensors[:, sensor] & self.group_threats[:, threat])
        if groups.size == 0:
            return
        order = np.lexsort((rows, groups, sensor[rows], rep[rows]))
        groups, rows = groups[order], rows[order]
        key = (rep[rows] * len(self.banks) + groups) * self.sensor_count + sensor[rows]
        first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        message = np.cumsum(np.r_[False, key[1:] != key[:-1]])  # message index of each row
        msg_rep = rep[rows[first]]
        counts = np.bincount(msg_rep, minlength=self.reps)
        uniforms = np.concatenate(
            [net.message_uniforms(self.rng[r], int(counts[r])) for r in np.flatnonzero(counts)]
        )
        delivery = net.deliver_batch(
            np.full(first.size, t),
            net.topology.sensor_node[sensor[rows[first]]],
            self.group_node[groups[first]],
            np.full(first.size, TRACKS),
            uniforms,
            msg_rep,
            self.queues,
        )
        self.sent += counts
        arrival = delivery.arrival_s[message]
        arrived = np.isfinite(arrival)
        np.add.at(self.lost, msg_rep[~np.isfinite(delivery.arrival_s)], 1)
        size = self.reps * self.threats
        slots = groups * size + rep[rows] * self.threats + threat[rows]
        self.pending.add(arrival[arrived], t, slots[arrived], z[rows[arrived]], cov[rows[arrived]],
                         plots.warhead_declared[rows[arrived]])  # fmt: skip

    def advance(self, t: float) -> None:
        """Fold the plots arrived by time t into the groups' pictures at their measurement
        times; a plot older than the picture's newest update of its track is dropped."""
        if self.network is None:
            return
        bank = self.combined
        times, slots, z, cov, declared = self.pending.take(t)
        if times.size == 0:
            return
        self.declared.ravel()[slots] = declared  # in measurement-time order: the latest holds
        # Plots of one track taken at one time are fused (information form); the rest go in
        # rounds, each track at most once per round, in measurement-time order.
        moments, moment = np.unique(times, return_inverse=True)
        key = slots * moments.size + moment
        key, z, cov = fuse_measurements(key, z, cov)
        slots, when = key // moments.size, moments[key % moments.size]
        first = np.flatnonzero(np.r_[True, slots[1:] != slots[:-1]])
        rank = np.arange(slots.size) - np.repeat(first, np.diff(np.r_[first, slots.size]))
        size = self.reps * self.threats
        for r in range(int(rank.max()) + 1):
            at = rank == r
            s, zz, cc, tt = slots[at], z[at], cov[at], when[at]
            old = bank.initialised[s] & (bank.time[s] > tt + 1e-9)
            np.add.at(self.stale, (s[old] % size) // self.threats, 1)
            s, zz, cc, tt = s[~old], zz[~old], cc[~old], tt[~old]
            bank.update(s, zz, cc, tt)
            bad = ~np.all(np.isfinite(bank.state[s]), axis=1)
            if bad.any():  # a diverged track is deleted, never kept (counted as stale)
                np.add.at(self.stale, (s[bad] % size) // self.threats, 1)
                bank.drop(s[bad])

    def confirm_attack(self, logs: Sequence[EventLog]) -> None:
        """Attack confirmation per replication, once the run is over: each sensor's first
        detection of a threat aimed at a defended asset is reported (early warning) to the
        declaring C2 node, which declares by the scenario's rule
        (`Network.attack_confirmation`); logged as an `attack_confirmed` event at the
        declaration time. Reports travel without queueing (they are few)."""
        net = self.network
        if net is None or net.confirmation is None:
            return
        world = self.world
        threat_index = {tid: i for i, tid in enumerate(world.threat_ids)}
        sensor_index = {sid: i for i, sid in enumerate(world.sensor_ids)}
        sensor_index.update({x.id: len(world.radars) + i for i, x in enumerate(world.space_layers)})
        for r, log in enumerate(logs):
            rows = [
                (time, sensor_index[sensor], threat_index[threat])
                for time, kind, threat, sensor in zip(
                    log.time_s, log.kind, log.threat, log.sensor, strict=True
                )
                if kind == "detection"
                and sensor in sensor_index
                and threat in threat_index
                and world.threat_target[threat_index[threat]] >= 0
            ]
            if not rows:
                continue
            detect = np.array(rows, dtype=float)
            declared, _ = net.attack_confirmation(
                detect[:, 0], detect[:, 1].astype(np.int64), detect[:, 2].astype(np.int64),
                self.rng[r],
            )  # fmt: skip
            if np.isfinite(declared):
                self.confirmed[r] = True
                node = net.topology.node_ids[net.confirmation.declared_by]
                log.add(float(declared), "attack_confirmed", detail=f"declared_by={node}")

    def drop(self, slots: IntArray) -> None:
        """Delete tracks everywhere (threat destroyed and recognised, or impacted)."""
        self.shared.drop(slots)
        if self.network is not None:
            for bank in self.banks:
                bank.drop(slots)

    def metrics(self, r: int) -> NetworkCounts | None:
        """Replication r's network counts (None without a network)."""
        if self.network is None:
            return None
        return NetworkCounts(
            track_messages=float(self.sent[r]),
            track_messages_lost=float(self.lost[r]),
            track_plots_stale=float(self.stale[r]),
            attack_confirmed=float(self.confirmed[r]),
        )
