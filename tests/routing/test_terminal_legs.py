"""Origin and destination terminals, and transfers that keep their layer.

An option starts and ends at the door (the road layer) where the place has one, so the
terminal (the transfer between road and the layer the option travels on) is always a
leg. The toy corridor of routing_cases gets a port terminal at A (export and import
rows with different dwell) and an inland terminal at E; the figures below are worked
out by hand from those rows and the known A -> E answer (test_route_known_answers).
"""

from __future__ import annotations

import pytest
from routing_cases import LINKS, TRANSFERS, corridor

from instc.routing.pareto import pareto
from instc.routing.shortest import route

EXPORT_A = {
    "node_id": "A",
    "from_layer": "road",
    "to_layer": "sea",
    "kind": "port",
    "bidirectional": False,
    "dwell_h": 74.5,
    "cost_usd_per_teu": 110.0,
    "source_ids": ("T1",),
}
IMPORT_A = {**EXPORT_A, "from_layer": "sea", "to_layer": "road", "dwell_h": 19.0}
TERMINAL_E = {
    "node_id": "E",
    "from_layer": "rail1520",
    "to_layer": "road",
    "kind": "handling",
    "dwell_h": 12.0,
    "cost_usd_per_teu": 150.0,
    "source_ids": ("T3",),
}
TERMINALS = [*TRANSFERS, EXPORT_A, IMPORT_A, TERMINAL_E]

# test_route_known_answers: A -> E by cost 1302 USD, 166.25 h, without terminals
KNOWN_COST, KNOWN_TIME = 1302.0, 166.25


@pytest.mark.parametrize("by", ["cost", "time", "distance"])
def test_every_option_starts_and_ends_with_its_terminal(by: str) -> None:
    option = route(corridor(transfers=TERMINALS), "A", "E", by=by)
    first, last = option.legs[0], option.legs[-1]
    # export at A: road -> sea, 74.5 h and USD 110 (not the 19 h import dwell)
    assert (first.kind, first.from_node, first.from_layer, first.to_layer) == (
        "transfer",
        "A",
        "road",
        "sea",
    )
    assert (first.dwell_h, first.cost_usd) == (74.5, 110.0)
    # inland terminal at E: rail1520 -> road, 12 h and USD 150
    assert (last.kind, last.from_node, last.from_layer, last.to_layer) == (
        "transfer",
        "E",
        "rail1520",
        "road",
    )
    assert (last.dwell_h, last.cost_usd) == (12.0, 150.0)
    assert (first.terminal, last.terminal) == ("origin", "destination")
    assert all(leg.terminal is None for leg in option.legs[1:-1])
    assert option.totals.cost_usd == pytest.approx(KNOWN_COST + 110.0 + 150.0)
    assert option.totals.time_h == pytest.approx(KNOWN_TIME + 74.5 + 12.0)


def test_the_way_back_uses_the_import_dwell() -> None:
    option = route(corridor(transfers=TERMINALS), "E", "A", by="cost")
    first, last = option.legs[0], option.legs[-1]
    # E: road -> rail1520 (the bidirectional terminal row), A: sea -> road import, 19 h
    assert (first.from_layer, first.to_layer, first.dwell_h) == ("road", "rail1520", 12.0)
    assert (last.from_layer, last.to_layer, last.dwell_h) == ("sea", "road", 19.0)


def test_a_place_without_a_door_starts_on_its_layers() -> None:
    # without terminal rows A has only its sea layer: the option starts on it, as before
    option = route(corridor(), "A", "E", by="cost")
    assert option.legs[0].kind == "link" and option.totals.cost_usd == pytest.approx(KNOWN_COST)


def test_pareto_options_carry_the_terminals() -> None:
    options = pareto(corridor(transfers=TERMINALS), "A", "E")
    assert options
    for option in options:
        assert (option.legs[0].from_layer, option.legs[0].to_layer) == ("road", "sea")
        assert option.legs[-1].to_layer == "road"


