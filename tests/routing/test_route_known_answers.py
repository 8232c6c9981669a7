"""Known answers on the toy corridor (routing_cases.corridor), worked out by hand."""

from __future__ import annotations

import pytest
from routing_cases import LINKS, corridor

from instc._errors import NoRouteError, UnknownNameError
from instc.routing.shortest import route

# By hand, container A -> E by cost (per TEU):
#   L1 sea 1500 km: 50 h moving + 42 h wait (2 sailings/week), 750 USD, 300/255 kg
#   port transfer at B (sea -> rail1435): 24 h, 100 USD, 2 kg/t x 10 t = 20 kg (WTW only)
#   L2 rail1435 600 km: 12 h, 0.2 x 600 = 120 USD, 180/144 kg
#   gauge break at C: 12 h, 50 USD
#   L3 rail1520 10 km across border CD: 0.25 h + 6 h, 0.2 x 10 + 40 = 42 USD, 3/2.4 kg
#   L4 rail1520 800 km: 20 h, 240 USD, 240/192 kg
KNOWN = {
    "cost_usd": 1302.0,
    "time_h": 166.25,
    "co2e_kg": 743.0,
    "co2e_kg_ttw": 593.4,
    "distance_km": 2910.0,
}


@pytest.mark.parametrize("by", ["cost", "time", "co2e", "distance", "generalised"])
def test_known_totals(by):
    option = route(corridor(), "A", "E", by=by)
    for key, value in KNOWN.items():
        assert getattr(option.totals, key) == pytest.approx(value), key
    assert [leg.kind for leg in option.legs] == [
        "link",
        "transfer",
        "link",
        "transfer",
        "border",
        "link",
    ]


def test_totals_equal_sum_of_legs():
    option = route(corridor(), "A", "E")
    for key in KNOWN:
        assert getattr(option.totals, key) == pytest.approx(
            sum(getattr(leg, key) for leg in option.legs)
        )
    for leg in option.legs:
        assert leg.time_h == pytest.approx(leg.moving_h + leg.waiting_h + leg.dwell_h)


def test_time_split_of_the_sea_leg():
    sea = route(corridor(), "A", "E").legs[0]
    assert (sea.moving_h, sea.waiting_h, sea.dwell_h) == (50.0, 42.0, 0.0)
    assert {"S1", "V1", "C1", "E1"} <= set(sea.source_ids)


def test_gauge_break_needs_its_transfer():
    from routing_cases import TRANSFERS

    no_gauge_change = [t for t in TRANSFERS if t["kind"] != "gauge_break"]
    option = route(corridor(transfers=no_gauge_change), "A", "E")
    # the rail1435 and rail1520 lines now meet at C with no way across: the road is used
    assert "R1" in option.link_ids and "L3" not in option.link_ids
    for a, b in zip(option.legs, option.legs[1:], strict=False):
        assert a.to_layer == b.from_layer
    with pytest.raises(NoRouteError, match="avoid mode road"):
        route(corridor(transfers=no_gauge_change), "A", "E", avoid={"mode": ["road"]})


def test_time_criterion_picks_the_road_when_it_is_faster():
    fast_road = [dict(link, time_h=1.0) if link["link_id"] == "R1" else link for link in LINKS]
    option = route(corridor(links=fast_road), "A", "E", by="time")
    assert "R1" in option.link_ids
    # A-B sea 92 h + port->road 20 h + R1 1 h + border 10 h + road->rail 8 h + L4 20 h
    assert option.totals.time_h == pytest.approx(151.0)
    cheapest = route(corridor(links=fast_road), "A", "E", by="cost")
    assert "R1" not in cheapest.link_ids


def test_avoided_country_never_appears():
    bypass = {
        "link_id": "X1",
        "from_node": "B",
        "to_node": "E",
        "mode": "road",
        "length_km": 2500.0,
        "border_id": "CD",
        "source_ids": ("S6",),
    }
    net = corridor(links=[*LINKS, bypass])
    assert "AZ" in route(net, "A", "E").countries
    option = route(net, "A", "E", avoid={"country": ["Azerbaijan"]})
    assert "AZ" not in option.countries
    assert option.link_ids == ("L1", "X1")
    with pytest.raises(NoRouteError, match="avoid country AZ"):
        route(corridor(), "A", "E", avoid={"country": ["AZ"]})


