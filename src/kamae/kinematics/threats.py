"""The flight parameters of each threat kind in SI, and what each kind does with them.

One frozen record per kind (ballistic, quasi-ballistic, glide, cruise), declared here once
with the generator that flies it: `check` refuses a route the kind's model cannot fly (the
checks of `feasibility`), `fly` samples missiles on a time grid (the kind's generator), and
`nominal_flight_time_s` estimates one missile's flight time (to size the common time grid
and to find the scenario's last impact). A route is (W, 2) geodetic latitude and longitude,
degrees: launch, turn points (cruise only), aim, on the ellipsoid. The records carry no
defaults: the scenario file's declarations (`kamae.scenario.threats`) hold them, and the
world converts an entry into its record once (`kamae.world.si`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat
from kamae.geo import geodetic_to_ecef
from kamae.kinematics.ballistic import ballistic_trajectory
from kamae.kinematics.cruise import cruise_trajectory
from kamae.kinematics.feasibility import check_ballistic, check_cruise, check_glide
from kamae.kinematics.glide import glide_trajectory
from kamae.kinematics.quasi_ballistic import quasi_ballistic_trajectory
from kamae.kinematics.range_equation import ballistic_solution
from kamae.kinematics.trajectory import Trajectory

GLIDE_NOMINAL_SPEED_MPS = 900.0
"""Mean ground speed of a glide vehicle's flight for the flight-time estimate (an upper
bound on its duration: gliders fly faster than this down to the end of the glide)."""
CRUISE_ROUTE_ALLOWANCE = 1.1
"""Cruise flight-time estimate: the route length at cruise speed plus this share (climb,
terminal manoeuvre)."""


def _ends(route_deg: FloatArray, missiles: int) -> tuple[FloatArray, FloatArray]:
    """ECEF launch and aim points (M, 3) of a route's missiles."""
    return (
        np.repeat(_ecef(route_deg[:1]), missiles, axis=0),
        np.repeat(_ecef(route_deg[-1:]), missiles, axis=0),
    )


def _ecef(points_deg: FloatArray) -> FloatArray:
    return geodetic_to_ecef(np.radians(points_deg[:, 0]), np.radians(points_deg[:, 1]), 0.0)


def _free_flight_s(
    range_m: float, apogee_m: float | None, burnout_angle_rad: float | None, burnout_m: float
) -> float:
    """Drag-free flight time from burnout (range equation), the boost not included."""
    solution = ballistic_solution(
        range_m,
        apogee_m=apogee_m,
        burnout_angle_rad=burnout_angle_rad,
        burnout_altitude_m=min(burnout_m, apogee_m if apogee_m is not None else 1e12),
    )
    return solution.flight_time_s


@dataclass(frozen=True)
class BallisticFlight:
    """A ballistic missile: a boost, a drag-free Kepler arc, optional drag reentry."""

    kind: ClassVar[str] = "ballistic"
    level_flight: ClassVar[bool] = False
    """Held up by lift (tracked as level flight)? No: it coasts."""

    burn_time_s: float
    """Motor burn time, s (0: burnout on the pad)."""
    burnout_altitude_m: float
    """Height at burnout, m."""
    apogee_m: float | None
    """Apogee height (lofted or depressed), m; None: minimum energy (or the burnout angle)."""
    burnout_angle_rad: float | None
    """Flight-path angle at burnout, rad; None: from the apogee or minimum energy."""
    ballistic_coefficient_kg_m2: float | None
    """Reentry ballistic coefficient m/(Cd·A), kg/m²; None: drag-free."""

    def with_apogee(self, apogee_m: float) -> BallisticFlight:
        """The same missile flown to another apogee (a raid's lofted or depressed shots)."""
        return replace(self, apogee_m=apogee_m)

    def check(self, route_deg: FloatArray, range_m: float) -> None:
        """Refuse a route this model cannot fly (`InfeasibleThreat` naming the field)."""
        check_ballistic(
            range_m,
            apogee_m=self.apogee_m,
            burnout_angle_rad=self.burnout_angle_rad,
            burnout_altitude_m=self.burnout_altitude_m,
            burn_time_s=self.burn_time_s,
        )

    def fly(
        self, route_deg: FloatArray, launch_time_s: FloatArray, times: FloatArray
    ) -> Trajectory:
        """Missiles launched at `launch_time_s` (M,) along the route, on the time grid."""
        m = launch_time_s.size
        launch, aim = _ends(route_deg, m)
        return ballistic_trajectory(
            launch,
            aim,
            launch_time_s,
            times,
            apogee_m=None if self.apogee_m is None else np.full(m, self.apogee_m),
            burnout_angle_rad=(
                None if self.burnout_angle_rad is None else np.full(m, self.burnout_angle_rad)
            ),
            burn_time_s=self.burn_time_s,
            burnout_altitude_m=self.burnout_altitude_m,
            ballistic_coefficient_kg_m2=self.ballistic_coefficient_kg_m2,
        )

    def nominal_flight_time_s(self, range_m: float) -> float:
        """The boost plus the drag-free flight of the range equation, s."""
        free = _free_flight_s(
            range_m, self.apogee_m, self.burnout_angle_rad, self.burnout_altitude_m
        )
        return float(free + self.burn_time_s)


