"""The scenario's parameter sets in SI: the one room where the analyst's units are converted.

Each function takes one declaration of the scenario file (`kamae.scenario`, pydantic, units in
the field names, defaults declared there) and returns the frozen SI record the domain layer
declares beside the code that uses it (`kamae.kinematics.threats`, `kamae.sensors`,
`kamae.engagement`, `kamae.network.spec`). Nothing else converts units, and no record below
repeats a default: a field of the file maps to one field of a record, here, once.
"""

from __future__ import annotations

import math

from kamae.engagement.doctrine import Doctrine
from kamae.kinematics.threats import (
    BallisticFlight,
    CruiseFlight,
    GlideFlight,
    QuasiBallisticFlight,
    ThreatFlight,
)
from kamae.scenario.model import Doctrine as DoctrineSection
from kamae.scenario.threats import (
    BallisticType,
    CruiseType,
    GlideType,
    QuasiBallisticType,
    ThreatType,
)

KM = 1e3
"""Metres per kilometre."""


def metres(km: float | None) -> float | None:
    """Kilometres to metres, None kept."""
    return None if km is None else km * KM


def radians(degrees: float | None) -> float | None:
    """Degrees to radians (x·π/180, as NumPy converts), None kept."""
    return None if degrees is None else math.radians(degrees)


def threat_flight(t: ThreatType) -> ThreatFlight:
    """The SI flight record of a threat type, by its kind."""
    match t:
        case BallisticType():
            return BallisticFlight(
                burn_time_s=t.burn_time_s,
                burnout_altitude_m=t.burnout_altitude_km * KM,
                apogee_m=metres(t.apogee_km),
                burnout_angle_rad=radians(t.burnout_angle_deg),
                ballistic_coefficient_kg_m2=t.ballistic_coefficient_kg_m2,
            )
        case QuasiBallisticType():
            return QuasiBallisticFlight(
                burn_time_s=t.burn_time_s,
                burnout_altitude_m=t.burnout_altitude_km * KM,
                apogee_m=t.apogee_km * KM,
                pullup_altitude_m=t.pullup_altitude_km * KM,
                pullup_range_m=t.pullup_range_km * KM,
                dive_angle_rad=math.radians(t.dive_angle_deg),
                terminal_speed_mps=t.terminal_speed_mps,
            )
        case GlideType():
            return GlideFlight(
                burn_time_s=t.burn_time_s,
                glide_speed_mps=t.glide_speed_mps,
                glide_altitude_m=t.glide_altitude_km * KM,
                lift_to_drag=t.lift_to_drag,
                boost_range_m=metres(t.boost_range_km),
                cross_range_m=t.cross_range_km * KM,
                dive_angle_rad=math.radians(t.dive_angle_deg),
                terminal_speed_mps=t.terminal_speed_mps,
            )
        case CruiseType():
            return CruiseFlight(
                speed_mps=t.speed_mps,
                altitude_m=t.altitude_m,
                terminal_range_m=t.terminal_range_km * KM,
                terminal_mode=t.terminal_mode,
                popup_altitude_m=t.popup_altitude_m,
                climb_range_m=metres(t.climb_range_km),
                boost_time_s=t.boost_time_s,
            )


def doctrine(d: DoctrineSection) -> Doctrine:
    """The scenario's doctrine in SI units."""
    return Doctrine(
        engage_radius_m=d.engage_radius_km * KM,
        shots_per_salvo=d.shots_per_salvo,
        shoot_look_shoot=d.shoot_look_shoot,
        kill_assessment_s=d.kill_assessment_s,
        kill_assessment_probability=d.kill_assessment_probability,
        max_shots_per_threat=d.max_shots_per_threat,
        layer_order=tuple(d.layer_order),
        track_confirm_updates=d.track_confirm_updates,
        fire_control_position_sigma_m=d.fire_control_position_sigma_m,
        fire_control_velocity_sigma_mps=d.fire_control_velocity_sigma_mps,
        reserve_fraction=d.reserve_fraction,
        tracker_process_noise=d.tracker_process_noise,
    )
