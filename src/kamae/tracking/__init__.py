"""Batched target tracking: Kalman filters, EKF, IMM, association, track life cycle, metrics.

Every batch of N targets is a set of arrays (no object per track). SI units; states are
[x, y, z, vx, vy, vz] in ECEF (or a sensor's ENU frame); radar measurements are (range,
azimuth, elevation) in the sensor's ENU frame. Imports only numpy, scipy and kamae.errors.
"""

from kamae.tracking.association import (
    Assignment,
    chi2_gate,
    gnn_assign,
    mahalanobis_squared,
)
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
    AxisKalmanFilter,
    AxisTracks,
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
from kamae.tracking.tracker import GnnTracker, ScanResult, TrackTable

__all__ = [
    "GM_EARTH",
    "OMEGA_EARTH",
    "Assignment",
    "AxisKalmanFilter",
    "AxisTracks",
    "BallisticCoast",
    "ConstantVelocity",
    "GaussianUpdate",
    "GnnTracker",
    "Gospa",
    "IMMState",
    "InteractingMultipleModel",
    "MOfN",
    "MotionModel",
    "ScanOutcome",
    "ScanResult",
    "Siap",
    "SiapCounts",
    "TrackBook",
    "TrackStatus",
    "TrackTable",
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
    "gaussian_update",
    "gnn_assign",
    "gospa",
    "kalman_update",
    "mahalanobis_squared",
    "ospa",
    "popcount",
    "position_matrix",
    "rae_from_enu",
    "rae_jacobian_enu",
    "rae_linearisation",
    "rae_prediction",
    "siap",
    "siap_scan",
    "two_point_differencing",
    "wrap_angle",
]
