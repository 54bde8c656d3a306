"""Weapon-target assignment of one decision step: which unit fires a salvo at which threat.

At a decision step each threat may receive one salvo from one of the units that can launch at
it now; a unit offers one slot per (possibly partial) salvo it can fire now. With one salvo per
threat, the static weapon-target assignment problem (maximise the expected value destroyed,
sum_j V_j·[1 - prod_i (1 - p_ij)^x_ij], Ahuja, Kumar, Jha & Orlin, Operations Research 55(6),
2007) becomes a linear assignment of threats to salvo slots, which the Hungarian-type
algorithm of scipy.optimize.linear_sum_assignment solves exactly (Crouse, IEEE AES 52(4),
2016). Ties go to the option listed first (the earlier intercept).

Not modeled here: holding salvos back for threats not yet in view (the doctrine's reserve
does that), and several salvos at one threat in the same step.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

_TIE = 1e-9
"""Score given up per rank of an option, to prefer earlier intercepts among equals."""


def assign_salvos(
    values: npt.ArrayLike,
    pk: npt.ArrayLike,
    rounds: npt.ArrayLike,
    want: npt.ArrayLike,
    salvo: int,
    rank: npt.ArrayLike | None = None,
) -> list[tuple[int, int, int]]:
    """Assign salvos to threats, maximising the expected value destroyed.

    values (T,): threat values. pk (T, U): single-shot kill probability of unit u's interceptor
    at threat t, NaN where u cannot fire at t now. rounds (U,): rounds each unit can fire now.
    want (T,): rounds each threat should receive (its salvo). salvo: the doctrine's salvo size
    (slot size). rank (T, U): preference among equal scores, lower first (default: column
    order). Returns (threat, unit, rounds fired) triples.
    """
    v = np.asarray(values, dtype=float)
    p = np.asarray(pk, dtype=float)
    cap = np.maximum(np.asarray(rounds, dtype=np.int64), 0)
    need = np.asarray(want, dtype=np.int64)
    if p.ndim != 2 or p.shape != (v.size, cap.size) or need.shape != v.shape:
        raise ValueError("values (T,), pk (T, U), rounds (U,) and want (T,) must agree")
    if salvo < 1:
        raise ValueError("salvo must be at least 1")
    slot_unit = np.repeat(np.arange(cap.size), -(-cap // salvo))
    if slot_unit.size == 0 or v.size == 0:
        return []
    count = np.minimum(need[:, None], cap[None, :])  # (T, U)
    with np.errstate(invalid="ignore"):
        gain = v[:, None] * (1.0 - (1.0 - p) ** count)
    order = np.broadcast_to(np.arange(cap.size), p.shape) if rank is None else np.asarray(rank)
    gain = np.where(np.isfinite(p) & (count > 0), gain - _TIE * order, -np.inf)
    score = gain[:, slot_unit]
    feasible = np.isfinite(score)
    if not feasible.any():
        return []
    rows, cols = linear_sum_assignment(np.where(feasible, -score, 1e18))
    left = cap.copy()
    out = []
    for row, col in sorted(zip(rows.tolist(), cols.tolist(), strict=True)):
        if not feasible[row, col]:
            continue
        unit = int(slot_unit[col])
        fired = int(min(need[row], left[unit]))
        if fired <= 0:
            continue
        left[unit] -= fired
        out.append((row, unit, fired))
    return out
