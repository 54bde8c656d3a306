"""The battle manager's doctrine in SI units: the frozen parameter set the engine reads.

The scenario file declares the doctrine (with analyst units, ranges and a doc line per field:
`kamae.scenario.model.Doctrine`); the world converts it once into this record, so the engine
never sees the scenario's models.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Doctrine:
    """Firing doctrine and track thresholds (SI)."""

    engage_radius_m: float
    """A predicted impact this close to an asset makes a threat engageable, m."""
    shots_per_salvo: int
    shoot_look_shoot: bool
    kill_assessment_s: float
    kill_assessment_probability: float
    max_shots_per_threat: int
    layer_order: tuple[str, ...]
    track_confirm_updates: int
    fire_control_position_sigma_m: float
    fire_control_velocity_sigma_mps: float
    reserve_fraction: float
    tracker_process_noise: float
    """White-noise acceleration spectral density, m²/s³."""
