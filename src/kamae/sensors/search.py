"""Unaided radar search of a fence: how much energy a search look puts on a target.

A radar searching a solid angle Ω in a frame time T_f with beams of solid angle Ω_B dwells
t_b = T_f·Ω_B/Ω in each beam position; its SNR per look is that of a track look (dwell
t_track, the energy the reference range is stated for) times t_b/t_track: the search radar
equation, SNR ∝ P_av·A_e·σ·T_f/(Ω·R⁴) (Skolnik, Introduction to Radar Systems, 3rd ed., 2001,
ch. 2; Barton, Radar System Analysis and Modeling, 2005, ch. 1). The fence is the band of
elevations [e_min, e_min + extent] across the radar's azimuth field of regard,
Ω = Δaz·(sin(e_min + extent) - sin e_min); a pencil beam covers Ω_B = θ_B² (a square beam
of the half-power width). A target above the fence is not searched; one inside it is looked at
once a frame with the search energy. A cue (an early-warning launch report) replaces the
fence by a small volume searched at track energy (`kamae.engine.looks`). Neglected: beam
shape and straddle losses, the fence's elevation shaping, sequential detection.
"""

from __future__ import annotations

import numpy as np


def fence_solid_angle(azimuth_width: float, min_elevation: float, extent: float) -> float:
    """Solid angle (sr) of the fence: Δaz·(sin(e_min + extent) - sin e_min)."""
    top = min(min_elevation + extent, 0.5 * np.pi)
    return float(azimuth_width * (np.sin(top) - np.sin(min_elevation)))


def beam_positions(
    azimuth_width: float, min_elevation: float, extent: float, beamwidth: float
) -> float:
    """Beam positions Ω/θ_B² that tile the fence (at least one)."""
    return max(1.0, fence_solid_angle(azimuth_width, min_elevation, extent) / beamwidth**2)


def search_energy_factor(frame_s: float, positions: float, track_dwell_s: float) -> float:
    """SNR of a search look over that of a track look: (T_f / positions) / t_track."""
    return frame_s / positions / track_dwell_s
