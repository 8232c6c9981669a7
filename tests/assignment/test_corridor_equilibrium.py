"""Corridor user equilibrium: invariants against free flow, monotonicity, conservation,
capacity conversions and the pinned JSON shape."""

from __future__ import annotations

import json
import math
from collections import defaultdict

import numpy as np
import pytest

from instc._errors import DataError
from instc.assignment.corridor import (
    CorridorAssignment,
    assign_corridor,
    capacity_t_per_year,
    corridor_volume_curve,
)
from instc.network.load import load_network
from instc.network.model import Network

GAP = 1e-5


@pytest.fixture(scope="module")
def net2030() -> Network:
    return load_network(as_of=2030)


@pytest.fixture(scope="module")
def base(net2030: Network) -> CorridorAssignment:
    return assign_corridor(net2030, year=2030, method="bfw", gap=GAP, max_iter=2000)


def test_capacity_conversions_by_hand(net2030: Network) -> None:
    p = net2030.parameters["cargo"]
    wagon, teu = p["tonnes_per_wagon"]["value"], p["tonnes_per_teu"]["value"]
    train = p["tonnes_per_train"]["value"]
    assert capacity_t_per_year(net2030, 200, "wagon", per="day")[0] == 200 * wagon * 365
    assert capacity_t_per_year(net2030, 100_000, "teu")[0] == 100_000 * teu
    assert capacity_t_per_year(net2030, 56_210, "train")[0] == 56_210 * train
    assert capacity_t_per_year(net2030, 7 * 27, "wagon", per="week")[0] == pytest.approx(
        27 * wagon * 365
    )
    assert capacity_t_per_year(net2030, 5, "t")[0] == 5
    with pytest.raises(DataError, match="capacity unit 'barrel'"):
        capacity_t_per_year(net2030, 1, "barrel")


def test_capacities_in_the_result(base: CorridorAssignment) -> None:
    e = base.elements.set_index("element_id")
    # borders.csv IR-TM-SARAKHS rail: 200 wagons/day x 65 t x 365
    assert e.loc["border:IR-TM-SARAKHS/rail", "capacity_t_per_year"] == 200 * 65 * 365
    # services.csv alat-turkmenbashi-ferry: 7/week x 27 wagons x 65 t x 365/7
    assert e.loc["link:f-alat-turkmenbashi", "capacity_t_per_year"] == pytest.approx(27 * 65 * 365)
    assert base.capacitated + base.uncapacitated == len(e)
    assert base.capacitated == int(e["capacity_t_per_year"].notna().sum()) > 0


def test_dated_capacities_raise_on_their_date() -> None:
    """capacities.csv: the ADY Astara terminal 2 Mt/yr until 21 Mar 2026, 3.5 Mt/yr after;
    Makhachkala 8.3 Mt/yr until 2030, 11 Mt/yr from 2030; they override transfers.csv."""
    from instc.assignment.corridor import dated_capacities

    before = dated_capacities(load_network(as_of="2026-03-20"))
    after = dated_capacities(load_network(as_of="2026-03-21"))
    gauge, truck = "transfer:IR-ASTARA/rail1520-rail1435", "transfer:IR-ASTARA/rail1520-road"
    assert before[gauge][0] == 2_000_000 and before[truck][0] == 2_000_000
    assert after[gauge][0] == 3_500_000 and after[truck][0] == 3_500_000
    assert "ady-astara-gauge-phase2" in after[gauge][1] and "F200" in after[gauge][2]
    assert dated_capacities(load_network(as_of=2029))["transfer:RUMCX/sea-rail1520"][0] == 8.3e6
    assert dated_capacities(load_network(as_of=2030))["transfer:RUMCX/sea-rail1520"][0] == 11e6


