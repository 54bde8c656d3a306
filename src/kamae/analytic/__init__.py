"""Closed-form models: layered leakage and Wilkening's missile-defense effectiveness model."""

from kamae.analytic.leakage import LayeredLeakage, layered_leakage
from kamae.analytic.wilkening import (
    BarrageRequirement,
    DefenseEffectiveness,
    ShootLookShootRequirement,
    barrage_interceptors,
    defense_effectiveness,
    fewest_whole_interceptors,
    kill_probability,
    objects_engaged,
    p_no_leakers,
    shoot_look_shoot_interceptors,
)

__all__ = [
    "BarrageRequirement",
    "DefenseEffectiveness",
    "LayeredLeakage",
    "ShootLookShootRequirement",
    "barrage_interceptors",
    "defense_effectiveness",
    "fewest_whole_interceptors",
    "kill_probability",
    "layered_leakage",
    "objects_engaged",
    "p_no_leakers",
    "shoot_look_shoot_interceptors",
]
