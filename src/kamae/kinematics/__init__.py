"""Threat kinematics: ballistic, quasi-ballistic, boost-glide and cruise trajectories.

Every generator returns a `Trajectory` (ECEF position and velocity, ellipsoid height, flight
phase) sampled on the engine's common time grid, batched over missiles. Closed-form Kepler
flight where the flight is drag-free; RK4 only for reentry drag and the glide. See
docs/kinematics.md for the models, their sources and what they neglect.
"""

from kamae.kinematics.ballistic import (
    BallisticPlan,
    ballistic_trajectory,
    free_flight_velocity,
    minimum_energy_trajectory,
    plan_ballistic,
    predicted_impact,
    render,
)
from kamae.kinematics.cruise import cruise_trajectory, route_length_m
from kamae.kinematics.dispersion import CEP_PER_SIGMA, cep_to_sigma, disperse_aim_points
from kamae.kinematics.feasibility import (
    InfeasibleThreat,
    check_ballistic,
    check_cep,
    check_cruise,
    check_glide,
    equilibrium_glide_range_m,
)
from kamae.kinematics.glide import glide_trajectory, simulate_glide_range
from kamae.kinematics.quasi_ballistic import quasi_ballistic_trajectory
from kamae.kinematics.range_equation import (
    BallisticSolution,
    ballistic_solution,
    minimum_energy_speed,
)
from kamae.kinematics.reentry import ExponentialAtmosphere
from kamae.kinematics.trajectory import (
    PHASE_BOOST,
    PHASE_CRUISE,
    PHASE_GLIDE,
    PHASE_MIDCOURSE,
    PHASE_NAMES,
    PHASE_NONE,
    PHASE_TERMINAL,
    Trajectory,
    concatenate,
)

__all__ = [
    "PHASE_BOOST",
    "PHASE_CRUISE",
    "PHASE_GLIDE",
    "PHASE_MIDCOURSE",
    "PHASE_NAMES",
    "PHASE_NONE",
    "PHASE_TERMINAL",
    "CEP_PER_SIGMA",
    "BallisticPlan",
    "BallisticSolution",
    "ExponentialAtmosphere",
    "InfeasibleThreat",
    "Trajectory",
    "ballistic_solution",
    "ballistic_trajectory",
    "cep_to_sigma",
    "check_ballistic",
    "check_cep",
    "check_cruise",
    "check_glide",
    "concatenate",
    "cruise_trajectory",
    "disperse_aim_points",
    "equilibrium_glide_range_m",
    "free_flight_velocity",
    "glide_trajectory",
    "minimum_energy_speed",
    "minimum_energy_trajectory",
    "plan_ballistic",
    "predicted_impact",
    "quasi_ballistic_trajectory",
    "render",
    "route_length_m",
    "simulate_glide_range",
]
