"""The world of one scenario: everything deterministic, in SI, built once and shared by the
replications (see docs/architecture.md).

A loaded scenario (`kamae.scenario`, schema only) becomes the world here: its physical
feasibility checked (`checks`), its raids flown (`flights`), its radars' and space layers'
views precomputed, its network built with its events (`network`), and its engagement windows
found (`build`).
"""

from kamae.sensors.space_ir import SpaceLayerView
from kamae.world.build import THREAT_CLASSES, FireUnits, World, build_world, load_world
from kamae.world.checks import check_world, validate_scenario

__all__ = [
    "THREAT_CLASSES",
    "FireUnits",
    "SpaceLayerView",
    "World",
    "build_world",
    "check_world",
    "load_world",
    "validate_scenario",
]
