"""`instc route/compare/pareto`: pinned JSON shape, GeoJSON, one-line errors with exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from instc.cli import app

runner = CliRunner()

OPTION_KEYS = {
    "family",
    "family_label",
    "origin",
    "destination",
    "cargo",
    "unit",
    "by",
    "as_of",
    "expected",
    "totals",
    "legs",
    "assumptions",
}
TOTAL_KEYS = {"cost_usd", "time_h", "co2e_kg", "co2e_kg_ttw", "distance_km"}
LEG_KEYS = {
    "service_id",
    "mode",
    "from",
    "to",
    "distance_km",
    "time_h",
    "cost_usd",
    "co2e_kg",
    "source_ids",
    "kind",
    "from_name",
    "to_name",
    "from_country",
    "to_country",
    "from_layer",
    "to_layer",
    "link_id",
    "border_id",
    "transfer_kind",
    "moving_h",
    "waiting_h",
    "dwell_h",
    "freight_usd",
    "charges_usd",
    "co2e_kg_ttw",
    "expected",
    "project_id",
    "rules",
    "terminal",
    "surcharges_usd",
    "surcharges",
}


def _check_option(option):
    assert set(option) == OPTION_KEYS
    assert set(option["totals"]) == TOTAL_KEYS
    assert option["legs"]
    for leg in option["legs"]:
        assert set(leg) == LEG_KEYS
        assert isinstance(leg["source_ids"], list)
    assert option["totals"]["cost_usd"] == pytest.approx(
        sum(leg["cost_usd"] for leg in option["legs"])
    )


def test_route_json_shape_is_pinned():
    result = runner.invoke(app, ["route", "Nhava Sheva", "Moscow", "--as-of", "2026", "--json"])
    assert result.exit_code == 0, result.output
    option = json.loads(result.stdout)
    # the terminals at both ends are legs, marked in the JSON
    assert option["legs"][0]["terminal"] == "origin"
    assert option["legs"][0]["from_layer"] == "road" and option["legs"][0]["dwell_h"] == 74.5
    assert option["legs"][-1]["terminal"] == "destination"
    assert [leg["terminal"] for leg in option["legs"][1:-1]] == [None] * (len(option["legs"]) - 2)
    _check_option(option)
    assert option["origin"] == "INNSA" and option["destination"] == "RU-MOSCOW"
    assert option["unit"] == "teu" and option["as_of"] == "2026-01-01"


def test_route_k_prints_a_list_and_compare_pareto_print_lists(tmp_path):
    result = runner.invoke(app, ["route", "INNSA", "RU-MOSCOW", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    options = json.loads(result.stdout)
    assert isinstance(options, list) and 1 <= len(options) <= 3
    geo = tmp_path / "compare.geojson"
    result = runner.invoke(
        app, ["compare", "Nhava Sheva", "Moscow", "--json", "--geojson", str(geo)]
    )
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.stdout)
    assert set(comparison) >= {"by", "criterion", "options", "not_shown", "missing"}
    assert comparison["by"] == "cost" and "cost" in comparison["criterion"]
    for hidden in comparison["not_shown"]:
        assert hidden["kind"] in ("detour", "u_turn") and hidden["reason"]
    options = comparison["options"]
    assert options[0]["family"] == "best"  # the unconstrained best comes first
    assert len(options) >= 5
    best = options[0]["totals"]
    for option in options:
        delta = option.pop("delta_to_best")
        assert set(delta) == TOTAL_KEYS
        for key, value in delta.items():
            assert value == pytest.approx(option["totals"][key] - best[key])
        _check_option(option)
        assert option["family"]
        assert delta["cost_usd"] >= 0  # sorted by cost
    collection = json.loads(geo.read_text())
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["family"] for f in collection["features"]} == {
        o["family"] for o in options
    }
    result = runner.invoke(app, ["pareto", "INNSA", "RU-MOSCOW", "--json"])
    assert result.exit_code == 0, result.output
    for option in json.loads(result.stdout):
        _check_option(option)


def test_tables_render():
    result = runner.invoke(app, ["route", "INNSA", "RU-MOSCOW", "--by", "time"])
    assert result.exit_code == 0, result.output
    assert "total" in result.stdout
    result = runner.invoke(app, ["compare", "INNSA", "RU-MOSCOW", "--sort", "co2e"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["route", "Nhava Shiva", "Moscow"], "did you mean"),
        (["route", "INNSA", "RU-MOSCOW", "--cargo", "containr"], "cargo"),
        (["route", "INNSA", "RU-MOSCOW", "--avoid-mode", "plane"], "mode"),
        (["route", "INNSA", "RU-MOSCOW", "--avoid-country", "Narnia"], "country"),
        (["route", "INNSA", "RU-MOSCOW", "--as-of", "20x6"], "20x6"),
        (["route", "INNSA", "RU-MOSCOW", "--by", "speed"], "criterion"),
        (["route", "INNSA", "RU-MOSCOW", "--avoid-country", "RU"], "no route"),
        (["compare", "INNSA", "RU-MOSCOW", "--avoid-country", "RU"], "no route"),
        (["pareto", "INNSA", "Atlantis"], "unknown place"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, needle):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    err = result.stderr.strip()
    assert err.startswith("error:")  # one message (Rich may wrap it at the terminal width)
    assert needle in err.lower() or needle in err


def test_route_units_adds_an_iso14083_account():
    result = runner.invoke(app, ["route", "INNSA", "RU-MOSCOW", "--units", "40", "--json"])
    assert result.exit_code == 0, result.output
    option = json.loads(result.stdout)
    acc = option.pop("emissions_account")
    _check_option(option)
    assert acc["co2e_kg"] == pytest.approx(40 * option["totals"]["co2e_kg"])
    assert acc["co2e_kg_ttw"] == pytest.approx(40 * option["totals"]["co2e_kg_ttw"])
    assert acc["tonnes"] == pytest.approx(400.0)  # 10 t per TEU by default
    assert sum(acc["co2e_kg_by_mode"].values()) == pytest.approx(acc["co2e_kg"])
