"""A ballistic threat complex: the decoys and debris a warhead releases in midcourse.

At a release time (the first grid sample at or after burnout + `release_after_burnout_s`
at which the warhead is above the atmosphere, 100 km) each object leaves the warhead's state with a
separation velocity of `separation_speed_mps` in a fixed direction (the objects' directions are
spread evenly over the sphere by the Fibonacci lattice, so the world stays deterministic) and
flies its own drag-free Kepler arc (`kepler_grid.sample_kepler`, the warhead's own model). The
atmosphere strips light objects on reentry: an object's flight ends at its height of peak
deceleration h* = H·ln(ρ0·H/(β·sin γ)) (Allen & Eggers, NACA Report 1381, 1958; the atmosphere
of `reentry.ExponentialAtmosphere`), γ its flight-path angle at the 100 km interface, capped at
the interface: from there it falls far behind the warhead and leaves the complex (atmospheric
filtering; Sessler et al., Countermeasures, UCS/MIT 2000, ch. 5). Neglected: drag above h*,
Earth rotation (as the ballistic flights), the relative motion of deployment (a bus's
manoeuvres) and object tumbling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray, IntArray, cross3
from kamae.kinematics.ballistic import phases
from kamae.kinematics.kepler import (
    MU_EARTH,
    descending_true_anomaly_at_radius,
    eccentric_from_true,
    mean_anomaly,
    mean_from_eccentric,
    orbit_from_state,
    solve_kepler,
    state_at_eccentric,
    true_anomaly,
)
from kamae.kinematics.kepler_grid import sample_kepler
from kamae.kinematics.reentry import INTERFACE_ALTITUDE_M, ExponentialAtmosphere
from kamae.kinematics.trajectory import Trajectory

OBJECT_WARHEAD = 0
OBJECT_DECOY = 1
OBJECT_DEBRIS = 2
OBJECT_KINDS = ("warhead", "decoy", "debris")


@dataclass(frozen=True)
class ComplexRelease:
    """What one warhead releases, in SI (`kamae.world.si.complex_release`)."""

    decoys: int
    decoy_rcs_m2: float
    decoy_ballistic_coefficient_kg_m2: float
    debris: int
    debris_rcs_m2: float
    debris_ballistic_coefficient_kg_m2: float
    release_after_burnout_s: float
    separation_speed_mps: float
    decoy_length_mismatch_m: float
    debris_length_mismatch_m: float
    feature_decorrelation_s: float

    @property
    def objects(self) -> int:
        return self.decoys + self.debris


@dataclass(frozen=True)
class ReleasedObjects:
    """The M objects released by a batch of warheads, row-aligned."""

    trajectory: Trajectory
    parent: IntArray
    """(M,) row of the releasing warhead in the parents' trajectory."""
    kind: IntArray
    """(M,) OBJECT_DECOY or OBJECT_DEBRIS."""
    rcs_m2: FloatArray
    length_mismatch_m: FloatArray
    """(M,) the discrimination feature's separation from the warhead, m."""
    release_time: FloatArray
    """(M,) s."""


def fibonacci_directions(count: int) -> FloatArray:
    """(count, 3) unit vectors spread evenly over the sphere (Fibonacci lattice)."""
    i = np.arange(count, dtype=float) + 0.5
    z = 1.0 - 2.0 * i / max(count, 1)
    phi = np.pi * (3.0 - np.sqrt(5.0)) * i
    rho = np.sqrt(np.maximum(1.0 - z * z, 0.0))
    return np.stack([rho * np.cos(phi), rho * np.sin(phi), z], axis=-1)


def stripping_altitude_m(
    ballistic_coefficient_kg_m2: FloatArray,
    entry_angle: FloatArray,
    atmosphere: ExponentialAtmosphere | None = None,
) -> FloatArray:
    """Allen & Eggers' height of peak deceleration, capped to [0, INTERFACE_ALTITUDE_M], m."""
    atm = atmosphere or ExponentialAtmosphere()
    s = np.maximum(np.sin(entry_angle), 1e-3)
    h = atm.scale_height_m * np.log(
        atm.rho0_kg_m3 * atm.scale_height_m / (np.asarray(ballistic_coefficient_kg_m2) * s)
    )
    return np.asarray(np.clip(h, 0.0, INTERFACE_ALTITUDE_M), dtype=float)


