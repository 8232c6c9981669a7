"""Families side by side: ranking by a percentile, per-family random streams, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from instc._errors import UnknownNameError

MINI = Path(__file__).resolve().parents[1] / "network" / "fixtures" / "mini"

FAMILIES = """
[rail]
label = "All rail via the Astara gauge break"
via = [["link:L-BRIDGE"]]
avoid_modes = ["road"]

[road_end]
label = "Rail to Astara, road to Rasht"
via = [["IR-ASTARA@road"]]
"""


@pytest.fixture(scope="module")
def network():
    from instc.network import load_network

    return load_network(MINI, as_of=None)


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    from instc.routing.compare import load_families

    path = tmp_path_factory.mktemp("fam") / "families.toml"
    path.write_text(FAMILIES, encoding="utf-8")
    return load_families(path)


def test_families_ranked_by_percentile_with_independent_streams(network, families) -> None:
    from instc.reliability.compare import reliability_by_family

    both = reliability_by_family(
        network, "AZBAK", "IR-RASHT", families=families, samples=20_000, seed=4, within_days=3
    )
    # the unconstrained best route is simulated too, as instc compare shows it first
    assert {f.family for f in both.families} == {"best", "rail", "road_end"}
    p90 = [f.result.p90_h for f in both.families]
    assert p90 == sorted(p90)
    frame = both.to_frame()
    assert list(frame["family"]) == [f.family for f in both.families]
    assert (frame["p50_days"] <= frame["p90_days"]).all()
    assert (frame["p90_days"] <= frame["p95_days"]).all()
    # a family's numbers do not depend on which other families are simulated
    alone = reliability_by_family(
        network, "AZBAK", "IR-RASHT", families=[families[0]], samples=20_000, seed=4
    )
    rail_both = next(f for f in both.families if f.family == "rail")
    rail_alone = next(f for f in alone.families if f.family == "rail")
    assert np.array_equal(rail_alone.result.time_h, rail_both.result.time_h)
    # ranking by another percentile uses that percentile
    by50 = reliability_by_family(
        network, "AZBAK", "IR-RASHT", families=families, samples=20_000, seed=4, percentile=50
    )
    p50 = [f.result.p50_h for f in by50.families]
    assert p50 == sorted(p50)
    d = both.to_dict()
    assert d["ranked_by_percentile"] == 90
    assert d["families"][0]["reliability"]["legs"]


def test_unknown_family_suggests_names(network) -> None:
    from instc.reliability.compare import reliability_by_family

    with pytest.raises(UnknownNameError, match="did you mean 'suez'"):
        reliability_by_family(network, "AZBAK", "IR-RASHT", families=["sues"], samples=10)


def test_cli_reliability_json_and_plot_on_embedded_data(tmp_path: Path) -> None:
    from instc.cli import app

    png = tmp_path / "rel.png"
    args = ["reliability", "Nhava Sheva", "Moscow", "--samples", "3000", "--seed", "1"]
    result = CliRunner().invoke(app, [*args, "--within-days", "25", "--json", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["seed"] == 1 and data["families"]
    for fam in data["families"]:
        assert fam["p50_h"] <= fam["p80_h"] <= fam["p90_h"] <= fam["p95_h"]
        assert 0.0 <= fam["p_within"] <= 1.0
    ranked = [fam["ranked_p90_h"] for fam in data["families"]]
    assert ranked == sorted(ranked)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = CliRunner().invoke(app, [*args, "--within-days", "25", "--json"])
    assert json.loads(again.stdout)["families"] == data["families"]
    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0 and "P95" in table.stdout


def test_cli_reliability_under_a_scenario(tmp_path: Path) -> None:
    from instc.cli import app

    args = ["reliability", "Nhava Sheva", "Moscow", "--samples", "2000", "--seed", "3", "--json"]
    # 2019: western liners still served Russia (Rotterdam–St Petersburg feeder until 2022),
    # so a Red Sea closure leaves the Cape diversion; in 2026 no Cape service reaches Russia
    args += ["--family", "suez", "--family", "cape", "--as-of", "2019-06-01"]
    base = json.loads(CliRunner().invoke(app, args).stdout)
    closed = CliRunner().invoke(app, [*args, "--scenario", "red-sea-closed"])
    assert closed.exit_code == 0, closed.output
    data = json.loads(closed.stdout)
    assert data["scenario"] == "red-sea-closed"
    # with the Red Sea closed the Suez family has no route, or a slower one
    p50 = {f["family"]: f["p50_h"] for f in data["families"]}
    base_p50 = {f["family"]: f["p50_h"] for f in base["families"]}
    missing = {m["family"] for m in data["missing"]}
    assert "suez" in missing or p50["suez"] > base_p50["suez"]
