"""The allied network of a scenario, made ready for the engine: the `Network` (routes,
epochs, events) and the electronic-warfare and space events baked into the sensors' views;
and the physical check that remote engagement modes can be served (`kamae.world.checks`).

A radar jammed in an azimuth sector during a window sees, for the looks in that window and
sector, what a radar of reduced reference range would see (detection range × range factor,
so SNR / (1 + J/N) for a Swerling radar: the radar equation, Skolnik 2001, §14.3), its Pd
multiplied by the event's Pd factor and its measurement σ by the noise factor. A lost
satellite blinds the space layers it hosts for the window. Both are deterministic, so they
are precomputed once per scenario into the views the engine reads; nothing changes per step.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kamae.arrays import FloatArray
from kamae.network import Network, build_network
from kamae.network.jamming import in_sector
from kamae.scenario.base import Problem
from kamae.scenario.model import Scenario
from kamae.scenario.references import all_sensor_ids
from kamae.sensors.radar import Radar, RadarView, radar_view
from kamae.sensors.space_ir import SpaceLayerView
from kamae.world.si import network_spec


def scenario_network(s: Scenario) -> Network | None:
    """The scenario's network, or None when it has no `network:` section (then every sensor's
    data reaches every fire unit at once: one shared picture)."""
    if s.network is None:
        return None
    return build_network(
        network_spec(s.network),
        sensor_ids=all_sensor_ids(s),
        fire_unit_ids=[u.id for u in s.fire_units],
    )


def jammed_views(
    network: Network,
    radars: list[Radar],
    views: list[RadarView],
    times: FloatArray,
    position: FloatArray,
    rcs_m2: FloatArray,
) -> list[RadarView]:
    """The radars' views with the network's `radar_jammed` events applied."""
    out = list(views)
    for event in network.events:
        if event.kind != "radar_jammed" or not 0 <= event.sensor < len(radars):
            continue
        s = event.sensor
        radar = radars[s]
        weak = replace(radar, reference_range_m=radar.reference_range_m * event.range_factor)
        jam = radar_view(weak, position, rcs_m2)
        view = out[s]
        window = (times >= event.start_s) & (times < event.end_s)
        hit = window[None, :] & in_sector(
            np.nan_to_num(view.azimuth), np.asarray(event.sector_from), np.asarray(event.sector_to)
        )
        out[s] = replace(
            view,
            visible=np.where(hit, jam.visible, view.visible),
            pd=np.where(hit, jam.pd * event.pd_factor, view.pd),
            noise_scale=np.where(hit, jam.noise_scale * event.noise_factor, view.noise_scale),
        )
    return out


def blinded_layers(
    network: Network, layers: list[SpaceLayerView], radar_count: int, times: FloatArray
) -> list[SpaceLayerView]:
    """Space layers with the steps at which their satellites are lost made blind."""
    out = list(layers)
    blind = np.zeros((len(layers), times.size), dtype=bool)
    for k, t in enumerate(times.tolist()):
        flags = network.sensors_blind(t)
        blind[:, k] = flags[radar_count : radar_count + len(layers)]
    for i, layer in enumerate(out):
        if blind[i].any():
            out[i] = replace(layer, visible=layer.visible & ~blind[i][None, :])
    return out


def unreachable_remote_units(s: Scenario, network: Network) -> list[Problem]:
    """A fire unit set to launch or engage on remote data must be able to receive some remote
    sensor's tracks at the start (a route and a sharing policy), else its mode is meaningless.
    (The default mode is not checked: a unit without remote sources then fights organically.)"""
    assert s.network is not None
    out: list[Problem] = []
    remote = network.remote_track_sources(0.0)
    modes = s.network.engagement_modes
    for i, unit in enumerate(s.fire_units):
        mode = modes.get(unit.id)
        if mode is not None and mode != "organic" and not remote[i].any():
            out.append(
                (
                    ("network", "engagement_modes", unit.id),
                    f"fire unit {unit.id} is in {mode} but no remote sensor's tracks can reach "
                    "it (no route, or no sharing policy releasing tracks to its nation)",
                    mode,
                )
            )
    return out
