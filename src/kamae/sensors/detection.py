"""Radar detection physics: radar equation, Swerling detection, measurement noise, false alarms
and a time budget. Pure functions over NumPy arrays, broadcast across targets and sensors.

- Radar range equation for the single-pulse SNR of a point target (Skolnik, Introduction to
  Radar Systems, 3rd ed., 2001, sections 1.2 and 2.2; Richards, Fundamentals of Radar Signal
  Processing, 2005, section 2.3):
  SNR = P_t·G_t·G_r·λ²·σ·τ·n_c / ((4π)³·R⁴·k·T_s·L) for pulse energy P_t·τ into a matched
  filter (the B = 1/τ form); n_c pulses integrated coherently. Equivalently
  SNR(R, σ) = SNR_ref·(σ/σ_ref)·(R_ref/R)⁴.
- Detection with a square-law detector after n non-coherently integrated pulses, threshold T
  from Pfa = Q(n, T) (regularised upper incomplete gamma). Exact probabilities for the
  Swerling 0 (Marcum: non-central χ²), 1, 2, 3 and 4 models (Swerling, IRE Trans. IT-6, 1960;
  Meyer & Mayer, Radar Target Detection, 1973; Richards 2005, section 6.3; derivations in the
  functions' docstrings). Approximations: North (1963) for Swerling 0 single pulse, Albersheim
  (1981) for the SNR a Swerling 0 target needs, and Shnidman (IEEE Trans. AES 38(1), 2002)
  for the SNR Swerling 0-4 targets need.
- Measurement noise from the SNR (Barton, Radar System Analysis and Modeling, 2005, ch. 11;
  Richards, Scheer & Holm, Principles of Modern Radar, 2010, ch. 18):
  σ_R = ΔR/sqrt(2·SNR) with ΔR = c/(2B) (c·τ/2 for the compressed pulse),
  σ_θ = θ_3dB/(k_m·sqrt(2·SNR)) with monopulse slope k_m ≈ 1.6, each combined
  root-sum-square with an instrument floor.
- False alarms: each resolution cell of the field of regard crosses the threshold with
  probability Pfa per scan; the count per scan is binomial and positions are uniform over
  cells, i.e. uniform in range and uniform over the field-of-regard solid angle.
- Time budget of a single-beam multifunction radar: tracks are served first, search takes the
  remaining time (Billetter, Multifunction Array Radar, 1989, ch. 3).

Neglected: clutter, multipath and propagation loss, eclipsing, beam-shape and straddle loss
(put them in L), scan loss of a phased array off broadside, CFAR loss, and the SNR spread of a
fluctuating target within the noise formulas (the mean SNR is used).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import erfc, gammainc, gammaincc, gammainccinv, gammaln, xlogy

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.geo import range_azimuth_elevation_to_enu

SPEED_OF_LIGHT = 299_792_458.0
"""m/s (exact, SI)."""
BOLTZMANN = 1.380649e-23
"""J/K (exact, SI 2019)."""
REFERENCE_TEMPERATURE_K = 290.0
"""T0 of the noise figure (IEEE Std 145)."""
MONOPULSE_SLOPE = 1.6
"""k_m, normalised monopulse error slope of a typical sum/difference antenna (Barton 2005)."""
SWERLING_CASES = (0, 1, 2, 3, 4)


# --------------------------------------------------------------------------------------------
# Input checks: each names the field so the scenario loader can point at it.


def _arr(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=float)


def check_positive(name: str, value: npt.ArrayLike) -> FloatArray:
    """The value as an array; ValueError naming `name` unless every element is finite and > 0."""
    v = _arr(value)
    if not np.all(np.isfinite(v) & (v > 0)):
        raise ValueError(f"{name} must be positive and finite (got {value!r})")
    return v


def check_probability(name: str, value: npt.ArrayLike) -> FloatArray:
    """The value as an array; ValueError naming `name` unless every element is in (0, 1)."""
    v = _arr(value)
    if not np.all((v > 0) & (v < 1)):
        raise ValueError(f"{name} must be in the open interval (0, 1) (got {value!r})")
    return v


def check_pulses(name: str, value: npt.ArrayLike) -> IntArray:
    """Whole numbers of pulses ≥ 1."""
    v = np.asarray(value)
    if not np.all(np.isfinite(v) & (v >= 1) & (np.mod(v, 1) == 0)):
        raise ValueError(f"{name} must be a whole number >= 1 (got {value!r})")
    return v.astype(np.int64)


def check_swerling(value: npt.ArrayLike) -> IntArray:
    v = np.asarray(value)
    if not np.all(np.isin(v, SWERLING_CASES)):
        raise ValueError(f"swerling must be one of 0, 1, 2, 3, 4 (got {value!r})")
    return v.astype(np.int64)


def db_to_linear(db: npt.ArrayLike) -> FloatArray:
    return np.power(10.0, _arr(db) / 10.0)


def linear_to_db(x: npt.ArrayLike) -> FloatArray:
    return 10.0 * np.log10(_arr(x))


# --------------------------------------------------------------------------------------------
# Radar range equation


def gain_from_aperture(
    area_m2: npt.ArrayLike, wavelength_m: npt.ArrayLike, efficiency: npt.ArrayLike = 1.0
) -> FloatArray:
    """Antenna gain G = 4π·η·A/λ² (Skolnik 2001, section 1.2), linear."""
    a = check_positive("aperture_m2", area_m2)
    lam = check_positive("wavelength_m", wavelength_m)
    eta = _arr(efficiency)
    if not np.all((eta > 0) & (eta <= 1)):
        raise ValueError(f"aperture_efficiency must be in (0, 1] (got {efficiency!r})")
    return 4.0 * np.pi * eta * a / lam**2


def noise_temperature(noise_figure_db: npt.ArrayLike) -> FloatArray:
    """System noise temperature T_s = T0·F, K (Skolnik 2001, section 2.3: antenna at T0)."""
    f = db_to_linear(noise_figure_db)
    if not np.all(np.isfinite(f) & (f >= 1.0)):
        raise ValueError(f"noise_figure_db must be >= 0 dB (got {noise_figure_db!r})")
    return REFERENCE_TEMPERATURE_K * f


@dataclass(frozen=True)
class RadarEquation:
    """Explicit radar-equation parameters, SI and linear; each field a scalar or an array
    (shape (S, 1) for S sensors against N targets' (N,) ranges).

    SNR = P_t·G_t·G_r·λ²·σ·n_c·τ / ((4π)³·R⁴·k·T_s·L)  (matched filter).
    """

    peak_power_w: npt.ArrayLike
    gain_tx: npt.ArrayLike
    """Transmit antenna gain, linear."""
    wavelength_m: npt.ArrayLike
    system_noise_temperature_k: npt.ArrayLike
    pulse_width_s: npt.ArrayLike
    """Transmitted pulse duration τ, s: energy P_t·τ per pulse into a matched filter, so pulse
    compression needs no separate gain; for an uncompressed pulse of bandwidth B, τ = 1/B."""
    gain_rx: npt.ArrayLike | None = None
    """Receive gain, linear; None: same as transmit (monostatic, one aperture)."""
    loss: npt.ArrayLike = 1.0
    """Total system loss L ≥ 1, linear."""
    coherent_pulses: npt.ArrayLike = 1
    """Pulses integrated coherently per dwell (SNR gain n_c)."""

    def __post_init__(self) -> None:
        check_positive("peak_power_w", self.peak_power_w)
        check_positive("gain_tx", self.gain_tx)
        if self.gain_rx is not None:
            check_positive("gain_rx", self.gain_rx)
        check_positive("wavelength_m", self.wavelength_m)
        check_positive("system_noise_temperature_k", self.system_noise_temperature_k)
        check_positive("pulse_width_s", self.pulse_width_s)
        if not np.all(_arr(self.loss) >= 1.0):
            raise ValueError(f"loss must be >= 1 (0 dB) (got {self.loss!r})")
        check_pulses("coherent_pulses", self.coherent_pulses)

    @classmethod
    def from_catalog(
        cls,
        *,
        peak_power_kw: npt.ArrayLike,
        gain_db: npt.ArrayLike,
        frequency_ghz: npt.ArrayLike,
        noise_figure_db: npt.ArrayLike,
        pulse_width_us: npt.ArrayLike | None = None,
        bandwidth_mhz: npt.ArrayLike | None = None,
        losses_db: npt.ArrayLike = 0.0,
        coherent_pulses: npt.ArrayLike = 1,
    ) -> RadarEquation:
        """From the analyst's units. The pulse energy uses pulse_width_us when given, else
        τ = 1/B from bandwidth_mhz (an uncompressed pulse)."""
        if pulse_width_us is None and bandwidth_mhz is None:
            raise ValueError("give pulse_width_us or bandwidth_mhz")
        if bandwidth_mhz is not None:
            tau = 1.0 / (check_positive("bandwidth_mhz", bandwidth_mhz) * 1e6)
        if pulse_width_us is not None:
            tau = check_positive("pulse_width_us", pulse_width_us) * 1e-6
        if not np.all(_arr(losses_db) >= 0):
            raise ValueError(f"losses_db must be >= 0 (got {losses_db!r})")
        return cls(
            peak_power_w=check_positive("peak_power_kw", peak_power_kw) * 1e3,
            gain_tx=db_to_linear(gain_db),
            wavelength_m=SPEED_OF_LIGHT / (check_positive("frequency_ghz", frequency_ghz) * 1e9),
            system_noise_temperature_k=noise_temperature(noise_figure_db),
            pulse_width_s=tau,
            loss=db_to_linear(losses_db),
            coherent_pulses=coherent_pulses,
        )

    @property
    def constant(self) -> FloatArray:
        """K of SNR = K·σ/R⁴, m⁻² (σ in m², R in m)."""
        g_rx = self.gain_tx if self.gain_rx is None else self.gain_rx
        num = (
            _arr(self.peak_power_w)
            * _arr(self.gain_tx)
            * _arr(g_rx)
            * _arr(self.wavelength_m) ** 2
            * _arr(self.pulse_width_s)
            * _arr(self.coherent_pulses)
        )
        den = (
            (4.0 * np.pi) ** 3 * BOLTZMANN * _arr(self.system_noise_temperature_k) * _arr(self.loss)
        )
        return num / den

    def snr(self, range_m: npt.ArrayLike, rcs_m2: npt.ArrayLike) -> FloatArray:
        """Per-dwell SNR (linear) of a target of RCS σ at range R."""
        return self.constant * _arr(rcs_m2) / _arr(range_m) ** 4

    def range_for_snr(self, snr: npt.ArrayLike, rcs_m2: npt.ArrayLike) -> FloatArray:
        """Range (m) at which a target of RCS σ gives the SNR: R = (K·σ/SNR)^(1/4)."""
        s = check_positive("snr", snr)
        return np.power(self.constant * _arr(rcs_m2) / s, 0.25)


def scaled_snr(
    range_m: npt.ArrayLike,
    rcs_m2: npt.ArrayLike,
    reference_snr: npt.ArrayLike,
    reference_range_m: npt.ArrayLike,
    reference_rcs_m2: npt.ArrayLike,
) -> FloatArray:
    """SNR(R, σ) = SNR_ref·(σ/σ_ref)·(R_ref/R)⁴: the radar equation by reference (linear)."""
    ratio = _arr(reference_range_m) / _arr(range_m)
    return _arr(reference_snr) * (_arr(rcs_m2) / _arr(reference_rcs_m2)) * ratio**4


# --------------------------------------------------------------------------------------------
# Probability of detection


def detection_threshold(pfa: npt.ArrayLike, n_pulses: npt.ArrayLike = 1) -> FloatArray:
    """Threshold T on the sum of n square-law samples (noise power 1): Pfa = Q(n, T)."""
    p = check_probability("pfa", pfa)
    n = check_pulses("n_pulses", n_pulses)
    return gammainccinv(n, p)


def _prepare(
    snr: npt.ArrayLike, pfa: npt.ArrayLike, n_pulses: npt.ArrayLike
) -> tuple[FloatArray, IntArray, FloatArray]:
    s = _arr(snr)
    if np.any(s < 0):
        raise ValueError("snr must be non-negative (NaN passes through as NaN)")
    n = check_pulses("n_pulses", n_pulses)
    t = detection_threshold(pfa, n)
    s, n, t = np.broadcast_arrays(np.maximum(s, 1e-12), n, t)
    return s, n, t


def pd_swerling0(snr: npt.ArrayLike, pfa: npt.ArrayLike, n_pulses: npt.ArrayLike = 1) -> FloatArray:
    """Non-fluctuating target, exact (Marcum): 2·z ~ χ'²(2n, 2n·SNR), Pd = P(2z > 2T).

    snr is the per-pulse SNR; n pulses integrated non-coherently (square law).
    """
    s, n, t = _prepare(snr, pfa, n_pulses)
    from scipy.stats import ncx2  # here: scipy.stats is most of a run's import time

    return np.asarray(ncx2.sf(2.0 * t, 2.0 * n, 2.0 * n * s), dtype=float)


def _swerling_scan_term(n: IntArray, t: FloatArray, m: FloatArray, extra: int) -> FloatArray:
    """e^{-T/m}·c^{-(n-1+extra)}·P(n-1+extra, c·T) with c = 1 - 1/m, computed in logs."""
    c = 1.0 - 1.0 / m
    a = n - 1 + extra
    x = c * t
    a1 = np.maximum(a, 1)
    p = gammainc(a1, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Where P(a, x) underflows (x << a): leading terms of its series,
        # x^a·e^(-x)/Γ(a+1)·(1 - x/(a+1))^(-1).
        tail = xlogy(a1, x) - x - gammaln(a1 + 1.0) - np.log1p(-np.minimum(x / (a1 + 1.0), 0.5))
        log_p = np.where(p > 1e-250, np.log(np.maximum(p, 1e-300)), tail)
    log_p = np.where(a > 0, log_p, 0.0)
    return np.exp(-t / m - xlogy(a, c) + log_p)


def pd_swerling1(snr: npt.ArrayLike, pfa: npt.ArrayLike, n_pulses: npt.ArrayLike = 1) -> FloatArray:
    """Swerling 1 (exponential RCS, constant over the dwell), exact.

    Single pulse: Pd = Pfa^(1/(1+SNR)). n pulses (Richards 2005, section 6.3; Meyer & Mayer
    1973): the signal lies in one direction of the n-dimensional sample, so the statistic is
    X + Y, X ~ Exp(mean 1+n·SNR), Y ~ Gamma(n-1, 1), giving
    Pd = Q(n-1, T) + (1 + 1/(n·SNR))^(n-1)·P(n-1, T/(1 + 1/(n·SNR)))·exp(-T/(1+n·SNR)).
    """
    s, n, t = _prepare(snr, pfa, n_pulses)
    m = 1.0 + n * s
    q = np.where(n > 1, gammaincc(np.maximum(n - 1, 1), t), 0.0)
    return np.clip(q + _swerling_scan_term(n, t, m, 0), 0.0, 1.0)


def pd_swerling2(snr: npt.ArrayLike, pfa: npt.ArrayLike, n_pulses: npt.ArrayLike = 1) -> FloatArray:
    """Swerling 2 (exponential RCS, independent pulse to pulse), exact: z ~ Gamma(n, 1+SNR),
    Pd = Q(n, T/(1+SNR))."""
    s, n, t = _prepare(snr, pfa, n_pulses)
    return gammaincc(n, t / (1.0 + s))


def pd_swerling3(snr: npt.ArrayLike, pfa: npt.ArrayLike, n_pulses: npt.ArrayLike = 1) -> FloatArray:
    """Swerling 3 (χ² RCS with 4 degrees of freedom, constant over the dwell), exact.

    The signal component's power |b|² has Laplace transform (1+s)/(1+β·s)², β = 1 + n·SNR/2:
    an Exp(β) with weight 1/β plus a Gamma(2, β) with weight 1 - 1/β; each is convolved with
    the Gamma(n-1, 1) noise of the other n-1 dimensions in closed form. For n = 1 this is
    Pd = (1 + T·(β-1)/β²)·exp(-T/β).
    """
    s, n, t = _prepare(snr, pfa, n_pulses)
    beta = 1.0 + 0.5 * n * s
    q = np.where(n > 1, gammaincc(np.maximum(n - 1, 1), t), 0.0)
    a_term = _swerling_scan_term(n, t, beta, 0)
    b_term = _swerling_scan_term(n, t, beta, 1)
    gamma2 = (1.0 + t / beta) * a_term - (n - 1) / beta * b_term
    return np.clip(q + a_term / beta + (1.0 - 1.0 / beta) * gamma2, 0.0, 1.0)


def pd_swerling4(snr: npt.ArrayLike, pfa: npt.ArrayLike, n_pulses: npt.ArrayLike = 1) -> FloatArray:
    """Swerling 4 (χ² RCS with 4 degrees of freedom, independent pulse to pulse), exact.

    Each pulse's power has Laplace transform (1+s)/(1+β·s)², β = 1 + SNR/2, i.e. Exp(β) with
    weight p = 1/β or Gamma(2, β); the sum of n is a binomial mixture of Gamma(2n-k, β):
    Pd = Σ_k C(n,k)·p^k·(1-p)^(n-k)·Q(2n-k, T/β).
    """
    from scipy.stats import binom  # here: scipy.stats is most of a run's import time

    s, n, t = _prepare(snr, pfa, n_pulses)
    beta = 1.0 + 0.5 * s
    k = np.arange(int(n.max()) + 1).reshape((-1,) + (1,) * n.ndim)
    weight = binom.pmf(k, n, 1.0 / beta)
    shape = np.maximum(2 * n - k, 1)
    return np.clip(np.sum(weight * gammaincc(shape, t / beta), axis=0), 0.0, 1.0)


_PD_BY_CASE = (pd_swerling0, pd_swerling1, pd_swerling2, pd_swerling3, pd_swerling4)


def detection_probability(
    snr: npt.ArrayLike,
    pfa: npt.ArrayLike,
    n_pulses: npt.ArrayLike = 1,
    swerling: npt.ArrayLike = 1,
) -> FloatArray:
    """Pd for the given Swerling case(s) 0-4, exact; all arguments broadcast together; a NaN
    SNR (e.g. a target not in flight) gives a NaN Pd."""
    cases = check_swerling(swerling)
    s, p, n, c = np.broadcast_arrays(_arr(snr), _arr(pfa), np.asarray(n_pulses), cases)
    if c.size and np.all(c == c.flat[0]):
        return np.asarray(_PD_BY_CASE[int(c.flat[0])](s, p, n), dtype=float)
    out = np.empty(s.shape)
    for case in np.unique(c):
        sel = c == case
        out[sel] = _PD_BY_CASE[int(case)](s[sel], p[sel], n[sel])
    return out


def pd_north(snr: npt.ArrayLike, pfa: npt.ArrayLike) -> FloatArray:
    """North's (1963) approximation for a non-fluctuating target, one pulse:
    Pd = ½·erfc(sqrt(-ln Pfa) - sqrt(SNR + ½)) (as used by Stone Soup's AESARadar)."""
    p = check_probability("pfa", pfa)
    s = _arr(snr)
    return 0.5 * erfc(np.sqrt(-np.log(p)) - np.sqrt(s + 0.5))


# --------------------------------------------------------------------------------------------
# Required SNR


def required_snr_albersheim(
    pd: npt.ArrayLike, pfa: npt.ArrayLike, n_pulses: npt.ArrayLike = 1
) -> FloatArray:
    """Albersheim's (1981) equation: per-pulse SNR (linear) for Pd, Pfa with n pulses.

    SNR_dB = -5·log10 n + (6.2 + 4.54/sqrt(n + 0.44))·log10(A + 0.12·A·B + 1.7·B),
    A = ln(0.62/Pfa), B = ln(Pd/(1-Pd)); non-fluctuating target, within 0.2 dB for
    1e-7 ≤ Pfa ≤ 1e-3, 0.1 ≤ Pd ≤ 0.9, 1 ≤ n ≤ 8096 (Richards, Scheer & Holm 2010, ch. 3).
    """
    p_d = check_probability("pd", pd)
    p_fa = check_probability("pfa", pfa)
    n = check_pulses("n_pulses", n_pulses)
    a = np.log(0.62 / p_fa)
    b = np.log(p_d / (1.0 - p_d))
    snr_db = -5.0 * np.log10(n) + (6.2 + 4.54 / np.sqrt(n + 0.44)) * np.log10(
        a + 0.12 * a * b + 1.7 * b
    )
    return db_to_linear(snr_db)


def required_snr_shnidman(
    pd: npt.ArrayLike,
    pfa: npt.ArrayLike,
    n_pulses: npt.ArrayLike = 1,
    swerling: npt.ArrayLike = 0,
) -> FloatArray:
    """Shnidman's (2002) equation: per-pulse SNR (linear) for Pd, Pfa, n and Swerling 0-4.

    K = ∞, 1, n, 2, 2n for cases 0-4; α = 0 (n < 40) or ¼;
    η = sqrt(-0.8·ln(4·Pfa(1-Pfa))) + sign(Pd-½)·sqrt(-0.8·ln(4·Pd(1-Pd)));
    X∞ = η·(η + 2·sqrt(n/2 + α - ¼)); C1 = (((17.7006·Pd - 18.4496)·Pd + 14.5339)·Pd
    - 3.525)/K; C2 = (exp(27.31·Pd - 25.14) + (Pd - 0.8)·(0.7·ln(1e-5/Pfa)
    + (2n - 20)/80))/K; C_dB = C1 (Pd ≤ 0.872) or C1 + C2; SNR = 10^(C_dB/10)·X∞/n.
    Stated accuracy 0.5 dB for 0.1 ≤ Pd ≤ 0.99, 1e-9 ≤ Pfa ≤ 1e-3, 1 ≤ n ≤ 100.
    """
    p_d = check_probability("pd", pd)
    if np.any((p_d < 0.1) | (p_d > 0.99)):
        raise ValueError(f"pd must be in [0.1, 0.99] for Shnidman's equation (got {pd!r})")
    p_fa = check_probability("pfa", pfa)
    n = check_pulses("n_pulses", n_pulses).astype(float)
    case = check_swerling(swerling)
    p_d, p_fa, n, case = np.broadcast_arrays(p_d, p_fa, n, case)
    inv_k = np.select([case == 1, case == 2, case == 3, case == 4], [1.0, 1.0 / n, 0.5, 0.5 / n], 0)
    alpha = np.where(n < 40, 0.0, 0.25)
    eta = np.sqrt(-0.8 * np.log(4.0 * p_fa * (1.0 - p_fa))) + np.sign(p_d - 0.5) * np.sqrt(
        -0.8 * np.log(4.0 * p_d * (1.0 - p_d))
    )
    x_inf = eta * (eta + 2.0 * np.sqrt(n / 2.0 + alpha - 0.25))
    c1 = (((17.7006 * p_d - 18.4496) * p_d + 14.5339) * p_d - 3.525) * inv_k
    c2 = (
        np.exp(27.31 * p_d - 25.14) + (p_d - 0.8) * (0.7 * np.log(1e-5 / p_fa) + (2 * n - 20) / 80)
    ) * inv_k
    c_db = np.where(p_d <= 0.872, c1, c1 + c2)
    return db_to_linear(c_db) * x_inf / n


def required_snr(
    pd: npt.ArrayLike,
    pfa: npt.ArrayLike,
    n_pulses: npt.ArrayLike = 1,
    swerling: npt.ArrayLike = 1,
    tolerance_db: float = 1e-6,
) -> FloatArray:
    """Per-pulse SNR (linear) at which the exact Pd equals `pd`: bisection in dB on
    `detection_probability`, which increases with SNR. Needs Pfa < Pd < 1."""
    p_d = check_probability("pd", pd)
    p_fa = check_probability("pfa", pfa)
    if np.any(p_d <= p_fa):
        raise ValueError("pd must exceed pfa")
    p_d, p_fa, n, case = np.broadcast_arrays(p_d, p_fa, np.asarray(n_pulses), np.asarray(swerling))
    lo = np.full(p_d.shape, -40.0)
    hi = np.full(p_d.shape, 80.0)
    while np.max(hi - lo) > tolerance_db:
        mid = 0.5 * (lo + hi)
        below = detection_probability(db_to_linear(mid), p_fa, n, case) < p_d
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return db_to_linear(0.5 * (lo + hi))


# --------------------------------------------------------------------------------------------
# Measurement noise


def range_resolution(bandwidth_hz: npt.ArrayLike) -> FloatArray:
    """ΔR = c/(2B), m: c·τ/2 for the compressed pulse τ = 1/B."""
    return 0.5 * SPEED_OF_LIGHT / check_positive("bandwidth_hz", bandwidth_hz)


def range_noise_sigma(
    snr: npt.ArrayLike, range_resolution_m: npt.ArrayLike, floor_m: npt.ArrayLike = 0.0
) -> FloatArray:
    """Range error σ (m): sqrt((ΔR/sqrt(2·SNR))² + floor²) (Barton 2005)."""
    s = np.maximum(_arr(snr), 1e-12)
    thermal = check_positive("range_resolution_m", range_resolution_m) / np.sqrt(2.0 * s)
    return np.hypot(thermal, _arr(floor_m))


def angle_noise_sigma(
    snr: npt.ArrayLike,
    beamwidth: npt.ArrayLike,
    floor: npt.ArrayLike = 0.0,
    monopulse_slope: float = MONOPULSE_SLOPE,
) -> FloatArray:
    """Angle error σ (rad): sqrt((θ_3dB/(k_m·sqrt(2·SNR)))² + floor²) (Barton 2005)."""
    s = np.maximum(_arr(snr), 1e-12)
    theta = check_positive("beamwidth", beamwidth)
    check_positive("monopulse_slope", monopulse_slope)
    return np.hypot(theta / (monopulse_slope * np.sqrt(2.0 * s)), _arr(floor))


# --------------------------------------------------------------------------------------------
# Field of regard and false alarms


def check_field_of_regard(
    azimuth_width: npt.ArrayLike, min_elevation: npt.ArrayLike, max_elevation: npt.ArrayLike
) -> None:
    """ValueError unless 0 < azimuth width ≤ 2π and -π/2 ≤ min elevation < max ≤ π/2 (rad)."""
    w, lo, hi = _arr(azimuth_width), _arr(min_elevation), _arr(max_elevation)
    if not np.all((w > 0) & (w <= 2.0 * np.pi + 1e-12)):
        raise ValueError(f"azimuth width must be in (0, 360] degrees (got {np.degrees(w)!r})")
    if not np.all((lo >= -0.5 * np.pi) & (hi <= 0.5 * np.pi) & (lo < hi)):
        raise ValueError("elevation limits must satisfy -90 <= min_elevation < max_elevation <= 90")


def in_field_of_regard(
    azimuth: npt.ArrayLike,
    elevation: npt.ArrayLike,
    boresight_azimuth: npt.ArrayLike,
    azimuth_width: npt.ArrayLike,
    min_elevation: npt.ArrayLike,
    max_elevation: npt.ArrayLike,
) -> BoolArray:
    """Inside the azimuth sector and elevation band (rad), broadcast across sensors, e.g.
    angles (S, N, T) against sensor parameters shaped (S, 1, 1)."""
    check_field_of_regard(azimuth_width, min_elevation, max_elevation)
    off = np.abs(np.mod(_arr(azimuth) - _arr(boresight_azimuth) + np.pi, 2.0 * np.pi) - np.pi)
    el = _arr(elevation)
    in_az = (off <= 0.5 * _arr(azimuth_width)) | (_arr(azimuth_width) >= 2.0 * np.pi - 1e-12)
    return in_az & (el >= _arr(min_elevation)) & (el <= _arr(max_elevation))


def resolution_cells(
    min_range_m: npt.ArrayLike,
    max_range_m: npt.ArrayLike,
    range_resolution_m: npt.ArrayLike,
    azimuth_width: npt.ArrayLike,
    min_elevation: npt.ArrayLike,
    max_elevation: npt.ArrayLike,
    beamwidth: npt.ArrayLike,
) -> FloatArray:
    """Resolution cells in a field of regard: (range extent/ΔR)·(Ω_FoR/θ²), with
    Ω_FoR = Δaz·(sin el_max - sin el_min) the sector's solid angle and θ² a beam's."""
    check_field_of_regard(azimuth_width, min_elevation, max_elevation)
    r0, r1 = _arr(min_range_m), _arr(max_range_m)
    if np.any(r0 < 0) or np.any(r1 <= r0):
        raise ValueError("range limits must satisfy 0 <= min_range_m < max_range_m")
    dr = check_positive("range_resolution_m", range_resolution_m)
    theta = check_positive("beamwidth", beamwidth)
    solid = _arr(azimuth_width) * (np.sin(_arr(max_elevation)) - np.sin(_arr(min_elevation)))
    return np.floor((r1 - r0) / dr) * np.maximum(np.floor(solid / theta**2), 1.0)


@dataclass(frozen=True)
class FalseAlarms:
    """False plots of one scan of S sensors, M in all: sensor index and position."""

    sensor: IntArray
    """(M,) index into the S sensors."""
    range_m: FloatArray
    azimuth: FloatArray
    elevation: FloatArray
    ecef: FloatArray
    """(M, 3)."""


def false_plot_positions(
    uniforms: FloatArray,
    min_range_m: npt.ArrayLike,
    max_range_m: npt.ArrayLike,
    boresight_azimuth: npt.ArrayLike,
    azimuth_width: npt.ArrayLike,
    min_elevation: npt.ArrayLike,
    max_elevation: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Range (m), azimuth and elevation (rad) of M false plots, uniform in range and in solid
    angle over each plot's field of regard (azimuth uniform, sin(elevation) uniform), from
    three uniforms per plot (M, 3); the limits broadcast against (M,)."""
    u = np.asarray(uniforms, dtype=float)
    r0 = np.asarray(min_range_m, dtype=float)
    rng_m = r0 + (np.asarray(max_range_m, dtype=float) - r0) * u[:, 0]
    az = np.mod(
        np.asarray(boresight_azimuth, dtype=float)
        + np.asarray(azimuth_width, dtype=float) * (u[:, 1] - 0.5),
        2.0 * np.pi,
    )
    s0, s1 = np.sin(min_elevation), np.sin(max_elevation)
    el = np.arcsin(s0 + (s1 - s0) * u[:, 2])
    return rng_m, az, el


def draw_false_alarms(
    rng: np.random.Generator,
    pfa: npt.ArrayLike,
    cells: npt.ArrayLike,
    site_ecef: FloatArray,
    enu_rotation: FloatArray,
    min_range_m: npt.ArrayLike,
    max_range_m: npt.ArrayLike,
    boresight_azimuth: npt.ArrayLike,
    azimuth_width: npt.ArrayLike,
    min_elevation: npt.ArrayLike,
    max_elevation: npt.ArrayLike,
) -> FalseAlarms:
    """One scan's false alarms for S sensors (parameters (S,), sites (S, 3), rotations
    (S, 3, 3) with rows east, north, up): counts Binomial(cells, Pfa), positions by
    `false_plot_positions`."""
    p = check_probability("pfa", pfa)
    n_cells = np.asarray(cells)
    counts = rng.binomial(n_cells.astype(np.int64), p)
    counts = np.atleast_1d(counts)
    sensor = np.repeat(np.arange(counts.size), counts)
    m = sensor.size

    def per(x: npt.ArrayLike) -> FloatArray:
        return np.broadcast_to(_arr(x), counts.shape)[sensor]

    rng_m, az, el = false_plot_positions(
        rng.random((m, 3)),
        per(min_range_m),
        per(max_range_m),
        per(boresight_azimuth),
        per(azimuth_width),
        per(min_elevation),
        per(max_elevation),
    )
    enu = range_azimuth_elevation_to_enu(rng_m, az, el)
    rot = np.asarray(enu_rotation, dtype=float)[sensor]
    ecef = np.einsum("mi,mij->mj", enu, rot) + np.asarray(site_ecef, dtype=float)[sensor]
    return FalseAlarms(sensor=sensor, range_m=rng_m, azimuth=az, elevation=el, ecef=ecef)


# --------------------------------------------------------------------------------------------
# Radar time budget


@dataclass(frozen=True)
class Schedule:
    """Outcome of the time budget, arrays broadcast over sensors."""

    track_revisit_s: FloatArray
    search_revisit_s: FloatArray
    track_occupancy: FloatArray
    """Fraction of time spent on track dwells."""
    overloaded: BoolArray
    """Tracks wanted more than their share: track revisit stretched."""


@dataclass(frozen=True)
class TimeBudget:
    """A single-beam multifunction radar's time budget (Billetter 1989, ch. 3), arrays
    broadcast over sensors: its inputs, checked once (`of`), and its schedule for a number of
    tracks (`schedule`).

    Track dwells come first: occupancy u = n·t_dwell/T_track. While u ≤ 1 - f_min, tracks keep
    their revisit and search gets the rest: T_search = max(T_search0, t_frame/(1 - u)). Beyond
    that tracks get 1 - f_min of the time, so T_track = n·t_dwell/(1 - f_min), and search runs
    at f_min: T_search = max(T_search0, t_frame/f_min).
    """

    track_dwell_s: FloatArray
    track_revisit_s: FloatArray
    search_frame_s: FloatArray
    search_revisit_s: FloatArray
    min_search_fraction: FloatArray

    @classmethod
    def of(
        cls,
        *,
        track_dwell_s: npt.ArrayLike,
        track_revisit_s: npt.ArrayLike,
        search_frame_s: npt.ArrayLike,
        search_revisit_s: npt.ArrayLike,
        min_search_fraction: npt.ArrayLike = 0.2,
    ) -> TimeBudget:
        """The budget of these radars; ValueError naming the field of a bad input."""
        dwell = check_positive("track_dwell_s", track_dwell_s)
        t_track = check_positive("track_revisit_s", track_revisit_s)
        frame = check_positive("search_frame_s", search_frame_s)
        t_search = check_positive("search_revisit_s", search_revisit_s)
        f_min = _arr(min_search_fraction)
        if not np.all((f_min > 0) & (f_min < 1)):
            raise ValueError(f"min_search_fraction must be in (0, 1) (got {min_search_fraction!r})")
        return cls(dwell, t_track, frame, t_search, f_min)

    def schedule(self, n_tracks: npt.ArrayLike) -> Schedule:
        """Revisits and occupancy with n_tracks tracks (broadcast over the sensors)."""
        n = _arr(n_tracks)
        if np.any(n < 0):
            raise ValueError(f"n_tracks must be >= 0 (got {n_tracks!r})")
        dwell, t_track = self.track_dwell_s, self.track_revisit_s
        wanted = n * dwell / t_track
        share = 1.0 - self.min_search_fraction
        overloaded = wanted > share
        track = np.where(overloaded, n * dwell / share, t_track)
        occupancy = np.minimum(wanted, share)
        search = np.maximum(self.search_revisit_s, self.search_frame_s / (1.0 - occupancy))
        return Schedule(
            track_revisit_s=np.asarray(track, dtype=float),
            search_revisit_s=np.asarray(search, dtype=float),
            track_occupancy=np.asarray(occupancy, dtype=float),
            overloaded=np.asarray(overloaded),
        )


def revisit_under_load(
    n_tracks: npt.ArrayLike,
    *,
    track_dwell_s: npt.ArrayLike,
    track_revisit_s: npt.ArrayLike,
    search_frame_s: npt.ArrayLike,
    search_revisit_s: npt.ArrayLike,
    min_search_fraction: npt.ArrayLike = 0.2,
) -> Schedule:
    """The `TimeBudget` schedule of n_tracks tracks."""
    budget = TimeBudget.of(
        track_dwell_s=track_dwell_s,
        track_revisit_s=track_revisit_s,
        search_frame_s=search_frame_s,
        search_revisit_s=search_revisit_s,
        min_search_fraction=min_search_fraction,
    )
    return budget.schedule(n_tracks)
