"""Scenario files: the format, built-in catalogs, bundled scenarios and the loader."""

from kamae.scenario.loader import (
    LoadedScenario,
    builtin_catalog,
    bundled_scenarios,
    load_scenario,
    load_scenario_text,
)
from kamae.scenario.model import FORMAT_VERSION, Scenario

__all__ = [
    "FORMAT_VERSION",
    "LoadedScenario",
    "Scenario",
    "builtin_catalog",
    "bundled_scenarios",
    "load_scenario",
    "load_scenario_text",
]
