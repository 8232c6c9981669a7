"""Routing on the embedded corridor dataset: invariants that must hold whatever the data."""

from __future__ import annotations

import numpy as np
import pytest

from instc._errors import NoRouteError, UnknownNameError
from instc.network.graph import build_graph
from instc.network.load import load_network
from instc.routing.alternatives import alternatives
from instc.routing.compare import compare, load_families
from instc.routing.pareto import pareto
from instc.routing.shortest import route

RASHT_ANZALI = "r-rasht-caspian"  # project rasht-anzali, open since 2024-06-20


@pytest.fixture(scope="module")
def network():
    return load_network(as_of="2026-01-01")


def _layer_chain_ok(option):
    for a, b in zip(option.legs, option.legs[1:], strict=False):
        assert (a.to_node, a.to_layer) == (b.from_node, b.from_layer)


def test_graph_changes_layer_only_through_declared_transfers(network):
    g = build_graph(network)
    layers = np.asarray([g.layer(i) for i in range(g.n_nodes)])  # "sea>" is "sea"
    kinds = np.asarray(g.kind)
    aboard = np.asarray([s is not None for s in g.service_id])
    plain = (kinds != "transfer") & ~aboard
    assert (layers[g.edge_from][plain] == layers[g.edge_to][plain]).all()
    declared = set()
    for row in network.transfers.itertuples():
        declared.add((row.node_id, row.from_layer, row.to_layer))
        if row.bidirectional is not False:
            declared.add((row.node_id, row.to_layer, row.from_layer))
    for e in np.flatnonzero(kinds == "transfer"):
        place = g.node_place[g.edge_from[e]]
        # alighting from a liner is the port's declared transfer from its sea layer
        start = "sea" if layers[g.edge_from[e]].startswith("svc:") else layers[g.edge_from[e]]
        assert (place, start, layers[g.edge_to[e]]) in declared
    # a liner's own edges: boarding from the sea layer at a port, lanes on one layer,
    # port stays from one call's layer to the next call's, all at one service
    for e in np.flatnonzero(aboard):
        a, b = layers[g.edge_from[e]], layers[g.edge_to[e]]
        sid = g.service_id[e]
        place = g.node_place[g.edge_from[e]]
        if b == "sea":  # alighting at a hub, onto the quay before the transshipment
            assert a.startswith(f"svc:{sid}#")
            assert (place, "sea", "sea") in declared
            continue
        assert b.startswith(f"svc:{sid}#")
        assert a == "sea" or a.startswith(f"svc:{sid}#")


def test_compare_nhava_sheva_moscow_has_five_sourced_families(network):
    result = compare(network, "Nhava Sheva", "Moscow")
    assert len(result.options) >= 5, result.missing
    assert len({o.family for o in result.options}) == len(result.options)
    costs = [o.totals.cost_usd for o in result.options]
    assert costs == sorted(costs)
    for option in result.options:
        assert option.legs
        _layer_chain_ok(option)
        for leg in option.legs:
            assert leg.source_ids, f"{option.family}: leg {leg.link_id} has no source"
        assert option.totals.cost_usd == pytest.approx(sum(leg.cost_usd for leg in option.legs))
        assert option.totals.time_h == pytest.approx(sum(leg.time_h for leg in option.legs))


# family: (links it must use, countries it must not enter)
FAMILY_RULES = {
    "suez": ({"s-suez-canal"}, {"IR"}),
    "cape": (set(), {"EG"}),
    "western_rail": ({"r-astara-astara"}, {"KZ", "TM"}),
    "eastern_rail": (set(), {"AZ"}),
}


def test_families_follow_their_definition(network):
    result = compare(network, "Nhava Sheva", "Moscow")
    by_family = {o.family: o for o in result.options}
    missing = dict(result.missing)
    assert {"suez", "western_rail", "eastern_rail"} <= by_family.keys(), missing
    # a family is either shown or listed with the reason it has no option
    assert all((f in by_family) != (f in missing) for f in FAMILY_RULES)
    for option in result.options:
        must_use, must_avoid = FAMILY_RULES.get(option.family or "", (set(), set()))
        assert must_use <= set(option.link_ids), option.family
        assert not must_avoid & set(option.countries), option.family


def test_families_file_ids_exist_in_the_data(network):
    links = set(network.all_links["link_id"])
    nodes = set(network.nodes["node_id"])
    borders = set(network.borders["border_id"])
    for fam in load_families():
        for group in fam.via:
            for item in group:
                kind, _, value = item.partition(":")
                if kind == "link":
                    assert value in links, (fam.family_id, item)
                elif kind == "border":
                    assert value in borders, (fam.family_id, item)
                else:
                    assert item.partition("@")[0] in nodes, (fam.family_id, item)


