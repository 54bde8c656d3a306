"""Ground and ship radars: coverage geometry, detection probability and measurement accuracy.

- Radar equation by reference (Skolnik, Introduction to Radar Systems, 3rd ed., 2001, eq. 1.14
  and section 2.1): SNR(R, σ) = SNR_ref·(σ/σ_ref)·(R_ref/R)⁴, where the catalog states the
  range R_ref at which a target of RCS σ_ref is detected with probability Pd_ref, so
  SNR_ref = `detection.required_snr(Pd_ref, Pfa, n, case)`. At fixed threshold this gives the
  detection range R_ref·(σ/σ_ref)^(1/4) (`detection_range`).
- Detection models: `fixed` (every look inside coverage detects with the catalog's Pd per look;
  coverage ends at the detection range above) or `swerling0`-`swerling4` (Pd per look from the
  SNR with the exact Swerling expressions of `kamae.sensors.detection`; coverage ends at the
  instrumented range or where Pd falls below `PD_FLOOR`).
- RCS per threat and flight phase: the threat's RCS times `PHASE_RCS_FACTOR` of the phase.
- Visibility: line of sight clear of the 4/3 effective Earth (see `kamae.geo`), elevation
  inside [min, max], azimuth inside the field of regard.
- Measurement: range, azimuth and elevation with independent Gaussian errors whose standard
  deviations are the catalog's values at the reference SNR, growing as 1/sqrt(SNR) below it
  and floored at the catalog's values above it: σ = σ_cat·max(1, sqrt(SNR_ref/SNR)) (the
  thermal term of Barton, Radar System Analysis and Modeling, 2005, ch. 11, with the
  catalog value as the instrument floor).

Not modeled here (stated in docs/sensors.md): clutter (its shape and its false alarms, beyond
a stated false-plot rate), multipath, ionospheric and tropospheric effects besides the 4/3
Earth, aspect-dependent RCS, eclipsing, straddle and scan losses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from kamae.arrays import BoolArray, FloatArray, f64
from kamae.geo import (
    ecef_to_enu,
    enu_rotation,
    enu_to_range_azimuth_elevation,
    geodetic_to_ecef,
    line_of_sight_clear,
)
from kamae.kinematics.trajectory import (
    PHASE_BOOST,
    PHASE_CRUISE,
    PHASE_GLIDE,
    PHASE_MIDCOURSE,
    PHASE_NONE,
    PHASE_TERMINAL,
)
from kamae.sensors.detection import detection_probability, required_snr, scaled_snr
from kamae.sensors.kernels import converted_measurements

DETECTION_MODELS = ("fixed", "swerling0", "swerling1", "swerling2", "swerling3", "swerling4")
"""Detection models a catalog may name (`detection:`)."""

PD_FLOOR = 0.01
"""Swerling models: looks at a target whose Pd per look is below this are neglected (the
target counts as outside coverage)."""

PHASE_RCS_FACTOR = {
    PHASE_NONE: 1.0,
    PHASE_BOOST: 10.0,
    PHASE_MIDCOURSE: 1.0,
    PHASE_TERMINAL: 1.0,
    PHASE_GLIDE: 1.0,
    PHASE_CRUISE: 1.0,
}
"""Multiplier of the threat's (warhead) RCS per flight phase. Notional: during boost the radar
sees the whole missile body (metres long) instead of the reentry vehicle, an order of magnitude
more RCS; other phases use the catalog value."""


def phase_rcs(rcs_m2: npt.ArrayLike, phase: npt.ArrayLike) -> FloatArray:
    """RCS (N, T) of N threats with base RCS (N,) over their phase codes (N, T)."""
    codes = np.asarray(phase, dtype=np.int64)
    table = np.ones(max(PHASE_RCS_FACTOR) + 1)
    for code, factor in PHASE_RCS_FACTOR.items():
        table[code] = factor
    return np.asarray(rcs_m2, dtype=float)[:, None] * table[np.clip(codes, 0, table.size - 1)]


def detection_range(
    reference_range_m: npt.ArrayLike, reference_rcs_m2: npt.ArrayLike, rcs_m2: npt.ArrayLike
) -> FloatArray:
    """Radar-equation detection range R_ref·(σ/σ_ref)^(1/4), m."""
    ref = np.asarray(reference_range_m, dtype=float)
    ratio = np.asarray(rcs_m2, dtype=float) / np.asarray(reference_rcs_m2, dtype=float)
    return ref * np.power(ratio, 0.25)


@dataclass(frozen=True)
class Radar:
    """One radar: site, field of regard, radar-equation range, look schedule and accuracy.

    In SI, with no defaults: a scenario's sensor and its catalog entry (which declares the
    defaults, in the analyst's units) become one `Radar` in `kamae.world.si.radar`."""

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
    """Standard deviation of the azimuth and elevation errors, rad (at the reference SNR for
    the Swerling models)."""
    detection: str
    """One of DETECTION_MODELS."""
    reference_pd: float
    """Swerling models: Pd at the reference range and RCS."""
    pfa: float
    """Swerling models: probability of false alarm per resolution cell (sets the threshold)."""
    noncoherent_pulses: int
    """Swerling models: pulses integrated non-coherently per look."""
    search_revisit_s: float | None
    """Time between search looks at an untracked, uncued target, s (None: revisit_s)."""
    track_dwell_s: float | None
    """Radar time per track look, s; None: no time budget."""
    min_search_fraction: float
    """Share of the radar's time kept for search when tracks load it."""
    false_alarms_per_scan: float
    """Mean number of false plots per search scan of the field of regard."""
    confirm_hits: int
    """M of the M-of-N confirmation of tracks started on this radar's plots."""
    confirm_looks: int
    """N of the M-of-N confirmation."""
    delete_after_misses: int
    """Consecutive missed looks that delete a confirmed track started on this radar's plots."""

    def __post_init__(self) -> None:
        if self.detection not in DETECTION_MODELS:
            raise ValueError(f"detection must be one of {', '.join(DETECTION_MODELS)}")
        positive = {
            "reference_range_m": self.reference_range_m,
            "reference_rcs_m2": self.reference_rcs_m2,
            "max_range_m": self.max_range_m,
            "revisit_s": self.revisit_s,
            "range_sigma_m": self.range_sigma_m,
            "angle_sigma": self.angle_sigma,
        }
        for name, value in positive.items():
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number (got {value!r})")
        if not 0.0 < self.azimuth_width <= 2.0 * np.pi + 1e-12:
            raise ValueError("azimuth_width must be in (0, 360] degrees")
        if not self.min_elevation < self.max_elevation:
            raise ValueError("min_elevation must be below max_elevation")
        if not 0.0 < self.pfa < self.reference_pd < 1.0:
            raise ValueError("need 0 < pfa < reference_pd < 1")

    @property
    def swerling(self) -> int | None:
        """The Swerling case, None for the fixed model."""
        return None if self.detection == "fixed" else int(self.detection[-1])

    @cached_property
    def reference_snr(self) -> float:
        """Per-pulse SNR (linear) at the reference range and RCS (Swerling models; NaN for
        the fixed model)."""
        if self.swerling is None:
            return float("nan")
        return float(
            required_snr(self.reference_pd, self.pfa, self.noncoherent_pulses, self.swerling)
        )

    @property
    def search_period_s(self) -> float:
        return self.revisit_s if self.search_revisit_s is None else self.search_revisit_s

    @cached_property
    def ecef(self) -> FloatArray:
        """Antenna position, ECEF (3,)."""
        return geodetic_to_ecef(self.lat, self.lon, self.height_m)

    @cached_property
    def enu_rotation(self) -> FloatArray:
        """Rows: local east, north, up in ECEF (3, 3)."""
        return enu_rotation(self.lat, self.lon)


