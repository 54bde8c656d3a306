"""Budget paths against the shipped series (issue 18): actual years are the series exactly,
paths start after the last actual year, every record names its definition, and the 2% path
reaches 2% of FY2022 GDP (2015 base), about 11 tn yen, in FY2027.

Sources: NSS 2022-12 and Defense of Japan 2024 (2% of FY2022 GDP, ~11 tn, by FY2027); the
wider series (Tokyo Shimbun 2024: FY2023 ~1.4%, FY2024 8.9 tn ~1.6%; Nikkei Asia 2025-11-29:
FY2025 9.93 tn; Yomiuri 2025-04-16: ~1.8% of FY2022 GDP); NATO, The Hague 2025-06-25.
"""

from __future__ import annotations

import pytest

from kamae.budget import budget_path, share_path, shipped_budget_data
from kamae.errors import KamaeError

NAMED = ("1pct", "2pct-fy2027", "3pct", "3.5pct", "5pct")
FY2022_GDP_2015 = 567_113.0  # bn yen, the 2015-base series (jil.go.jp estatis e0101)


@pytest.mark.parametrize("name", NAMED)
@pytest.mark.parametrize("base", ["2015", "2020"])
def test_actual_years_are_the_shipped_series_and_the_path_starts_after(name, base) -> None:
    data = shipped_budget_data()
    spec = data.share_paths[name]
    first = 2020 if name == "1pct" else 2023
    p = budget_path(name, first, 2035, gdp_base=base)
    series = "core" if spec.definition == "core" else "wider"
    for y in p.years:
        assert y.definition == spec.definition
        assert y.actual == (y.fiscal_year <= spec.actual_through)
        if y.actual:
            assert y.series == series
            assert y.nominal_bn_yen == data.actual(series, y.fiscal_year).bn_yen
        else:
            assert y.series is None
    assert [y.fiscal_year for y in p.years if not y.actual][0] == spec.actual_through + 1


def test_the_actual_years_of_the_wider_series() -> None:
    p = budget_path("2pct-fy2027", 2023, 2025)
    fy23, fy24, fy25 = p.years
    # FY2023: only the share is published (~1.4%): the amount is derived from it.
    assert fy23.share_pct == pytest.approx(1.4)
    assert fy23.nominal_bn_yen == pytest.approx(0.014 * FY2022_GDP_2015)
    assert fy23.flags == ("approximate", "derived")
    assert fy24.nominal_bn_yen == pytest.approx(8_900.0)
    assert fy25.nominal_bn_yen == pytest.approx(9_930.0)
    # The published shares (1.4, 1.6, 1.8) are the amounts over FY2022 GDP, 2015 base.
    published = {w.fiscal_year: w.share_pct for w in shipped_budget_data().wider.years}
    assert {y.fiscal_year: round(y.share_pct, 1) for y in p.years} == published


@pytest.mark.parametrize("base", ["2015", "2020"])
def test_two_percent_path_reaches_2pct_of_fy2022_gdp_in_fy2027(base) -> None:
    p = budget_path("2pct-fy2027", 2025, 2028, gdp_base=base)
    fy25, fy26, fy27, fy28 = p.years
    assert fy27.gdp_fiscal_year == 2022 and fy27.gdp_base == "2015"
    assert fy27.gdp_bn_yen == FY2022_GDP_2015
    assert fy27.nominal_bn_yen == pytest.approx(0.02 * FY2022_GDP_2015, rel=1e-12)
    assert fy27.nominal_bn_yen / 1e3 == pytest.approx(11.0, abs=0.5)  # "about 11 tn"
    assert fy27.share_pct == pytest.approx(2.0)
    # FY2026: halfway from the last actual share (FY2025) to 2%.
    assert fy26.share_pct == pytest.approx((fy25.share_pct + 2.0) / 2)
    # Beyond FY2027 (nothing decided): the FY2027 share of each year's GDP is kept.
    assert fy28.share_of_year_gdp_pct == pytest.approx(fy27.share_of_year_gdp_pct)
    assert "FY2022 GDP (2015 base)" in p.describe()


