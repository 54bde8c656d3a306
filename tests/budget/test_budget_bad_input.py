"""Bad input is refused in one line naming the file, line and field."""

from __future__ import annotations

import copy

import pytest
import yaml
from conftest import write_scenario
from trade_fixtures import OPTIONS, two_layer_doc
from typer.testing import CliRunner

from kamae.budget import budget_path, share_path
from kamae.budget.options import load_options_text
from kamae.cli import app
from kamae.errors import KamaeError, ScenarioErrors
from kamae.scenario import load_scenario


@pytest.mark.parametrize("share", [120.0, -1.0, {2023: 1.0, 2027: 101.0}])
def test_share_of_gdp_outside_0_100_is_refused(share) -> None:
    with pytest.raises(KamaeError, match=r"share(\.2027)?: expected a share"):
        share_path(share)


def test_years_before_the_gdp_series_are_refused() -> None:
    with pytest.raises(KamaeError, match="before the 2020-base GDP series"):
        budget_path(1.0, 2018, 2019)


def _options_error(tmp_path, change) -> str:
    loaded = load_scenario(write_scenario(tmp_path, two_layer_doc()))
    doc = copy.deepcopy(OPTIONS)
    change(doc)
    with pytest.raises(ScenarioErrors) as info:
        load_options_text(yaml.safe_dump(doc, sort_keys=False), "opts.yaml", loaded)
    return str(info.value)


def test_zero_unit_cost_is_refused_naming_the_field(tmp_path) -> None:
    def zero(doc):
        doc["options"][2]["unit_cost_musd"] = 0

    message = _options_error(tmp_path, zero)
    assert message.startswith("opts.yaml:")
    assert "options[2].counterstrike.unit_cost_musd" in message or (
        "options[2].unit_cost_musd" in message
    )
    assert "greater than 0" in message
    assert "\n" not in message


def test_unknown_interceptor_is_refused_naming_the_field(tmp_path) -> None:
    def unknown(doc):
        doc["options"][0]["interceptor"] = "sm-9"

    message = _options_error(tmp_path, unknown)
    assert message.startswith("opts.yaml:")
    assert "options[0].interceptor: unknown interceptor" in message
    assert "'sm-9'" in message


def test_cli_prints_one_line_and_exits_2(tmp_path) -> None:
    scenario = write_scenario(tmp_path, two_layer_doc())
    doc = copy.deepcopy(OPTIONS)
    doc["options"][1]["interceptor"] = "no-such"
    options = tmp_path / "opts.yaml"
    options.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["trade", str(scenario), "--options", str(options)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "options[1].interceptor" in lines[0], result.output
    result = CliRunner().invoke(app, ["calc", "budget", "--share", "120"])
    assert result.exit_code == 2
    assert "share: expected a share of GDP in [0, 100] %" in result.output


def test_cli_calc_budget_json() -> None:
    import json

    result = CliRunner().invoke(
        app, ["calc", "budget", "--share", "2", "--from", "2022", "--to", "2022",
              "--gdp-base", "2015", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["years"][0]["nominal_bn_yen"] == pytest.approx(0.02 * 567_113)
