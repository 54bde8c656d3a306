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
(the debris of an intercept is not modeled).

Hooks for the threats of docs/threats.md (`kamae.engine.threat_effects`): only objects the
picture declares warheads are engaged; decoys and debris reaching the end of their flight do
not leak (leaks and kills count warheads only); a warhead aimed at a sensor or fire unit that
lands within its lethal radius destroys it (`unit_alive`, `radar_alive`: a dead unit fires
nothing, a dead radar looks at nothing); against a manoeuvring reentry vehicle an interceptor
below the acceleration it needs misses (`kamae.kinematics.marv`).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.engagement.doctrine import gives_up, magazine_salvo, required_salvo
from kamae.engagement.dynamic_wta import DynamicInstance, solve
from kamae.engagement.reload import Launchers
from kamae.engagement.threat_evaluation import (
    ThreatAssessment,
    assess_level_threats,
    assess_threats,
)
from kamae.engine.draws import Draws
from kamae.engine.engagement_counts import engagement_counts
from kamae.engine.handover import (
    arrival_kill_probability,
    predicted_kill_probability,
    prediction_sigmas,
)
from kamae.engine.intercepts import Candidates, CoastPaths, coast_paths, predicted_intercepts
from kamae.engine.offers import Choice, DecisionStep, Offer, Rows, static_choice
from kamae.engine.records import EventLog
from kamae.engine.threat_effects import DefenseDamage, countermeasure_counts
from kamae.engine.why_not import PairNotes, WhyNot
from kamae.kinematics.dispersion import cep_to_sigma
from kamae.results.metrics import CountermeasureCounts, EngagementCounts
from kamae.tracking.base import TrackBank, sigmas_at
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
        self.launchers = Launchers(
            reps, fu.launchers, fu.inventory, fu.launch_interval_s, fu.rounds_per_launcher,
            fu.reload_s,
        )  # fmt: skip
        self.fired = np.zeros((reps, units), dtype=np.int64)
        self._form_unit_sets()
        # (intercept step, sequence, replication, threat, unit, first shot, shots, Pk per shot
        # expected at launch, Pk per shot if the unit's track is lost in flight)
        self.pending: list[tuple[int, int, int, int, int, int, int, float, float]] = []
        self._seq = 0
        self.why_not = WhyNot(world, reps)
        """Why each unit did not fire at each threat (`kamae.engine.why_not`)."""
        self.assessed_value = np.full((reps, threats), np.nan)
        """Per threat: the value of the asset its latest threat evaluation found threatened."""
        self.assessed_asset = np.full((reps, threats), -1, dtype=np.int64)
        """Per threat: that asset's index (-1: none)."""
        self.raid = doctrine.expected_raid_threats or threats
        """Threats the doctrine plans for (the magazine policy, preferential defense)."""
        can_kill = fu.sspk > 0.0  # (F, classes)
        self.class_layers = np.array(
            [len({int(x) for x in self.unit_tier[can_kill[:, c] & (self.unit_tier >= 0)]})
             for c in range(fu.sspk.shape[1])], dtype=np.int64,
        )  # fmt: skip
        """Per threat class: the layers of the doctrine holding a unit that can kill it."""
        self.predicted_sigma: dict[tuple[int, int, int], float] = {}
        """Per (replication, threat, unit): the track's predicted position error (1σ per axis)
        at the intercept, m, when last computed for a unit with a handover basket."""
        self.plans_ahead = (
            doctrine.salvo_policy == "magazine"
            or doctrine.preferential_defense
            or doctrine.hold_upper_tier
            or doctrine.assignment == "dynamic"
        )
        """Whether the doctrine counts the threats at each asset (then every fire-control track
        is evaluated at a decision step, not only those a unit can launch at now)."""
        reach = np.linalg.norm(fu.ecef[:, None, :] - world.asset_ecef[None, :, :], axis=-1)
        covered = (reach <= world.envelopes.max_range_m[:, None]) & fu.defends  # (F, assets)
        later = covered[self.unit_tier > 0].any(axis=0)
        self.upper_only_share = float(np.mean(~later)) if later.size else 0.0
        """Share of the defended assets no unit of a later layer covers (defends and reaches)."""
        self.damage = DefenseDamage(world, reps, draws.impact_offset)
        self.unit_alive = self.damage.unit_alive
        """(reps, units) False once a unit is destroyed: it fires nothing."""
        self.radar_alive = self.damage.radar_alive
        """(reps, radars) False once a radar is destroyed (`Looks` reads the same array)."""
        self.warhead = self.damage.warhead
        self.unit_quality = np.zeros((reps, threats, units), dtype=bool)  # set by _decide

    def _form_unit_sets(self) -> None:
        """Each unit's layer, and the per-world unit sets of the per-threat decisions
        (`_options`), formed once."""
        fu = self.world.fire_units
        self.unit_tier = np.array(
            [self.tiers.index(t) if t in self.tiers else -1 for t in fu.tier], dtype=np.int64
        )
        """Per unit: its layer's index in the doctrine's order (-1: a layer not in it)."""
        self.kills = (fu.sspk[:, self.world.threat_class] > 0.0).T
        """(N, F) the unit's interceptor can kill the threat's class."""
        self.tier_mask = [self.unit_tier == i for i in range(len(self.tiers))]
        """Per layer (doctrine order): its units (F,)."""

    def resolve(self, k: int, t: float, tracks: Pictures, logs: list[EventLog]) -> None:
        """Interceptors arriving at step k, then threats landing at step k."""
        world, fu = self.world, self.world.fire_units
        while self.pending and self.pending[0][0] <= k:
            _, _, r, n, j, first, count, p_kill, p_lost = heapq.heappop(self.pending)
            p_kill = arrival_kill_probability(
                self.world, tracks.bank_of(j), r * self.threats + n, n, j, k, t, p_kill, p_lost
            )
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
            # A decoy or debris reaching the end of its flight (stripped) does not leak.
            keep = self.warhead[landing[which]]
            reps, which = reps[keep], which[keep]
            for r, n in zip(reps.tolist(), landing[which].tolist(), strict=True):
                impact = float(world.trajectory.impact_time[n])
                logs[r].add(
                    impact, "leak", world.threat_ids[n], detail=f"miss_m={self.miss_m[r, n]:.0f}"
                )
                self.why_not.leaker(r, n, impact, self.inventory[r], logs[r])
            self.leaked[reps, landing[which]] = True
            self.damage.landed(reps, landing[which], self.miss_m, t, logs)
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

    def finish(self, logs: list[EventLog]) -> None:
        """At the end of the replications: the why-not records of units holding rounds."""
        self.why_not.units_holding_fire(float(self.world.times[-1]), self.inventory, logs)

    def engage(self, k: int, t: float, tracks: Pictures, logs: list[EventLog]) -> list[Offer]:
        """Evaluate tracks at step k and offer the salvos that can launch now: one `Offer` per
        replication with candidate threats (`kamae.engine.offers`), for a chooser to decide
        and `commit`; `close` ends the step.

        Each fire unit decides on its own picture (`tracks.bank_of`, read through the
        `TrackBank` protocol): the tracker's own without a network, else what has reached it
        over the network. Every (threat, unit) pair that does not fire gets the reason
        (`self.why_not`)."""
        if self.units == 0:
            return []
        self.why_not.start()
        return self._decide(k, t, tracks, logs)

    def close(self, t: float) -> None:
        """End step k's decisions (after the offers' `commit`): record the step's reasons."""
        if self.units:
            self.why_not.close(t, self.alive | self.ghost)

    def _note_standing(self, t: float) -> None:
        """The reasons that hold whatever the step's decisions: class, rounds, reserve,
        launchers, the unit's own track, the shot cap and a pending kill assessment."""
        fu, note = self.world.fire_units, self.why_not.note
        note(~self.unit_alive[:, None, :], "unit_destroyed")
        note(~self.kills[None], "cannot_kill_class")
        stock = self.inventory[:, None, :]
        note(stock <= 0, "no_rounds")
        note(stock <= fu.reserve[None, None, :], "reserve_held")
        ready = self.launchers.ready_any(t)  # (R, F)
        note(~ready[:, None, :] & self.launchers.reloading_any(t)[:, None, :], "reloading")
        note(~ready[:, None, :], "no_launcher_free")
        note(~self.unit_quality, "no_fire_control_track")
        note((self.shots >= self.doctrine.max_shots_per_threat)[:, :, None], "shot_cap")
        note((self.busy_until > t)[:, :, None], "kill_assessment_pending")

    def _decide(self, k: int, t: float, tracks: Pictures, logs: list[EventLog]) -> list[Offer]:
        """The offers of one step (`engage`)."""
        world, doctrine = self.world, self.doctrine
        shape = (self.reps, self.threats)
        believed_alive = self.alive | self.ghost
        qualities, sigmas = [], []
        for g, bank in enumerate(tracks.banks):
            firm = (bank.updates.reshape(shape) >= doctrine.track_confirm_updates) & believed_alive
            firm &= tracks.declared_warhead(g)  # interceptors go to objects declared warheads
            position_sigma, velocity_sigma = sigmas_at(bank, t)  # a coasting track's grow
            with np.errstate(invalid="ignore"):
                position_ok = position_sigma <= doctrine.fire_control_position_sigma_m
                velocity_ok = velocity_sigma <= doctrine.fire_control_velocity_sigma_mps
            qualities.append(firm & (position_ok & velocity_ok).reshape(shape))
            sigmas.append(position_sigma.reshape(shape))
        # (R, N, F): the unit's own picture holds a fire-control-quality track of the threat.
        self.unit_quality = np.stack(qualities)[tracks.unit_group].transpose(1, 2, 0)
        self._note_standing(t)
        quality = np.logical_or.reduce(qualities)
        if not quality.any():
            return []
        for r, n in zip(*np.nonzero(quality & ~self.quality_reported), strict=True):
            logs[r].add(t, "track", world.threat_ids[n], detail="fire_control_quality")
        self.quality_reported |= quality
        ready = quality & (self.busy_until <= t) & (self.shots < doctrine.max_shots_per_threat)
        if not ready.any():
            return []
        # Only threats that some stocked unit could fire at in this step need a decision.
        ready_threats = np.flatnonzero(ready.any(axis=0))
        steps_all = np.full((self.threats, self.units), -1, dtype=np.int64)
        launch_all = np.full((self.threats, self.units), np.nan)
        steps_all[ready_threats], launch_all[ready_threats] = world.windows.next_opportunity(
            ready_threats, t
        )
        with np.errstate(invalid="ignore"):
            opening = (steps_all >= 0) & (launch_all < t + world.dt)  # (N, F)
        self.why_not.note(~opening[None, :, :], "launch_time_later")
        stocked = ((self.inventory > world.fire_units.reserve) & self.unit_alive)[:, None, :]
        decide = ready & np.any(opening[None, :, :] & stocked & self.unit_quality, axis=2)
        if not decide.any():
            return []
        # Plans that count the threats at each asset evaluate every fire-control track.
        reps, threats, assessed = self._evaluate(
            quality if self.plans_ahead else decide, qualities, sigmas, tracks, t
        )
        threatening = (assessed.asset >= 0) & decide[reps, threats]
        harmless = np.zeros(shape, dtype=bool)
        harmless[reps, threats] = assessed.asset < 0
        self.why_not.note(harmless[:, :, None], "no_defended_asset")
        if not np.any(threatening):
            return []
        order = np.lexsort(
            (assessed.time_to_go_s[threatening], -assessed.value[threatening], reps[threatening])
        )
        reps, threats = reps[threatening][order], threats[threatening][order]
        values = assessed.value[threatening][order]
        assets = assessed.asset[threatening][order]
        # Every replication's options first, then their coast predictions in one batch.
        tier_of, units_of = self._options(reps, threats, assets, t, steps_all, launch_all)
        plans = []
        starts = np.flatnonzero(np.r_[True, reps[1:] != reps[:-1]])
        for a, b in zip(starts.tolist(), [*starts[1:].tolist(), reps.size], strict=True):
            step = DecisionStep(threats[a:b], values[a:b], assets[a:b], k, t, steps_all,
                                launch_all)  # fmt: skip
            # (index in the step's threats, threat, layer, units) of those with units now.
            options = [(i - a, int(threats[i]), int(tier_of[i]), units_of[i])
                       for i in range(a, b) if units_of[i].size]  # fmt: skip
            plans.append((int(reps[a]), step, options))
        paths = coast_paths(world, plans, k, t, tracks)
        # Every replication's candidate salvos, then the σ of all their shots in one batch.
        rows = [self._rows(r, step, tracks, options, paths) for r, step, options in plans]
        shots = [(r, n, j, at[(n, j)]) for (r, _, _), (rr, at) in zip(plans, rows, strict=True)
                 for n, _, units in rr for j in units.tolist()]  # fmt: skip
        shot_sigma = prediction_sigmas(world, tracks, shots, t)
        offers = []
        for (r, step, _), (row, intercept) in zip(plans, rows, strict=True):
            offer = self._offer(r, step, tracks, row, intercept, shot_sigma)
            if offer is not None:
                offers.append(offer)
        return offers

    def _evaluate(
        self,
        which: BoolArray,
        qualities: list[BoolArray],
        sigmas: list[FloatArray],
        tracks: Pictures,
        t: float,
    ) -> tuple[IntArray, IntArray, ThreatAssessment]:
        """Threat evaluation of the (replication, threat) pairs in `which`, each on the best
        picture holding it (least position error); records the values found."""
        reps, threats = np.nonzero(which)
        slots = reps * self.threats + threats
        sigma = np.where(np.stack(qualities), np.stack(sigmas), np.inf)[:, reps, threats]
        best = np.argmin(sigma, axis=0)
        assessed = self._assess(slots, threats, tracks, best, t)
        self.assessed_value[reps, threats] = assessed.value
        self.assessed_asset[reps, threats] = assessed.asset
        return reps, threats, assessed

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
        self,
        reps: IntArray,
        threats: IntArray,
        assets: IntArray,
        t: float,
        steps_all: IntArray,
        launch_all: FloatArray,
    ) -> tuple[IntArray, list[IntArray]]:
        """The layer that holds each threat (aimed at its asset) of the (replication, threat)
        pairs of a step (each at most once), and its units that can launch at it now.

        Layers in doctrine order; a layer with no opportunity left passes the threat down (as
        does the first layer, with `hold_upper_tier`, while a later layer has one and the first
        keeps its rounds for threats only it can engage). Within the
        holding layer, units in order of earliest intercept, up to the first one whose launch
        time is still to come (the threat then waits for it). Returns per pair (layer index,
        -1 for none; units); no units means nothing to fire now. Every pair's checks run at
        once, tier by tier, their reasons noted in each pair's order of checks (`PairNotes`).
        """
        world, doctrine, fu = self.world, self.doctrine, self.world.fire_units
        pairs, units = reps.size, self.units
        notes = PairNotes(pairs, units)
        steps, launch = steps_all[threats], launch_all[threats]  # (P, F)
        opportunity = steps >= 0
        can = (self.inventory[reps] > fu.reserve) & self.kills[threats]
        can &= self.unit_alive[reps]  # a destroyed unit fires nothing
        defends = fu.defends[:, assets].T
        notes.note(~defends, "asset_not_defended")
        can &= defends
        stocked = can & self.unit_quality[reps, threats]  # its own picture holds a track
        notes.note((self.unit_tier < 0)[None, :], "layer_not_in_order")
        tier_of = np.full(pairs, -1, dtype=np.int64)
        held_by = np.zeros((pairs, units), dtype=bool)
        active = np.ones(pairs, dtype=bool)
        for tier_index, in_tier in enumerate(self.tier_mask):
            here = active  # the pairs this layer is checked for
            if not doctrine.shoot_look_shoot:  # a layer that fired passes the threat down
                fired = active & (self.salvos[reps, threats, tier_index] >= 1)
                notes.note(fired[:, None] & in_tier[None, :], "layer_fired")
                here = active & ~fired
            open_units = in_tier[None, :] & stocked & opportunity
            # No opportunity left in this layer: the next layer may engage.
            holds = here & open_units.any(axis=1)
            if tier_index == 0 and doctrine.hold_upper_tier:
                later = can & (self.unit_tier > 0)[None, :] & opportunity
                kept = np.zeros(pairs, dtype=bool)
                for p in np.flatnonzero(holds & later.any(axis=1)).tolist():
                    kept[p] = self._upper_keeps(int(reps[p]), int(threats[p]), t)
                notes.note(kept[:, None] & in_tier[None, :], "upper_tier_held")
                holds &= ~kept  # a later layer can engage it: the first keeps its rounds
            notes.note(holds[:, None] & (self.unit_tier > tier_index)[None, :],
                       "higher_layer_holds")  # fmt: skip
            held_by[holds] = open_units[holds]
            tier_of[holds] = tier_index
            active = active & ~holds
        # Each holding layer's units by earliest intercept (stable: unit order among equal
        # steps), cut at the first whose launch time is still to come.
        pp, jj = np.nonzero(held_by)
        order = np.lexsort((jj, steps[pp, jj], pp))
        pp, jj = pp[order], jj[order]
        later = (launch[pp, jj] >= t + world.dt).astype(np.int64)
        seen = np.cumsum(later)  # later units up to each, inclusive, over all pairs
        before = np.r_[0, seen][np.searchsorted(pp, np.arange(pairs))]  # up to each pair
        waits = seen - before[pp] > 0  # at or after the pair's first later unit
        wait_mask = np.zeros((pairs, units), dtype=bool)
        wait_mask[pp[waits], jj[waits]] = True
        notes.note(wait_mask, "another_unit_first")
        self.why_not.note_pairs(reps, threats, notes)
        now_p, now_j = pp[~waits], jj[~waits]
        bounds = np.searchsorted(now_p, np.arange(pairs + 1))
        return tier_of, [now_j[bounds[p] : bounds[p + 1]] for p in range(pairs)]

    def _offer(
        self,
        r: int,
        step: DecisionStep,
        tracks: Pictures,
        rows: Rows,
        intercept: dict[tuple[int, int], int],
        sigmas: dict[tuple[int, int, int], float],
    ) -> Offer | None:
        """Replication r's candidate salvos of this step (None: no candidate threat), from
        its candidate `rows` and their `intercept` steps (`_rows`) and the σ of each shot's
        prediction (`handover.prediction_sigmas`).

        Each threat may receive one salvo from one of its options; a unit offers as many
        rounds as it has ready launchers and rounds above its reserve. The doctrine's choice
        (`doctrine_choice`) maximises the expected value destroyed, sum V_j·[1 - (1 -
        Pk_ij)^n_ij], exactly, as a linear assignment over salvo slots (one salvo per threat
        makes the static WTA problem a linear assignment; see docs/models.md); ties go to the
        earlier intercept. With `assignment: dynamic` the dynamic WTA over the remaining
        windows decides instead.
        """
        if not rows:
            return None
        units = np.unique(np.concatenate([u for _, _, u in rows]))
        rounds = self._rounds(r, units, step.t)
        column = {int(j): c for c, j in enumerate(units)}
        pk = np.full((len(rows), units.size), np.nan)
        # Each row prefers its options in earliest-intercept order among equal scores.
        order = np.full((len(rows), units.size), units.size, dtype=np.int64)
        for row, (n, _, options) in enumerate(rows):
            for rank, j in enumerate(options.tolist()):
                p = self._kill_probability(
                    r, n, j, intercept[(n, j)], step.t, tracks, sigma=sigmas.get((r, n, j))
                )
                if p < self.doctrine.min_kill_probability:
                    self.why_not.note_units(r, n, [j], "predicted_miss")
                    continue
                pk[row, column[j]], order[row, column[j]] = p, rank
        want = self._salvo_sizes(r, rows, pk, step, intercept)
        pk[want <= 0] = np.nan
        row_value = step.values[rows.kept]
        return Offer(r, step, rows, intercept, units, rounds, pk, order, want, row_value)

    def doctrine_choice(self, offer: Offer, tracks: Pictures) -> Choice:
        """The built-in doctrine's salvos from an offer: the step assignment, or the dynamic
        WTA's launches now (`assignment: dynamic`)."""
        if self.doctrine.assignment != "dynamic":
            return static_choice(offer, self.doctrine)
        return self._dynamic_choice(
            offer.r, offer.rows, offer.units, offer.rounds, offer.pk, offer.want,
            offer.row_value, offer.step, tracks,
        )  # fmt: skip

    def commit(self, offer: Offer, chosen: Choice, tracks: Pictures, log: EventLog) -> None:
        """Launch the chosen salvos of an offer ((row, column, rounds), rows in the order
        given); every option not chosen is held (its why-not reason)."""
        r, rows, units, note = offer.r, offer.rows, offer.units, self.why_not.note_units
        for row, c, _ in chosen:
            note(r, rows[row][0], units[c : c + 1], "engaged")
        unchosen = "held_by_plan" if self.doctrine.assignment == "dynamic" else "assigned_elsewhere"
        for n, _, options in rows:
            note(r, n, options, unchosen)
        step = offer.step
        for row, c, count in chosen:
            n, tier_index, _ = rows[row]
            j = int(units[c])
            self._launch(r, n, j, tier_index, count, float(offer.pk[row, c]), step.k, step.t,
                         offer.intercept[(n, j)], log, tracks)  # fmt: skip

    def _rows(
        self,
        r: int,
        step: DecisionStep,
        tracks: Pictures,
        candidates: Candidates,
        paths: CoastPaths,
    ) -> tuple[Rows, dict[tuple[int, int], int]]:
        """The step's candidate salvos of replication r: per threat of its `candidates`
        (`_options`, in priority order) its layer and the units that can launch at its
        predicted intercept now, with the intercept step of each (threat, unit)."""
        rows = Rows()
        intercept: dict[tuple[int, int], int] = {}
        for i, n, tier_index, units in candidates:
            units = predicted_intercepts(
                self.world, self.why_not, self.time_to_go, r, n, step.k, step.t, units, tracks,
                intercept, paths,
            )  # fmt: skip
            if units.size:
                rows.append((n, tier_index, units))
                rows.kept.append(i)
        return rows, intercept

    def _salvo_sizes(
        self,
        r: int,
        rows: Rows,
        pk: FloatArray,
        step: DecisionStep,
        intercept: dict[tuple[int, int], int],
    ) -> IntArray:
        """Rounds each row's threat should receive now: the fixed salvo, or the magazine-aware
        one (`kamae.engagement.doctrine`); 0 where preferential defense gives the threat up."""
        doctrine, world = self.doctrine, self.world
        want = np.zeros(len(rows), dtype=np.int64)
        for row, (n, tier_index, options) in enumerate(rows):
            cap = doctrine.max_shots_per_threat - int(self.shots[r, n])
            want[row] = min(doctrine.shots_per_salvo, cap)
            if doctrine.salvo_policy == "fixed" and not doctrine.preferential_defense:
                continue
            stock, remaining, unseen, higher = self._outlook(r, n, tier_index, step.t)
            value = float(step.values[rows.kept[row]])
            if (
                doctrine.preferential_defense
                and stock < remaining
                and gives_up(value, stock, higher, unseen, world.asset_value)
            ):
                want[row] = 0
                self.why_not.note_units(r, n, options, "asset_given_up")
                continue
            if doctrine.salvo_policy == "fixed" or not np.any(np.isfinite(pk[row])):
                continue
            first = int(options[0])
            in_layer = self.unit_tier == tier_index
            look_by = float(world.times[intercept[(n, first)]]) + doctrine.kill_assessment_s
            look = doctrine.shoot_look_shoot and bool(
                np.any(self.why_not.last_launch[n, in_layer] >= look_by)
            )
            need = required_salvo(
                float(np.nanmax(pk[row])),
                self.raid,
                int(self.class_layers[world.threat_class[n]]),
                doctrine.desired_p_no_leak,
                look=look,
                p_kill_assessment=doctrine.kill_assessment_probability,
            )
            want[row] = magazine_salvo(need, stock, remaining, cap)
        return want

    def _outlook(self, r: int, n: int, tier_index: int, t: float) -> tuple[int, int, int, int]:
        """A layer's planning figures at threat n: its rounds above reserve (pooled over its
        units), the threats it still expects (at least the known ones, evaluated as aimed at a
        defended asset, that it can still reach and has not engaged, n included; else the
        expected raid less the threats resolved or engaged by it), how many of those are not
        known, and how many known ones are at higher-value assets than n."""
        fu, world = self.world.fire_units, self.world
        in_layer = (self.unit_tier == tier_index) & self.unit_alive[r]
        stock = int(np.maximum(self.inventory[r, in_layer] - fu.reserve[in_layer], 0).sum())
        believed = self.alive[r] | self.ghost[r]
        engaged = self.salvos[r, :, tier_index] > 0
        others = np.arange(self.threats) != n
        done = int(np.count_nonzero(others & (~believed | engaged)))
        reach = (self.why_not.last_launch[:, in_layer] >= t - 1e-9) & (
            fu.sspk[in_layer][:, world.threat_class].T > 0.0
        )
        with np.errstate(invalid="ignore"):
            aimed = self.assessed_value[r] > 0.0  # evaluated as threatening a defended asset
        known = believed & self.quality_reported[r] & aimed & ~engaged & reach.any(axis=1)
        known[n] = True
        count = int(known.sum())
        remaining = max(self.raid - done, count, 1)
        with np.errstate(invalid="ignore"):
            higher = known & others & (self.assessed_value[r] > self.assessed_value[r, n])
        return stock, remaining, remaining - count, int(higher.sum())

    def _upper_keeps(self, r: int, n: int, t: float) -> bool:
        """`hold_upper_tier`: whether the first layer keeps its rounds from threat n (which a
        later layer can engage) for the threats only it can engage: the known ones it can
        still reach, has not engaged and no stocked unit of a later layer can, and the unseen
        part of the expected raid aimed at assets no later layer covers (unseen threats taken
        as aimed evenly at the defended assets). It keeps them when fewer than one round
        would be left after one round for each."""
        fu, world = self.world.fire_units, self.world
        stock, _, unseen, _ = self._outlook(r, n, 0, t)
        open_now = (self.why_not.last_launch >= t - 1e-9) & (
            fu.sspk[:, world.threat_class].T > 0.0
        )  # (N, F)
        stocked = (self.inventory[r] > fu.reserve) & self.unit_alive[r]
        upper = (open_now & (stocked & (self.unit_tier == 0))[None, :]).any(axis=1)
        lower = (open_now & (stocked & (self.unit_tier > 0))[None, :]).any(axis=1)
        exclusive = (self.alive[r] | self.ghost[r]) & self.quality_reported[r] & upper & ~lower
        exclusive &= self.salvos[r, :, 0] == 0
        exclusive[n] = False
        return stock - (int(exclusive.sum()) + unseen * self.upper_only_share) < 1.0

    def _dynamic_choice(
        self,
        r: int,
        rows: Rows,
        units: IntArray,
        rounds: IntArray,
        pk: FloatArray,
        want: IntArray,
        row_value: FloatArray,
        step: DecisionStep,
        tracks: Pictures,
    ) -> list[tuple[int, int, int]]:
        """The dynamic WTA's launches now (`kamae.engagement.dynamic_wta`): targets are this
        step's threats and the other threatening tracks believed alive; opportunities the
        launches now (stage 0: this step's options, ready launchers, predicted Pk, salvo) and
        the next later launch of every stocked unit that defends the target's asset and has a
        window left against it (stage 1, Pk predicted as now, over the horizon to that
        intercept: no better track is assumed); each unit's stock covers both. Returns (row,
        unit column, rounds)."""
        world, fu, doctrine = self.world, self.world.fire_units, self.doctrine
        row_threats = [n for n, _, _ in rows]
        believed = (self.alive[r] | self.ghost[r]) & self.quality_reported[r]
        later = np.flatnonzero(believed & (self.assessed_value[r] > 0.0))
        targets = row_threats + [n for n in later.tolist() if n not in row_threats]
        values = np.concatenate([row_value, self.assessed_value[r, targets[len(rows) :]]])
        stock = np.maximum(self.inventory[r] - fu.reserve, 0) * self.unit_alive[r]
        opp: list[tuple[int, int, int, float, int]] = []  # (unit, target, stage, pk, limit)
        for row, c in zip(*np.nonzero(np.isfinite(pk)), strict=True):
            opp.append((int(units[c]), int(row), 0, float(pk[row, c]), int(want[row])))
        steps, _ = world.windows.next_opportunity(np.array(targets), step.t + world.dt)
        for i, n in enumerate(targets):
            sspk = fu.sspk[:, world.threat_class[n]]
            defends = fu.defends[:, int(self.assessed_asset[r, n])]
            ok = (steps[i] >= 0) & (stock > 0) & (sspk > 0.0) & (self.unit_tier >= 0) & defends
            for j in np.flatnonzero(ok).tolist():
                p_later = self._kill_probability(r, n, j, int(steps[i, j]), step.t, tracks)
                opp.append((j, i, 1, p_later, doctrine.max_shots_per_threat))
        if not opp:
            return []
        capacity = np.full((self.units, 2), np.iinfo(np.int32).max, dtype=np.int64)
        capacity[:, 0] = 0
        capacity[units, 0] = rounds
        u, tgt, stage, p, limit = (np.array(x) for x in zip(*opp, strict=True))
        cap = doctrine.max_shots_per_threat - self.shots[r, targets]
        plan = solve(DynamicInstance.of(values, cap, stock, u, tgt, stage, p, limit, capacity))
        column = {int(j): c for c, j in enumerate(units)}
        now = np.flatnonzero((stage == 0) & (plan.x > 0))
        return [(int(tgt[o]), column[int(u[o])], int(plan.x[o])) for o in now.tolist()]

    def _rounds(self, r: int, units: IntArray, t: float) -> IntArray:
        """Rounds each unit can fire now: its ready launchers, at most its unreserved stock."""
        fu = self.world.fire_units
        return np.array(
            [
                min(self.launchers.ready(r, j, t), int(self.inventory[r, j] - fu.reserve[j]))
                for j in units.tolist()
            ],
            dtype=np.int64,
        )

    def _kill_probability(
        self,
        r: int,
        n: int,
        j: int,
        intercept_step: int,
        t: float,
        tracks: Pictures,
        *,
        blind: bool = False,
        sigma: float | None = None,
    ) -> float:
        """Pk of one interceptor of unit j at threat n, as the unit predicts it at time t
        (`kamae.engine.handover.predicted_kill_probability`; ``sigma``: its σ, predicted)."""
        p, sigma = predicted_kill_probability(
            self.world, tracks.bank_of(j), r * self.threats + n, n, j, intercept_step, t, blind,
            sigma,
        )  # fmt: skip
        if sigma is not None and not blind:
            self.predicted_sigma[(r, n, j)] = sigma
        return p

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
        tracks: Pictures,
    ) -> None:
        """Fire a salvo of `count` from unit j at threat n and schedule its arrival."""
        world, fu = self.world, self.world.fire_units
        self.inventory[r, j] -= count
        self.launchers.fire(r, j, count, t, int(self.inventory[r, j]))
        self.fired[r, j] += count
        self.why_not.launched(r, n, j, count)
        self.salvos[r, n, tier_index] += 1
        # If the unit's track is lost in flight, the interceptor flies this prediction.
        lost = pk
        if fu.in_flight_updates[j] and fu.handover_basket_m[j] is not None:
            lost = self._kill_probability(r, n, j, intercept_step, t, tracks, blind=True)
        intercept_step = max(intercept_step, k + 1)
        intercept_time = world.times[intercept_step]
        self.busy_until[r, n] = max(
            self.busy_until[r, n], intercept_time + self.doctrine.kill_assessment_s
        )
        heapq.heappush(
            self.pending,
            (intercept_step, self._seq, r, n, j, int(self.shots[r, n]), count, pk, lost),
        )
        self.shots[r, n] += count
        self._seq += 1
        detail = f"intercept_at_s={intercept_time:.0f} pk={pk:.3f}"
        basket = fu.handover_basket_m[j]
        if basket is not None:  # the prediction error the Pk was degraded by, and the basket
            detail += f" sigma_m={self.predicted_sigma[(r, n, j)]:.1f} basket_m={basket:.0f}"
        for _ in range(count):
            log.add(t, "launch", world.threat_ids[n], None, fu.ids[j], fu.interceptor[j], detail)

    def metrics(self, r: int) -> EngagementCounts:
        """Replication r's engagement counts (`kamae.engine.engagement_counts`)."""
        return engagement_counts(
            self.world, self.fired[r], self.shots[r], self.leaked[r], self.alive[r],
            self.miss_m[r], float(self.wasted[r]),
        )  # fmt: skip

    def countermeasures(self, r: int) -> CountermeasureCounts | None:
        """Replication r's counts of decoys and debris engaged and of defense destroyed (None
        when the scenario has neither objects nor aim points at the defense)."""
        return countermeasure_counts(self.damage, self.shots[r], r)
