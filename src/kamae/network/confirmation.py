"""Attack confirmation: the network's declaration that an attack on friendly territory began.

Rule (from the scenario): a C2 node declares the attack `processing_s` after it has received
reports (early-warning messages over the network) of at least `min_threats` distinct threats
from at least `min_sensors` distinct sensors owned by the confirming nations. The declaration
then travels as an `attack_confirmation` message to every node the sharing policy allows.
Which detections count as "launches against friendly territory" is the caller's choice (the
engine passes detections of threats aimed at defended assets). Later issues use the
confirmation time as the rule of engagement for counterstrike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.network.topology import BoolArray, FloatArray, IntArray


@dataclass(frozen=True)
class ConfirmationRule:
    """Who declares, whose sensors count, and how much evidence is needed."""

    declared_by: int
    """Node index of the declaring C2 node."""
    confirming_nations: BoolArray
    """(K,) nations whose sensors' reports count."""
    min_threats: int = 1
    min_sensors: int = 1
    processing_s: float = 0.0


def declaration_time(
    rule: ConfirmationRule,
    report_arrival_s: FloatArray,
    report_sensor: IntArray,
    report_threat: IntArray,
    sensor_nation: IntArray,
) -> float:
    """When the C2 node declares, given when each detection report reached it (inf: lost),
    from which sensor and about which threat; inf if the evidence never suffices.

    ``sensor_nation`` (S,) owning nation of each sensor.
    """
    arrival = np.asarray(report_arrival_s, dtype=float)
    sensor = np.asarray(report_sensor, dtype=np.int64)
    threat = np.asarray(report_threat, dtype=np.int64)
    keep = np.isfinite(arrival) & rule.confirming_nations[sensor_nation[sensor]]
    arrival, sensor, threat = arrival[keep], sensor[keep], threat[keep]
    if arrival.size == 0:
        return float("inf")
    order = np.argsort(arrival, kind="stable")
    arrival, sensor, threat = arrival[order], sensor[order], threat[order]
    new_threat = _first_occurrence(threat)
    new_sensor = _first_occurrence(sensor)
    enough = (np.cumsum(new_threat) >= rule.min_threats) & (
        np.cumsum(new_sensor) >= rule.min_sensors
    )
    if not enough.any():
        return float("inf")
    return float(arrival[np.argmax(enough)] + rule.processing_s)


def _first_occurrence(values: IntArray) -> np.ndarray:
    first = np.zeros(values.size, dtype=bool)
    _, index = np.unique(values, return_index=True)
    first[index] = True
    return first
