"""`compare` families that make sense: the unconstrained best first, detours and port
U-turns not shown as their family (with the reason), domestic pairs, and the same option
per family in `compare` and `reliability`."""

from __future__ import annotations

import itertools
import json

import pytest
from routing_toynet import ROAD_RAIL_TARIFFS, make_network
from typer.testing import CliRunner

from instc.cli import app
from instc.routing.compare import Family, compare, load_families, u_turns

RAIL = {"mode": "rail", "gauge_mm": 1435, "source_ids": ("S",)}


def _family(fid: str, *via: str, **avoid: tuple[str, ...]) -> Family:
    return Family(fid, fid, fid, "", tuple((v,) for v in via), False, dict(avoid))


@pytest.fixture(scope="module")
def triangle():
    # A-B direct 100 km; A-C-B 100 + 100 km
    nodes = [{"node_id": p, "country": "IR"} for p in ("A", "B", "C")]
    links = [
        {"link_id": "AB", "from_node": "A", "to_node": "B", "length_km": 100.0, **RAIL},
        {"link_id": "AC", "from_node": "A", "to_node": "C", "length_km": 100.0, **RAIL},
        {"link_id": "CB", "from_node": "C", "to_node": "B", "length_km": 100.0, **RAIL},
    ]
    return make_network(nodes=nodes, links=links, tariffs=ROAD_RAIL_TARIFFS)


def test_best_first_and_a_detour_is_not_shown_with_its_reason(triangle):
    fams = [_family("via_c", "C"), _family("direct", "link:AB")]
    result = compare(triangle, "A", "B", families=fams)
    assert [o.family for o in result.options] == ["best", "direct"]
    assert result.best.link_ids == ("AB",)
    assert result.same_as_best() == ("direct",)
    (hidden,) = result.not_shown
    # 200 km against the best's 100 km: 2.00x, over the default limit 1.6
    assert hidden.family == "via_c" and hidden.kind == "detour"
    assert hidden.distance_km == pytest.approx(200.0)
    assert "200 km is 2.00× the best option's 100 km (limit 1.6×" in hidden.reason
    # at the limit (200 = 2.0 x 100) the option is no longer a detour
    loose = compare(triangle, "A", "B", families=fams, max_detour=2.0)
    assert [o.family for o in loose.options] == ["best", "direct", "via_c"]
    assert not loose.not_shown
    d = result.to_dict()
    assert d["options"][0]["family"] == "best"
    assert d["not_shown"][0]["kind"] == "detour" and d["max_detour_factor"] == 1.6


def test_the_detour_limit_is_read_from_the_parameters(triangle):
    import dataclasses

    params = {**triangle.parameters, "compare": {"max_detour_factor": {"value": 2.5}}}
    net = dataclasses.replace(triangle, parameters=params)
    result = compare(net, "A", "B", families=[_family("via_c", "C")])
    assert [o.family for o in result.options] == ["best", "via_c"]
    assert result.max_detour_factor == 2.5


