"""Battle management for a batch of replications: resolve, evaluate, decide and engage.

Interceptors arriving in a step resolve first (independent Bernoulli kills with the
interceptor's single-shot kill probability against the threat's class); threats reaching
their impact point alive leak. The battle manager then engages firm, fire-control-quality
tracks whose predicted impact threatens a defended asset.

Rules (the skeleton's, stated in docs/models.md): threats in order of the threatened asset's
value, then time to go; layers in the doctrine's order, a lower layer engaging a threat only
once no unit of a higher layer has an opportunity left (or, without shoot-look-shoot, once the
higher layer has fired its salvo); within a layer the unit with the earliest intercept; a salvo
of `shots_per_salvo` launched when that unit's launch time comes; no further salvo until kill
assessment at intercept time + `kill_assessment_s`, which recognises a kill with probability
`kill_assessment_probability` (an unrecognised kill leaves a coasting track that draws more
salvos; a live threat is never declared dead). Destroyed threats are no longer detected
(debris is not modeled).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kamae.arrays import IntArray
from kamae.engagement.envelope import kill_probability_with_prediction_error
from kamae.engagement.salvo_assignment import assign_salvos
from kamae.engagement.threat_evaluation import (
    ThreatAssessment,
    assess_level_threats,
    assess_threats,
)
from kamae.engine.draws import Draws
from kamae.engine.records import EventLog
from kamae.kinematics.coast import coast_trajectory
from kamae.kinematics.dispersion import cep_to_sigma
from kamae.kinematics.level_flight import level_flight_trajectory
from kamae.results.metrics import EngagementCounts
from kamae.tracking.base import TrackBank
from kamae.world import World

if TYPE_CHECKING:
    from kamae.engine.pictures import Pictures


class Battle:
    """The engagement state of a batch of replications (arrays: replication × threat/unit).

    Its random numbers (kill, kill-assessment and impact-dispersion draws) are drawn in the
    replication's fixed order by `kamae.engine.draws.Draws`.
    """

    def __init__(self, world: World, draws: Draws) -> None:
        self.world = world
        self.doctrine = doctrine = world.doctrine
        fu = world.fire_units
        self.reps = reps = len(draws.generators)
        self.threats = threats = world.trajectory.count
        self.units = units = len(fu.ids)
        self.tiers = list(doctrine.layer_order)
        self.kill_draws = draws.kill
        self.impact_step = np.searchsorted(
            world.times, world.trajectory.impact_time - 1e-9, side="left"
        )
        self.assess_draws = draws.assessment
        # Impact dispersion (CEP): one (east, north) normal pair per threat, when any has one.
        cep = world.threat_cep_m
        self.miss_m = np.zeros((reps, threats))
        if draws.impact_offset is not None:
            offsets = draws.impact_offset
            self.miss_m = np.hypot(offsets[..., 0], offsets[..., 1]) * cep_to_sigma(cep)[None, :]
        self.alive = np.ones((reps, threats), dtype=bool)
        self.time_to_go = np.full(reps * threats, np.inf)
        """Per track slot: level-flight time to go from the latest threat evaluation, s."""
        self.ghost = np.zeros((reps, threats), dtype=bool)
        """Destroyed, but the kill went unrecognised: the defense still believes it alive."""
        self.wasted = np.zeros(reps, dtype=np.int64)
        self.leaked = np.zeros((reps, threats), dtype=bool)
        self.shots = np.zeros((reps, threats), dtype=np.int64)
        self.salvos = np.zeros((reps, threats, len(self.tiers)), dtype=np.int64)
        self.busy_until = np.full((reps, threats), -np.inf)
        self.quality_reported = np.zeros((reps, threats), dtype=bool)
        self.inventory = np.tile(fu.inventory, (reps, 1))
        max_launchers = int(fu.launchers.max()) if units else 0
        self.launcher_free = np.full((reps, units, max_launchers), np.inf)
        for j in range(units):
            self.launcher_free[:, j, : fu.launchers[j]] = 0.0
        self.fired = np.zeros((reps, units), dtype=np.int64)
        self.unit_tier = np.array(
            [self.tiers.index(t) if t in self.tiers else -1 for t in fu.tier], dtype=np.int64
        )
        # (intercept step, sequence, replication, threat, unit, first shot, shots, Pk per shot)
        self.pending: list[tuple[int, int, int, int, int, int, int, float]] = []
        self._seq = 0

    def resolve(self, k: int, t: float, tracks: Pictures, logs: list[EventLog]) -> None:
        """Interceptors arriving at step k, then threats landing at step k."""
        world, fu = self.world, self.world.fire_units
        while self.pending and self.pending[0][0] <= k:
            _, _, r, n, j, first, count, p_kill = heapq.heappop(self.pending)
            met = tracks.meets(j, r, n)
            if met != n:
                self._meet_other(t, r, n, j, first, count, p_kill, met, tracks, logs[r])
                continue
            recognised = self.assess_draws[r, n, first] < self.doctrine.kill_assessment_probability
            if self.ghost[r, n]:
                # A salvo at an object already destroyed but not recognised as such.
                self.wasted[r] += count
                logs[r].add(t, "intercept", world.threat_ids[n], None, fu.ids[j],
                            fu.interceptor[j], "already_destroyed")  # fmt: skip
                if recognised:
                    self.ghost[r, n] = False
                    tracks.drop(np.array([r * self.threats + n]))
                continue
            if not self.alive[r, n]:
                continue
            hits = self.kill_draws[r, n, first : first + count] < p_kill
            for h in hits:
                logs[r].add(
                    t, "intercept", world.threat_ids[n], None, fu.ids[j], fu.interceptor[j],
                    "hit" if h else "miss",
                )  # fmt: skip
            if hits.any():
                self.alive[r, n] = False
                logs[r].add(t, "kill", world.threat_ids[n], None, fu.ids[j], fu.interceptor[j])
                if recognised:
                    tracks.drop(np.array([r * self.threats + n]))
                else:
                    self.ghost[r, n] = True  # its track coasts on; the defense fires again

        landing = np.flatnonzero(self.impact_step == k)
        if landing.size:
            reps, which = np.nonzero(self.alive[:, landing])
            for r, n in zip(reps.tolist(), landing[which].tolist(), strict=True):
                logs[r].add(
                    float(world.trajectory.impact_time[n]), "leak", world.threat_ids[n],
                    detail=f"miss_m={self.miss_m[r, n]:.0f}",
                )  # fmt: skip
            self.leaked[reps, landing[which]] = True
            self.alive[:, landing] = False
            self.ghost[:, landing] = False
            tracks.drop((np.arange(self.reps)[:, None] * self.threats + landing[None, :]).ravel())

    def _meet_other(
        self, t: float, r: int, n: int, j: int, first: int, count: int, p_kill: float, met: int,
        tracks: Pictures, log: EventLog,
    ) -> None:  # fmt: skip
        """A salvo guided on the unit's track of slot n, which follows another object `met`
        (`Pictures.meets`: the picture associated another object's reports to it), or none
        (-1: a track on false reports). It meets that object, with slot n's kill draws; a
        kill deletes both slots' tracks (taken as recognised). Meeting nothing wastes it."""
        world, fu = self.world, self.world.fire_units
        if met < 0 or not self.alive[r, met]:
            self.wasted[r] += count
            log.add(t, "intercept", world.threat_ids[n], None, fu.ids[j], fu.interceptor[j],
                    "no_object")  # fmt: skip
            return
        hits = self.kill_draws[r, n, first : first + count] < p_kill
        for h in hits:
            log.add(t, "intercept", world.threat_ids[met], None, fu.ids[j], fu.interceptor[j],
                    "hit" if h else "miss")  # fmt: skip
        if hits.any():
            self.alive[r, met] = False
            log.add(t, "kill", world.threat_ids[met], None, fu.ids[j], fu.interceptor[j])
            tracks.drop(np.array([r * self.threats + n, r * self.threats + met]))

    def engage(self, k: int, t: float, tracks: Pictures, logs: list[EventLog]) -> None:
        """Evaluate tracks and launch the salvos whose time has come at step k.

        Each fire unit decides on its own picture (`tracks.bank_of`, read through the
        `TrackBank` protocol): the tracker's own without a network, else what has reached it
        over the network."""
        if self.units == 0:
            return
        world, doctrine = self.world, self.doctrine
        shape = (self.reps, self.threats)
        believed_alive = self.alive | self.ghost
        qualities, sigmas = [], []
        for bank in tracks.banks:
            firm = (bank.updates.reshape(shape) >= doctrine.track_confirm_updates) & believed_alive
            with np.errstate(invalid="ignore"):
                position_sigma = bank.position_sigma()
                position_ok = position_sigma <= doctrine.fire_control_position_sigma_m
                velocity_ok = bank.velocity_sigma() <= doctrine.fire_control_velocity_sigma_mps
            qualities.append(firm & (position_ok & velocity_ok).reshape(shape))
            sigmas.append(position_sigma.reshape(shape))
        quality = np.logical_or.reduce(qualities)
        if not quality.any():
            return
        for r, n in zip(*np.nonzero(quality & ~self.quality_reported), strict=True):
            logs[r].add(t, "track", world.threat_ids[n], detail="fire_control_quality")
        self.quality_reported |= quality
        ready = quality & (self.busy_until <= t) & (self.shots < doctrine.max_shots_per_threat)
        if not ready.any():
            return
        # Only threats that some stocked unit could fire at in this step need a decision.
        ready_threats = np.flatnonzero(ready.any(axis=0))
        steps_all = np.full((self.threats, self.units), -1, dtype=np.int64)
        launch_all = np.full((self.threats, self.units), np.nan)
        steps_all[ready_threats], launch_all[ready_threats] = world.windows.next_opportunity(
            ready_threats, t
        )
        with np.errstate(invalid="ignore"):
            opening = (steps_all >= 0) & (launch_all < t + world.dt)  # (N, F)
        stocked = (self.inventory > world.fire_units.reserve)[:, None, :]
        # (R, N, F): the unit's own picture holds a fire-control-quality track of the threat.
        self.unit_quality = np.stack(qualities)[tracks.unit_group].transpose(1, 2, 0)
        reps, threats = np.nonzero(
            ready & np.any(opening[None, :, :] & stocked & self.unit_quality, axis=2)
        )
        if reps.size == 0:
            return
        slots = reps * self.threats + threats
        # Threat evaluation on the best picture holding the threat (least position error).
        sigma = np.where(np.stack(qualities), np.stack(sigmas), np.inf)[:, reps, threats]
        best = np.argmin(sigma, axis=0)
        assessed = self._assess(slots, threats, tracks, best, t)
        threatening = assessed.asset >= 0
        if not np.any(threatening):
            return
        order = np.lexsort(
            (assessed.time_to_go_s[threatening], -assessed.value[threatening], reps[threatening])
        )
        reps, threats = reps[threatening][order], threats[threatening][order]
        values = assessed.value[threatening][order]
        for r in np.unique(reps):
            mine = reps == r
            self._assign(int(r), threats[mine], values[mine], k, t, steps_all, launch_all, tracks,
                         logs[r])  # fmt: skip

    def _assess(
        self, slots: IntArray, threats: IntArray, tracks: Pictures, best: IntArray, t: float
    ) -> ThreatAssessment:
        """Threat evaluation of the listed track slots, each on picture `best` (predicted to
        time t): ballistic tracks by their predicted Kepler impact, level-flight tracks
        (cruise, glide) along their course. Records each level-flight track's time to go for
        the intercept prediction."""
        world, radius = self.world, self.doctrine.engage_radius_m
        position = np.empty((slots.size, 3))
        velocity = np.empty((slots.size, 3))
        for g in np.unique(best).tolist():
            mine = best == g
            bank: TrackBank = tracks.banks[g]
            bank.predict(slots[mine], t)
            position[mine] = bank.state[slots[mine], :3]
            velocity[mine] = bank.state[slots[mine], 3:]
        level = world.threat_level_flight[threats]
        assessed = assess_threats(position, velocity, world.asset_ecef, world.asset_value, radius)
        if np.any(level):
            flat = assess_level_threats(
                position[level], velocity[level], world.asset_ecef, world.asset_value, radius
            )
            for name in ("asset", "value", "miss_distance_m", "time_to_go_s"):
                getattr(assessed, name)[level] = getattr(flat, name)
            self.time_to_go[slots[level]] = flat.time_to_go_s
        return assessed

    def _options(
        self, r: int, n: int, t: float, steps_n: IntArray, launch_n: npt.NDArray[np.float64]
    ) -> tuple[int, IntArray]:
        """The layer that holds threat n and its units that can launch at it now.

        Layers in doctrine order; a layer with no opportunity left passes the threat down.
        Within the holding layer, units in order of earliest intercept, up to the first one
        whose launch time is still to come (the threat then waits for it). Returns
        (layer index, units); no units means nothing to fire now.
        """
        world, doctrine = self.world, self.doctrine
        none = np.zeros(0, dtype=np.int64)
        stocked = self.inventory[r] > self.world.fire_units.reserve
        stocked &= world.fire_units.sspk[:, world.threat_class[n]] > 0.0  # can kill this class
        stocked &= self.unit_quality[r, n]  # its own picture holds a fire-control track
        for tier_index in range(len(self.tiers)):
            if not doctrine.shoot_look_shoot and self.salvos[r, n, tier_index] >= 1:
                continue
            units = np.flatnonzero((self.unit_tier == tier_index) & stocked & (steps_n >= 0))
            if units.size == 0:
                continue  # no opportunity left in this layer: the next layer may engage
            units = units[np.argsort(steps_n[units], kind="stable")]
            later = np.flatnonzero(launch_n[units] >= t + world.dt)
            return tier_index, units[: later[0]] if later.size else units
        return -1, none

    def _assign(
        self,
        r: int,
        threats: IntArray,
        values: npt.NDArray[np.float64],
        k: int,
        t: float,
        steps_all: IntArray,
        launch_all: npt.NDArray[np.float64],
        tracks: Pictures,
        log: EventLog,
    ) -> None:
        """Weapon-target assignment of this step's salvos in one replication.

        Each threat may receive one salvo from one of its options; a unit offers as many
        salvos as it has free launchers and rounds above its reserve. The assignment maximises
        the expected value destroyed, sum V_j·[1 - (1 - Pk_ij)^n_ij], exactly, as a linear
        assignment over salvo slots (one salvo per threat makes the static WTA problem a
        linear assignment; see docs/models.md); ties go to the earlier intercept.
        """
        doctrine, fu = self.doctrine, self.world.fire_units
        rows: list[tuple[int, int, IntArray]] = []
        kept: list[int] = []
        intercept: dict[tuple[int, int], int] = {}
        for i, n in enumerate(threats):
            tier_index, units = self._options(r, int(n), t, steps_all[n], launch_all[n])
            if units.size == 0:
                continue
            units = self._predicted_intercepts(r, int(n), k, t, units, tracks, intercept)
            if units.size:
                rows.append((int(n), tier_index, units))
                kept.append(i)
        if not rows:
            return
        units = np.unique(np.concatenate([u for _, _, u in rows]))
        rounds = np.array(
            [
                min(
                    int(np.count_nonzero(self.launcher_free[r, j] <= t + 1e-9)),
                    int(self.inventory[r, j] - fu.reserve[j]),
                )
                for j in units
            ],
            dtype=np.int64,
        )
        column = {int(j): c for c, j in enumerate(units)}
        pk = np.full((len(rows), units.size), np.nan)
        # Each row prefers its options in earliest-intercept order among equal scores.
        order = np.full((len(rows), units.size), units.size, dtype=np.int64)
        for row, (n, _, options) in enumerate(rows):
            for rank, j in enumerate(options.tolist()):
                pk[row, column[j]] = self._kill_probability(r, n, j, intercept[(n, j)], t, tracks)
                order[row, column[j]] = rank
        want = np.array(
            [
                min(doctrine.shots_per_salvo, doctrine.max_shots_per_threat - int(self.shots[r, n]))
                for n, _, _ in rows
            ],
            dtype=np.int64,
        )
        row_value = np.array([values[i] for i in kept], dtype=float)
        for row, c, count in assign_salvos(
            row_value, pk, rounds, want, doctrine.shots_per_salvo, rank=order
        ):
            n, tier_index, _ = rows[row]
            j = int(units[c])
            self._launch(r, n, j, tier_index, count, float(pk[row, c]), k, t,
                         intercept[(n, j)], log)  # fmt: skip

    def _predicted_intercepts(
        self,
        r: int,
        n: int,
        k: int,
        t: float,
        units: IntArray,
        tracks: Pictures,
        intercept: dict[tuple[int, int], int],
    ) -> IntArray:
        """Keep the units whose predicted intercept point, placed on the track's predicted
        flight in the unit's own picture (Kepler coast, or level flight for cruise and glide),
        lets them launch now and that can guide to it; record its step."""
        world = self.world
        slot = r * self.threats + n
        future = world.times[k + 1 :]
        if future.size == 0:
            return units[:0]
        keep = []
        groups = tracks.unit_group[units]
        for g in np.unique(groups).tolist():
            bank: TrackBank = tracks.banks[g]
            mine = units[groups == g]
            if world.threat_level_flight[n]:
                predicted = level_flight_trajectory(
                    bank.state[slot, :3],
                    bank.state[slot, 3:],
                    t,
                    future,
                    self.time_to_go[[slot]],
                    world.threat_dive_angle_rad[[n]],
                )
            else:
                try:
                    predicted = coast_trajectory(
                        bank.state[slot, :3], bank.state[slot, 3:], t, future
                    )
                except ValueError:
                    continue
            windows = world.envelopes.windows(predicted, units=mine)
            for col, j in enumerate(mine.tolist()):
                feasible = np.flatnonzero(windows.feasible[0, col])
                if feasible.size and windows.launch_time[0, col, feasible[0]] < t + world.dt:
                    step = k + 1 + int(feasible[0])
                    if tracks.guidance_ok(j, n, min(step, world.times.size - 1)):
                        intercept[(n, j)] = step
                        keep.append(j)
        order = np.argsort([int(np.flatnonzero(units == j)[0]) for j in keep], kind="stable")
        return np.array(keep, dtype=np.int64)[order]

    def _kill_probability(
        self, r: int, n: int, j: int, intercept_step: int, t: float, tracks: Pictures
    ) -> float:
        """Pk of one interceptor of unit j at threat n, degraded by the track's predicted
        position error at the intercept time when the interceptor has a handover basket."""
        fu = self.world.fire_units
        sspk = float(fu.sspk[j, self.world.threat_class[n]])
        basket = fu.handover_basket_m[j]
        if basket is None:
            return sspk
        horizon = max(float(self.world.times[intercept_step]) - t, 0.0)
        bank: TrackBank = tracks.bank_of(j)
        sigma = bank.predicted_position_sigma(np.array([r * self.threats + n]), horizon)[0]
        return float(kill_probability_with_prediction_error(sspk, sigma, basket))

    def _launch(
        self,
        r: int,
        n: int,
        j: int,
        tier_index: int,
        count: int,
        pk: float,
        k: int,
        t: float,
        intercept_step: int,
        log: EventLog,
    ) -> None:
        """Fire a salvo of `count` from unit j at threat n and schedule its arrival."""
        world, fu = self.world, self.world.fire_units
        free = np.flatnonzero(self.launcher_free[r, j] <= t + 1e-9)
        self.launcher_free[r, j, free[:count]] = t + fu.launch_interval_s[j]
        self.inventory[r, j] -= count
        self.fired[r, j] += count
        self.salvos[r, n, tier_index] += 1
        intercept_step = max(intercept_step, k + 1)
        intercept_time = world.times[intercept_step]
        self.busy_until[r, n] = intercept_time + self.doctrine.kill_assessment_s
        heapq.heappush(
            self.pending, (intercept_step, self._seq, r, n, j, int(self.shots[r, n]), count, pk)
        )
        self.shots[r, n] += count
        self._seq += 1
        for _ in range(count):
            log.add(
                t, "launch", world.threat_ids[n], None, fu.ids[j], fu.interceptor[j],
                f"intercept_at_s={intercept_time:.0f} pk={pk:.3f}",
            )  # fmt: skip

    def metrics(self, r: int) -> EngagementCounts:
        """Replication r's engagement counts, with the cost-exchange inputs: cost of the
        interceptors fired and of the threats they engaged (a threat is engaged once an
        interceptor was fired at it), million USD. Threat costs are user assumptions
        (`unit_cost_musd`); engaged threats of a type without one are counted per type
        (`engaged_without_cost`) instead of being priced."""
        fu, world = self.world.fire_units, self.world
        n_leaked = int(self.leaked[r].sum())
        fired_by_type = {}
        for name in sorted(set(fu.interceptor)):
            chosen = [i == name for i in fu.interceptor]
            fired_by_type[name] = float(self.fired[r, chosen].sum())
        engaged = self.shots[r] > 0
        priced = 0.0
        unpriced: dict[str, float] = {}
        for n, name in enumerate(world.threat_type):
            cost = float(world.threat_unit_cost_musd[n])
            if np.isnan(cost):
                unpriced[name] = unpriced.get(name, 0.0) + float(engaged[n])
            elif engaged[n]:
                priced += cost
        return EngagementCounts(
            threats_launched=float(self.threats),
            threats_intercepted=float(self.threats - n_leaked - int(self.alive[r].sum())),
            threats_leaked=float(n_leaked),
            threats_leaked_effective=float(
                np.count_nonzero(self.leaked[r] & (self.miss_m[r] <= world.threat_lethal_radius_m))
            ),
            no_leak=float(n_leaked == 0),
            interceptors_fired=float(self.fired[r].sum()),
            interceptors_at_destroyed=float(self.wasted[r]),
            fired_by_type=fired_by_type,
            interceptor_cost_musd=float(self.fired[r] @ fu.unit_cost_musd) if self.units else 0.0,
            threats_engaged=float(engaged.sum()),
            threat_cost_engaged_musd=priced,
            engaged_without_cost={name: unpriced[name] for name in sorted(unpriced)},
        )
