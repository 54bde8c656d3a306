"""Batched target tracking: Kalman filters, EKF, IMM, association, track life cycle, metrics.

Every batch of N targets is a set of arrays (no object per track). SI units; states are
[x, y, z, vx, vy, vz] in ECEF (or a sensor's ENU frame); radar measurements are (range,
azimuth, elevation) in the sensor's ENU frame. Imports only numpy, scipy and kamae.errors /
kamae.arrays. The engine runs `SystemTracker` (association, initiation, M-of-N, divergence
deletion) over `converted.BallisticTrackBank` filters; the EKF and IMM are library-only until
the engine path lands (docs/tracking.md).
"""

from kamae.tracking.association import (
    Assignment,
    chi2_gate,
    gnn_assign,
    mahalanobis_pairs,
    mahalanobis_squared,
)
from kamae.tracking.base import TrackBank, position_sigma, velocity_sigma
from kamae.tracking.converted import BallisticTrackBank
from kamae.tracking.ekf import (
    ekf_rae_update,
    enu_from_rae,
    enu_rotation,
    rae_from_enu,
    rae_jacobian_enu,
    rae_linearisation,
    rae_prediction,
    wrap_angle,
)
from kamae.tracking.fusion import fuse_measurements, symmetric_inverse
from kamae.tracking.imm import IMMState, InteractingMultipleModel, MotionModel
from kamae.tracking.initiation import (
    MOfN,
    ScanOutcome,
    TrackBook,
    TrackStatus,
    popcount,
    two_point_differencing,
)
from kamae.tracking.kalman import (
    GaussianUpdate,
    covariance_diverged,
    gaussian_update,
    kalman_update,
    position_matrix,
)
from kamae.tracking.metrics import (
    Gospa,
    Siap,
    SiapCounts,
    assign_tracks_to_truths,
    gospa,
    ospa,
    siap,
    siap_scan,
)
from kamae.tracking.motion import (
    GM_EARTH,
    OMEGA_EARTH,
    BallisticCoast,
    ConstantVelocity,
    ballistic_acceleration_ecef,
    ballistic_input,
    central_gravity,
    cv_matrices,
    cv_predict,
    dcwna_noise,
)
from kamae.tracking.tracker import GATE_PROBABILITY, FalseTracks, Plots, SystemTracker

__all__ = [
    "GATE_PROBABILITY",
    "GM_EARTH",
    "OMEGA_EARTH",
    "Assignment",
    "BallisticCoast",
    "BallisticTrackBank",
    "ConstantVelocity",
    "FalseTracks",
    "GaussianUpdate",
    "Gospa",
    "IMMState",
    "InteractingMultipleModel",
    "MOfN",
    "MotionModel",
    "Plots",
    "ScanOutcome",
    "Siap",
    "SiapCounts",
    "SystemTracker",
    "TrackBank",
    "TrackBook",
    "TrackStatus",
    "assign_tracks_to_truths",
    "ballistic_acceleration_ecef",
    "ballistic_input",
    "central_gravity",
    "chi2_gate",
    "covariance_diverged",
    "cv_matrices",
    "cv_predict",
    "dcwna_noise",
    "ekf_rae_update",
    "enu_from_rae",
    "enu_rotation",
    "fuse_measurements",
    "gaussian_update",
    "gnn_assign",
    "gospa",
    "kalman_update",
    "mahalanobis_pairs",
    "mahalanobis_squared",
    "ospa",
    "popcount",
    "position_matrix",
    "position_sigma",
    "rae_from_enu",
    "rae_jacobian_enu",
    "rae_linearisation",
    "rae_prediction",
    "siap",
    "siap_scan",
    "symmetric_inverse",
    "two_point_differencing",
    "velocity_sigma",
    "wrap_angle",
]
