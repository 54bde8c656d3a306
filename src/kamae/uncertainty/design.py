"""Designs over the uncertain inputs, drawn by SALib in the unit cube, and where each of
their points sits in each input's distribution (its quantile, `distributions.quantile`).

- Sobol': Saltelli's scheme on a scrambled Sobol' sequence (`SALib.sample.sobol`; Saltelli
  2002, Comput. Phys. Commun. 145; Saltelli et al. 2010, Comput. Phys. Commun. 181): N base
  samples give N·(k + 2) points (N·(2k + 2) with second-order indices), in blocks of A, the
  k columns of B swapped in one at a time, and B. N is a power of 2.
- Morris: r one-at-a-time trajectories on a p-level grid (`SALib.sample.morris`; Morris 1991,
  Technometrics 33; Campolongo, Cariboni & Saltelli 2007, Environ. Model. Softw. 22):
  r·(k + 1) points. Grid level j of p sits at the quantile (j + 1/2)/p of each input, so an
  unbounded distribution has finite levels and every input moves by the same share of its
  probability; the elementary effects are then per unit of the grid (SALib reads the grid).
- Latin hypercube: N points, one per stratum of each input (`SALib.sample.latin`; McKay,
  Beckman & Conover 1979, Technometrics 21), for propagating the inputs' uncertainty alone.

Each design is drawn from the study's epistemic stream (`kamae.streams.epistemic_generator`),
never from an engine replication's, so the replications at every point keep their common
random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np

from kamae.arrays import FloatArray, IntArray
from kamae.errors import KamaeError
from kamae.streams import epistemic_generator

Method = Literal["sobol", "morris", "latin"]
METHODS: tuple[Method, ...] = ("sobol", "morris", "latin")
EDGE = 1e-12
"""Quantiles are kept inside [EDGE, 1 - EDGE] (a log-normal has no 0 or 1 quantile)."""


@dataclass(frozen=True)
class Design:
    """The points of a design: SALib's unit-cube matrix and each point's input quantiles."""

    method: Method
    names: tuple[str, ...]
    unit: FloatArray
    """(points, inputs) as SALib drew it: what its analysis reads back."""
    quantiles: FloatArray
    """(points, inputs): where each point sits in each input's distribution."""
    samples: int
    """N of Sobol' and Latin hypercube, r (trajectories) of Morris."""
    second_order: bool = False
    levels: int = 4

    def __len__(self) -> int:
        return int(self.unit.shape[0])

    def problem(self) -> dict[str, Any]:
        """The SALib problem: the inputs on the unit interval."""
        k = len(self.names)
        return {"num_vars": k, "names": list(self.names), "bounds": [[0.0, 1.0]] * k}

    def sample_rows(self) -> IntArray:
        """Rows that are a sample of the inputs' joint distribution (for the propagation):
        A and B of every Sobol' block, every Latin hypercube point, none of Morris's grid."""
        if self.method == "latin":
            return np.arange(len(self))
        if self.method == "morris":
            return np.zeros(0, dtype=np.int64)
        k = len(self.names)
        step = 2 * k + 2 if self.second_order else k + 2
        starts = np.arange(0, len(self), step)
        return np.sort(np.concatenate([starts, starts + step - 1]))

    def as_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "inputs": list(self.names),
            "samples": self.samples,
            "second_order": self.second_order,
            "levels": self.levels,
            "points": len(self),
        }


def make_design(
    method: str,
    names: list[str],
    samples: int,
    seed: int,
    *,
    second_order: bool = False,
    levels: int = 4,
) -> Design:
    """The design of a method over the named inputs, deterministic in `seed`."""
    if method not in METHODS:
        raise KamaeError(f"--method {method}: expected one of {', '.join(METHODS)}")
    chosen = cast(Method, method)
    if not names:
        raise KamaeError("a design needs at least one uncertain input")
    if samples < 2:
        raise KamaeError(f"--samples {samples}: expected at least 2")
    rng = epistemic_generator(seed)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if method == "sobol":
        if samples & (samples - 1):
            raise KamaeError(f"--samples {samples}: Sobol' needs a power of 2 (e.g. 64, 128)")
        from SALib.sample import sobol

        unit = sobol.sample(problem, samples, calc_second_order=second_order, seed=rng)
        quantiles = np.clip(unit, EDGE, 1.0 - EDGE)
    elif method == "morris":
        if levels < 2 or levels % 2:
            raise KamaeError(f"--levels {levels}: Morris needs an even number of levels >= 2")
        from SALib.sample import morris

        unit = morris.sample(problem, samples, num_levels=levels, seed=rng)
        grid = np.rint(unit * (levels - 1))
        quantiles = (grid + 0.5) / levels
    else:
        from SALib.sample import latin

        unit = latin.sample(problem, samples, seed=rng)
        quantiles = np.clip(unit, EDGE, 1.0 - EDGE)
    return Design(
        method=chosen,
        names=tuple(names),
        unit=np.asarray(unit, dtype=float),
        quantiles=np.asarray(quantiles, dtype=float),
        samples=samples,
        second_order=second_order and method == "sobol",
        levels=levels,
    )


def design_size(method: str, inputs: int, samples: int, *, second_order: bool = False) -> int:
    """Points of a design, before it is drawn (to state the cost)."""
    if method == "sobol":
        return samples * (2 * inputs + 2 if second_order else inputs + 2)
    if method == "morris":
        return samples * (inputs + 1)
    return samples
