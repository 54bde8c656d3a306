"""Threat flights of a scenario: each raid's missiles flown with its threat type's model.

The glue between the scenario's threat catalog (analyst units, one entry per class) and the
batched trajectory generators of `kamae.kinematics` (SI, arrays). Each raid is flown by the
generator of its type's `kind` (ballistic, quasi_ballistic, glide, cruise) on one common time
grid, long enough for the slowest flight, then trimmed to the last impact. The per-kind
dispatch (`fly_raid`) and the load-time feasibility of a raid (`check_raid_flight`, which
flies one missile of it, so a raid that loads is a raid that flies) are in
`kamae.scenario.feasibility`.

Neglected here as in the kinematics models (docs/kinematics.md): Earth rotation, J2, winds;
reentry drag only for ballistic types with a `ballistic_coefficient_kg_m2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from kamae.kinematics.trajectory import Trajectory, concatenate
from kamae.scenario.feasibility import RaidFlight, flight_time_bound_s, fly_raid

LEVEL_FLIGHT_KINDS = ("glide", "cruise")
"""Kinds whose aerodynamic lift holds them up: tracked and predicted as level flight."""


def fly_raids(flights: Sequence[RaidFlight], dt: float) -> Trajectory:
    """All raids' missiles (in raid order) on one grid 0, dt, ... up to the last impact + dt."""
    end = max(float(f.launch_time_s.max()) + flight_time_bound_s(f) for f in flights)
    provisional = np.arange(0.0, end + dt, dt)
    trajectory = concatenate([fly_raid(f, provisional) for f in flights])
    last = float(np.max(trajectory.impact_time)) + dt
    steps = np.arange(0.0, last + dt, dt).size
    if steps > provisional.size:  # the bound was not one: never silently cut a flight
        raise RuntimeError(f"flight time bound too short ({end:.0f} s < {last:.0f} s)")
    return _first_steps(trajectory, steps)


def _first_steps(trajectory: Trajectory, steps: int) -> Trajectory:
    return replace(
        trajectory,
        times=trajectory.times[:steps],
        position=trajectory.position[:, :steps],
        velocity=trajectory.velocity[:, :steps],
        altitude=trajectory.altitude[:, :steps],
        in_flight=trajectory.in_flight[:, :steps],
        phase=trajectory.phase[:, :steps],
    )
