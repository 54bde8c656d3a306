"""Budget arithmetic against the published figures.

Sources: Defense Buildup Program FY2023-2027, 43 trillion yen (mod.go.jp plan_13), about 1.5
times the previous plan's 27.5 tn (NHK 2022-12-06); the 2% target, about 11 tn yen, 2% of
FY2022 GDP (Defense of Japan 2024); GDP, Cabinet Office national accounts (jil.go.jp estatis
e0101). The shipped series must reproduce kamae's reference notes (open-data.md) exactly.
"""

from __future__ import annotations

import re

import pytest

from kamae.budget import budget_path, shipped_budget_data


def test_buildup_program_is_43_trillion_over_five_years() -> None:
    dbp = shipped_budget_data().buildup_program
    assert dbp.years == 5
    assert dbp.total_tn_yen == 43.0
    assert dbp.composition_total_tn_yen() == pytest.approx(43.0, abs=1e-9)
    assert dbp.ratio_to_previous == pytest.approx(1.5, abs=0.07)  # "1.5 times"


def test_two_percent_of_fy2022_gdp_is_about_11_trillion() -> None:
    # The target was set in December 2022 against the 2015-base GDP of the day.
    fy2022 = budget_path(2.0, 2022, 2022, gdp_base="2015").years[0]
    assert fy2022.nominal_bn_yen / 1e3 == pytest.approx(11.0, abs=0.5)
    # Wider spending of FY2024, 8.9 tn, is the published 1.6% of that same FY2022 GDP.
    assert round(8.9e3 / fy2022.gdp_bn_yen * 100, 1) == 1.6


def test_exchange_rate_and_constant_prices() -> None:
    p = budget_path(1.0, 2023, 2024, gdp_base="2015", yen_per_usd=100, inflation_pct=10)
    y23, y24 = p.years
    assert y23.nominal_musd == pytest.approx(593_903 * 0.01 * 1e9 / 100 / 1e6)
    assert y24.constant_bn_yen == pytest.approx(y24.nominal_bn_yen / 1.1)


def _numbers(text: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*\.?\d*", text)]


def test_shipped_series_reproduce_the_reference_notes(shared_reference) -> None:
    notes = (shared_reference / "open-data.md").read_text(encoding="utf-8")
    data = shipped_budget_data()
    rows = re.findall(r"^\| (20\d\d)(?: \(draft\))? \| ([^|]*)\| ([^|]*)\|", notes, re.M)
    assert len(rows) == 14
    for year, excl, incl in rows:
        entry = next(y for y in data.core.years if y.fiscal_year == int(year))
        ex = _numbers(excl)
        inc = _numbers(incl)
        assert entry.excl == (int(ex[0]) if ex else None), year
        assert entry.incl == int(inc[0]), year
        assert entry.incl_approximate == ("~" in incl)
    for base in ("2015", "2020"):
        line = re.search(rf"- {base} base[^:]*: (.*?)(?:\n- |\n\n)", notes, re.S)
        assert line is not None
        pairs = re.findall(r"FY(\d{4}) ([\d,]+)", line.group(1))
        assert {int(y): float(v.replace(",", "")) for y, v in pairs} == data.gdp.bases[base]
    sipri = re.search(r"calendar years \(SIPRI[^:]*:\n?(.*?)SIPRI 2024", notes, re.S)
    assert sipri is not None
    pairs = re.findall(r"(20\d\d) (\d\.\d+)", sipri.group(1))
    assert {int(y): float(v) for y, v in pairs} == data.sipri.years
