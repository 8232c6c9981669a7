"""route() and alternatives() agree on the rule Pareto already follows: a route enters
each place once (and each layer once per stay). The networks are the two cases
hypothesis found where route() returned a walk through a place twice while
alternatives() ranked only place-simple paths (first option slower, or no route)."""

from __future__ import annotations

from typing import Any

import pytest
from routing_toynet import PARAMETERS, ROAD_RAIL_TARIFFS, make_network

from instc.routing import route
from instc.routing.alternatives import alternatives

_NODES = [
    {"node_id": p, "country": c, "kinds": ("road", "rail")}
    for p, c in [("P0", "IR"), ("P1", "AZ"), ("P2", "AZ"), ("P4", "IR"), ("P5", "AZ")]
]


def _link(i: int, a: str, b: str, mode: str, border: str | None = None) -> dict[str, Any]:
    return {
        "link_id": f"L{i}", "from_node": a, "to_node": b, "mode": mode,
        "gauge_mm": 1520 if mode == "rail" else None, "length_km": 10.0, "time_h": 1.0,
        "border_id": border, "source_ids": ("S",),
    }  # fmt: skip


def _network(with_direct_road: bool) -> Any:
    # P0 -rail-> P1 -rail-> P2 -rail-> P5 (road<->rail) -road-> P2 -road-> P4: 5 h, but it
    # enters P2 twice; the direct road P0 -> P2 -> P4 takes 1 + 12 (border) + 1 = 14 h
    links = [
        _link(5, "P0", "P1", "rail", "B5"),
        _link(1, "P1", "P2", "rail"),
        _link(4, "P2", "P5", "rail"),
        _link(0, "P5", "P2", "road"),
        _link(3, "P2", "P4", "road", "B3"),
    ]
    borders = [
        {"border_id": "B5", "mode": "rail", "name": "B5", "countries": ("IR", "AZ"),
         "dwell_h": 0.0, "source_ids": ("B",)},
        {"border_id": "B3", "mode": "road", "name": "B3", "countries": ("AZ", "IR"),
         "dwell_h": 0.0, "source_ids": ("B",)},
    ]  # fmt: skip
    if with_direct_road:
        links.append(_link(8, "P0", "P2", "road", "B8"))
        borders.append(
            {"border_id": "B8", "mode": "road", "name": "B8", "countries": ("IR", "AZ"),
             "dwell_h": 12.0, "source_ids": ("B",)}
        )  # fmt: skip
    transfers = [
        {"node_id": "P5", "from_layer": "road", "to_layer": "rail1520", "kind": "handling",
         "dwell_h": 0.0, "cost_usd_per_teu": 10.0, "source_ids": ("T",)}
    ]  # fmt: skip
    return make_network(
        nodes=_NODES,
        links=links,
        transfers=transfers,
        tariffs=list(ROAD_RAIL_TARIFFS),
        borders=borders,
        parameters=PARAMETERS,
    )


@pytest.mark.parametrize("by", ["time", "cost", "distance"])
def test_route_takes_the_best_path_entering_each_place_once(by):
    net = _network(with_direct_road=True)
    best = route(net, "P0", "P4", by=by)
    assert best.link_ids == ("L8", "L3")
    assert best.totals.time_h == pytest.approx(1.0 + 12.0 + 1.0)
    assert not any("place twice" in a for a in best.assumptions)
    first = alternatives(net, "P0", "P4", by=by, k=3, max_overlap=1.0)[0]
    assert first.link_ids == best.link_ids


def test_a_walk_through_a_place_twice_is_kept_and_said_when_nothing_else_connects():
    net = _network(with_direct_road=False)
    best = route(net, "P0", "P4", by="time")
    assert best.link_ids == ("L5", "L1", "L4", "L0", "L3")
    assert best.totals.time_h == pytest.approx(5.0)
    assert any("enters a place twice" in a for a in best.assumptions)
    options = alternatives(net, "P0", "P4", by="time", k=2, max_overlap=1.0)
    assert [o.link_ids for o in options] == [best.link_ids]
    assert options[0].assumptions == best.assumptions


def _rail(link_id: str, a: str, b: str, hours: float) -> dict[str, Any]:
    # 40 km per hour of rail1520, so that distance ranks the paths as time does
    return {
        "link_id": link_id, "from_node": a, "to_node": b, "mode": "rail", "gauge_mm": 1520,
        "length_km": 40.0 * hours, "time_h": hours, "source_ids": ("S",),
    }  # fmt: skip


@pytest.mark.parametrize("by", ["time", "distance", "cost", "co2e"])
def test_via_route_is_the_best_entering_each_place_once(by):
    # issue 13 (hypothesis, minimised): A to D via B. The lightest walk A-C-B-C-D (4 h)
    # enters C twice; keeping the places of stage 0 out of stage 1 gave A-C-B-D (1 + 1 +
    # 4 = 6 h, 240 km), but A-B-C-D (3 + 1 + 1 = 5 h, 200 km) enters each place once
    nodes = [{"node_id": p, "country": "IR", "kinds": ("rail",)} for p in "ABCD"]
    links = [
        _rail("AC", "A", "C", 1.0),
        _rail("CB", "C", "B", 1.0),
        _rail("AB", "A", "B", 3.0),
        _rail("BD", "B", "D", 4.0),
        _rail("CD", "C", "D", 1.0),
    ]
    net = make_network(nodes=nodes, links=links, tariffs=list(ROAD_RAIL_TARIFFS))
    best = route(net, "A", "D", by=by, via=["B"])
    assert best.link_ids == ("AB", "CB", "CD")
    assert best.totals.time_h == pytest.approx(5.0)
    assert best.totals.distance_km == pytest.approx(200.0)
    assert best.totals.cost_usd == pytest.approx(0.4 * 200.0)  # 0.4 USD per TEU-km
    assert best.totals.co2e_kg == pytest.approx(30.0 * 10.0 * 200.0 / 1000.0)  # 30 g/tkm, 10 t
    assert not any("place twice" in a for a in best.assumptions)
