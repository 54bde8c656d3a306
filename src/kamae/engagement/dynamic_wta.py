"""Dynamic weapon-target assignment: every fire unit's shots over the engagement windows.

Model (the shoot-now-or-later form of the dynamic WTA problem: Hosein & Athans, "Some analytical
results for the dynamic weapon-target allocation problem", MIT LIDS-P-1944, 1990; the
two-stage form of Murphey, "An approximate algorithm for a weapon target assignment
stochastic program", 2000). Targets t have values V_t and take at most c_t more rounds; a shot
opportunity o is a (unit u_o, target t_o, stage s_o) with kill probability p_o: stage 0 is a
launch now, stages 1, 2, ... launches later in the remaining engagement windows. A plan x_o >= 0
(at most l_o rounds at o) respects each unit's stock S_u (all stages together), each unit's
launch capacity per stage C_us (its ready launchers now; later stages unconstrained unless
given) and the target caps, and maximises the expected value destroyed,

    sum_t V_t [1 - prod_{o at t} (1 - p_o)^x_o]   (shots kill independently),

less a tie-break of 1e-9 per round and per stage (among plans of equal value, the one with
fewer rounds, fired earlier). Planned as if every planned shot is fired (open loop); used in a
receding horizon (the engine fires the stage-0 part and re-plans at its next decision, with
the kill assessments and tracks it then has), which is how the closed-loop value of looking
enters. Neglected in the plan: the survival feedback between stages and threats not yet seen.

Solvers: `solve_exact`, branch and bound over targets (each target's allocations enumerated,
the bound the sum of each remaining target's best allocation alone), for small instances;
`solve_heuristic`, maximum marginal return (den Broeder, Ellison & Emerling, "On optimum target
assignments", Operations Research 7(3), 1959) followed by a local search over moves of one
round from one opportunity to another, for large ones; `solve` picks by size. The exact solver
is checked against brute-force enumeration in the tests.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IntArray

TIE = 1e-9
"""Score given up per round and per stage of a round (fewer rounds, fired earlier)."""
EXACT_PATTERNS = 200_000
"""`solve` uses the exact method when the product of the targets' allocation counts is at
most this."""


@dataclass(frozen=True)
class DynamicInstance:
    """Shot opportunities of units at targets over stages (arrays; see the module)."""

    values: FloatArray
    """(T,) target values."""
    target_cap: IntArray
    """(T,) rounds each target may still receive."""
    stock: IntArray
    """(U,) rounds each unit may still fire, all stages together."""
    unit: IntArray
    """(O,) unit of each opportunity."""
    target: IntArray
    target_stage: IntArray
    """(O,) stage of each opportunity (0: now)."""
    pk: FloatArray
    """(O,) kill probability of one round."""
    limit: IntArray
    """(O,) rounds the opportunity takes at most."""
    capacity: IntArray
    """(U, stages) rounds a unit can launch in each stage (a large number: no limit)."""

    @classmethod
    def of(
        cls,
        values: npt.ArrayLike,
        target_cap: npt.ArrayLike,
        stock: npt.ArrayLike,
        unit: npt.ArrayLike,
        target: npt.ArrayLike,
        stage: npt.ArrayLike,
        pk: npt.ArrayLike,
        limit: npt.ArrayLike,
        capacity: npt.ArrayLike | None = None,
    ) -> DynamicInstance:
        """An instance from array-likes (no capacity: only the stocks limit a stage)."""
        st = np.asarray(stage, dtype=np.int64)
        s_units = np.asarray(stock, dtype=np.int64)
        stages = int(st.max()) + 1 if st.size else 1
        cap = (
            np.full((s_units.size, stages), np.iinfo(np.int32).max, dtype=np.int64)
            if capacity is None
            else np.asarray(capacity, dtype=np.int64)
        )
        inst = cls(
            values=np.asarray(values, dtype=float),
            target_cap=np.asarray(target_cap, dtype=np.int64),
            stock=s_units,
            unit=np.asarray(unit, dtype=np.int64),
            target=np.asarray(target, dtype=np.int64),
            target_stage=st,
            pk=np.asarray(pk, dtype=float),
            limit=np.asarray(limit, dtype=np.int64),
            capacity=cap,
        )
        inst.check()
        return inst

    def check(self) -> None:
        o = self.unit.size
        for name in ("target", "target_stage", "pk", "limit"):
            if getattr(self, name).shape != (o,):
                raise ValueError(f"{name}: expected one value per opportunity ({o})")
        if self.target_cap.shape != self.values.shape:
            raise ValueError("target_cap: expected one value per target")
        if self.capacity.ndim != 2 or self.capacity.shape[0] != self.stock.size:
            raise ValueError("capacity: expected (units, stages)")
        if o and (self.target_stage.max() >= self.capacity.shape[1] or self.target_stage.min() < 0):
            raise ValueError("stage: expected 0 <= stage < capacity's stages")
        if np.any((self.pk < 0) | (self.pk > 1)) or not np.all(np.isfinite(self.pk)):
            raise ValueError("pk: expected probabilities in [0, 1]")

    @property
    def opportunities(self) -> int:
        return int(self.unit.size)


@dataclass(frozen=True)
class DynamicPlan:
    """Rounds x_o at each opportunity, the plan's expected value destroyed and its method."""

    x: IntArray
    value: float
    method: str
    optimal: bool


