"""What a space tracking layer sees in the infrared: a radiometric model of its targets.

An object's radiant intensity in the sensor's band [λ1, λ2] (W/sr) is the sum of
- its motor plume while it burns (a stated in-band intensity);
- its nose and leading edges heated by the flow inside the atmosphere: stagnation-point
  convective heating q = k·sqrt(ρ/R_n)·V³ with k = 1.7415e-4 kg^½/m (Sutton & Graves, "A
  General Stagnation-Point Convective-Heating Equation for Arbitrary Gas Mixtures", NASA TR
  R-376, 1971), balanced by re-radiation at the radiative-equilibrium wall temperature
  T_w = (q/(ε·σ_SB))^¼, over a stated heated area A_h;
- its body at a stated temperature (outside the atmosphere, or where it is warmer than T_w),
  over a stated projected area;
each surface a grey Lambertian emitter, I = ε·L_band(T)·A with L_band the Planck radiance
integrated over the band (Planck's law, integrated by 64-point Gauss-Legendre quadrature).
Density from `kinematics.reentry.ExponentialAtmosphere` (the engine's one atmosphere), speed
relative to the air taken as the ECEF speed.

The irradiance at a satellite at range R is E = I/R² (no atmospheric absorption above the
layer's limb height, which bounds the lines of sight); a look detects with the Gaussian-noise
threshold model of infrared search, SNR = E/NEI, Pd = Φ(SNR - Φ⁻¹(1 - Pfa)) (Hudson,
Infrared System Engineering, Wiley 1969, ch. 9), at the range of the `min_satellites`-th
nearest satellite in view (all of them must see it for a fix). Neglected: the Earth's and
the atmosphere's background clutter beyond the NEI, the sensor's point-spread and pixel
losses, the plume's shape and afterburning, ablation products, and radiative heating.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from kamae.arrays import BoolArray, FloatArray
from kamae.kinematics.reentry import ExponentialAtmosphere
from kamae.sensors.space_ir import shell_clear

PLANCK = 6.62607015e-34
"""J·s."""
LIGHT_SPEED = 299_792_458.0
BOLTZMANN = 1.380649e-23
STEFAN_BOLTZMANN = 5.670374419e-8
"""W/(m²·K⁴)."""
SUTTON_GRAVES_EARTH = 1.7415e-4
"""k of the Sutton-Graves stagnation-point heating for air, kg^½/m (NASA TR R-376, 1971)."""
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)


@dataclass(frozen=True)
class InfraredBand:
    """A sensor's band and sensitivity in SI (`kamae.world.si.infrared_band`)."""

    low_m: float
    high_m: float
    nei_w_m2: float
    """Noise-equivalent irradiance per look, W/m²."""
    pfa: float


@dataclass(frozen=True)
class Signatures:
    """N objects' infrared signatures in SI, row-aligned (`kamae.world.si`)."""

    plume_w_sr: FloatArray
    nose_radius_m: FloatArray
    heated_area_m2: FloatArray
    body_area_m2: FloatArray
    body_temperature_k: FloatArray
    emissivity: FloatArray


def planck_band_radiance(temperature_k: npt.ArrayLike, low_m: float, high_m: float) -> FloatArray:
    """Blackbody radiance in [low, high] (W/(m²·sr)) at temperatures T (any shape)."""
    t = np.asarray(temperature_k, dtype=float)[..., None]
    lam = 0.5 * (high_m - low_m) * _NODES + 0.5 * (high_m + low_m)
    x = PLANCK * LIGHT_SPEED / (lam * BOLTZMANN * np.maximum(t, 1e-6))
    spectral = 2.0 * PLANCK * LIGHT_SPEED**2 / lam**5 / np.expm1(np.minimum(x, 700.0))
    return np.asarray(0.5 * (high_m - low_m) * (spectral @ _WEIGHTS), dtype=float)


def stagnation_heat_flux(
    density_kg_m3: npt.ArrayLike, speed_mps: npt.ArrayLike, nose_radius_m: npt.ArrayLike
) -> FloatArray:
    """Sutton-Graves convective heat flux at the stagnation point, W/m²."""
    rho = np.asarray(density_kg_m3, dtype=float)
    v = np.asarray(speed_mps, dtype=float)
    return np.asarray(
        SUTTON_GRAVES_EARTH * np.sqrt(rho / np.asarray(nose_radius_m, dtype=float)) * v**3,
        dtype=float,
    )


def equilibrium_temperature(heat_flux_w_m2: npt.ArrayLike, emissivity: npt.ArrayLike) -> FloatArray:
    """Radiative-equilibrium wall temperature (q/(ε·σ_SB))^¼, K."""
    q = np.maximum(np.asarray(heat_flux_w_m2, dtype=float), 0.0)
    return np.asarray((q / (np.asarray(emissivity) * STEFAN_BOLTZMANN)) ** 0.25, dtype=float)


def radiant_intensity(
    sig: Signatures,
    band: InfraredBand,
    altitude_m: FloatArray,
    speed_mps: FloatArray,
    burning: BoolArray,
    atmosphere: ExponentialAtmosphere | None = None,
) -> FloatArray:
    """In-band radiant intensity (N, T) of N objects, W/sr (0 where not in flight)."""
    atm = atmosphere or ExponentialAtmosphere()
    rho = atm.density(np.nan_to_num(altitude_m, nan=1e9))
    q = stagnation_heat_flux(rho, np.nan_to_num(speed_mps), sig.nose_radius_m[:, None])
    t_wall = equilibrium_temperature(q, sig.emissivity[:, None])
    t_body = np.broadcast_to(sig.body_temperature_k[:, None], t_wall.shape)
    hot = planck_band_radiance(np.maximum(t_wall, t_body), band.low_m, band.high_m)
    body = planck_band_radiance(t_body, band.low_m, band.high_m)
    eps = sig.emissivity[:, None]
    intensity = eps * (hot * sig.heated_area_m2[:, None] + body * sig.body_area_m2[:, None])
    intensity = intensity + np.where(burning, sig.plume_w_sr[:, None], 0.0)
    return np.where(np.isfinite(altitude_m), intensity, 0.0)


def detection_probability(irradiance_w_m2: npt.ArrayLike, band: InfraredBand) -> FloatArray:
    """Pd = Φ(E/NEI - Φ⁻¹(1 - Pfa)) of one look."""
    snr = np.asarray(irradiance_w_m2, dtype=float) / band.nei_w_m2
    return np.asarray(special.ndtr(snr - special.ndtri(1.0 - band.pfa)), dtype=float)


def kth_view_range(
    sat_ecef: FloatArray,
    position: FloatArray,
    candidate: BoolArray,
    shell_altitude_m: float,
    max_range_m: float,
    k: int,
) -> FloatArray:
    """(N, T) range of the k-th nearest satellite (K, T, 3) with a clear view of each candidate
    sample (inf where fewer than k see it)."""
    out = np.full(candidate.shape, np.inf)
    n_idx, t_idx = np.nonzero(candidate)
    if n_idx.size == 0:
        return out
    tgt = position[n_idx, t_idx]
    nearest = np.full((n_idx.size, k), np.inf)
    for s in range(sat_ecef.shape[0]):
        sat = sat_ecef[s, t_idx]
        rng = np.linalg.norm(tgt - sat, axis=-1)
        ok = shell_clear(sat, tgt, shell_altitude_m) & (rng <= max_range_m)
        rng = np.where(ok, rng, np.inf)
        nearest = np.sort(np.concatenate([nearest, rng[:, None]], axis=1), axis=1)[:, :k]
    out[n_idx, t_idx] = nearest[:, k - 1]
    return out