def test_a_port_u_turn_is_not_shown_as_the_family():
    # rail A-P-B through port P; the family must pass P on the sea layer, which it can
    # only do by going rail -> sea -> rail at P without sailing
    nodes = [
        {"node_id": "A", "country": "IR"},
        {"node_id": "P", "country": "IR", "kinds": ("rail", "port")},
        {"node_id": "B", "country": "IR"},
        {"node_id": "Q", "country": "AZ", "kinds": ("port",)},
    ]
    links = [
        {"link_id": "AP", "from_node": "A", "to_node": "P", "length_km": 100.0, **RAIL},
        {"link_id": "PB", "from_node": "P", "to_node": "B", "length_km": 100.0, **RAIL},
        {"link_id": "PQ", "from_node": "P", "to_node": "Q", "length_km": 300.0, "mode": "sea",
         "source_ids": ("S",)},
    ]  # fmt: skip
    transfers = [
        {"node_id": "P", "from_layer": "rail1435", "to_layer": "sea", "kind": "port",
         "dwell_h": 10.0, "cost_usd_per_teu": 50.0, "source_ids": ("T",)},
    ]  # fmt: skip
    net = make_network(nodes=nodes, links=links, transfers=transfers, tariffs=ROAD_RAIL_TARIFFS)
    result = compare(net, "A", "B", families=[_family("port", "P@sea")], max_detour=10.0)
    assert [o.family for o in result.options] == ["best"]
    (hidden,) = result.not_shown
    assert hidden.kind == "u_turn"
    assert hidden.reason == "U-turn at P: rail1435 → sea → rail1435 without a sea leg"
    # the route itself is a valid path that met the via on paper: two transfers at P
    from instc.routing.shortest import route

    option = route(net, "A", "B", via=["P@sea"])
    assert [leg.kind for leg in option.legs] == ["link", "transfer", "transfer", "link"]
    assert u_turns(option) == (hidden.reason,)
    # a plain route has none
    assert u_turns(result.best) == ()


def test_a_family_avoiding_the_origin_country_has_no_option(triangle):
    result = compare(triangle, "A", "B", families=[_family("no_ir", country=("IR",))])
    assert [o.family for o in result.options] == ["best"]
    assert result.missing == (
        ("no_ir", "the family avoids IR, where the origin and destination lie"),
    )


def test_best_is_a_reserved_family_id(tmp_path):
    from instc._errors import DataError

    path = tmp_path / "families.toml"
    path.write_text('[best]\nlabel = "mine"\n', encoding="utf-8")
    with pytest.raises(DataError, match="reserved"):
        load_families(path)


# --- the embedded data (invariants, not today's numbers) ---------------------------------
@pytest.fixture(scope="module")
def network():
    from instc.network import load_network

    return load_network()


def _check_invariants(result) -> None:
    best = result.options[0]
    assert best.family == "best"
    limit = result.max_detour_factor * best.totals.distance_km
    for option in result.options[1:]:
        assert option.totals.cost_usd >= best.totals.cost_usd - 1e-6  # sorted by cost
        assert option.totals.distance_km <= limit + 1e-6
        assert not u_turns(option)
    for hidden in result.not_shown:
        if hidden.kind == "detour":
            assert hidden.distance_km > limit


def test_domestic_pair_shows_the_direct_route(network):
    result = compare(network, "Sarakhs", "Bandar Abbas")
    _check_invariants(result)
    best = result.options[0]
    assert best.countries == {"IR"}
    # no corridor family crosses a border to get from one Iranian place to another
    for option in result.options[1:]:
        assert option.countries == {"IR"}, option.family
    missing = dict(result.missing)
    assert "avoids IR" in missing["suez"] and "avoids IR" in missing["cape"]
    # door to door: the Sarakhs terminal (road -> rail1435, 12 h, USD 150 a TEU, and the
    # wagonload formation wait of parameters.toml) and Bandar Abbas's (12 h, USD 150)
    first, last = best.legs[0], best.legs[-1]
    assert (first.terminal, first.from_node, first.to_layer) == ("origin", "IR-SARAKHS", "rail1435")
    wait_h = network.parameters["waiting"]["wagonload_formation_h"]["value"]
    assert (first.dwell_h, first.waiting_h, first.cost_usd) == (12.0, wait_h, 150.0)
    assert (last.terminal, last.to_node, last.dwell_h, last.cost_usd) == (
        "destination", "IRBND", 12.0, 150.0,
    )  # fmt: skip


def test_nhava_sheva_moscow_best_first(network):
    _check_invariants(compare(network, "Nhava Sheva", "Moscow"))


@pytest.mark.parametrize("by", ["cost", "time"])
def test_compare_and_reliability_pick_the_same_option_per_family(network, by):
    from instc.reliability.compare import reliability_by_family

    planned = compare(network, "Nhava Sheva", "Moscow", by=by)
    simulated = reliability_by_family(network, "Nhava Sheva", "Moscow", samples=200, seed=1, by=by)
    assert {f.family: f.option.legs for f in simulated.families} == {
        o.family: o.legs for o in planned.options
    }
    assert simulated.by == planned.by == by
    assert by in simulated.criterion and by in planned.criterion