@pytest.mark.parametrize("country", ["AZ", "IR"])
def test_avoided_country_never_appears(network, country):
    for option in alternatives(network, "INNSA", "RU-MOSCOW", k=3, avoid={"country": [country]}):
        assert country not in option.countries


def test_as_of_before_rasht_anzali_opening_never_uses_it(network):
    before = "2024-06-19"
    via_port = ["IR-CASPIAN-PORT@sea"]
    for by in ("cost", "time", "co2e"):
        option = route(network, "Bandar Abbas", "Moscow", by=by, as_of=before, via=via_port)
        assert RASHT_ANZALI not in option.link_ids
    for option in pareto(network, "Bandar Abbas", "Moscow", as_of=before, via=via_port):
        assert RASHT_ANZALI not in option.link_ids
    with pytest.raises(NoRouteError, match=r"as_of|via|avoid"):
        route(network, "Bandar Abbas", "Moscow", as_of=before, via=[f"link:{RASHT_ANZALI}"])
    after = route(
        network, "Bandar Abbas", "Moscow", as_of="2025-01-01", via=[f"link:{RASHT_ANZALI}"]
    )
    assert RASHT_ANZALI in after.link_ids


def test_caspian_rule_hides_caspian_waters_from_foreign_flags(network):
    import dataclasses

    from instc.routing.rules import default_rules

    # the rule is a scenario (the convention is not in force): switched on here
    on = [dataclasses.replace(r, enabled=True) for r in default_rules()]
    via_sea = [["link:s-makhachkala-anzali", "link:s-vcsc-irbaz", "link:s-vcsc-ir-caspian-port"]]
    option = route(network, "INNSA", "RU-MOSCOW", via=via_sea, rules=on)
    assert any("caspian_littoral_flag" in a for a in option.assumptions)
    caspian = [leg for leg in option.legs if "caspian_littoral_flag" in leg.rules]
    assert caspian and all(leg.mode in ("sea", "ferry") for leg in caspian)
    assert {"IR", "RU"} & {leg.from_country for leg in caspian}
    with pytest.raises(NoRouteError, match="caspian_littoral_flag"):
        route(network, "INNSA", "RU-MOSCOW", via=via_sea, vessel_flag="IN", rules=on)
    russian = route(network, "INNSA", "RU-MOSCOW", via=via_sea, vessel_flag="RU", rules=on)
    assert russian.totals == option.totals


def test_caspian_littoral_flag_rule_is_off_in_the_baseline(network):
    """The 2018 convention is not in force (Iran has not ratified [F225]): by default an
    Indian-flagged vessel may sail the Caspian and no route states the rule."""
    from instc.routing.rules import default_rules

    (rule,) = [r for r in default_rules() if r.rule_id == "caspian_littoral_flag"]
    assert rule.enabled is False
    via_sea = [["link:s-makhachkala-anzali", "link:s-vcsc-irbaz", "link:s-vcsc-ir-caspian-port"]]
    indian = route(network, "INNSA", "RU-MOSCOW", via=via_sea, vessel_flag="IN")
    plain = route(network, "INNSA", "RU-MOSCOW", via=via_sea)
    assert indian.totals == plain.totals
    assert not any("caspian_littoral_flag" in a for a in plain.assumptions)


def test_pareto_on_the_corridor_is_non_dominated(network):
    options = pareto(network, "INNSA", "RU-MOSCOW")
    vecs = [(o.totals.cost_usd, o.totals.time_h, o.totals.co2e_kg) for o in options]
    assert len(set(vecs)) == len(vecs)
    for a in vecs:
        assert not any(b != a and all(x <= y for x, y in zip(b, a, strict=True)) for b in vecs)
    cheapest = route(network, "INNSA", "RU-MOSCOW", by="cost")
    assert vecs[0][0] == pytest.approx(cheapest.totals.cost_usd)


def test_compare_blames_bad_input_on_the_caller_and_bad_families_on_the_file(network):
    from instc._errors import DataError, UnknownNameError
    from instc.routing.compare import Family

    with pytest.raises(UnknownNameError, match="country"):
        compare(network, "INNSA", "RU-MOSCOW", avoid={"country": ["Narnia"]})
    broken = Family("broken", "Broken", "Broken", "", (("link:no-such-link",),), False, {})
    with pytest.raises(DataError, match=r"\[broken\]"):
        compare(network, "INNSA", "RU-MOSCOW", families=[broken])


