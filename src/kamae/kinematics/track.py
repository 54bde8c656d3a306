"""Flight over the great circle from a launch point to an aim point, in along-track terms.

A point is placed by its central angle θ downrange of the launch point along the great circle
through launch and aim, a small lateral angle φ off that circle, and its height h above a
surface radius that varies linearly with θ between the geocentric radii of the ellipsoid at
launch and at aim (a sphere locally fitted to WGS84; the residual height error is a few metres
per 1,000 km). Velocities are the exact time derivatives of that mapping. Used for boost
placement, glide, pull-up and dive paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IntArray
from kamae.kinematics.frames import ellipsoid_height, great_circle_basis


@dataclass(frozen=True)
class Track:
    """N launch-to-aim great circles (arrays shaped (N,) or (N, 3))."""

    x_hat: FloatArray
    """Unit vector to the launch point."""
    y_hat: FloatArray
    """Unit vector 90° downrange in the plane."""
    z_hat: FloatArray
    """Plane normal (left of track)."""
    angle: FloatArray
    """Central angle launch → aim, rad."""
    r_launch: FloatArray
    """Geocentric radius of the surface at launch, m."""
    r_aim: FloatArray
    """Geocentric radius of the surface at the aim point, m."""

    @classmethod
    def between(cls, launch_ecef: npt.ArrayLike, aim_ecef: npt.ArrayLike) -> Track:
        launch = np.atleast_2d(np.asarray(launch_ecef, dtype=float))
        aim = np.atleast_2d(np.asarray(aim_ecef, dtype=float))
        x_hat, y_hat, z_hat, ang = great_circle_basis(launch, aim)
        r_l = np.linalg.norm(launch, axis=-1) - ellipsoid_height(launch)
        r_a = np.linalg.norm(aim, axis=-1) - ellipsoid_height(aim)
        return cls(x_hat, y_hat, z_hat, ang, r_l, r_a)

    def surface_radius(self, rows: IntArray, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Surface radius (m) at downrange angle θ and its derivative dR/dθ (m/rad)."""
        slope = (self.r_aim[rows] - self.r_launch[rows]) / self.angle[rows]
        return self.r_launch[rows] + slope * theta, slope

    def ground_distance(self, rows: IntArray | None = None) -> FloatArray:
        """Length (m) of the track along the mean surface radius."""
        sel = slice(None) if rows is None else rows
        return 0.5 * (self.r_launch[sel] + self.r_aim[sel]) * self.angle[sel]

    def state(
        self,
        rows: IntArray,
        theta: FloatArray,
        theta_dot: FloatArray,
        h: FloatArray,
        h_dot: FloatArray,
        phi: FloatArray | None = None,
        phi_dot: FloatArray | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """ECEF position and velocity (S, 3) of samples (rows index the N tracks)."""
        phi = np.zeros_like(theta) if phi is None else phi
        phi_dot = np.zeros_like(theta) if phi_dot is None else phi_dot
        x, y, z = self.x_hat[rows], self.y_hat[rows], self.z_hat[rows]
        ct, st = np.cos(theta)[:, None], np.sin(theta)[:, None]
        cp, sp = np.cos(phi)[:, None], np.sin(phi)[:, None]
        u = ct * x + st * y
        t_hat = -st * x + ct * y
        dirn = cp * u + sp * z
        r_s, dr = self.surface_radius(rows, theta)
        radius = (r_s + h)[:, None]
        r_dot = (dr * theta_dot + h_dot)[:, None]
        d_dirn = cp * theta_dot[:, None] * t_hat + phi_dot[:, None] * (-sp * u + cp * z)
        return radius * dirn, r_dot * dirn + radius * d_dirn

    def point(self, rows: IntArray, theta: FloatArray, h: FloatArray) -> FloatArray:
        """ECEF position (S, 3) at downrange angle θ and height h on the track."""
        pos, _ = self.state(rows, theta, np.zeros_like(theta), h, np.zeros_like(theta))
        return pos