def test_cli_states_the_criterion_and_the_reasons():
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "Sarakhs", "Bandar Abbas"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "best (any route)" in result.stdout
    assert "best route by cost" in result.stdout
    data = json.loads(runner.invoke(app, ["compare", "Sarakhs", "Bandar Abbas", "--json"]).stdout)
    assert data["options"][0]["family"] == "best"
    shown = {o["family"] for o in data["options"]}
    reasons = {h["family"] for h in data["not_shown"]} | {m["family"] for m in data["missing"]}
    assert shown | reasons >= {f.family_id for f in load_families()}
    rel = runner.invoke(
        app, ["reliability", "Sarakhs", "Bandar Abbas", "--samples", "200", "--seed", "1"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert rel.exit_code == 0, rel.output
    assert "best by cost, as instc compare --by cost picks it" in rel.stdout


def _transfer_legs(place: str, *layers: str):
    from instc.routing.results import Leg

    def leg(a: str, b: str) -> Leg:
        return Leg(
            kind="transfer", mode="transfer", from_node=place, to_node=place,
            from_name=place, to_name=place, from_country="IR", to_country="IR",
            from_layer=a, to_layer=b, link_id=None, border_id=None, transfer_kind="handling",
            vehicle_class=None, distance_km=0.0, moving_h=0.0, waiting_h=0.0, dwell_h=1.0,
            time_h=1.0, freight_usd=0.0, charges_usd=1.0, cost_usd=1.0, co2e_kg=0.0,
            co2e_kg_ttw=0.0, source_ids=("T",), expected=False, project_id=None,
            from_lonlat=(0.0, 0.0), to_lonlat=(0.0, 0.0),
        )  # fmt: skip

    return tuple(leg(a, b) for a, b in itertools.pairwise(layers))


@pytest.mark.parametrize(
    ("layers", "u_turn"),
    [
        (("rail1435", "sea", "rail1435"), True),  # the port U-turn of the issue
        (("rail1435", "sea", "rail1520"), True),  # back to rail through the sea layer
        (("rail1520", "road", "rail1520"), True),  # out to road and back on the same layer
        (("rail1435", "road", "rail1520"), False),  # a gauge change by transload
        (("rail1435", "rail1520"), False),  # a gauge break
        (("rail1435", "sea", "sea"), False),  # onto a ship, then transshipment
        (("sea", "rail1520"), False),
    ],
)
def test_u_turn_rule_on_transfer_runs(layers, u_turn):
    import dataclasses

    from instc.routing.results import RouteOption, Totals

    legs = _transfer_legs("P", *layers)
    option = RouteOption("A", "B", "container", "teu", "cost", None, legs,
                         Totals(0.0, 0.0, 0.0, 0.0, 0.0), ())  # fmt: skip
    assert bool(u_turns(option)) is u_turn
    # a link leg between the transfers breaks the run: no U-turn
    if len(legs) == 2:
        moved = dataclasses.replace(legs[0], kind="link", from_layer=layers[1], to_layer=layers[1])
        split = dataclasses.replace(option, legs=(legs[0], moved, legs[1]))
        assert u_turns(split) == ()


def test_reliability_of_the_best_route_is_that_of_the_family_it_equals(triangle):
    import numpy as np

    from instc.reliability.compare import reliability_by_family

    fams = [_family("direct", "link:AB")]
    result = reliability_by_family(triangle, "A", "B", families=fams, samples=500, seed=3)
    by = {f.family: f for f in result.families}
    assert set(by) == {"best", "direct"}
    assert np.array_equal(by["best"].result.time_h, by["direct"].result.time_h)
    assert by["best"].label.endswith("= direct")