def test_via_a_name_shared_by_several_places_means_any_of_them():
    from routing_toynet import make_network

    nodes = [
        {"node_id": "A", "country": "IR", "name": "Alpha"},
        {"node_id": "P1", "country": "IR", "name": "Portville North"},
        {"node_id": "P2", "country": "IR", "name": "Portville South"},
        {"node_id": "C", "country": "IR", "name": "Gamma"},
    ]
    rail = {"mode": "rail", "gauge_mm": 1435, "source_ids": ("S",)}
    links = [
        {"link_id": "A1", "from_node": "A", "to_node": "P1", "length_km": 50.0, **rail},
        {"link_id": "A2", "from_node": "A", "to_node": "P2", "length_km": 10.0, **rail},
        {"link_id": "1C", "from_node": "P1", "to_node": "C", "length_km": 50.0, **rail},
        {"link_id": "2C", "from_node": "P2", "to_node": "C", "length_km": 10.0, **rail},
        {"link_id": "AC", "from_node": "A", "to_node": "C", "length_km": 5.0, **rail},
    ]
    net = make_network(nodes=nodes, links=links)
    option = route(net, "Alpha", "Gamma", by="distance", via=["Portville"])
    assert option.link_ids == ("A2", "2C")  # the nearer of the two Portvilles
    with pytest.raises(UnknownNameError):
        route(net, "Portville", "Gamma")  # an origin must be one place
    with pytest.raises(UnknownNameError, match="did you mean"):
        route(net, "Alpha", "Gamma", via=["Portvile Nort"])


def test_an_option_says_when_it_relies_on_an_expected_project(network):
    # door to door, the 180 km truck beats rail plus a terminal at each end: ask for rail
    later = route(
        network, "IR-RASHT", "IR-ASTARA", by="cost", as_of="2031-01-01", avoid={"mode": ["road"]}
    )
    assert later.expected
    assert any("rasht-astara" in a and "forecast" in a for a in later.assumptions)
    assert all(not leg.expected for leg in later.legs if leg.link_id != "r-rasht-astara")
    today = route(network, "IR-RASHT", "IR-ASTARA", by="cost", as_of="2026-01-01")
    assert not today.expected and "r-rasht-astara" not in today.link_ids


def test_geojson_has_a_line_per_link_leg_and_a_point_per_transfer(network, tmp_path):
    from instc.routing.results import write_geojson

    option = route(network, "INNSA", "RU-MOSCOW")
    geo = option.to_geojson()
    kinds = [f["geometry"]["type"] for f in geo["features"]]
    assert kinds == ["Point" if leg.kind == "transfer" else "LineString" for leg in option.legs]
    # the first leg is the origin terminal (a Point); the first line is the first link leg
    line = kinds.index("LineString")
    first = geo["features"][line]["geometry"]["coordinates"][0]
    assert first == list(option.legs[line].from_lonlat)  # GeoJSON order: lon, lat
    frame = option.to_frame()
    assert len(frame) == len(option.legs) and "co2e_kg_ttw" in frame.columns
    path = write_geojson([option, option], tmp_path / "two.geojson")
    import json

    assert len(json.loads(path.read_text())["features"]) == 2 * len(option.legs)


def test_families_file_errors_are_actionable(tmp_path):
    from instc._errors import DataError

    bad = tmp_path / "families.toml"
    bad.write_text('[x]\nlabel = "X"\nvia = [["A"], ["B"], ["C"], ["D"], ["E"]]\n')
    with pytest.raises(DataError, match="ordered = true"):
        load_families(bad)
    bad.write_text('[x]\nlabel = "X"\nvia_points = [["A"]]\n')
    with pytest.raises(DataError, match="unknown key"):
        load_families(bad)
    with pytest.raises(DataError, match="families TOML not found"):
        load_families(tmp_path / "missing.toml")


def test_a_disabled_rule_lets_any_flag_sail(network):
    import dataclasses

    from instc.routing.rules import default_rules

    via_sea = [["link:s-makhachkala-anzali", "link:s-vcsc-irbaz", "link:s-vcsc-ir-caspian-port"]]
    off = [dataclasses.replace(r, enabled=False) for r in default_rules()]
    option = route(network, "INNSA", "RU-MOSCOW", via=via_sea, vessel_flag="IN", rules=off)
    assert not any("caspian_littoral_flag" in a for a in option.assumptions)
    assert all(not leg.rules for leg in option.legs)