def test_via_and_unknown_names():
    option = route(corridor(), "A", "E", via=["border:CD"])
    assert "L3" in option.link_ids
    with pytest.raises(UnknownNameError, match="did you mean"):
        route(corridor(), "A", "E", avoid={"country": ["Azerbaijn"]})
    with pytest.raises(UnknownNameError):
        route(corridor(), "A", "E", cargo="containr")
    with pytest.raises(UnknownNameError):
        route(corridor(), "A", "E", by="speed")


def test_generalised_cost_uses_value_of_time():
    option = route(corridor(), "A", "E", by="generalised", value_of_time_usd_per_unit_day=0.0)
    assert option.totals.cost_usd == pytest.approx(1302.0)
    assert any("generalised cost" in a for a in option.assumptions)


def test_one_to_all_matches_route_times():
    from instc.network.graph import build_graph
    from instc.routing.shortest import shortest_path_tree

    net = corridor()
    tree = shortest_path_tree(build_graph(net), "A", by="time_h")
    assert tree["A"] == 0.0
    assert tree["E"] == pytest.approx(KNOWN["time_h"])  # the route worked out above
    assert route(net, "A", "E", by="time").totals.time_h == pytest.approx(tree["E"])
    # B's door is its road layer: sea arrival at 92 h, then the sea->road port transfer
    # (20 h) — the destination terminal is part of reaching a place
    assert tree["B"] == pytest.approx(92.0 + 20.0)


def test_via_link_route_enters_each_place_once():
    from routing_toynet import make_network

    nodes = [{"node_id": p, "country": "IR"} for p in ("A", "B", "Z", "C")]
    rail = {"mode": "rail", "gauge_mm": 1435, "source_ids": ("S",)}
    links = [
        {"link_id": "AB", "from_node": "A", "to_node": "B", "length_km": 10.0, **rail},
        {"link_id": "BZ", "from_node": "B", "to_node": "Z", "length_km": 1.0, **rail},
        {"link_id": "ZC", "from_node": "Z", "to_node": "C", "length_km": 100.0, **rail},
        {"link_id": "BC", "from_node": "B", "to_node": "C", "length_km": 10.0, **rail},
    ]
    net = make_network(nodes=nodes, links=links)
    # out to Z and back (A-B-Z-B-C, 22 km) is lighter but passes B twice
    option = route(net, "A", "C", by="distance", via=["link:BZ"])
    assert option.link_ids == ("AB", "BZ", "ZC")
    assert option.totals.distance_km == pytest.approx(111.0)
    dead_end = make_network(nodes=nodes, links=[lk for lk in links if lk["link_id"] != "ZC"])
    walk = route(dead_end, "A", "C", by="distance", via=["Z"])
    assert walk.link_ids == ("AB", "BZ", "BZ", "BC")
    assert any("passes a place twice" in a for a in walk.assumptions)


def test_one_to_all_engines_agree_on_a_random_grid():
    import numpy as np
    from routing_toynet import make_network

    from instc.network.graph import build_graph
    from instc.routing.shortest import one_to_all

    rng = np.random.default_rng(3)
    side = 12
    nodes = [{"node_id": f"N{i}", "country": "IR"} for i in range(side * side)]
    links = []
    for i in range(side * side):
        for j in (i + 1, i + side):
            if (j == i + 1 and j % side == 0) or j >= side * side:
                continue
            links.append(
                {
                    "link_id": f"L{i}-{j}",
                    "from_node": f"N{i}",
                    "to_node": f"N{j}",
                    "mode": "road",
                    "length_km": float(rng.uniform(1, 100)),
                    "bidirectional": bool(rng.random() < 0.8),
                    "source_ids": ("S",),
                }
            )
    g = build_graph(make_network(nodes=nodes, links=links))
    results = [one_to_all(g, "N0", by="distance_km", engine=e) for e in ("python", "scipy")]
    for other in results[1:]:
        np.testing.assert_allclose(other, results[0])
    assert np.isinf(results[0]).any() or np.isfinite(results[0]).all()
    with pytest.raises(UnknownNameError):
        one_to_all(g, "N0", engine="gpu")
