"""Threat flights of a scenario: each raid's missiles flown with its threat type's model.

The glue between the scenario's threat catalog (analyst units, one entry per class) and the
batched trajectory generators of `kamae.kinematics` (SI, arrays). Each raid is flown by the
generator of its type's `kind` (ballistic, quasi_ballistic, glide, cruise) on one common time
grid, long enough for the slowest flight, then trimmed to the last impact. Load-time
feasibility of a raid (its actual range with its type's parameters) is checked by
`check_raid_flight`, which the loader turns into a one-line error naming the field.

Neglected here as in the kinematics models (docs/kinematics.md): Earth rotation, J2, winds;
reentry drag only for ballistic types with a `ballistic_coefficient_kg_m2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from kamae.geo import geodetic_to_ecef
from kamae.kinematics.ballistic import ballistic_trajectory
from kamae.kinematics.cruise import cruise_trajectory
from kamae.kinematics.glide import glide_trajectory
from kamae.kinematics.quasi_ballistic import quasi_ballistic_trajectory
from kamae.kinematics.trajectory import Trajectory, concatenate
from kamae.scenario.feasibility import (
    GLIDE_DIVE_DEG,
    QUASI_DIVE_DEG,
    RaidFlight,
    flight_time_bound_s,
    raid_apogee_km,
)

FloatArray = npt.NDArray[np.float64]

LEVEL_FLIGHT_KINDS = ("glide", "cruise")
"""Kinds whose aerodynamic lift holds them up: tracked and predicted as level flight."""


def _ecef(points_deg: npt.ArrayLike) -> FloatArray:
    p = np.atleast_2d(np.asarray(points_deg, dtype=float))
    return geodetic_to_ecef(np.radians(p[:, 0]), np.radians(p[:, 1]), 0.0)


def fly_raid(flight: RaidFlight, times: FloatArray) -> Trajectory:
    """The raid's missiles on the time grid, flown by their type's model."""
    t = flight.threat
    m = flight.launch_time_s.size
    launch = np.repeat(_ecef(flight.route_deg[0]), m, axis=0)
    aim = np.repeat(_ecef(flight.route_deg[-1]), m, axis=0)
    apogee = raid_apogee_km(flight)
    if t.kind == "ballistic":
        return ballistic_trajectory(
            launch,
            aim,
            flight.launch_time_s,
            times,
            apogee_m=None if apogee is None else np.full(m, apogee * 1e3),
            burnout_angle_rad=(
                None if t.burnout_angle_deg is None else np.full(m, np.radians(t.burnout_angle_deg))
            ),
            burn_time_s=t.burn_time_s or 0.0,
            burnout_altitude_m=(t.burnout_altitude_km or 0.0) * 1e3,
            ballistic_coefficient_kg_m2=t.ballistic_coefficient_kg_m2,
        )
    if t.kind == "quasi_ballistic":
        assert apogee is not None and t.burn_time_s is not None
        assert t.burnout_altitude_km is not None
        assert t.pullup_altitude_km is not None and t.pullup_range_km is not None
        return quasi_ballistic_trajectory(
            launch,
            aim,
            flight.launch_time_s,
            times,
            apogee_m=apogee * 1e3,
            burn_time_s=t.burn_time_s,
            burnout_altitude_m=t.burnout_altitude_km * 1e3,
            pullup_altitude_m=t.pullup_altitude_km * 1e3,
            pullup_range_m=t.pullup_range_km * 1e3,
            dive_angle_deg=t.dive_angle_deg or QUASI_DIVE_DEG,
            terminal_speed_mps=t.terminal_speed_mps,
        )
    if t.kind == "glide":
        assert t.glide_speed_mps and t.glide_altitude_km and t.lift_to_drag
        return glide_trajectory(
            launch,
            aim,
            flight.launch_time_s,
            times,
            glide_speed_mps=t.glide_speed_mps,
            glide_altitude_m=t.glide_altitude_km * 1e3,
            lift_to_drag=t.lift_to_drag,
            burn_time_s=t.burn_time_s or 0.0,
            boost_range_m=None if t.boost_range_km is None else t.boost_range_km * 1e3,
            cross_range_m=(t.cross_range_km or 0.0) * 1e3,
            dive_angle_deg=t.dive_angle_deg or GLIDE_DIVE_DEG,
            terminal_speed_mps=t.terminal_speed_mps,
        )
    assert t.speed_mps is not None and t.altitude_m is not None
    return cruise_trajectory(
        [flight.route_deg] * m,
        flight.launch_time_s,
        times,
        speed_mps=t.speed_mps,
        altitude_m=t.altitude_m,
        terminal_range_m=(t.terminal_range_km or 0.0) * 1e3,
        terminal_mode=t.terminal_mode or "dive",
        popup_altitude_m=t.popup_altitude_m,
        climb_range_m=None if t.climb_range_km is None else t.climb_range_km * 1e3,
        boost_time_s=t.boost_time_s or 0.0,
    )


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
