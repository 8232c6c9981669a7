"""Driver rests counted over whole runs of road legs, not per link.

Hand-built networks (9 h driving a day, rests of 24 - 9 = 15 h, a stop of >= 11 h resets
the driver's clock) and the embedded western road Nhava Sheva -> Moscow.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_oracle import DrivingRule, Stint, rest_h_beyond_links, rests_taken
from routing_toynet import (
    PARAMETERS,
    ROAD_RAIL_TARIFFS,
    make_network,
    road_rail_transfers,
)
from walk_oracle import place_simple

from instc._errors import NoRouteError
from instc.network.graph import build_graph
from instc.routing import route
from instc.routing._constraints import make_request
from instc.routing._search import build_problem
from instc.routing.alternatives import alternatives
from instc.routing.pareto import CRITERIA_3, non_dominated, pareto

DRIVE_H = 9.0
REST_H = 24.0 - DRIVE_H


def _params() -> dict[str, Any]:
    params = copy.deepcopy(PARAMETERS)
    params["road"]["daily_rest_h"] = {"value": 11.0, "unit": "h", "source_ids": ["P3"]}
    return params


def _node(node_id: str, country: str = "IR") -> dict[str, Any]:
    return {"node_id": node_id, "country": country, "kinds": ("road",)}


def _road(link_id: str, a: str, b: str, hours: float, **extra: Any) -> dict[str, Any]:
    # 60 km/h default road speed in the toy parameters
    return {
        "link_id": link_id,
        "from_node": a,
        "to_node": b,
        "mode": "road",
        "length_km": 60.0 * hours,
        "source_ids": ("S",),
        **extra,
    }


def _check_sums(option: Any) -> None:
    for leg in option.legs:
        assert leg.time_h == pytest.approx(leg.moving_h + leg.waiting_h + leg.dwell_h)
    assert option.totals.time_h == pytest.approx(sum(leg.time_h for leg in option.legs))


def _chain(**extra_links: Any) -> Any:
    nodes = [_node(n) for n in "ABCD"]
    links = [_road("R1", "A", "B", 5.0), _road("R2", "B", "C", 5.0), _road("R3", "C", "D", 5.0)]
    return make_network(nodes=nodes, links=links, parameters=_params(), **extra_links)


def test_three_short_road_links_take_one_rest_where_the_clock_passes_9_h():
    option = route(_chain(), "A", "D", by="time")
    assert [leg.link_id for leg in option.legs] == ["R1", "R2", "R3"]
    # 15 h of driving: ceil(15 / 9) - 1 = 1 rest, due at 9 h, i.e. on R2 (5 h -> 10 h)
    assert [leg.dwell_h for leg in option.legs] == [0.0, REST_H, 0.0]
    assert option.totals.time_h == pytest.approx(15.0 + REST_H)
    assert any("R2: 1 driver rest stop(s) of 15 h" in a for a in option.assumptions)
    assert "P3" in option.legs[1].source_ids
    _check_sums(option)


def test_graph_weights_keep_the_per_link_lower_bound():
    g = build_graph(_chain())
    road = [e for e in range(g.n_edges) if g.mode[e] == "road"]
    assert all(g.rest_h[e] == 0.0 and g.dwell_h[e] == 0.0 for e in road)
    assert g.driving_h_per_day == DRIVE_H and g.daily_rest_h == 11.0


def test_ferry_between_two_8_h_road_runs_resets_the_clock():
    nodes = [_node("A"), _node("B"), _node("C"), _node("D")]
    links = [
        _road("R1", "A", "B", 8.0),
        {
            "link_id": "F1",
            "from_node": "B",
            "to_node": "C",
            "mode": "ferry",
            "length_km": 100.0,
            "source_ids": ("S",),
        },
        _road("R2", "C", "D", 8.0),
    ]
    transfers = [
        {
            "node_id": p,
            "from_layer": "road",
            "to_layer": "ferry",
            "kind": "port",
            "dwell_h": 2.0,
            "source_ids": ("T",),
        }
        for p in ("B", "C")
    ]
    net = make_network(nodes=nodes, links=links, transfers=transfers, parameters=_params())
    option = route(net, "A", "D", by="time")
    assert [leg.mode for leg in option.legs] == ["road", "transfer", "ferry", "transfer", "road"]
    # 16 h of driving, but two runs of 8 h: no rest
    assert sum(leg.dwell_h for leg in option.legs) == pytest.approx(4.0)
    assert option.totals.time_h == pytest.approx(8.0 + 2.0 + 5.0 + 2.0 + 8.0)
    assert not any("driver rest stop" in a for a in option.assumptions)
    _check_sums(option)


def _border_net(border_dwell_h: float) -> Any:
    nodes = [_node("A"), _node("B"), _node("C", "AZ"), _node("D", "AZ")]
    links = [
        _road("R1", "A", "B", 8.0),
        _road("RB", "B", "C", 0.1, border_id="BC"),
        _road("R2", "C", "D", 8.0),
    ]
    borders = [
        {
            "border_id": "BC",
            "mode": "road",
            "name": "B-C",
            "countries": ("IR", "AZ"),
            "dwell_h": border_dwell_h,
            "source_ids": ("B",),
        }
    ]
    return make_network(nodes=nodes, links=links, borders=borders, parameters=_params())


def test_border_queue_of_at_least_the_daily_rest_resets_the_clock():
    option = route(_border_net(12.0), "A", "D", by="time")
    assert [leg.dwell_h for leg in option.legs] == [0.0, 12.0, 0.0]
    assert option.totals.time_h == pytest.approx(16.1 + 12.0)
    _check_sums(option)


def test_border_queue_shorter_than_the_daily_rest_does_not():
    option = route(_border_net(10.0), "A", "D", by="time")
    # one run of 16.1 h: one rest, due at 9 h of driving, on R2 (8.1 h -> 16.1 h)
    assert [leg.dwell_h for leg in option.legs] == [0.0, 10.0, REST_H]
    assert option.totals.time_h == pytest.approx(16.1 + 10.0 + REST_H)
    _check_sums(option)


def test_single_long_link_unchanged():
    net = make_network(
        nodes=[_node("A"), _node("B")], links=[_road("R1", "A", "B", 20.0)], parameters=_params()
    )
    g = build_graph(net)
    option = route(net, "A", "B", by="time")
    (leg,) = option.legs
    # 20 h: ceil(20 / 9) - 1 = 2 rests, the same per link (graph) and per run (route)
    assert leg.dwell_h == pytest.approx(2 * REST_H)
    assert g.dwell_h[0] == pytest.approx(2 * REST_H)
    assert option.totals.time_h == pytest.approx(20.0 + 2 * REST_H)
    assert any("R1: 2 driver rest stop(s) of 15 h" in a for a in option.assumptions)


def test_several_rests_spread_over_the_legs_where_they_fall():
    nodes = [_node(n) for n in "ABCDE"]
    hours = [4.0, 10.0, 3.0, 11.0]  # clock 4, 14, 17, 28 h: rests due at 9, 18, 27 h
    links = [
        _road(f"R{i}", a, b, h)
        for i, (a, b, h) in enumerate(zip("ABCD", "BCDE", hours, strict=True))
    ]
    option = route(make_network(nodes=nodes, links=links, parameters=_params()), "A", "E")
    assert [leg.dwell_h for leg in option.legs] == [0.0, REST_H, 0.0, 2 * REST_H]
    assert sum(leg.dwell_h for leg in option.legs) == 3 * REST_H  # at 9, 18 and 27 h
    _check_sums(option)


def _road_or_rail() -> Any:
    """Road A-B-C-D (3 x 5 h: 15 h by the per-link bound, 30 h with its rest) or a
    direct rail A-D of 25 h, cheaper and cleaner but slower by the bound."""
    nodes = [{**_node(n), "kinds": ("road", "rail")} for n in "ABCD"]
    links = [
        _road("R1", "A", "B", 5.0),
        _road("R2", "B", "C", 5.0),
        _road("R3", "C", "D", 5.0),
        {
            "link_id": "T1",
            "from_node": "A",
            "to_node": "D",
            "mode": "rail",
            "gauge_mm": 1520,
            "length_km": 1000.0,
            "source_ids": ("S",),
        },
    ]
    tariffs = [
        {
            "tariff_id": "road",
            "mode": "road",
            "cargo": "container",
            "usd_per_unit_km": 0.1,
            "source_ids": ("C",),
        },
        {
            "tariff_id": "rail",
            "mode": "rail",
            "cargo": "container",
            "usd_per_unit_km": 0.08,
            "source_ids": ("C",),
        },
    ]
    return make_network(nodes=nodes, links=links, tariffs=tariffs, parameters=_params())


@pytest.mark.parametrize("by", ["time", "generalised"])
def test_time_search_is_exact_on_road_run_rests(by):
    # the per-link bound prefers the road (15 h < 25 h); with its rest the road takes 30 h
    option = route(_road_or_rail(), "A", "D", by=by)
    assert option.link_ids == ("T1",)
    assert option.totals.time_h == pytest.approx(25.0)
    assert any("optimised on driver rests per road run" in a for a in option.assumptions)


def test_alternatives_by_time_are_ordered_on_exact_totals():
    options = alternatives(_road_or_rail(), "A", "D", k=2, by="time")
    assert [o.link_ids for o in options] == [("T1",), ("R1", "R2", "R3")]
    assert [o.totals.time_h for o in options] == pytest.approx([25.0, 30.0])


def test_pareto_drops_options_dominated_on_exact_totals():
    # by the bound the road (15 h, 90 USD, 900 kg) and rail (25 h, 80 USD, 300 kg) are
    # both non-dominated; with its rest (30 h) the road is dominated by the rail
    options = pareto(_road_or_rail(), "A", "D")
    assert [o.link_ids for o in options] == [("T1",)]
    for o in options:
        _check_sums(o)
    assert non_dominated(options) == list(options)


# --- embedded data --------------------------------------------------------------------
@pytest.fixture(scope="module")
def western_road():
    from instc.network.load import load_network
    from instc.routing import load_families
    from instc.routing.compare import compare

    net = load_network()
    fams = [f for f in load_families() if f.family_id == "western_road"]
    comparison = compare(net, "Nhava Sheva", "Moscow", by="cost", families=fams)
    (option,) = comparison.families  # without the unconstrained best
    return net, option


def test_western_road_rests_counted_per_run(western_road):
    net, option = western_road
    rule = DrivingRule.of(net.parameters)
    assert rule is not None
    border_dwell = {
        (b, m): float(h)
        for b, m, h in zip(
            net.borders["border_id"], net.borders["mode"], net.borders["dwell_h"], strict=True
        )
    }
    stints = [
        Stint(
            road=leg.mode == "road",
            stop_h=leg.waiting_h + border_dwell.get((leg.border_id, "road"), 0.0),
            drive_h=leg.moving_h,
        )
        for leg in option.legs
    ]
    at = [i for i, s in enumerate(stints) if s.road]
    # Bandar Abbas to Moscow in one run: road legs in a row, every border queue < the reset
    assert at == list(range(at[0], at[-1] + 1))
    assert all(stints[i].stop_h < rule.reset_stop_h for i in at[1:])
    expected_rest_h = rests_taken(stints, rule) * rule.rest_h
    road_dwell_h = sum(option.legs[i].dwell_h for i in at) - sum(
        border_dwell.get((option.legs[i].border_id, "road"), 0.0) for i in at
    )
    assert road_dwell_h == pytest.approx(expected_rest_h)
    # the total with rests counted link by link, as before: more than two days less
    per_link_h = sum(rests_taken([stints[i]], rule) * rule.rest_h for i in at)
    before_h = sum(leg.time_h for i, leg in enumerate(option.legs) if i not in at) + sum(
        stints[i].drive_h + stints[i].stop_h for i in at
    )
    before_h += per_link_h
    assert option.totals.time_h > before_h + 2 * 24.0
    assert option.totals.time_h - before_h == pytest.approx(expected_rest_h - per_link_h)
    _check_sums(option)


def test_pareto_keeps_one_option_for_two_paths_with_equal_totals_through_other_places():
    # found by the random test below: P0-P1-P4 and P0-P3-P4 on identical rail links
    # (1 h each) cost, take and emit the same; the front holds that vector once
    nodes = [{"node_id": p, "country": "IR", "kinds": ("road", "rail")} for p in
             ("P0", "P1", "P3", "P4")]  # fmt: skip
    pairs = [("L0", "P0", "P1"), ("L1", "P1", "P4"), ("L2", "P3", "P0"), ("L3", "P3", "P4")]
    links = [
        {"link_id": i, "from_node": a, "to_node": b, "mode": "rail", "gauge_mm": 1520,
         "length_km": 10.0, "time_h": 1.0, "source_ids": ("S",)}
        for i, a, b in pairs
    ]  # fmt: skip
    net = make_network(
        nodes=nodes, links=links, tariffs=list(ROAD_RAIL_TARIFFS), parameters=_params()
    )
    front = pareto(net, "P0", "P4")
    assert len(front) == 1
    assert front[0].totals.time_h == pytest.approx(2.0)


# --- random road networks: exact answers by enumeration ------------------------------
@st.composite
def road_network(draw):
    """Five places, mostly short road links (rests only appear over runs), some rail
    with road<->rail transfers (which reset the clock)."""
    places = ["P0", "P1", "P2", "P3", "P4"]
    links = []
    for i in range(draw(st.integers(4, 10))):
        a, b = draw(st.lists(st.sampled_from(places), min_size=2, max_size=2, unique=True))
        rail = draw(st.integers(0, 3)) == 0
        links.append(
            {
                "link_id": f"L{i}",
                "from_node": a,
                "to_node": b,
                "mode": "rail" if rail else "road",
                "gauge_mm": 1520 if rail else None,
                "length_km": float(draw(st.integers(10, 600))),
                "time_h": float(draw(st.integers(1, 12))),
                "source_ids": ("S",),
            }
        )
    transfers = road_rail_transfers(draw, places)
    tariffs = list(ROAD_RAIL_TARIFFS)
    nodes = [{"node_id": p, "country": "IR", "kinds": ("road", "rail")} for p in places]
    return make_network(
        nodes=nodes, links=links, transfers=transfers, tariffs=tariffs, parameters=_params()
    )


def _exact_vectors(net: Any) -> list[tuple[float, float, float]]:
    """(cost, exact time, co2e) of every path P0 -> P4 entering each place once."""
    req = make_request(
        net, "P0", "P4", cargo="container", as_of=None, avoid=None, via=(),
        vessel_flag=None, rules=None,
    )  # fmt: skip
    problem = build_problem(req)
    w = np.vstack([problem.weights(req.graph.weights(c)) for c in CRITERIA_3])
    out_edges: dict[int, list[int]] = {}
    for e, s in enumerate(problem.src.tolist()):
        out_edges.setdefault(s, []).append(e)
    vectors: list[tuple[float, float, float]] = []

    def dfs(node: int, seen: set[int], path: list[int]) -> None:
        if node == problem.target:
            if not place_simple(req, problem, path):
                return
            acc = w[:, path].sum(axis=1)
            acc[1] += rest_h_beyond_links(net, req.graph, problem, path)
            vectors.append((float(acc[0]), float(acc[1]), float(acc[2])))
            return
        for e in out_edges.get(node, []):
            v = int(problem.dst[e])
            if v not in seen:
                dfs(v, seen | {v}, [*path, e])

    dfs(problem.source, {problem.source}, [])
    return vectors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(road_network())
def test_route_time_and_pareto_exact_on_random_road_networks(net):
    vectors = _exact_vectors(net)
    try:
        best = route(net, "P0", "P4", by="time")
        front = pareto(net, "P0", "P4")
    except NoRouteError:
        assert vectors == []
        return
    _check_sums(best)
    if not any("may exist" in a for a in best.assumptions):
        assert best.totals.time_h == pytest.approx(min(v[1] for v in vectors))
    expected = {
        tuple(round(x, 6) for x in v)
        for v in vectors
        if not any(all(o[i] <= v[i] for i in range(3)) and o != v for o in vectors)
    }
    got = [tuple(round(getattr(o.totals, c), 6) for c in CRITERIA_3) for o in front]
    assert len(got) == len(set(got))
    assert set(got) == expected
