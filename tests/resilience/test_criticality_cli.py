"""`instc criticality`: ranked table, JSON, GeoJSON layer, and one red line on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from instc._errors import UnknownNameError
from instc.cli import app

runner = CliRunner()
AS_OF = ["--as-of", "2026-06-01"]


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from instc.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "500"},
    )


def test_borders_table_ranks_the_corridor_borders() -> None:
    result = runner.invoke(
        app, ["criticality", "--elements", "borders", *AS_OF], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "criticality of borders" in result.output
    data = json.loads(
        runner.invoke(app, ["criticality", "--elements", "borders", "--json", *AS_OF]).output
    )
    top = data["ranking"][0]
    assert top["element_id"] in result.output and top["kind"] == "border"
    assert top["n_ods_using"] > 0
    # the table lists the ranks in order, the most critical first
    lines = [line for line in result.output.splitlines() if top["element_id"] in line]
    assert lines and lines[0].lstrip("│ ").startswith("1 ")
    assert "weights: equal weights" in result.output


def test_json_top_and_shape() -> None:
    result = runner.invoke(app, ["criticality", "--top", "5", "--json", *AS_OF])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["elements"] == "links" and data["by"] == "generalised"
    assert data["as_of"] == "2026-06-01"
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 3, 4, 5]
    assert data["n_elements"] > 5
    listed = {r["element_id"] for r in data["ranking"]}
    assert {i["element_id"] for i in data["impacts"]} <= listed
    shares = [r["unserved_share"] for r in data["ranking"]]
    assert shares == sorted(shares, reverse=True)


def test_geojson_layer(tmp_path: Path) -> None:
    out = tmp_path / "borders.geojson"
    result = runner.invoke(
        app, ["criticality", "--elements", "borders", "--geojson", str(out), *AS_OF]
    )
    assert result.exit_code == 0, result.output
    layer = json.loads(out.read_text())
    assert layer["type"] == "FeatureCollection"
    assert {f["geometry"]["type"] for f in layer["features"]} == {"Point"}
    assert all("color" in f["properties"] for f in layer["features"])


def test_user_od_file(tmp_path: Path) -> None:
    ods = tmp_path / "ods.toml"
    ods.write_text(
        '[[pair]]\norigin = "IRBND"\ndestination = "AZ-BAKU"\ncargo = "container"\nweight = 2\n'
    )
    result = runner.invoke(
        app, ["criticality", "--ods", str(ods), "--elements", "countries", "--json", *AS_OF]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total_weight"] == 2.0
    ranked = {r["element_id"]: r for r in data["ranking"]}
    # removing the origin's or the destination's country leaves the pair unserved
    assert ranked["IR"]["unserved_share"] == 1.0 and ranked["AZ"]["unserved_share"] == 1.0
    transit = runner.invoke(
        app,
        [
            "criticality",
            "--ods",
            str(ods),
            "--elements",
            "countries",
            "--transit-only",
            "--json",
            *AS_OF,
        ],
    )
    data = json.loads(transit.output)
    assert data["transit_only"] is True
    ranked = {r["element_id"]: r for r in data["ranking"]}
    # as transit countries, the pair's own end countries carry nothing
    assert ranked["IR"]["n_ods_using"] == 0 and ranked["AZ"]["n_ods_using"] == 0


def test_unknown_kind_is_an_instc_error() -> None:
    result = runner.invoke(app, ["criticality", "--elements", "bridges"])
    assert isinstance(result.exception, UnknownNameError)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--elements", "bordrs"], "unknown element kind 'bordrs'"),
        (["--by", "fastest"], "unknown criterion"),
        (["--as-of", "someday"], "someday"),
        (["--ods", "/nonexistent/ods.toml"], "pairs file not found"),
    ],
)
def test_bad_input_one_red_line_exit_2(args: list[str], message: str) -> None:
    result = _main("criticality", *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_help_is_instant() -> None:
    # the command module imports only typer at start-up
    code = (
        "import sys, instc.cli; "
        "print(any(m in sys.modules for m in ('pandas', 'numpy', 'instc.resilience')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_scenario_and_value_of_time_options() -> None:
    base = json.loads(
        runner.invoke(app, ["criticality", "--elements", "borders", "--json", *AS_OF]).output
    )
    closed = runner.invoke(
        app,
        ["criticality", "--elements", "borders", "--json", "--scenario", "red-sea-closed", *AS_OF],
    )
    assert closed.exit_code == 0, closed.output
    # with the Red Sea closed no pair has a route through Suez, so the baselines change
    assert json.loads(closed.output)["baseline"] != base["baseline"]
    dear = runner.invoke(
        app, ["criticality", "--elements", "borders", "--json", "--value-of-time", "500", *AS_OF]
    )
    assert dear.exit_code == 0, dear.output
    slow = {b["origin"] + b["destination"] + b["cargo"]: b for b in base["baseline"]}
    for b in json.loads(dear.output)["baseline"]:
        if b["objective"] is not None:
            # generalised = cost + value of time x days
            assert b["generalised_usd"] == pytest.approx(b["cost_usd"] + 500 * b["time_h"] / 24)
            before = slow[b["origin"] + b["destination"] + b["cargo"]]
            assert b["time_h"] <= before["time_h"] + 1e-9  # dearer time never slows the route