def expected_value(inst: DynamicInstance, x: npt.ArrayLike) -> float:
    """sum_t V_t [1 - prod (1 - p_o)^x_o], the expected value destroyed by plan x."""
    xx = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        log_q = np.where(xx > 0, xx * np.log1p(-np.minimum(inst.pk, 1.0)), 0.0)
    survive = np.exp(np.bincount(inst.target, weights=log_q, minlength=inst.values.size))
    return float(np.sum(inst.values * (1.0 - survive)))


def score(inst: DynamicInstance, x: npt.ArrayLike) -> float:
    """The solvers' objective: expected value less the tie-break on rounds and stages."""
    xx = np.asarray(x, dtype=np.int64)
    return expected_value(inst, xx) - TIE * float(np.sum(xx * (1 + inst.target_stage)))


def feasible(inst: DynamicInstance, x: npt.ArrayLike) -> bool:
    """Whether plan x respects the limits, stocks, stage capacities and target caps."""
    xx = np.asarray(x, dtype=np.int64)
    if xx.shape != inst.unit.shape or np.any(xx < 0) or np.any(xx > inst.limit):
        return False
    units = inst.stock.size
    if np.any(np.bincount(inst.unit, weights=xx, minlength=units) > inst.stock):
        return False
    stages = inst.capacity.shape[1]
    per_stage = np.zeros((units, stages))
    np.add.at(per_stage, (inst.unit, inst.target_stage), xx)
    if np.any(per_stage > inst.capacity):
        return False
    return not np.any(
        np.bincount(inst.target, weights=xx, minlength=inst.values.size) > inst.target_cap
    )


def _allocations(inst: DynamicInstance, t: int) -> list[tuple[IntArray, IntArray]]:
    """Every allocation (opportunity indices, rounds) of target t alone: each opportunity at
    most its limit (and its unit's stock and stage capacity), in total at most the cap."""
    opps = np.flatnonzero(inst.target == t)
    tops = [
        int(
            min(
                inst.limit[o],
                inst.stock[inst.unit[o]],
                inst.capacity[inst.unit[o], inst.target_stage[o]],
                inst.target_cap[t],
            )
        )
        for o in opps.tolist()
    ]
    out = []
    for counts in itertools.product(*(range(m + 1) for m in tops)):
        if sum(counts) <= inst.target_cap[t]:
            out.append((opps, np.array(counts, dtype=np.int64)))
    return out


def allocation_count(inst: DynamicInstance) -> float:
    """The product over targets of their allocation counts (the exact search's size)."""
    total = 1.0
    for t in range(inst.values.size):
        tops = [
            min(int(inst.limit[o]), int(inst.target_cap[t]))
            for o in np.flatnonzero(inst.target == t).tolist()
        ]
        total *= math.prod(m + 1 for m in tops)
    return total


def solve_exact(inst: DynamicInstance) -> DynamicPlan:
    """Branch and bound over targets (highest value first), each target's allocations tried
    best first; bound: the remaining targets' best allocations, each alone. Exact."""
    order = np.argsort(-inst.values, kind="stable").tolist()
    options: list[list[tuple[float, IntArray, IntArray]]] = []
    for t in order:
        scored = []
        for opps, counts in _allocations(inst, t):
            scored.append((_target_score(inst, t, opps, counts), opps, counts))
        scored.sort(key=lambda item: -item[0])
        options.append(scored)
    best_alone = [opts[0][0] if opts else 0.0 for opts in options]
    bound_after = np.concatenate([np.cumsum(best_alone[::-1])[::-1], [0.0]])
    stages = inst.capacity.shape[1]
    used_stock = np.zeros(inst.stock.size, dtype=np.int64)
    used_stage = np.zeros((inst.stock.size, stages), dtype=np.int64)
    x = np.zeros(inst.opportunities, dtype=np.int64)
    best_x = x.copy()
    best_score = [-math.inf]

    def descend(depth: int, total: float) -> None:
        nonlocal best_x
        if depth == len(order):
            if total > best_score[0] + 1e-15:
                best_score[0], best_x = total, x.copy()
            return
        for gain, opps, counts in options[depth]:
            if total + gain + bound_after[depth + 1] <= best_score[0] + 1e-15:
                break  # allocations are sorted: none after this one can do better
            units = inst.unit[opps]
            np.add.at(used_stock, units, counts)
            np.add.at(used_stage, (units, inst.target_stage[opps]), counts)
            if np.all(used_stock <= inst.stock) and np.all(used_stage <= inst.capacity):
                x[opps] = counts
                descend(depth + 1, total + gain)
                x[opps] = 0
            np.subtract.at(used_stock, units, counts)
            np.subtract.at(used_stage, (units, inst.target_stage[opps]), counts)

    descend(0, 0.0)
    plan = np.asarray(best_x, dtype=np.int64)
    return DynamicPlan(plan, expected_value(inst, plan), "branch-and-bound", True)