def test_a_transfer_that_keeps_its_layer_is_charged_through_the_hub() -> None:
    # a second sea leg B -> X with a sea -> sea transshipment at B (2 days, USD 80)
    nodes = [
        {"node_id": n, "country": c, "lat": lat, "lon": lon}
        for n, c, lat, lon in [
            ("A", "IN", 19.0, 73.0),
            ("B", "IR", 27.0, 56.0),
            ("X", "OM", 24.0, 58.0),
        ]
    ]
    links = [
        LINKS[0],
        {
            "link_id": "L9",
            "from_node": "B",
            "to_node": "X",
            "mode": "sea",
            "length_km": 500.0,
            "source_ids": ("S1",),
        },
    ]
    hub = {
        "node_id": "B",
        "from_layer": "sea",
        "to_layer": "sea",
        "kind": "transshipment",
        "dwell_h": 48.0,
        "cost_usd_per_teu": 80.0,
        "source_ids": ("T1",),
    }
    plain = route(corridor(nodes=nodes, links=links, transfers=[]), "A", "X", by="cost")
    hubbed = route(corridor(nodes=nodes, links=links, transfers=[hub]), "A", "X", by="cost")
    assert [leg.kind for leg in plain.legs] == ["link", "link"]
    assert [leg.kind for leg in hubbed.legs] == ["link", "transfer", "link"]
    ts = hubbed.legs[1]
    assert (ts.from_layer, ts.to_layer, ts.transfer_kind) == ("sea", "sea", "transshipment")
    assert hubbed.totals.cost_usd == pytest.approx(plain.totals.cost_usd + 80.0)
    assert hubbed.totals.time_h == pytest.approx(plain.totals.time_h + 48.0)
    # B itself is still an origin and a destination (departing from / arriving at the hub)
    assert route(corridor(nodes=nodes, links=links, transfers=[hub]), "A", "B").legs[-1].kind == (
        "link"
    )
    back = route(corridor(nodes=nodes, links=links, transfers=[hub]), "B", "X")
    assert [leg.kind for leg in back.legs] == ["link"]


def test_embedded_nhava_sheva_to_moscow_has_both_terminals() -> None:
    from instc.network.load import load_network

    net = load_network(as_of="2026-01-01")
    option = route(net, "INNSA", "RU-MOSCOW", by="cost")
    first, last = option.legs[0], option.legs[-1]
    # transfers.csv: INNSA road -> sea export, JNPT export dwell 74–75 h (mode 74.5),
    # THC USD 110/TEU; RU-MOSCOW rail1520 -> road inland terminal, 12 h, USD 150/TEU
    assert (first.from_node, first.from_layer, first.to_layer) == ("INNSA", "road", "sea")
    assert (first.dwell_h, first.cost_usd) == (74.5, 110.0)
    assert (last.from_node, last.from_layer, last.to_layer) == ("RU-MOSCOW", "rail1520", "road")
    assert (last.dwell_h, last.cost_usd) == (12.0, 150.0)
    assert any("price years" in a for a in option.assumptions)


def test_embedded_import_dwell_at_nhava_sheva_is_dated() -> None:
    from instc.network.graph import is_service_layer
    from instc.network.load import load_network

    net = load_network(as_of="2026-01-01")
    # Moscow -> Nhava Sheva arrives by sea: the import dwell of the year
    by_year = {
        year: route(net, "RU-MOSCOW", "INNSA", by="cost", as_of=f"{year}-06-01").legs[-1]
        for year in (2017, 2020, 2026)
    }
    # transfers.csv INNSA sea -> road: 55 h (FY2018-19), 37 h (FY2019-20), 19 h (c.2022-23)
    # (alighting from a liner, the leg starts aboard: its layer is the service's)
    assert {
        y: ("sea" if is_service_layer(leg.from_layer) else leg.from_layer, leg.to_layer)
        for y, leg in by_year.items()
    } == {y: ("sea", "road") for y in by_year}
    assert {y: leg.dwell_h for y, leg in by_year.items()} == {2017: 55.0, 2020: 37.0, 2026: 19.0}


def test_reliability_counts_both_terminals() -> None:
    from instc.network.load import load_network
    from instc.reliability.route import legs_from_route

    net = load_network(as_of="2026-01-01")
    option = route(net, "INNSA", "RU-MOSCOW", by="cost")
    legs = legs_from_route(net, option)
    # the export terminal at Nhava Sheva (74–75 h, mode 74.5) and Moscow's terminal (12 h)
    first, last = legs[0], legs[-1]
    assert (first.kind, first.element_id) == ("transfer", "INNSA:road->sea")
    assert first.components[0].mode_h == pytest.approx(74.5)
    assert (last.kind, last.element_id) == ("transfer", "RU-MOSCOW:rail1520->road")
    assert last.components[0].mode_h == pytest.approx(12.0)
