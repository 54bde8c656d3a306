"""What each fire unit knows: the track picture built from what has reached it.

Without a `network:` section every fire unit uses the system tracker's own track bank: all
sensors' data reach every unit at once (one shared picture), and a slot follows its object.

With a network, fire units are grouped into pictures: units on one node with the same
organic radars, the same engagement mode, the same tracker filter and the sensors whose data
may reach them (`Network.picture`: sharing policy × routes × mode, over all event epochs),
whose mean delays from each sensor round to the same number of engine steps, share one
picture (theirs would differ only by jitter). Each picture (`kamae.tracking.picture`)
associates what reaches it by gating and GNN, without true identities, and holds aside the
duplicates, the false and the not-yet-believed tracks it cannot engage.

What reaches a picture, each step:

- **Its own radars' plots, at once.** A unit's organic sensors feed its picture directly, at
  their measurement time, whatever the network does (a unit's own radar is never behind a
  data link): the network adds to what a unit's own sensors give it and never hides it.
- **Remote data, over the network**, by the sharing policy (`network.track_reports`): each
  sensor's plots of the step (`plots`, one message per replication, sensor and group), or
  each sensor's own tracks once per `track_report_interval_s` (`tracks`, Link 16-like,
  `picture_reports.SensorTracks`), fused by covariance intersection. Messages go by
  `Network.deliver_batch` (route delays, jitter, queueing at link capacity, loss, events);
  a report joins the picture when its message arrives. A plot that arrives after newer data
  of its track is folded in by retrodiction (out-of-sequence measurement) up to
  `late_plot_window_s`; a shared track is predicted to the picture's time. A compromised
  node with a deception sends displaced reports or false twins (`kamae.network.deception`);
  the pictures' gates and the `remote_track_start` rule decide what is believed.

A group receives the reports of the threats its units could ever engage (an intercept point
inside one of their envelopes, a class they can kill), as a C2 node forwards the tracks of a
unit's area of responsibility. Stated simplifications: false plots stay in the system
tracker (its M-of-N screens them before anything is reported); a report's object is known
to the engine, which uses it only to store a new track in its object's slot, for
`follows` (resolution and metrics) and for the counts of deceptive reports.

Random numbers: each replication's network draws come from a stream of their own, keyed
off the replication's seed sequence (`kamae.streams.network_generator`); within a
replication, messages draw in a fixed order (step, then sensor, then group).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IndexArray, IntArray
from kamae.engine.measures import METRICS_EVERY_STEPS
from kamae.engine.picture_reports import InFlight, SensorTracks, plot_reports
from kamae.engine.records import EventLog
from kamae.network.allied import Network
from kamae.network.deception import deceive
from kamae.network.topology import LAUNCH_ON_REMOTE, TRACKS
from kamae.results.metrics import NetworkCounts
from kamae.tracking.base import TrackBank, position_sigma, velocity_sigma
from kamae.tracking.filter_bank import FilterBank
from kamae.tracking.picture import PictureTracks, Reports
from kamae.tracking.tracker import Plots
from kamae.world import World


class GroupBank:
    """One group's picture: a window of the slots of the pictures' bank (a `TrackBank`)."""

    def __init__(self, bank: FilterBank, offset: int, size: int) -> None:
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

    def predicted_position_sigma(
        self, index: IntArray, horizon_s: float | FloatArray
    ) -> FloatArray:
        return self.bank.predicted_position_sigma(np.asarray(index) + self.offset, horizon_s)

    def predicted(self, index: IntArray, t: float | FloatArray) -> tuple[FloatArray, FloatArray]:
        return self.bank.predicted(np.asarray(index) + self.offset, t)

    def predicted_sigmas(self, index: IntArray, t: float) -> tuple[FloatArray, FloatArray]:
        return self.bank.predicted_sigmas(np.asarray(index) + self.offset, t)

    def drop(self, index: IntArray) -> None:
        self.bank.drop(np.asarray(index) + self.offset)


class Pictures:
    """The fire units' track pictures for a batch of replications."""

    def __init__(
        self, world: World, streams: Sequence[np.random.Generator], shared: FilterBank
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
        self.deceptive = np.zeros(reps, dtype=np.int64)
        self.confirmed = np.zeros(reps, dtype=bool)
        self.siap = np.zeros((7, reps))
        """Per replication, summed over samples and groups: truths, truths tracked, tracks on
        truths, tracks, position error of tracks on truths; then the same two for the slot
        tracks of fire-control quality alone (what the battle manager may engage)."""
        self.banks: list[TrackBank] = [shared]
        """Each picture group's track bank (the tracker's own without a network)."""
        self.unit_group = np.zeros(units, dtype=np.int64)
        self.guided_by: list[IndexArray | None] = [None] * units
        """Per unit: its own radars when it must guide with them (launch on remote)."""
        self.declared = np.ones((reps, n), dtype=bool)
        """(R, objects) the declaration the latest plot of each object carried
        (`Plots.warhead_declared`): warhead (True) or not."""
        if net is None:
            return
        topo = net.topology
        organic, groups = self._form_groups(world, net)
        doctrine, tracker = world.doctrine, world.tracker
        self.size = reps * n
        kinds = np.stack(
            [
                tracker.kinds(world.threat_kind, net.filter_of_node(int(node)))
                for node in self.group_node
            ]
        )
        policy = net.policy
        self.picture = PictureTracks(
            groups, reps, n, doctrine.tracker_process_noise, shared.initial_velocity_var**0.5,
            world.threat_level_flight, kinds, tracker.manoeuvre, policy.remote_track_start,
            policy.late_plot_window_s, doctrine.track_confirm_updates,
        )  # fmt: skip
        self.banks = [GroupBank(self.picture.bank, g * self.size, self.size) for g in range(groups)]
        self.remote = self.group_hears & ~self.group_organic
        self.local: SensorTracks | None = None
        if policy.track_reports == "tracks":
            sensor_kinds = np.stack(
                [
                    tracker.kinds(world.threat_kind, net.filter_of_node(int(node)))
                    for node in topo.sensor_node
                ]
            )
            self.local = SensorTracks(
                topo.sensor_node.size, reps, n, doctrine.tracker_process_noise,
                shared.initial_velocity_var**0.5, world.threat_level_flight, sensor_kinds,
                tracker.manoeuvre, policy.track_report_interval_s,
            )  # fmt: skip
        self.in_flight = InFlight()
        self.direct: Reports | None = None
        radars = len(world.radars)
        self.guided_by = [
            np.flatnonzero(organic[f, :radars])
            if topo.fire_unit_mode[f] == LAUNCH_ON_REMOTE
            else None
            for f in range(units)
        ]
        self.sensor_count = topo.sensor_node.size
        self.rng = list(streams)
        self.queues = net.new_queues(reps)

    def _form_groups(self, world: World, net: Network) -> tuple[BoolArray, int]:
        """Group the fire units by picture (`unit_group`, `group_node`, `group_hears`,
        `group_organic`, `group_threats`); returns the units' organic sensors (units,
        sensors) and the number of groups."""
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
        # Units with the same organic radars, mode, filter and heard sensors, whose mean
        # delays from each sensor round to the same number of engine steps, share one
        # picture (delivered to the first such unit's node): theirs would differ only by
        # jitter.
        steps = np.where(np.isfinite(latency), np.round(latency / world.dt), -1).astype(np.int64)
        keys: dict[tuple[int, bytes, bytes, bytes, str | None], int] = {}
        group, node_of = [], []
        for f in range(units):
            node = int(topo.fire_unit_node[f])
            key = (int(topo.fire_unit_mode[f]), launch[f].tobytes(), steps[f].tobytes(),
                   organic[f].tobytes(), net.filter_of_node(node))  # fmt: skip
            if key not in keys:
                keys[key] = len(keys)
                node_of.append(node)
            group.append(keys[key])
        self.unit_group = np.array(group, dtype=np.int64)
        self.group_node = np.array(node_of, dtype=np.int64)
        self.group_hears = np.zeros((len(keys), sensors), dtype=bool)
        self.group_organic = np.zeros((len(keys), sensors), dtype=bool)
        # A group's picture holds the threats its units could ever engage (an intercept
        # point inside an envelope at some time, a class they can kill): the reports a C2
        # node forwards to a unit are those of its area of responsibility.
        engageable = world.windows.feasible.any(axis=2) & (
            world.fire_units.sspk[:, world.threat_class].T > 0.0
        )  # (N, F)
        self.group_threats = np.zeros((len(keys), n), dtype=bool)
        for f in range(units):
            self.group_hears[self.unit_group[f]] = launch[f]
            self.group_organic[self.unit_group[f]] = organic[f]
            self.group_threats[self.unit_group[f]] |= engageable[:, f]
        return organic, len(keys)

    # -- what the battle manager reads -------------------------------------------------------

    @property
    def networked(self) -> bool:
        return self.network is not None

    def bank_of(self, unit: int) -> TrackBank:
        """The track bank unit `unit` decides on."""
        return self.banks[int(self.unit_group[unit])]

    def follows(self, group: int) -> IntArray:
        """(R, N): the object whose reports each slot of picture `group` has followed (-1:
        none). For resolution (which object an interceptor meets) and metrics only."""
        if self.network is None:
            held = self.shared.initialised.reshape(self.reps, self.threats)
            return np.where(held, np.arange(self.threats)[None, :], -1)
        window = self.picture.follows[group * self.size : (group + 1) * self.size]
        return window.reshape(self.reps, self.threats)

    def meets(self, unit: int, rep: int, slot: int) -> int:
        """The object an interceptor of `unit` guided on its track of slot `slot` meets: the
        object that track follows (the slot's own without a network; -1: none)."""
        if self.network is None:
            return slot
        g = int(self.unit_group[unit])
        return int(self.picture.follows[g * self.size + rep * self.threats + slot])

    def declared_warhead(self, group: int) -> BoolArray:
        """(R, N): the picture declares the object in each slot a warhead: the declaration
        the latest plot of the object the slot follows carried (`Plots.warhead_declared`;
        a slot that follows nothing is undeclared, so engageable as a warhead). Stated
        simplification: the declaration travels with the track, without a delay of its own."""
        if self.network is None:
            return self.declared
        follows = self.follows(group)
        rows = np.arange(self.reps)[:, None]
        return np.where(follows >= 0, self.declared[rows, np.maximum(follows, 0)], True)

    def guidance_ok(self, unit: int, threat: int, step: int) -> bool:
        """Whether the unit can guide an interceptor to this threat at this step: always,
        except in launch-on-remote mode, where one of its own radars must see the threat."""
        own = self.guided_by[unit]
        if own is None:
            return True
        views = self.world.views
        return any(bool(views[s].visible[threat, step]) for s in own.tolist())

    # -- each step ----------------------------------------------------------------------------

    def observe(self, t: float, plots: Plots) -> None:
        """This step's threat plots: the groups' own radars' at once, remote sensors' (or, under
        track sharing, their tracks when due) over the network."""
        self.declared[plots.rep, plots.origin] = plots.warhead_declared
        net = self.network
        if net is None:
            return
        topo = net.topology
        reports = plot_reports(
            plots, t, self.group_hears, self.group_threats, self.group_organic, topo.sensor_node
        )
        self.direct = reports.take(reports.organic)
        if self.local is None:
            remote = reports.take(~reports.organic)
        else:
            self.local.update(plots, t)
            if not self.local.due(t):
                return
            remote = self.local.reports(t, self.remote, self.group_threats, topo.sensor_node)
        deceptions = net.deceptions(t)
        if deceptions:
            remote = deceive(remote, deceptions, topo.sensor_node)
            np.add.at(self.deceptive, remote.rep[remote.deceptive], 1)
        self._send(t, remote)

    def _send(self, t: float, reports: Reports) -> None:
        """One message per (replication, sensor, group) carries that sensor's reports of the
        step to the group's node, so they share its fate."""
        net = self.network
        if net is None or reports.rep.size == 0:
            return
        order = np.lexsort((reports.picture, reports.sensor, reports.rep))
        reports = reports.take(order)
        key = (reports.rep * len(self.banks) + reports.picture) * self.sensor_count
        key = key + reports.sensor
        change = np.r_[True, key[1:] != key[:-1]]
        first = np.flatnonzero(change)
        message = np.cumsum(change) - 1
        msg_rep = reports.rep[first]
        counts = np.bincount(msg_rep, minlength=self.reps)
        uniforms = np.concatenate(
            [net.message_uniforms(self.rng[r], int(counts[r])) for r in np.flatnonzero(counts)]
        )
        delivery = net.deliver_batch(
            np.full(first.size, t),
            net.topology.sensor_node[reports.sensor[first]],
            self.group_node[reports.picture[first]],
            np.full(first.size, TRACKS),
            uniforms,
            msg_rep,
            self.queues,
        )
        self.sent += counts
        np.add.at(self.lost, msg_rep[~np.isfinite(delivery.arrival_s)], 1)
        arrival = delivery.arrival_s[message]
        arrived = np.isfinite(arrival)
        self.in_flight.add(reports.take(arrived), arrival[arrived])

    def advance(self, t: float) -> None:
        """Fold what has reached the pictures by time t into them."""
        if self.network is None:
            return
        parts = [r for r in (self.direct, self.in_flight.take(t)) if r is not None]
        self.direct = None
        if parts:
            self.picture.take(Reports.concatenate(parts), t)

    def measure(self, k: int, alive: BoolArray) -> None:
        """At a sampling step, the SIAP tallies of every group's picture against the live
        threats in flight in its area, each track assigned to the object it follows."""
        if self.network is None or k % METRICS_EVERY_STEPS:
            return
        traj = self.world.trajectory
        truth = alive & traj.in_flight[:, k][None, :]  # (R, N)
        pic = self.picture
        g_count = len(self.banks)
        area = self.group_threats[:, None, :] & truth[None]  # (G, R, N)
        firm = pic.bank.updates >= self.world.doctrine.track_confirm_updates
        follows = np.where(firm, pic.follows, -2)
        unit = np.repeat(np.arange(g_count * self.reps), self.threats)
        ex = pic.extra
        ex_on = ex.bank.updates > 0
        t_unit = np.concatenate([unit[firm], (ex.picture * self.reps + ex.rep)[ex_on]])
        t_obj = np.concatenate([follows[firm], ex.follows[ex_on]])
        t = float(self.world.times[k])
        slots, rows = np.flatnonzero(firm), np.flatnonzero(ex_on)
        slot_x, slot_p = pic.bank.predicted(slots, np.full(slots.size, t))
        t_pos = np.concatenate(
            [slot_x[:, :3], ex.bank.predicted(rows, np.full(rows.size, t))[0][:, :3]]
        )
        on = t_obj >= 0
        on[on] = area.reshape(-1, self.threats)[t_unit[on], t_obj[on]]
        rep = t_unit % self.reps
        tracked = np.zeros(area.size, dtype=bool)
        tracked[t_unit[on] * self.threats + t_obj[on]] = True
        err = np.linalg.norm(t_pos[on] - traj.position[t_obj[on], k], axis=1)
        self.siap[0] += area.sum(axis=(0, 2))
        self.siap[1] += (tracked.reshape(area.shape)).sum(axis=(0, 2))
        self.siap[2] += np.bincount(rep[on], minlength=self.reps)
        self.siap[3] += np.bincount(rep, minlength=self.reps)
        self.siap[4] += np.bincount(rep[on], weights=err, minlength=self.reps)
        # The tracks the battle manager may engage: slot tracks (they come first) of
        # fire-control quality (the doctrine's named thresholds, as `Battle._decide` reads).
        doctrine, cov = self.world.doctrine, slot_p
        with np.errstate(invalid="ignore"):
            quality = (position_sigma(cov) <= doctrine.fire_control_position_sigma_m) & (
                velocity_sigma(cov) <= doctrine.fire_control_velocity_sigma_mps
            )
        decided = on[: slots.size] & quality
        self.siap[5] += np.bincount(rep[: slots.size][decided], minlength=self.reps)
        self.siap[6] += np.bincount(
            rep[: slots.size][decided],
            weights=err[: int(on[: slots.size].sum())][quality[on[: slots.size]]],
            minlength=self.reps,
        )

    def drop(self, slots: IntArray) -> None:
        """Delete tracks everywhere (threat destroyed and recognised, or impacted)."""
        self.shared.drop(slots)
        if self.network is None:
            return
        for g in range(len(self.banks)):
            self.picture.drop(np.asarray(slots) + g * self.size)
        if self.local is not None:
            self.local.drop(slots)

    # -- after the run ------------------------------------------------------------------------

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

    def metrics(self, r: int) -> NetworkCounts | None:
        """Replication r's network counts (None without a network)."""
        if self.network is None:
            return None
        c = {name: float(v[r]) for name, v in self.picture.counts.items()}
        j, jt, na, n, err, nd, err_d = self.siap[:, r]
        return NetworkCounts(
            track_messages=float(self.sent[r]),
            track_messages_lost=float(self.lost[r]),
            track_plots_stale=c["plots_stale"],
            attack_confirmed=float(self.confirmed[r]),
            track_reports_shared=float(self.local.reported_by_rep[r]) if self.local else 0.0,
            track_plots_late=c["plots_late"],
            picture_duplicates=c["duplicates"],
            picture_merges=c["merged"],
            picture_promotions=c["promoted"],
            picture_unbelieved=c["unbelieved"],
            picture_tracks_diverged=c["diverged"],
            picture_tracks_coasted=c["coasted"],
            deceptive_reports=float(self.deceptive[r]),
            deceptive_believed=c["deceptive_believed"],
            deceptive_rejected=c["deceptive_rejected"],
            picture_completeness=jt / j if j else 0.0,
            picture_ambiguity=na / jt if jt else 1.0,
            picture_spuriousness=(n - na) / n if n else 0.0,
            picture_position_error_m=err / na if na else 0.0,
            picture_decision_error_m=err_d / nd if nd else 0.0,
        )
