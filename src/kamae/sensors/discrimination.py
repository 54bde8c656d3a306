"""Discrimination of warheads from decoys and debris by a wideband radar's looks.

Each look measures a feature (the object's apparent length from its high-resolution range
profile); a warhead and a decoy differ in it by a stated length mismatch Δ. The length is the
distance between the object's two end scatterers, each placed to within the range accuracy
of a resolved scatterer, ΔR/sqrt(2·SNR) (Skolnik, Introduction to Radar Systems, 3rd ed.,
2001, ch. 6, ΔR = c/2B the range resolution of bandwidth B), and to within its range cell
(a uniform error of variance ΔR²/12), so the length error is σ = ΔR·sqrt(1/SNR + 1/6) and one
look separates the two classes by the detectability index d = Δ/σ: better with the radar's
band (the bandwidth a wideband waveform can span grows with the carrier), with dwell (SNR)
and closer in, and limited by resolution at high SNR.

Looks are combined as independent Gaussian evidence (signal detection theory: Green & Swets,
Signal Detection Theory and Psychophysics, 1966; the binormal ROC): a look gives
x = ±d/2 + ε (ε standard normal; + for a warhead), the log-likelihood ratio of all looks since
the objects separated is proportional to Σ dᵢxᵢ, and its normalised statistic
S = Σ dᵢxᵢ / D, D = sqrt(Σ dᵢ²), is N(±D/2, 1). A radar's looks at one object closer
together than the object's feature decorrelation time (its tumbling or precession period)
repeat the same aspect's evidence and are counted once; different radars see the object from
independent aspects. An object is declared a warhead when S ≥ z,
z = Φ⁻¹(1 - floor) < 0 set by the doctrine's warhead-declaration floor, so that

    P(warhead declared warhead) = Φ(D/2 - z) ≥ floor,
    P(decoy declared warhead)   = Φ(-D/2 - z),

both improving as D grows with every look since separation (time since separation). These
are Wilkening's P_ww and P_dw, and W·P_ww + D·P_dw the objects a defense engages (Wilkening,
Science & Global Security 8(2), 2000; `kamae.analytic.wilkening.objects_engaged`).
Neglected: features other than length (RCS fluctuation, micromotion, thermal), correlation
of looks further apart than the decorrelation time, decoys that vary their apparent length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.sensors.rf import LIGHT_SPEED


def look_detectability(
    snr: npt.ArrayLike, bandwidth_hz: npt.ArrayLike, length_mismatch_m: npt.ArrayLike
) -> FloatArray:
    """d = Δ / (ΔR·sqrt(1/SNR + 1/6)), ΔR = c/2B, of one look (0 where the SNR is not a
    positive number)."""
    s = np.nan_to_num(np.asarray(snr, dtype=float), nan=0.0, posinf=np.inf)
    resolution = LIGHT_SPEED / (2.0 * np.asarray(bandwidth_hz, dtype=float))
    with np.errstate(divide="ignore"):
        sigma = resolution * np.sqrt(1.0 / np.maximum(s, 0.0) + 1.0 / 6.0)
    return np.asarray(np.asarray(length_mismatch_m, dtype=float) / sigma, dtype=float)


def declaration_threshold(warhead_declaration_floor: float) -> float:
    """z = Φ⁻¹(1 - floor): declare a warhead when S ≥ z (negative for a floor above 1/2)."""
    return float(special.ndtri(1.0 - warhead_declaration_floor))


def p_declared_warhead(
    total_detectability: npt.ArrayLike, warhead: npt.ArrayLike, threshold: float
) -> FloatArray:
    """P(S ≥ z): Φ(D/2 - z) for a warhead, Φ(-D/2 - z) for a decoy or debris."""
    d = np.asarray(total_detectability, dtype=float)
    sign = np.where(np.asarray(warhead, dtype=bool), 1.0, -1.0)
    return np.asarray(special.ndtr(sign * d / 2.0 - threshold), dtype=float)


@dataclass
class Evidence:
    """Accumulated discrimination evidence per slot (replication × object), Σ d·x and Σ d²,
    and the time of the last counted look of each slot by each source (a radar)."""

    weighted: FloatArray
    information: FloatArray
    counted_at: FloatArray
    """(slots, sources) s."""

    @classmethod
    def empty(cls, slots: int, sources: int = 1) -> Evidence:
        return cls(np.zeros(slots), np.zeros(slots), np.full((slots, sources), -np.inf))

    def add(
        self,
        slot: IntArray,
        source: IntArray,
        d: FloatArray,
        warhead: BoolArray,
        normal: FloatArray,
        t: float,
        decorrelation_s: FloatArray,
    ) -> None:
        """Looks at time t, one per row (at most one per slot and source): feature
        x = ±d/2 + ε (ε standard normal), counted where the source's last counted look at the
        slot is at least the decorrelation time old (its looks in between repeat the same
        aspect's evidence; different sources see independent aspects)."""
        new = (t - self.counted_at[slot, source] >= decorrelation_s - 1e-9) & (d > 0.0)
        slot, source, d = slot[new], source[new], d[new]
        x = np.where(warhead[new], 0.5, -0.5) * d + normal[new]
        np.add.at(self.weighted, slot, d * x)
        np.add.at(self.information, slot, d * d)
        self.counted_at[slot, source] = t

    def statistic(self, slot: IntArray) -> FloatArray:
        """S = Σ d·x / sqrt(Σ d²) (0 without information)."""
        info = self.information[slot]
        with np.errstate(invalid="ignore", divide="ignore"):
            s = self.weighted[slot] / np.sqrt(info)
        return np.where(info > 0.0, s, 0.0)

    def declared_warhead(self, slot: IntArray, threshold: float) -> BoolArray:
        """S ≥ z at the slots."""
        return np.asarray(self.statistic(slot) >= threshold, dtype=bool)
