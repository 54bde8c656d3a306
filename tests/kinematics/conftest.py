"""Shared geometry for the kinematics tests: launch and aim points in the model's theatre."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import geodetic_to_ecef


@pytest.fixture
def korea_to_japan() -> tuple[np.ndarray, np.ndarray]:
    """Two launch points on the Korean peninsula and two aim points in Japan (ECEF, m)."""
    pad = geodetic_to_ecef(np.radians([39.0, 40.0]), np.radians([125.0, 127.0]), 0.0)
    aim = geodetic_to_ecef(np.radians([35.7, 34.0]), np.radians([139.7, 135.0]), 0.0)
    return pad, aim
