"""Ground and ship radars: geometry-limited detection with the radar range equation.

- Detection range for a target of radar cross-section σ from a reference range R_ref at a
  reference σ_ref: at fixed signal-to-noise threshold the radar range equation
  SNR ∝ P·A·σ / R⁴ gives R_det = R_ref·(σ/σ_ref)^(1/4) (Skolnik, Introduction to Radar
  Systems, 3rd ed., 2001, eq. 1.14 and section 2.1).
- Visibility: line of sight clear of the 4/3 effective Earth (see `kamae.geo`), elevation
  inside [min, max], azimuth inside the field of regard, range inside min(R_det, instrumented
  range).
- Each look at a visible target detects it with a fixed probability Pd per look; the
  measurement is range, azimuth and elevation with independent Gaussian errors of constant
  standard deviation.

Not modeled here (stated in docs/models.md): SNR-dependent Pd (Swerling fluctuation), noise
growing with range, clutter, multipath, ionospheric effects, false alarms, radar resource
limits and aspect-dependent RCS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from kamae.geo import (
    ecef_to_enu,
    enu_rotation,
    enu_to_range_azimuth_elevation,
    geodetic_to_ecef,
    line_of_sight_clear,
    range_azimuth_elevation_to_enu,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def detection_range(
    reference_range_m: npt.ArrayLike, reference_rcs_m2: npt.ArrayLike, rcs_m2: npt.ArrayLike
) -> FloatArray:
    """Radar-equation detection range R_ref·(σ/σ_ref)^(1/4), m."""
    ref = np.asarray(reference_range_m, dtype=float)
    ratio = np.asarray(rcs_m2, dtype=float) / np.asarray(reference_rcs_m2, dtype=float)
    return ref * np.power(ratio, 0.25)


@dataclass(frozen=True)
class Radar:
    """One radar: site, field of regard, radar-equation range, look schedule and accuracy."""

    lat: float
    """Geodetic latitude, rad."""
    lon: float
    """Longitude, rad."""
    height_m: float
    """Antenna height above the ellipsoid, m."""
    reference_range_m: float
    """Detection range at the reference RCS, m."""
    reference_rcs_m2: float
    """Reference radar cross-section, m²."""
    max_range_m: float
    """Instrumented range, m."""
    boresight_azimuth: float
    """Centre of the azimuth field of regard, rad clockwise from north."""
    azimuth_width: float
    """Full width of the azimuth field of regard, rad (2π for all round)."""
    min_elevation: float
    """Elevation mask, rad."""
    max_elevation: float
    """Upper elevation limit, rad."""
    revisit_s: float
    """Time between two looks at the same target, s."""
    pd_per_look: float
    """Probability of detecting a visible target on one look."""
    range_sigma_m: float
    """Standard deviation of the range error, m."""
    angle_sigma: float
    """Standard deviation of the azimuth and elevation errors, rad."""

    @cached_property
    def ecef(self) -> FloatArray:
        """Antenna position, ECEF (3,)."""
        return geodetic_to_ecef(self.lat, self.lon, self.height_m)

    @cached_property
    def enu_rotation(self) -> FloatArray:
        """Rows: local east, north, up in ECEF (3, 3)."""
        return enu_rotation(self.lat, self.lon)


@dataclass(frozen=True)
class RadarView:
    """What one radar can see of N targets over T samples (precomputed geometry)."""

    visible: BoolArray
    """(N, T) inside the horizon, field of regard and detection range."""
    range_m: FloatArray
    azimuth: FloatArray
    elevation: FloatArray


def radar_view(radar: Radar, position: FloatArray, rcs_m2: npt.ArrayLike) -> RadarView:
    """Geometry of N targets' ECEF positions (N, T, 3) seen from one radar.

    NaN positions (targets not in flight) are never visible. rcs_m2 is per target (N,).
    """
    enu = ecef_to_enu(position, radar.lat, radar.lon, radar.height_m)
    rng, az, el = enu_to_range_azimuth_elevation(enu)
    finite = np.isfinite(rng)
    max_det = np.minimum(
        detection_range(radar.reference_range_m, radar.reference_rcs_m2, rcs_m2),
        radar.max_range_m,
    )
    in_range = rng <= np.asarray(max_det)[:, None]
    in_elevation = (el >= radar.min_elevation) & (el <= radar.max_elevation)
    if radar.azimuth_width >= 2.0 * np.pi - 1e-12:
        in_azimuth = np.ones_like(finite)
    else:
        off = np.abs(np.mod(az - radar.boresight_azimuth + np.pi, 2.0 * np.pi) - np.pi)
        in_azimuth = off <= 0.5 * radar.azimuth_width
    candidate = finite & in_range & in_elevation & in_azimuth
    clear = np.zeros_like(candidate)
    if np.any(candidate):
        clear[candidate] = line_of_sight_clear(radar.ecef, position[candidate])
    return RadarView(visible=candidate & clear, range_m=rng, azimuth=az, elevation=el)


def measure(
    site_ecef: FloatArray,
    enu_rotation: FloatArray,
    range_sigma_m: FloatArray,
    angle_sigma: FloatArray,
    range_m: FloatArray,
    azimuth: FloatArray,
    elevation: FloatArray,
    noise: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Noisy position measurements (M, 3) in ECEF and their converted covariances (M, 3, 3).

    One row per detection, each with its radar's site (M, 3), ENU rotation (M, 3, 3) and
    error standard deviations (M,); `noise` holds standard normal draws (M, 3) for range,
    azimuth and elevation. Range, azimuth and elevation errors are independent Gaussians; the
    measurement is converted to Cartesian coordinates and its covariance linearised through
    the Jacobian of the spherical-to-Cartesian map (the standard converted-measurement
    approximation, Bar-Shalom, Li & Kirubarajan, Estimation with Applications to Tracking and
    Navigation, 2001, section 10.4; its bias at large cross-range errors is neglected).
    """
    m = range_m.shape[0]
    r = range_m + range_sigma_m * noise[:, 0]
    a = azimuth + angle_sigma * noise[:, 1]
    e = elevation + angle_sigma * noise[:, 2]
    enu = range_azimuth_elevation_to_enu(r, a, e)
    ecef = np.einsum("mi,mij->mj", enu, enu_rotation) + site_ecef
    sa, ca, se, ce = np.sin(a), np.cos(a), np.sin(e), np.cos(e)
    jac = np.empty((m, 3, 3))
    jac[:, 0, 0], jac[:, 1, 0], jac[:, 2, 0] = ce * sa, ce * ca, se
    jac[:, 0, 1], jac[:, 1, 1], jac[:, 2, 1] = r * ce * ca, -r * ce * sa, 0.0
    jac[:, 0, 2], jac[:, 1, 2], jac[:, 2, 2] = -r * se * sa, -r * se * ca, r * ce
    var = np.stack([range_sigma_m**2, angle_sigma**2, angle_sigma**2], axis=-1)
    cov_enu = (jac * var[:, None, :]) @ jac.transpose(0, 2, 1)
    rot_t = enu_rotation.transpose(0, 2, 1)
    cov_ecef = rot_t @ cov_enu @ enu_rotation
    return ecef, cov_ecef