@pytest.mark.parametrize(("name", "target"), [("3.5pct", 3.5), ("5pct", 5.0), ("3pct", 3.0)])
def test_nato_and_us_paths_are_shares_of_each_years_gdp_without_back_filling(name, target) -> None:
    p = budget_path(name, 2023, 2036)
    by = {y.fiscal_year: y for y in p.years}
    wider = shipped_budget_data().actual("wider", 2023)
    assert by[2023].nominal_bn_yen == wider.bn_yen  # not the old 1.8% back-fill
    assert by[2023].share_pct == pytest.approx(100 * wider.bn_yen / by[2023].year_gdp_bn_yen)
    for y in p.years:
        assert y.gdp_fiscal_year == y.fiscal_year
        assert y.share_pct == pytest.approx(y.share_of_year_gdp_pct)
    end = 2030 if name == "3pct" else 2035
    assert by[end].share_pct == pytest.approx(target)
    assert by[2036].share_pct == pytest.approx(target)
    assert p.definition == {"3pct": "wider", "3.5pct": "nato-core", "5pct": "nato-total"}[name]


def test_one_percent_counterfactual_keeps_the_core_actuals() -> None:
    p = budget_path("1pct", 2021, 2023, gdp_base="2015")
    fy21, fy22, fy23 = p.years
    assert fy21.nominal_bn_yen == pytest.approx(5_342.2)
    assert fy22.nominal_bn_yen == pytest.approx(5_400.0) and fy22.flags == ("approximate",)
    assert not fy23.actual and fy23.share_pct == pytest.approx(1.0)
    assert fy23.nominal_bn_yen == pytest.approx(0.01 * 593_903)


def test_every_definition_is_described() -> None:
    data = shipped_budget_data()
    for name in NAMED:
        p = budget_path(name, 2023, 2027)
        assert p.definition_text() == data.definitions[p.definition]
        assert p.definition in p.describe()
    assert budget_path(2.0, 2023, 2023).definition == "user"


def test_a_year_of_an_actual_period_without_a_figure_is_refused() -> None:
    with pytest.raises(KamaeError, match=r"^fiscal year: FY2022 is an actual year of path 2pct"):
        budget_path("2pct-fy2027", 2022, 2024)


def test_user_paths_have_no_actual_years() -> None:
    p = budget_path(share_path({2023: 1.0, 2027: 2.0}), 2023, 2027, gdp_base="2015")
    assert not any(y.actual for y in p.years)
    assert p.years[2].share_pct == pytest.approx(1.5)


@pytest.mark.parametrize("base", ["2015", "2020"])
def test_the_programme_path_spends_43_tn_over_fy2023_2027(base) -> None:
    """The Defense Buildup Program as a path: FY2023-2025 the core series exactly (6,821.9,
    7,949.6 and 8,700.5 bn yen, the shipped initial budgets), the rest of 43,000 bn yen
    equally over FY2026-2027 (by hand: (43,000 - 23,472.0) / 2 = 9,764.0 each), then FY2027's
    share of each year's GDP; the definition is `core` in every record and in describe()."""
    p = budget_path("dbp-fy2023-2027", 2023, 2029, gdp_base=base)
    by_year = {y.fiscal_year: y for y in p.years}
    assert [by_year[fy].nominal_bn_yen for fy in (2023, 2024, 2025)] == [6821.9, 7949.6, 8700.5]
    assert all(by_year[fy].actual and by_year[fy].series == "core" for fy in (2023, 2024, 2025))
    assert by_year[2026].nominal_bn_yen == pytest.approx(9764.0)
    assert by_year[2027].nominal_bn_yen == pytest.approx(9764.0)
    assert sum(by_year[fy].nominal_bn_yen for fy in range(2023, 2028)) == pytest.approx(43_000.0)
    assert by_year[2029].share_of_year_gdp_pct == pytest.approx(
        by_year[2027].share_of_year_gdp_pct, rel=1e-12
    )
    assert {y.definition for y in p.years} == {"core"}
    assert p.describe().startswith("dbp-fy2023-2027: core definition, 43 tn yen over FY2023")
    with pytest.raises(KamaeError, match="dbp-fy2023-2027"):
        share_path("no-such-path")