@dataclass(frozen=True)
class QuasiBallisticFlight:
    """A quasi-ballistic missile: a depressed arc, then a terminal pull-up and dive."""

    kind: ClassVar[str] = "quasi_ballistic"
    level_flight: ClassVar[bool] = False

    burn_time_s: float
    burnout_altitude_m: float
    apogee_m: float
    """Apogee of the depressed arc, m."""
    pullup_altitude_m: float
    pullup_range_m: float
    """Ground range flown after the pull-up, m."""
    dive_angle_rad: float
    """Terminal dive angle below the horizon, rad."""
    terminal_speed_mps: float | None
    """Speed at impact, m/s; None: the speed at the pull-up."""

    def with_apogee(self, apogee_m: float) -> QuasiBallisticFlight:
        """The same missile flown to another apogee."""
        return replace(self, apogee_m=apogee_m)

    def check(self, route_deg: FloatArray, range_m: float) -> None:
        """Refuse a route this model cannot fly (`InfeasibleThreat` naming the field)."""
        check_ballistic(
            range_m,
            apogee_m=self.apogee_m,
            burnout_altitude_m=self.burnout_altitude_m,
            burn_time_s=self.burn_time_s,
        )
        if self.pullup_range_m >= range_m:
            raise InfeasibleThreat(
                "pullup_range_m", f"must be shorter than the {range_m / 1e3:.0f} km range"
            )
        if self.pullup_altitude_m >= self.apogee_m:
            raise InfeasibleThreat(
                "pullup_altitude_m", "must be below {apogee_m=}", apogee_m=self.apogee_m
            )

    def fly(
        self, route_deg: FloatArray, launch_time_s: FloatArray, times: FloatArray
    ) -> Trajectory:
        """Missiles launched at `launch_time_s` (M,) along the route, on the time grid."""
        launch, aim = _ends(route_deg, launch_time_s.size)
        return quasi_ballistic_trajectory(
            launch,
            aim,
            launch_time_s,
            times,
            apogee_m=self.apogee_m,
            burn_time_s=self.burn_time_s,
            burnout_altitude_m=self.burnout_altitude_m,
            pullup_altitude_m=self.pullup_altitude_m,
            pullup_range_m=self.pullup_range_m,
            dive_angle_rad=self.dive_angle_rad,
            terminal_speed_mps=self.terminal_speed_mps,
        )

    def nominal_flight_time_s(self, range_m: float) -> float:
        """The boost plus the drag-free flight of its arc over the whole range, s."""
        free = _free_flight_s(range_m, self.apogee_m, None, self.burnout_altitude_m)
        return float(free + self.burn_time_s)


