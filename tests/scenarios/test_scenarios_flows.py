"""The flow view of a scenario: two corridor assignments side by side."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

from instc.cli import app
from instc.scenarios.flows import flow_diff


def _run(
    family_t: dict[str, float], volumes: dict[str, float], od_time_h: float
) -> SimpleNamespace:
    """A stand-in for a CorridorAssignment: what flow_diff reads."""
    families = pd.DataFrame({"family": list(family_t), "volume_t": list(family_t.values())})
    cap = {"link:a": 100.0, "link:b": math.nan, "link:new": 50.0}
    elements = pd.DataFrame(
        {
            "element_id": list(volumes),
            "kind": "link",
            "name": [e.upper() for e in volumes],
            "mode": "rail",
            "volume_t_per_year": list(volumes.values()),
            "capacity_t_per_year": [cap[e] for e in volumes],
            "volume_capacity": [v / cap[e] for e, v in volumes.items()],
            "delay_h": 0.0,
        }
    )
    ods = pd.DataFrame(
        {
            "class": ["container"],
            "origin": ["A"],
            "destination": ["B"],
            "unit": ["teu"],
            "volume_t": [80.0],
            "eq_time_h": [od_time_h],
            "eq_money_usd": [100.0],
            "eq_generalised_usd": [110.0],
        }
    )
    od = SimpleNamespace(class_name="container", origin="A", destination="B", volume_t=80.0)
    unrouted = (SimpleNamespace(user_class="container:A>B"),) if od_time_h == math.inf else ()
    return SimpleNamespace(
        year=2028,
        elements=elements,
        od_costs=ods,
        family_totals=lambda: families,
        demand=SimpleNamespace(ods=(od,), total_t=80.0),
        assignment=SimpleNamespace(unreachable_pairs=unrouted, method="psl", target_gap=1e-4),
    )


def test_flow_diff_shifts_tonnes_by_hand() -> None:
    """80 t move from link a (family sea) to a new link (family rail); b keeps its 10 t."""
    before = _run({"sea": 80.0, "rail": 0.0}, {"link:a": 80.0, "link:b": 10.0}, 48.0)
    after = _run(
        {"sea": 0.0, "rail": 80.0}, {"link:a": 0.0, "link:b": 10.0, "link:new": 80.0}, 30.0
    )
    diff = flow_diff(before, after, scenario="s", baseline="b")  # type: ignore[arg-type]
    fam = diff.families.set_index("family")
    assert fam.loc["sea", "shift_t"] == -80.0 and fam.loc["rail", "shift_t"] == 80.0
    el = diff.elements.set_index("element_id")
    assert el.loc["link:new", "volume_t_per_year_before"] == 0.0  # absent before: no volume
    assert el.loc["link:new", "volume_change_t"] == 80.0
    assert el.loc["link:a", "volume_capacity_before"] == pytest.approx(0.8)
    assert el.loc["link:a", "volume_capacity_after"] == 0.0
    moved = diff.moved()
    assert set(moved["element_id"]) == {"link:a", "link:new"}  # b did not move
    assert (
        diff.ods.loc[0, "eq_time_h_before"] == 48.0 and diff.ods.loc[0, "eq_time_h_after"] == 30.0
    )
    data = diff.to_dict()
    assert data["year"] == 2028 and len(data["elements_moved"]) == 2
    assert data["ods"][0]["eq_money_usd_before"] == 100.0
    assert diff.unserved_before_t == diff.unserved_after_t == 0.0


def test_flow_diff_counts_demand_a_scenario_connects() -> None:
    """An OD with no path before (a pipeline not open) is unserved: its 80 t count."""
    before = _run({"sea": 0.0}, {"link:a": 0.0}, math.inf)
    after = _run({"sea": 80.0}, {"link:a": 80.0}, 30.0)
    diff = flow_diff(before, after)  # type: ignore[arg-type]
    assert diff.unserved_before_t == 80.0 and diff.unserved_after_t == 0.0
    assert diff.to_dict()["unserved_before_t"] == 80.0


def test_scenario_flows_json_of_a_project_scenario() -> None:
    """The CLI's flow view runs the assignment of the scenario's year on both networks:
    the same demand (each OD's tonnes) before and after, on the same date."""
    result = CliRunner().invoke(
        app, ["scenario", "run", "rasht-astara", "--group", "india-russia", "--json"]
    )
    assert result.exit_code == 0, result.output
    flows = json.loads(result.output)["flows"]
    assert flows["year"] == 2028 and flows["baseline"] == "baseline without rasht-astara"
    assert {f["family"] for f in flows["families"]} >= {"western_rail", "suez", "caspian_sea"}
    for od in flows["ods"]:
        assert od["volume_t_before"] == pytest.approx(od["volume_t_after"])
    # path-size logit route choice: the railway draws part of the flow, although it is
    # no OD's single cheapest route (a user equilibrium moved 0 t)
    assert flows["route_choice"] == "psl"
    shift = {f["family"]: f["shift_t"] for f in flows["families"]}
    assert shift["western_rail"] > 0
    moved = {e["element_id"]: e for e in flows["elements_moved"]}
    railway = moved["link:r-rasht-astara"]
    assert railway["volume_t_per_year_before"] == 0 < railway["volume_t_per_year_after"]


def test_changes_within_the_convergence_tolerance_are_not_moves() -> None:
    """1e6 t at a target gap of 1e-4: changes under 100 t are noise; 80 t on b is not
    listed, 150 t on a is."""
    before = _run({"sea": 0.0}, {"link:a": 1000.0, "link:b": 1000.0}, 48.0)
    after = _run({"sea": 0.0}, {"link:a": 1150.0, "link:b": 1080.0}, 48.0)
    for run in (before, after):
        run.demand.total_t = 1e6
    diff = flow_diff(before, after)  # type: ignore[arg-type]
    assert diff.noise_t == pytest.approx(100.0)
    assert diff.moved()["element_id"].tolist() == ["link:a"]


def test_pipeline_scenario_moves_the_crude_at_its_tariff() -> None:
    """Baku–Novorossiysk resumes (2027) at 15 Mt/yr with the tariff cut by 25%: the
    crude OD (bnp-throughput, nearest row bnp-2021: 1 Mt) has no route before and runs
    through the pipeline after, at 0.75 x USD 16/t (0.01203 USD/t-km x 1,330 km)."""
    from instc.network.load import load_network
    from instc.scenarios import load_bundled
    from instc.scenarios.flows import scenario_flows

    network = load_network()
    diff = scenario_flows(network, load_bundled("baku-novorossiysk-15mt"))
    demand = network.tables["demand"].set_index("demand_id")
    crude_t = float(demand.loc["bnp-2021", "volume"])
    assert diff.year == 2027
    assert diff.unserved_before_t == pytest.approx(crude_t) and diff.unserved_after_t == 0.0
    od = diff.ods.set_index(["class", "origin", "destination"]).loc[
        ("crude", "AZ-SANGACHAL", "RUNVS")
    ]
    assert math.isnan(od["eq_money_usd_before"])
    assert od["eq_money_usd_after"] == pytest.approx(0.75 * 0.01203 * 1330, rel=1e-3)
    pipe = diff.elements.set_index("element_id").loc["link:o-baku-novorossiysk"]
    assert pipe["volume_t_per_year_before"] == 0.0
    assert pipe["volume_t_per_year_after"] == pytest.approx(crude_t, rel=1e-6)
    assert pipe["capacity_t_per_year_after"] == 15e6
    assert pipe["volume_capacity_after"] == pytest.approx(crude_t / 15e6, rel=1e-6)
    # the Kazakh oil keeps its pipeline: one row per link, named by the link's own
    # ends (links.csv Makhachkala -> Novorossiysk) in both runs, never moved
    kz = diff.elements.loc[diff.elements["element_id"] == "link:o-makhachkala-novorossiysk"]
    assert len(kz) == 1
    assert kz.iloc[0]["name"] == "Makhachkala - Novorossiysk"
    assert kz.iloc[0]["volume_change_t"] == pytest.approx(0.0, abs=diff.noise_t)
    assert kz.iloc[0]["volume_t_per_year_after"] > 2e6
