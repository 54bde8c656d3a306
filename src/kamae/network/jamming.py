"""Noise jamming of radars: how a jammer in a sector of azimuth degrades detection.

A stand-off noise jammer raises the noise the radar sees from N to N + J. From the radar
equation, SNR ∝ 1/R⁴ (Skolnik, Introduction to Radar Systems, 3rd ed. 2001, eq. 2.1 and
section 14.3 on jamming), so at the same detection threshold the detection range shrinks by
(N/(N+J))^(1/4) = (1 + J/N)^(-1/4); and measurement errors, which scale as 1/sqrt(SNR) (e.g.
monopulse angle error σ = θ₃/(k·sqrt(2·SNR)), Skolnik section 9.3), grow by sqrt(1 + J/N).
Scenario events may give J/N or the factors directly, plus a probability-of-detection factor.
Neglected: burn-through (J/N is taken as constant, not falling with target range), the
jammer's own geometry (only the bearing sector from the radar is modelled), side-lobe
cancellation and frequency agility.
"""

from __future__ import annotations

import numpy as np

from kamae.network.events import NetworkEvent
from kamae.network.topology import FloatArray, IntArray

TWO_PI = 2.0 * np.pi


def jamming_factors(jamming_to_noise_db: float) -> tuple[float, float]:
    """(range_factor, noise_factor) of a jamming-to-noise ratio J/N in dB."""
    jn = 10.0 ** (jamming_to_noise_db / 10.0)
    return float((1.0 + jn) ** -0.25), float(np.sqrt(1.0 + jn))


def in_sector(azimuth: FloatArray, start: FloatArray, end: FloatArray) -> np.ndarray:
    """Azimuth (radians clockwise from north) inside the clockwise sector [start, end)."""
    width = np.where(end > start, end - start, end - start + TWO_PI)
    offset = np.mod(azimuth - start, TWO_PI)
    return (offset < width) | (width >= TWO_PI - 1e-12)


def radar_degradation(
    jams: tuple[NetworkEvent, ...], t: float, sensor: IntArray, azimuth: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(noise_factor, pd_factor, range_factor), each (K,), for K looks of radar ``sensor``
    (scenario sensor indices) at targets at ``azimuth`` (radians from north) at time t.
    Overlapping jammers multiply their factors."""
    sensor = np.asarray(sensor, dtype=np.int64)
    azimuth = np.asarray(azimuth, dtype=float)
    noise = np.ones(sensor.shape)
    pd = np.ones(sensor.shape)
    rng = np.ones(sensor.shape)
    for ev in jams:
        if ev.kind != "radar_jammed" or not ev.active(t):
            continue
        hit = (sensor == ev.sensor) & in_sector(
            azimuth, np.asarray(ev.sector_from), np.asarray(ev.sector_to)
        )
        noise = np.where(hit, noise * ev.noise_factor, noise)
        pd = np.where(hit, pd * ev.pd_factor, pd)
        rng = np.where(hit, rng * ev.range_factor, rng)
    return noise, pd, rng
