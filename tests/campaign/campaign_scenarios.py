"""Small campaign scenarios for the campaign tests (imported by name, like report_fixtures)."""

from __future__ import annotations

import copy

import yaml
from conftest import one_layer_scenario

from kamae.scenario import LoadedScenario, load_scenario_text

# A coarse sea-and-land box west of the notional launch point (40N 128E), not a site list.
LAUNCH_AREA = [
    {"lat_deg": 38.5, "lon_deg": 126.0},
    {"lat_deg": 38.5, "lon_deg": 129.5},
    {"lat_deg": 41.5, "lon_deg": 129.5},
    {"lat_deg": 41.5, "lon_deg": 126.0},
]


def campaign_doc(
    *,
    count: int = 4,
    sspk: float = 1.0,
    shots: int = 1,
    inventory: int = 10,
    launchers: int = 4,
    missiles_per_launcher: int = 3,
    p_locate: float = 1.0,
    steps: int = 4,
    defense: str = "fast",
    replications: int = 4,
    strike_inventory: int = 100,
    launches_per_step: int = 4,
    confirmation_delay_h: float = 1.0,
    decision_delay_h: float = 0.0,
    p_kill: float = 1.0,
    reliability: float = 1.0,
    production_per_month: float = 0.0,
    reach_km: float = 3000.0,
    counterstrike: bool = True,
) -> dict:
    """One raid template of `count` MRBMs, one upper-tier unit holding `inventory`, one
    launcher force; with the defaults every probability is 0 or 1."""
    doc = copy.deepcopy(one_layer_scenario(count=count, shots=shots, sspk=sspk, replications=8))
    doc["fire_units"][0]["inventory"] = inventory
    campaign: dict = {
        "steps": steps,
        "step_h": 24,
        "defense": defense,
        "replications": replications,
        "calibration_replications": 8,
        "areas": [{"id": "launch-area", "name": "notional launch area", "polygon": LAUNCH_AREA}],
        "forces": [
            {
                "id": "force",
                "raids": ["raid"],
                "area": "launch-area",
                "launchers": launchers,
                "missiles_per_launcher": missiles_per_launcher,
                "rounds_per_salvo": 1,
                "salvos_per_step": 1,
                "reload_h": 12,
                "p_locate": p_locate,
            }
        ],
        "strike_weapons": {
            "test-strike": {
                "range_km": reach_km,
                "basing": ["ground", "ship", "air"],
                "reliability": reliability,
                "p_kill": p_kill,
                "source": "test",
                "notional": True,
            }
        },
    }
    if production_per_month:
        campaign["supply"] = [
            {"interceptor": "test-upper", "production_per_month": production_per_month}
        ]
    if counterstrike:
        campaign["counterstrike"] = {
            "rules": {
                "counterstrike": "after_confirmed_attack",
                "confirmation_delay_h": confirmation_delay_h,
                "decision_delay_h": decision_delay_h,
            },
            "missiles_per_target": 1,
            "platforms": [
                {
                    "id": "battery",
                    "basing": "ground",
                    "weapon": "test-strike",
                    "lat_deg": 35.0,
                    "lon_deg": 135.0,
                    "inventory": strike_inventory,
                    "launches_per_step": launches_per_step,
                }
            ],
        }
    doc["campaign"] = campaign
    return doc


def load(doc: dict) -> LoadedScenario:
    return load_scenario_text(yaml.safe_dump(doc, sort_keys=False).encode(), "campaign.yaml")
