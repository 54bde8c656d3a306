"""Replication records: their table columns, in order, and the per-type groups read back."""

from __future__ import annotations

import numpy as np

from kamae.results.metrics import (
    EngagementCounts,
    MetricColumns,
    NetworkCounts,
    ReplicationMetrics,
    TrackingCounts,
)


def _engagement() -> EngagementCounts:
    return EngagementCounts(
        threats_launched=4.0,
        threats_intercepted=3.0,
        threats_leaked=1.0,
        threats_leaked_effective=1.0,
        no_leak=0.0,
        interceptors_fired=5.0,
        interceptors_at_destroyed=0.0,
        fired_by_type={"pac-3": 2.0, "sm-3": 3.0},
        interceptor_cost_musd=20.0,
        threats_engaged=4.0,
        threat_cost_engaged_musd=3.0,
        engaged_without_cost={"scud": 1.0},
    )


def _tracking() -> TrackingCounts:
    return TrackingCounts(*[float(i) for i in range(11)])


def test_columns_follow_the_records_field_order_with_per_type_groups_in_place() -> None:
    network = NetworkCounts(7.0, 1.0, 2.0, 1.0, *[0.0] * 16)
    row = ReplicationMetrics(_engagement(), _tracking(), network)
    assert list(row.columns()) == [
        "threats_launched", "threats_intercepted", "threats_leaked",
        "threats_leaked_effective", "no_leak", "interceptors_fired",
        "interceptors_at_destroyed", "fired.pac-3", "fired.sm-3", "interceptor_cost_musd",
        "threats_engaged", "threat_cost_engaged_musd", "engaged_without_cost.scud",
        "tracks_diverged", "false_plots", "false_tracks", "false_tracks_confirmed",
        "plots_misassociated", "early_warning_reports", "siap_completeness", "siap_ambiguity",
        "siap_spuriousness", "siap_position_error_m", "gospa_m",
        "track_messages", "track_messages_lost", "track_plots_stale", "attack_confirmed",
        "track_reports_shared", "track_plots_late", "picture_duplicates", "picture_merges",
        "picture_promotions", "picture_unbelieved", "picture_tracks_diverged",
        "picture_tracks_coasted",
        "deceptive_reports", "deceptive_believed", "deceptive_rejected", "picture_completeness",
        "picture_ambiguity", "picture_spuriousness", "picture_position_error_m",
        "picture_decision_error_m",
    ]  # fmt: skip
    assert row.columns()["fired.sm-3"] == 3.0
    assert "track_messages" not in ReplicationMetrics(_engagement(), _tracking()).columns()


def test_columns_read_back_into_their_groups() -> None:
    row = ReplicationMetrics(_engagement(), _tracking()).columns()
    table = MetricColumns({name: np.array([value, value]) for name, value in row.items()})
    assert list(table.fired_by_type) == ["pac-3", "sm-3"]
    np.testing.assert_array_equal(table.fired_by_type["sm-3"], [3.0, 3.0])
    assert list(table.engaged_without_cost) == ["scud"]
    assert "no_leak" in table and "missing" not in table