@dataclass(frozen=True)
class SearchFence:
    """An unaided search fence (`kamae.sensors.search`): the SNR of a search look over that of
    a track look, and the fence's top elevation (rad)."""

    energy_factor: float
    top_elevation: float


@dataclass(frozen=True)
class RadarView:
    """What one radar can see of N targets over T samples (precomputed geometry)."""

    visible: BoolArray
    """(N, T) inside the horizon, field of regard and detection range."""
    range_m: FloatArray
    azimuth: FloatArray
    elevation: FloatArray
    pd: FloatArray
    """(N, T) probability of detection per look where visible (0 elsewhere)."""
    noise_scale: FloatArray
    """(N, T) measurement σ over the catalog's σ, max(1, sqrt(SNR_ref/SNR)) (1 when fixed)."""
    snr: FloatArray | None = None
    """(N, T) per-look SNR at track energy with interference, where visible (0 elsewhere; the
    fixed model's from its reference Pd as if Swerling 1); None when not kept."""
    search_pd: FloatArray | None = None
    """(N, T) Pd of an unaided search look of the fence (None: no fence, search looks as
    track looks)."""


def radar_view(
    radar: Radar,
    position: FloatArray,
    rcs_m2: npt.ArrayLike,
    interference: FloatArray | None = None,
    fence: SearchFence | None = None,
    keep_snr: bool = False,
) -> RadarView:
    """Geometry and detection of N targets' ECEF positions (N, T, 3) seen from one radar.

    NaN positions (targets not in flight) are never visible. rcs_m2 is per target (N,) or per
    target and sample (N, T) (e.g. `phase_rcs`). `interference` (N, T) is the jamming and
    clutter power over the noise in each look, (J + C)/N: the look's SNR is then
    SNR/(1 + (J + C)/N) (None: none). `fence` adds the Pd of unaided search looks;
    `keep_snr` keeps the per-look SNR (for discrimination).
    """
    enu = ecef_to_enu(position, radar.lat, radar.lon, radar.height_m)
    rng, az, el = enu_to_range_azimuth_elevation(enu)
    finite = np.isfinite(rng)
    rcs = np.asarray(rcs_m2, dtype=float)
    rcs = rcs[:, None] if rcs.ndim == 1 else rcs
    if radar.swerling is None:
        limit = np.minimum(
            detection_range(radar.reference_range_m, radar.reference_rcs_m2, rcs),
            radar.max_range_m,
        )
        if interference is not None:
            limit = np.minimum(
                detection_range(radar.reference_range_m, radar.reference_rcs_m2, rcs)
                * (1.0 + interference) ** -0.25,
                radar.max_range_m,
            )
    else:
        limit = np.full(rcs.shape, radar.max_range_m)
    with np.errstate(invalid="ignore"):
        in_range = rng <= limit
    in_elevation = (el >= radar.min_elevation) & (el <= radar.max_elevation)
    if radar.azimuth_width >= 2.0 * np.pi - 1e-12:
        in_azimuth = np.ones_like(finite)
    else:
        off = np.abs(np.mod(az - radar.boresight_azimuth + np.pi, 2.0 * np.pi) - np.pi)
        in_azimuth = off <= 0.5 * radar.azimuth_width
    candidate = finite & in_range & in_elevation & in_azimuth
    pd = np.zeros(rng.shape)
    scale = np.ones(rng.shape)
    snr_all = np.zeros(rng.shape) if (keep_snr or fence is not None) else None
    if radar.swerling is None:
        pd[candidate] = radar.pd_per_look
        if snr_all is not None and np.any(candidate):
            snr_all[candidate] = _look_snr(radar, rng, rcs, candidate, interference, nominal=True)
    elif np.any(candidate):
        snr = _look_snr(radar, rng, rcs, candidate, interference)
        pd[candidate] = detection_probability(
            snr, radar.pfa, radar.noncoherent_pulses, radar.swerling
        )
        scale[candidate] = np.sqrt(np.maximum(radar.reference_snr / snr, 1.0))
        if snr_all is not None:
            snr_all[candidate] = snr
        candidate &= pd >= PD_FLOOR
    clear = np.zeros_like(candidate)
    if np.any(candidate):
        clear[candidate] = line_of_sight_clear(radar.ecef, position[candidate])
    visible = candidate & clear
    pd[~visible] = 0.0
    search_pd = None
    if fence is not None:
        assert snr_all is not None
        search_pd = _search_pd(radar, fence, snr_all, pd, el, visible)
    if snr_all is not None:
        snr_all[~visible] = 0.0
    return RadarView(
        visible=visible,
        range_m=rng,
        azimuth=az,
        elevation=el,
        pd=pd,
        noise_scale=scale,
        snr=snr_all if keep_snr else None,
        search_pd=search_pd,
    )


