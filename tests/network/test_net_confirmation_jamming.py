"""Attack confirmation and radar jamming."""

from __future__ import annotations

import numpy as np
import pytest
from net_fixtures import allied_section, network_of

from kamae.network import ConfirmationRule, declaration_time, jamming_factors


def test_declaration_needs_threats_and_sensors_of_confirming_nations() -> None:
    rule = ConfirmationRule(
        declared_by=0,
        confirming_nations=np.array([False, True]),
        min_threats=2,
        min_sensors=2,
        processing_s=30.0,
    )
    sensor_nation = np.array([1, 1, 0])
    arrival = np.array([5.0, 7.0, 6.0, 8.0, np.inf, 1.0])
    sensor = np.array([0, 0, 1, 1, 1, 2])
    threat = np.array([0, 0, 0, 1, 2, 3])
    # sensor 2 is of a non-confirming nation: its earlier report does not count; two threats
    # and two sensors first reached at t = 8
    assert declaration_time(rule, arrival, sensor, threat, sensor_nation) == pytest.approx(38.0)
    never = ConfirmationRule(0, np.array([False, True]), min_threats=3, min_sensors=1)
    assert np.isinf(declaration_time(never, arrival, sensor, threat, sensor_nation))


def test_network_confirmation_travels_to_allowed_nodes() -> None:
    section = allied_section()
    section["sharing"].append(
        {"from_nation": "US", "to_nation": "JP", "kinds": ["early_warning", "attack_confirmation"]}
    )
    section["attack_confirmation"] = {
        "declared_by": "us-c2",
        "confirming_nations": ["US"],
        "min_threats": 1,
        "min_sensors": 1,
        "processing_s": 60.0,
    }
    net = network_of(section, sensor_ids=["tpy2", "mpq65"], fire_unit_ids=["pac3"])
    rng = np.random.default_rng(0)
    declared, received = net.attack_confirmation(
        np.array([100.0, 90.0]), np.array([0, 1]), np.array([4, 5]), rng
    )
    # the US radar's report takes 100 ms to the US C2; the Japanese radar's does not count
    assert declared == pytest.approx(100.1 + 60.0)
    nodes = net.topology.node_ids
    battery = nodes.index("battery")
    assert received[battery] == pytest.approx(declared + 0.3 + 0.2 + 0.05)
    assert received[nodes.index("us-c2")] == pytest.approx(declared)


def test_jamming_factors_follow_radar_equation() -> None:
    rng_f, noise_f = jamming_factors(10.0)  # J/N = 10
    assert rng_f == pytest.approx(11.0**-0.25)
    assert noise_f == pytest.approx(np.sqrt(11.0))
    assert jamming_factors(0.0)[0] == pytest.approx(2.0**-0.25)


def test_radar_degradation_in_sector_and_window_only() -> None:
    section = allied_section()
    section["events"] = [
        {
            "kind": "radar_jammed",
            "sensor": "tpy2",
            "sector_from_deg": 300.0,
            "sector_to_deg": 30.0,  # wraps through north
            "jamming_to_noise_db": 20.0,
            "pd_factor": 0.5,
            "start_s": 10.0,
            "end_s": 20.0,
        }
    ]
    net = network_of(section, sensor_ids=["tpy2", "mpq65"], fire_unit_ids=["pac3"])
    az = np.radians([310.0, 10.0, 90.0, 10.0])
    sensor = np.array([0, 0, 0, 1])
    noise, pd, rng_f = net.radar_degradation(15.0, sensor, az)
    expect_range, expect_noise = jamming_factors(20.0)
    np.testing.assert_allclose(pd, [0.5, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(rng_f, [expect_range, expect_range, 1.0, 1.0])
    np.testing.assert_allclose(noise, [expect_noise, expect_noise, 1.0, 1.0])
    assert (net.radar_degradation(25.0, sensor, az)[1] == 1.0).all()