@dataclass(frozen=True)
class GlideFlight:
    """A boost-glide vehicle: a boost, an equilibrium glide, a terminal dive."""

    kind: ClassVar[str] = "glide"
    level_flight: ClassVar[bool] = True
    """Held up by lift: tracked and predicted as level flight."""

    burn_time_s: float
    glide_speed_mps: float
    """Speed at the glide start, m/s."""
    glide_altitude_m: float
    """Height at the glide start, m."""
    lift_to_drag: float
    boost_range_m: float | None
    """Ground range of the boost, m; None: the constant-acceleration distance."""
    cross_range_m: float
    """Cross-range manoeuvre, m."""
    dive_angle_rad: float
    terminal_speed_mps: float | None

    def check(self, route_deg: FloatArray, range_m: float) -> None:
        """Refuse a route this model cannot fly (`InfeasibleThreat` naming the field)."""
        check_glide(
            range_m,
            glide_speed_mps=self.glide_speed_mps,
            glide_altitude_m=self.glide_altitude_m,
            lift_to_drag=self.lift_to_drag,
            burn_time_s=self.burn_time_s,
            boost_range_m=self.boost_range_m,
            dive_angle_rad=self.dive_angle_rad,
        )

    def fly(
        self, route_deg: FloatArray, launch_time_s: FloatArray, times: FloatArray
    ) -> Trajectory:
        """Missiles launched at `launch_time_s` (M,) along the route, on the time grid."""
        launch, aim = _ends(route_deg, launch_time_s.size)
        return glide_trajectory(
            launch,
            aim,
            launch_time_s,
            times,
            glide_speed_mps=self.glide_speed_mps,
            glide_altitude_m=self.glide_altitude_m,
            lift_to_drag=self.lift_to_drag,
            burn_time_s=self.burn_time_s,
            boost_range_m=self.boost_range_m,
            cross_range_m=self.cross_range_m,
            dive_angle_rad=self.dive_angle_rad,
            terminal_speed_mps=self.terminal_speed_mps,
        )

    def nominal_flight_time_s(self, range_m: float) -> float:
        """The boost plus the range at `GLIDE_NOMINAL_SPEED_MPS`, s."""
        return float(self.burn_time_s + range_m / GLIDE_NOMINAL_SPEED_MPS)


@dataclass(frozen=True)
class CruiseFlight:
    """A cruise missile: an optional boost, constant-speed flight along geodesic legs at a
    constant height, and a terminal manoeuvre."""

    kind: ClassVar[str] = "cruise"
    level_flight: ClassVar[bool] = True

    speed_mps: float
    altitude_m: float
    """Cruise height above the ellipsoid, m."""
    terminal_range_m: float
    """Ground range of the terminal phase, m."""
    terminal_mode: str
    """"dive", "popup" or "level"."""
    popup_altitude_m: float | None
    """Pop-up height before the dive, m; None: the generator's default."""
    climb_range_m: float | None
    """Range to climb to cruise height, m; None: the generator's default."""
    boost_time_s: float

    def check(self, route_deg: FloatArray, range_m: float) -> None:
        """Refuse a route this model cannot fly (`InfeasibleThreat` naming the field)."""
        check_cruise(
            route_deg,
            speed_mps=self.speed_mps,
            altitude_m=self.altitude_m,
            terminal_range_m=self.terminal_range_m,
            climb_range_m=self.climb_range_m or 0.0,
        )

    def fly(
        self, route_deg: FloatArray, launch_time_s: FloatArray, times: FloatArray
    ) -> Trajectory:
        """Missiles launched at `launch_time_s` (M,) along the route, on the time grid."""
        return cruise_trajectory(
            [route_deg] * launch_time_s.size,
            launch_time_s,
            times,
            speed_mps=self.speed_mps,
            altitude_m=self.altitude_m,
            terminal_range_m=self.terminal_range_m,
            terminal_mode=self.terminal_mode,
            popup_altitude_m=self.popup_altitude_m,
            climb_range_m=self.climb_range_m,
            boost_time_s=self.boost_time_s,
        )

    def nominal_flight_time_s(self, range_m: float) -> float:
        """The boost plus the route at cruise speed, with `CRUISE_ROUTE_ALLOWANCE`, s."""
        return float(self.boost_time_s + CRUISE_ROUTE_ALLOWANCE * range_m / self.speed_mps)


ThreatFlight = BallisticFlight | QuasiBallisticFlight | GlideFlight | CruiseFlight
"""The flight parameters of one threat type, whatever its kind."""
SteerableApogee = BallisticFlight | QuasiBallisticFlight
"""The kinds whose raids may set their own apogee."""