def _look_snr(
    radar: Radar,
    rng: FloatArray,
    rcs: FloatArray,
    candidate: BoolArray,
    interference: FloatArray | None,
    nominal: bool = False,
) -> FloatArray:
    """Per-look SNR of the candidate samples with interference; `nominal`: the fixed model's,
    from its reference Pd and Pfa as for Swerling 1."""
    ref = (
        float(required_snr(radar.reference_pd, radar.pfa, radar.noncoherent_pulses, 1))
        if nominal
        else radar.reference_snr
    )
    sigma = np.broadcast_to(rcs, rng.shape)[candidate]
    snr = scaled_snr(rng[candidate], sigma, ref, radar.reference_range_m, radar.reference_rcs_m2)
    if interference is not None:
        snr = snr / (1.0 + interference[candidate])
    return np.asarray(snr, dtype=float)


def _search_pd(
    radar: Radar,
    fence: SearchFence,
    snr: FloatArray,
    pd: FloatArray,
    elevation: FloatArray,
    visible: BoolArray,
) -> FloatArray:
    """Pd of a search look: the fence's energy, inside the fence only."""
    with np.errstate(invalid="ignore"):
        inside = visible & (elevation <= fence.top_elevation)
    out = np.zeros(pd.shape)
    if not np.any(inside):
        return out
    s = snr[inside] * fence.energy_factor
    if radar.swerling is None:
        # The fixed model detects inside its range: scale the range by the energy's 4th root.
        ref = float(required_snr(radar.reference_pd, radar.pfa, radar.noncoherent_pulses, 1))
        out[inside] = np.where(s >= ref, radar.pd_per_look, 0.0)
    else:
        out[inside] = detection_probability(s, radar.pfa, radar.noncoherent_pulses, radar.swerling)
    return out


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
    r = range_m + range_sigma_m * noise[:, 0]
    a = azimuth + angle_sigma * noise[:, 1]
    e = elevation + angle_sigma * noise[:, 2]
    # ENU = r (cos e sin a, cos e cos a, sin e); the Jacobian's r·cos(e)·sin(a), r·cos(e)·
    # cos(a) and r·sin(e) terms are ENU's; C_ENU = J diag(σr², σa², σe²) J^T and C_ECEF =
    # R^T C_ENU R with R the site's ENU rotation, per detection in a compiled loop.
    return converted_measurements(
        f64(site_ecef), f64(enu_rotation), f64(r), np.sin(a), np.cos(a), np.sin(e), np.cos(e),
        f64(range_sigma_m), f64(angle_sigma),
    )  # fmt: skip