def test_caspian_and_border_capacities_follow_their_dates() -> None:
    """Astara road border from the new bridge (30 Dec 2023): 375 trucks/day x 20 t x 365;
    Caspian port rail from 20 Jun 2024: 7 Mt; Aktau 11 Mt until 2028, then 11 x 1.5;
    outside every dated row the element keeps its own table's figure (strict periods)."""
    from instc.assignment.corridor import dated_capacities

    road, caspian = "border:AZ-IR-ASTARA/road", "transfer:IR-CASPIAN-PORT/sea-rail1435"
    aktau, tm = "transfer:KZAAU/ferry-rail1520", "transfer:TMKRW/ferry-rail1520"
    before = dated_capacities(load_network(as_of="2023-12-29"))
    after = dated_capacities(load_network(as_of="2024-06-20"))
    assert road not in before and caspian not in before  # no row in force: table figure
    assert after[road][0] == 375 * 20 * 365 and "astara-road-new-bridge" in after[road][1]
    assert after[caspian][0] == 7_000_000 and after[aktau][0] == 11_000_000
    assert dated_capacities(load_network(as_of=2028))[aktau][0] == 11e6 * 1.5
    assert tm not in dated_capacities(load_network(as_of="2018-05-01"))
    assert dated_capacities(load_network(as_of="2018-05-02"))[tm][0] == 17_000_000


def test_dated_capacity_reaches_the_element(base: CorridorAssignment) -> None:
    e = base.elements.set_index("element_id")
    row = e.loc["transfer:IR-ASTARA/rail1520-road"]
    assert row["capacity_t_per_year"] == 3_500_000  # was uncapacitated before capacities.csv
    assert "capacities.csv" in row["capacity"]
    unbounded = e.loc[e["capacity_t_per_year"].isna(), "capacity"]
    assert (unbounded == "unbounded: no capacity figure").all()
    listed = base.unbounded(len(e))
    assert listed["capacity_t_per_year"].isna().all() and (listed["volume_t_per_year"] > 0).all()


def test_unknown_capacity_element_is_one_line(net2030: Network) -> None:
    import pandas as pd

    from instc.assignment.corridor import dated_capacities
    from instc.network.model import Network as Net

    bad = dict(net2030.tables)
    frame = net2030.tables["capacities"].copy()
    frame.loc[0, "element"] = "transfer:NOWHERE/rail1520-road"
    bad["capacities"] = pd.DataFrame(frame)
    broken = Net(
        tables=bad,
        parameters=net2030.parameters,
        as_of=net2030.as_of,
        all_links=net2030.all_links,
    )
    with pytest.raises(DataError, match=r"capacities.csv: row ady-astara-gauge-phase1: element"):
        dated_capacities(broken)


def test_tiny_demand_is_free_flow(net2030: Network) -> None:
    tiny = assign_corridor(net2030, year=2030, demand_scale=1e-9, method="bfw", gap=GAP)
    assert float(np.nanmax(tiny.elements["volume_capacity"])) < 1e-6
    od = tiny.od_costs
    np.testing.assert_allclose(od["eq_generalised_usd"], od["free_generalised_usd"], rtol=1e-6)
    np.testing.assert_allclose(od["eq_time_h"], od["free_time_h"], rtol=1e-6)


def test_doubling_demand_never_lowers_an_od_cost(
    net2030: Network, base: CorridorAssignment
) -> None:
    double = assign_corridor(
        net2030, year=2030, demand_scale=2.0, method="bfw", gap=GAP, max_iter=2000
    )
    a = base.od_costs["eq_generalised_usd"].to_numpy()
    b = double.od_costs["eq_generalised_usd"].to_numpy()
    assert np.all(b >= a * (1 - 1e-4))
    assert np.all(a >= base.od_costs["free_generalised_usd"].to_numpy() * (1 - 1e-9))
    assert (
        double.saturated(1)["volume_capacity"].iloc[0]
        > base.saturated(1)["volume_capacity"].iloc[0]
    )


def test_used_paths_cost_the_od_minimum(base: CorridorAssignment) -> None:
    """Wardrop per OD: the volume-weighted mean generalised cost of the paths an OD
    uses equals its cheapest path cost (within the gap); an OD with no route (the crude
    while its pipeline is suspended) has none."""
    vot_key = {"teu": "teu", "t": "t", "truck": "truck"}
    unrouted = {p.user_class for p in base.assignment.unreachable_pairs}
    for _, row in base.od_costs.iterrows():
        if f"{row['class']}:{row['origin']}>{row['destination']}" in unrouted:
            assert row["eq_cheapest_generalised_usd"] == math.inf
            continue
        key = f"value_of_time.usd_per_{vot_key[row['unit']]}_day"
        vot_h = base.parameters[key]["value"] / 24
        mean = vot_h * row["eq_time_h"] + row["eq_money_usd"]
        assert mean == pytest.approx(row["eq_generalised_usd"], rel=1e-9)
        assert mean == pytest.approx(row["eq_cheapest_generalised_usd"], rel=1e-3)