def release_objects(
    parents: Trajectory, rows: IntArray, releases: list[ComplexRelease], mu: float = MU_EARTH
) -> ReleasedObjects | None:
    """The decoys and debris of the parent rows `rows` (each with its release), flown on the
    parents' time grid; None when nothing is released (no objects, or no release point above
    the atmosphere)."""
    grid = parents.times
    r0, v0, t0, parent, kind, rcs, beta, mismatch = [], [], [], [], [], [], [], []
    for n, rel in zip(rows.tolist(), releases, strict=True):
        if rel.objects == 0:
            continue
        burnout = parents.launch_time if parents.burnout_time is None else parents.burnout_time
        k0 = int(np.searchsorted(grid, burnout[n] + rel.release_after_burnout_s - 1e-9))
        with np.errstate(invalid="ignore"):
            above = parents.in_flight[n, k0:] & (parents.altitude[n, k0:] > INTERFACE_ALTITUDE_M)
        if not np.any(above):
            continue  # never above the atmosphere after the release time: nothing released
        k = k0 + int(np.argmax(above))
        dirs = fibonacci_directions(rel.objects)
        for j in range(rel.objects):
            decoy = j < rel.decoys
            r0.append(parents.position[n, k])
            v0.append(parents.velocity[n, k] + rel.separation_speed_mps * dirs[j])
            t0.append(grid[k])
            parent.append(n)
            kind.append(OBJECT_DECOY if decoy else OBJECT_DEBRIS)
            rcs.append(rel.decoy_rcs_m2 if decoy else rel.debris_rcs_m2)
            beta.append(
                rel.decoy_ballistic_coefficient_kg_m2
                if decoy
                else rel.debris_ballistic_coefficient_kg_m2
            )
            mismatch.append(rel.decoy_length_mismatch_m if decoy else rel.debris_length_mismatch_m)
    if not parent:
        return None
    p_idx = np.array(parent, dtype=np.int64)
    surface = np.linalg.norm(parents.impact_position[p_idx], axis=1)
    traj = _fly(np.array(r0), np.array(v0), np.array(t0), np.array(beta), surface, grid, mu)
    return ReleasedObjects(
        trajectory=traj,
        parent=p_idx,
        kind=np.array(kind, dtype=np.int64),
        rcs_m2=np.array(rcs, dtype=float),
        length_mismatch_m=np.array(mismatch, dtype=float),
        release_time=np.array(t0, dtype=float),
    )


def _fly(
    r0: FloatArray,
    v0: FloatArray,
    t0: FloatArray,
    beta: FloatArray,
    surface_radius: FloatArray,
    grid: FloatArray,
    mu: float,
) -> Trajectory:
    """Kepler arcs from (r0, v0) at t0 down to each object's stripping height."""
    orbit = orbit_from_state(r0, v0, mu)
    m0 = mean_anomaly(true_anomaly(orbit, r0), orbit.e)
    # Flight-path angle at the interface: cos γ = h / (r v), h = |r × v| conserved.
    h_ang = np.linalg.norm(cross3(r0, v0), axis=1)
    r_if = surface_radius + INTERFACE_ALTITUDE_M
    v_if = np.sqrt(np.maximum(mu * (2.0 / r_if - 1.0 / orbit.a), 1e-9))
    gamma = np.arccos(np.clip(h_ang / (r_if * v_if), -1.0, 1.0))
    r_end = surface_radius + stripping_altitude_m(beta, gamma)
    nu_end = descending_true_anomaly_at_radius(orbit, r_end)
    m_end = mean_from_eccentric(eccentric_from_true(np.nan_to_num(nu_end), orbit.e), orbit.e)
    t_end = t0 + np.mod(m_end - m0, 2.0 * np.pi) / orbit.n
    t_end = np.where(np.isfinite(nu_end), t_end, t0)
    k_lo = np.searchsorted(grid, t0 - 1e-9).astype(np.int64)
    k_hi = (np.searchsorted(grid, t_end, side="right") - 1).astype(np.int64)
    pos, vel, alt = sample_kepler(orbit, m0, t0, grid, k_lo, k_hi)
    in_flight = np.isfinite(alt)
    big_e = solve_kepler(m_end, orbit.e)
    end_pos, _ = state_at_eccentric(orbit, big_e)
    apogee_time = t0 + np.mod(np.pi - m0, 2.0 * np.pi) / orbit.n
    apogee_time = np.where(m0 > np.pi, t0, apogee_time)
    return Trajectory(
        times=grid,
        position=pos,
        velocity=vel,
        altitude=alt,
        in_flight=in_flight,
        launch_time=t0.copy(),
        impact_time=t_end,
        impact_position=end_pos,
        phase=phases(grid, in_flight, alt, apogee_time),
        burnout_time=t0.copy(),
    )
