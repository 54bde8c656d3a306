"""Budget arithmetic against the published figures.

Sources: Defense Buildup Program FY2023-2027, 43 trillion yen = 40.5 tn annual budgets + 1.6
tn facilities + 0.9 tn settlement surplus (DBP XIII, quoted in MOF's FY2023 budget document,
p. 21; mod.go.jp plan_13), about 1.5 times the previous plan's 27.5 tn (NHK 2022-12-06); the
split by area (TV Asahi 2022-12-10); the 2% target, about 11 tn yen, 2% of FY2022 GDP (Defense
of Japan 2024); GDP, Cabinet Office national accounts (jil.go.jp estatis e0101). The shipped
series must reproduce kamae's reference notes (open-data.md) exactly.
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


def test_programme_table_sums_to_43_trillion_and_its_published_parts() -> None:
    dbp = shipped_budget_data().buildup_program
    assert [a.tn_yen for a in dbp.composition] == [40.5, 1.6, 0.9]  # DBP XIII 1-2
    assert dbp.areas_total_tn_yen() == pytest.approx(dbp.total_tn_yen, abs=1e-9)
    # TV Asahi 2022-12-10: stand-off 5, maintenance 9, facilities 4, munitions 2, unmanned,
    # space and cyber 1 each.
    assert dbp.areas_total_tn_yen(verified_only=True) == pytest.approx(23.0)
    assert dbp.itemised_tn_yen() == pytest.approx(35.0)  # with the unverified press rows
    (rest,) = [a for a in dbp.areas if a.remainder]
    assert rest.unverified and rest.reason
    assert rest.tn_yen == pytest.approx(dbp.total_tn_yen - dbp.itemised_tn_yen())
    assert all(a.reason for a in dbp.areas if a.unverified)


def test_wider_shares_are_of_fy2022_gdp_on_the_2015_base() -> None:
    # Tokyo Shimbun 2024: 8.9 tn ~1.6%; Nikkei Asia 2025-11-29: 9.93 tn; Yomiuri 2025-04-16:
    # ~1.8% of FY2022 GDP.
    data = shipped_budget_data()
    d = data.wider.denominator
    gdp = data.gdp.bases[d.gdp_base][d.fiscal_year]
    for w in data.wider.years:
        if w.amount_tn_yen is not None:
            assert round(w.amount_tn_yen * 1e3 / gdp * 100, 1) == w.share_pct, w.fiscal_year
    # On the 2020 base the same 8.9 tn would be 1.5%, not the published 1.6%.
    assert round(8.9e3 / data.gdp.bases["2020"][2022] * 100, 1) == 1.5


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