def test_flow_conservation_per_od(base: CorridorAssignment) -> None:
    frame = base.assignment.to_frame()
    unrouted = {p.user_class for p in base.assignment.unreachable_pairs}
    for od in base.demand.ods:
        name = f"{od.class_name}:{od.origin}>{od.destination}"
        flows = base.assignment.class_flows[name]
        if name in unrouted:  # no route: nothing assigned
            assert not flows.any()
            continue
        balance: dict[str, float] = defaultdict(float)
        for a, b, f in zip(frame["from_node"], frame["to_node"], flows, strict=True):
            balance[a] -= f
            balance[b] += f
        origin, dest = f"zone:{od.origin}", f"zone:{od.destination}"
        assert balance.pop(origin) == pytest.approx(-od.volume, rel=1e-9)
        assert balance.pop(dest) == pytest.approx(od.volume, rel=1e-9)
        assert max(abs(v) for v in balance.values()) <= 1e-9 * od.volume


def test_uncapacitated_elements_are_never_saturated(base: CorridorAssignment) -> None:
    sat = base.saturated(len(base.elements))
    assert sat["capacity_t_per_year"].notna().all()
    uncap = set(base.elements.loc[base.elements["capacity_t_per_year"].isna(), "element_id"])
    assert uncap and not uncap & set(sat["element_id"])
    assert list(sat["volume_capacity"]) == sorted(sat["volume_capacity"], reverse=True)


def test_family_shares_are_fractions_of_each_od(base: CorridorAssignment) -> None:
    f = base.family_shares
    assert ((f["share"] >= 0) & (f["share"] <= 1)).all()
    per_od = f.groupby(["class", "origin", "destination"])["share"].sum()
    # every routed INSTC OD's flow runs on some family (not the crude, whose pipeline is
    # suspended in 2030: no route, no flow; not the Kazakh oil to Novorossiysk, on no
    # INSTC family: tanker to Makhachkala, then pipeline)
    unrouted = {p.user_class for p in base.assignment.unreachable_pairs}
    assert unrouted == {"crude:AZ-SANGACHAL>RUNVS"}
    routed = [f"{c}:{o}>{d}" not in unrouted and c != "kz-oil" for c, o, d in per_od.index]
    assert (per_od[routed] > 0.99).all()
    assert per_od.loc[("kz-oil", "KZAAU", "RUNVS")] == 0.0
    assert (per_od[[not r for r in routed]] == 0).all()
    totals = base.family_totals()
    assert totals["volume_t"].sum() <= base.demand.total_t * (1 + 1e-9) * len(totals)


def test_json_shape_is_pinned(base: CorridorAssignment) -> None:
    data = json.loads(json.dumps(base.to_dict()))
    assert list(data) == [
        "year",
        "as_of",
        "scenario",
        "demand",
        "assignment",
        "elements",
        "parameters",
        "saturated",
        "unbounded_with_flow",
        "family_shares",
        "family_shares_by_od",
        "od_costs",
    ]
    loaded = base.elements["capacity_t_per_year"].notna() & (base.elements["volume_t_per_year"] > 0)
    assert len(data["saturated"]) == min(10, int(loaded.sum())) > 0
    assert set(data["saturated"][0]) == {
        "element_id",
        "kind",
        "name",
        "mode",
        "volume_t_per_year",
        "capacity_t_per_year",
        "capacity",
        "capacity_source_ids",
        "busiest_direction",
        "busiest_volume_t_per_year",
        "free_flow_time_h",
        "congested_time_h",
        "volume_capacity",
        "delay_h",
    }
    assert all(row["capacity_source_ids"] for row in data["saturated"])
    assert set(data["od_costs"][0]) >= {
        "class",
        "origin",
        "destination",
        "free_time_h",
        "eq_time_h",
        "free_generalised_usd",
        "eq_generalised_usd",
    }
    assert set(data["family_shares"][0]) == {"family", "volume_t", "share"}
    assert set(data["family_shares_by_od"][0]) == {
        "family",
        "label",
        "class",
        "origin",
        "destination",
        "share",
        "volume_t",
    }
    assert data["parameters"]["vdf.rail_bpr_alpha"]["basis"] == "estimate"
    assert set(data["parameters"]) >= {"vdf.bpr_alpha", "value_of_time.usd_per_teu_day"}
    assert data["elements"] == {
        "capacitated": base.capacitated,
        "uncapacitated": base.uncapacitated,
    }