def _target_score(inst: DynamicInstance, t: int, opps: IntArray, counts: IntArray) -> float:
    survive = float(np.prod((1.0 - inst.pk[opps]) ** counts))
    tie = TIE * float(np.sum(counts * (1 + inst.target_stage[opps])))
    return float(inst.values[t]) * (1.0 - survive) - tie


class _Greedy:
    """The state of the heuristic: rounds per opportunity and the counters they use."""

    def __init__(self, inst: DynamicInstance) -> None:
        self.inst = inst
        self.x = np.zeros(inst.opportunities, dtype=np.int64)
        self.q = np.ones(inst.values.size)  # survival per target
        self.stock = inst.stock.copy()
        self.stage = inst.capacity.copy()
        self.cap = inst.target_cap.copy()
        self.cost = TIE * (1 + inst.target_stage)
        self.of_target = [np.flatnonzero(inst.target == t) for t in range(inst.values.size)]

    def room(self) -> npt.NDArray[np.bool_]:
        """Opportunities that can take one more round."""
        i = self.inst
        return (
            (self.x < i.limit)
            & (self.stock[i.unit] > 0)
            & (self.stage[i.unit, i.target_stage] > 0)
            & (self.cap[i.target] > 0)
        )

    def add(self, o: int, k: int = 1) -> None:
        """k more rounds at opportunity o (k < 0: fewer)."""
        i = self.inst
        t = int(i.target[o])
        self.x[o] += k
        opps = self.of_target[t]
        self.q[t] = float(np.prod((1.0 - i.pk[opps]) ** self.x[opps]))
        self.stock[i.unit[o]] -= k
        self.stage[i.unit[o], i.target_stage[o]] -= k
        self.cap[t] -= k

    def gains(self) -> FloatArray:
        """Marginal score of one more round at each opportunity (-1 where there is no room)."""
        i = self.inst
        g = i.values[i.target] * self.q[i.target] * i.pk - self.cost
        return np.where(self.room(), g, -1.0)

    def fill(self) -> None:
        """Maximum marginal return: add the round of largest gain V_t Q_t p_o while positive."""
        while True:
            gain = self.gains()
            o = int(np.argmax(gain)) if gain.size else 0
            if not gain.size or gain[o] <= 0.0:
                return
            self.add(o)

    def improve(self) -> bool:
        """Make the best move of one round from one opportunity to another, if it gains."""
        i = self.inst
        best, move = 1e-12 * max(1.0, float(i.values.sum())), None
        for a in np.flatnonzero(self.x > 0).tolist():
            t = int(i.target[a])
            before = self.q[t]
            self.add(a, -1)
            loss = float(i.values[t]) * (self.q[t] - before) - self.cost[a]
            gain = self.gains()
            gain[a] = -1.0
            b = int(np.argmax(gain))
            if gain[b] - loss > best:
                best, move = gain[b] - loss, (a, b)
            self.add(a)
        if move is None:
            return False
        self.add(move[0], -1)
        self.add(move[1])
        return True


def solve_heuristic(inst: DynamicInstance, max_passes: int = 50) -> DynamicPlan:
    """Maximum marginal return, then moves of one round while they improve, then fill again."""
    g = _Greedy(inst)
    g.fill()
    for _ in range(max_passes):
        if not g.improve():
            break
        g.fill()
    return DynamicPlan(g.x.copy(), expected_value(inst, g.x), "greedy+moves", False)


def solve(inst: DynamicInstance, exact_patterns: float = EXACT_PATTERNS) -> DynamicPlan:
    """Exact when the search is small (`allocation_count` at most `exact_patterns`), else the
    heuristic."""
    if allocation_count(inst) <= exact_patterns:
        return solve_exact(inst)
    return solve_heuristic(inst)
