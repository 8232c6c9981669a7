"""``instc assign corridor``: names bottlenecks with sources; one red line on bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from instc.cli import app

runner = CliRunner()


def invoke(*args: object):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_year_2030_names_bottlenecks_with_sources() -> None:
    data = json.loads(invoke("assign", "corridor", "--year", "2030", "--json").stdout)
    top = data["saturated"][0]
    assert top["volume_capacity"] > 0 and top["capacity_source_ids"]
    table = invoke("assign", "corridor", "--year", "2030")
    assert table.exit_code == 0, table.output
    assert "most saturated" in table.output
    assert top["element_id"] in table.output
    assert top["capacity_source_ids"][0] in table.output
    assert "uncapacitated" in table.output
    assert "with no capacity figure (unbounded)" in table.output
    assert data["unbounded_with_flow"][0]["capacity"] == "unbounded: no capacity figure"
    # 2030 has no observed branch volumes for every branch: no observed share, years named
    assert "years with a full check: 2023" in table.output


def test_year_2023_prints_model_vs_observed_branch_shares() -> None:
    out = invoke("assign", "corridor", "--year", "2023").output
    assert "Branch shares 2023: model vs observed" in out
    assert "73.3%" in out  # Caspian 10 / (3 + 10 + 0.65) Mt (F165)
    data = json.loads(invoke("assign", "corridor", "--year", "2023", "--json").stdout)
    shares = {r["branch"]: r["observed_share"] for r in data["branch_check"]}
    assert abs(shares["eastern"] - 0.65 / 13.65) < 1e-9
    other = {r["branch"]: r["observed_share"] for r in data["branch_check_other"]}
    assert abs(other["western"] - 2.2 / (2.2 + 0.0747 + 0.2348)) < 1e-9  # RZD rail Q1
    assert "model vs RZD rail shipments by route, Q1" in out


def test_scenario_and_top() -> None:
    result = invoke(
        "assign",
        "corridor",
        "--year",
        "2030",
        "--scenario",
        "rasht-astara",
        "--json",
        "--top",
        "3",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"] == "rasht-astara" and len(data["saturated"]) == 3


def test_bad_input_is_one_red_line() -> None:
    for args in (
        ("--demand", "huge"),
        ("--scenario", "no-such-scenario"),
        ("--top", "0"),
        ("--sweep", "1,x"),
    ):
        result = invoke("assign", "corridor", *args)
        assert result.exit_code == 2, result.output
        lines = [x for x in result.output.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), result.output


def test_sweep_adds_the_volume_curve() -> None:
    result = invoke("assign", "corridor", "--json", "--sweep", "0.5,1")
    assert result.exit_code == 0, result.output
    curve = json.loads(result.stdout)["volume_curve"]
    assert {row["scale"] for row in curve} == {0.5, 1.0}
    table = invoke("assign", "corridor", "--sweep", "0.5,1")
    assert "as demand is scaled" in table.output


def test_route_choice_is_path_size_logit_by_default_and_stated() -> None:
    data = json.loads(invoke("assign", "corridor", "--year", "2023", "--json").stdout)
    assert data["assignment"]["algorithm"] == "psl"
    assert data["parameters"]["route_choice.logit_mu"]["basis"] == "estimate"
    ue = invoke("assign", "corridor", "--year", "2023", "--algorithm", "bfw").output
    # the 2023 free-flow load is already a user equilibrium: said, not left as a puzzle
    assert "after 0 iterations" in ue and "already an equilibrium" in ue