def test_volume_curve_rises_with_scale(net2030: Network) -> None:
    curve = corridor_volume_curve(
        net2030, year=2030, scales=(2.0, 0.25, 1.0), method="bfw", gap=GAP
    )
    assert sorted(curve["scale"].unique()) == [0.25, 1.0, 2.0]
    # 2 x (instc-total-2030t 41 Mt + the nearest rows of crude bnp-2021, 1 Mt, and Kazakh
    # oil kz-oil-aktau-mkh-2022, 2.259 Mt)
    assert curve.loc[curve["scale"] == 2.0, "total_t"].iloc[0] == pytest.approx(88.518e6)
    for key, group in curve.groupby(["class", "origin", "destination"]):
        rise = group.sort_values("scale")["generalised_rise"].to_numpy()
        if key[0] == "crude":  # no route in 2030 (pipeline suspended): no cost to rise
            assert np.isnan(rise).all()
            continue
        assert rise[0] >= -1e-9 and np.all(np.diff(rise) >= -1e-4)
    with pytest.raises(DataError, match="positive numbers"):
        corridor_volume_curve(net2030, year=2030, scales=(0.0,))


def test_kazakh_oil_crosses_by_tanker_at_its_route_cost(
    net2030: Network, base: CorridorAssignment
) -> None:
    """Kazakh oil Aktau -> Novorossiysk (2.259 Mt, F219) all goes through the Caspian
    tanker link Aktau -> Makhachkala, and its cheapest free-flow cost is the router's
    best route by generalised cost (tanker, tank storage at Makhachkala, pipeline)."""
    from instc.assignment.select_link import select_link
    from instc.routing.shortest import route

    through = select_link(base, "link:t-aktau-makhachkala").ods
    row = through.loc[through["class"] == "kz-oil"].iloc[0]
    assert row["through_t"] == pytest.approx(2_259_000.0, rel=1e-6)
    best = route(net2030, "KZAAU", "RUNVS", cargo="liquid", by="generalised")
    assert [leg.link_id for leg in best.legs if leg.link_id] == [
        "t-aktau-makhachkala",
        "o-makhachkala-novorossiysk",
    ]
    od = base.od_costs.set_index("class").loc["kz-oil"]
    assert od["free_money_usd"] == pytest.approx(best.totals.cost_usd, rel=1e-9)
    assert od["free_time_h"] == pytest.approx(best.totals.time_h, rel=1e-9)


def test_an_od_into_russia_pays_the_one_way_box_once(
    net2030: Network, base: CorridorAssignment
) -> None:
    """Containers Nhava Sheva -> Moscow: every route pays the repositioning surcharge of
    surcharges.csv (repositioning-ru-container, USD 775.5/TEU, at = destination) once,
    so the OD's free-flow money is the router's best route by generalised cost, the
    surcharge included, and the Moscow -> Nhava Sheva OD (starting in Russia) pays none."""
    from instc.routing.shortest import route

    ods = base.od_costs.set_index(["class", "origin", "destination"])
    into = ods.loc[("container", "INNSA", "RU-MOSCOW")]
    out = ods.loc[("container", "RU-MOSCOW", "INNSA")]
    assert into["at_destination_usd"] == 775.5
    assert out["at_destination_usd"] == 0.0
    best = route(net2030, "INNSA", "RU-MOSCOW", cargo="container", by="generalised")
    assert best.totals.cost_usd == pytest.approx(into["free_money_usd"], rel=1e-9)
    vot = into["free_generalised_usd"] - into["free_money_usd"]
    assert vot == pytest.approx(
        best.totals.time_h * net2030.parameters["value_of_time"]["usd_per_teu_day"]["value"] / 24,
        rel=1e-9,
    )
