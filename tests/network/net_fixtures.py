"""Small networks for the network tests: sections as a scenario file writes them, built
through the file's model and the world's conversion to SI (`network_of`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kamae.network import Network, build_network
from kamae.scenario.network import Network as NetworkSection
from kamae.world.si import network_spec


def network_of(
    section: dict[str, Any], *, sensor_ids: Sequence[str], fire_unit_ids: Sequence[str]
) -> Network:
    """The network of a `network:` section (validated by the file's model, converted to SI)."""
    spec = network_spec(NetworkSection.model_validate(section))
    return build_network(spec, sensor_ids=sensor_ids, fire_unit_ids=fire_unit_ids)


def chain_section(
    hops: int = 3,
    latency_ms: float = 50.0,
    jitter_ms: float = 0.0,
    loss: float = 0.0,
    capacity: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A chain sensor node -> relays -> fire-unit node of `hops` links, one nation."""
    names = ["n0", *[f"r{i}" for i in range(1, hops)], "fu"]
    nodes: list[dict[str, Any]] = [
        {"id": "n0", "kind": "sensor", "nation": "JP", "sensors": ["radar"]}
    ]
    nodes += [{"id": n, "kind": "relay", "nation": "JP"} for n in names[1:-1]]
    nodes += [{"id": "fu", "kind": "fire_unit", "nation": "JP", "fire_units": ["unit"]}]
    links = [
        {
            "id": f"l{i}",
            "between": [names[i], names[i + 1]],
            "latency_ms": latency_ms,
            "jitter_ms": jitter_ms,
            "loss_probability": loss,
            "capacity_msgs_per_s": capacity,
        }
        for i in range(hops)
    ]
    return {"nations": [{"id": "JP"}], "nodes": nodes, "links": links, **extra}


def allied_section() -> dict[str, Any]:
    """Two nations: a US radar reports via the US C2 to the Japanese C2, which serves a
    Japanese fire unit with its own radar; a slower direct US radar -> JP C2 link too."""
    return {
        "nations": [{"id": "JP"}, {"id": "US"}],
        "nodes": [
            {"id": "us-radar", "kind": "sensor", "nation": "US", "sensors": ["tpy2"]},
            {"id": "us-c2", "kind": "c2", "nation": "US", "processing_ms": 100},
            {"id": "jp-c2", "kind": "c2", "nation": "JP", "processing_ms": 200},
            {"id": "sat", "kind": "relay", "nation": "US", "space": True},
            {
                "id": "battery",
                "kind": "fire_unit",
                "nation": "JP",
                "fire_units": ["pac3"],
                "sensors": ["mpq65"],
            },
        ],
        "links": [
            {"id": "radar-us", "between": ["us-radar", "us-c2"], "latency_ms": 100},
            {"id": "us-jp", "between": ["us-c2", "jp-c2"], "latency_ms": 300},
            {"id": "radar-sat", "between": ["us-radar", "sat"], "latency_ms": 120},
            {"id": "sat-jp", "between": ["sat", "jp-c2"], "latency_ms": 900},
            {"id": "jp-battery", "between": ["jp-c2", "battery"], "latency_ms": 50},
        ],
        "sharing": [{"from_nation": "US", "to_nation": "JP", "kinds": ["tracks"]}],
        "engagement_modes": {"pac3": "launch_on_remote"},
    }
