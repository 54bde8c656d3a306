"""One rule for numbers with intervals (`kamae.results.numbers`): the interval's width to two
significant digits chooses the decimals (the convention of quoting an uncertainty to two
significant figures, Particle Data Group, Review of Particle Physics, "rounding"), never -0."""

from __future__ import annotations

import pytest

from kamae.results.labels import metric_label
from kamae.results.numbers import count_noun, decimals_for, estimate_text, fixed


@pytest.mark.parametrize(
    ("mean", "low", "high", "text"),
    [
        # The two examples: "18.1 [18, 18.3]" and "0.49 [0.357, 0.623]".
        (18.05, 17.876, 18.224, "18.05 [17.88, 18.22]"),
        (0.49, 0.357, 0.623, "0.49 [0.36, 0.62]"),
        (1234.5, 1200.0, 1270.0, "1234 [1200, 1270]"),  # width 70: no decimals
        (0.00123, 0.0011, 0.0013, "0.00123 [0.00110, 0.00130]"),
        (20.0, 20.0, 20.0, "20 [20, 20]"),  # every replication the same
        (0.8181818, 0.8181818, 0.8181818, "0.8182 [0.8182, 0.8182]"),
    ],
)
def test_the_width_chooses_the_digits(mean: float, low: float, high: float, text: str) -> None:
    assert estimate_text(mean, low, high) == text


def test_two_significant_digits_of_the_width() -> None:
    for width, decimals in [(0.3, 2), (0.099, 3), (1.0, 1), (9.9, 1), (10.0, 0), (250.0, 0)]:
        assert decimals_for(5.0, 5.0 + width) == decimals, width
    assert decimals_for(1.0, 1.0) == -1  # zero width: significant digits instead


def test_no_negative_zero_and_signs_on_differences() -> None:
    assert fixed(-0.0001, 2) == "0.00"
    assert fixed(-0.0, -1) == "0"
    assert estimate_text(-0.0001, -0.3, 0.3, signed=True) == "0.00 [-0.30, +0.30]"
    assert estimate_text(0.5, 0.2, 0.8, percent=True) == "50% [20%, 80%]"


def test_counted_nouns_agree_in_number() -> None:
    assert count_noun(1, "defended asset") == "1 defended asset"
    assert count_noun(2, "raid") == "2 raids"
    assert count_noun(0, "missile") == "0 missiles"


def test_every_label_is_distinct_and_per_type_columns_read_as_words() -> None:
    from kamae.results.labels import LABELS

    repeated = {v for v in LABELS.values() if list(LABELS.values()).count(v) > 1}
    assert repeated == {"P(no leaker)"}  # no_leak (tables) and p_no_leak (summaries)
    assert metric_label("fired.sm-6") == "sm-6 fired"
    assert metric_label("stock.sm-3-block-iia") == "sm-3-block-iia in stock"
    assert metric_label("engaged_without_cost.srbm-scud-er-class").startswith("srbm-scud")
    assert metric_label("some_new_metric") == "some new metric"


def test_every_metric_column_of_a_replication_has_a_label() -> None:
    """A new metric gets words in kamae.results.labels, or the tables show its raw name."""
    import dataclasses

    from kamae.results import metrics
    from kamae.results.labels import LABELS

    records = [
        metrics.EngagementCounts,
        metrics.TrackingCounts,
        metrics.NetworkCounts,
        metrics.CountermeasureCounts,
    ]
    names = [
        f.name
        for record in records
        for f in dataclasses.fields(record)
        if not f.metadata.get("column_prefix")  # per-type columns: kamae.results.labels.PER_TYPE
    ]
    assert [n for n in names if n not in LABELS] == []
