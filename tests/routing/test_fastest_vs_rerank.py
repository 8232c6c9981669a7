"""The exact clock-carrying search of route(by="time"/"generalised") against the Yen
re-rank it replaced (kept here as an oracle), on random road/rail networks.

The re-rank took Yen's loopless paths lightest first on the per-link rest bound and
kept the best on the exact rests per road run; it was proven once the next bound reached
the best exact value (or Yen ran out of paths). It ranges over loopless paths, the new
search over paths entering each place once (one layer per stay), a subset: so the new
value is never below the re-rank's, and equals it whenever the re-rank's best enters
each place once.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rest_oracle import rest_h_beyond_links
from routing_toynet import (
    PARAMETERS,
    ROAD_RAIL_TARIFFS,
    make_network,
    road_rail_transfers,
)
from walk_oracle import place_simple

from instc._errors import NoRouteError
from instc.routing import route
from instc.routing._constraints import make_request
from instc.routing._search import build_problem, shortest_edges
from instc.routing.alternatives import alternatives, yen_paths
from instc.routing.costs import criterion_weights, value_of_time
from instc.routing.fastest import enters_places_once, fastest_path
from instc.routing.pareto import pareto, place_layers, road_clock
from instc.units import HOURS_PER_DAY

RERANK_CANDIDATES = 150  # as the re-rank had it
PLACES = ["P0", "P1", "P2", "P3", "P4", "P5"]


def _params() -> dict[str, Any]:
    params = copy.deepcopy(PARAMETERS)
    params["road"]["daily_rest_h"] = {"value": 11.0, "unit": "h", "source_ids": ["P3"]}
    return params


@st.composite
def road_rail_network(draw: Any) -> Any:
    """Six places, short road links (rests appear over runs), some rail, road<->rail
    transfers (which reset the driver's clock) and the odd long border queue.

    The first links join P0-P1-P2-P3-P4 by road, so a route entering each place once
    exists for every via tested (the searches are compared, never skipped)."""
    links = []
    borders = []
    countries = {p: draw(st.sampled_from(["IR", "AZ"])) for p in PLACES}
    chain = list(itertools.pairwise(PLACES[:5]))
    for i in range(len(chain) + draw(st.integers(1, 9))):
        if i < len(chain):
            a, b = chain[i]
        else:
            pair = st.lists(st.sampled_from(PLACES), min_size=2, max_size=2, unique=True)
            a, b = draw(pair)
        rail = i >= len(chain) and draw(st.integers(0, 3)) == 0
        link = {
            "link_id": f"L{i}",
            "from_node": a,
            "to_node": b,
            "mode": "rail" if rail else "road",
            "gauge_mm": 1520 if rail else None,
            "length_km": float(draw(st.integers(10, 600))),
            "time_h": float(draw(st.integers(1, 12))),
            "source_ids": ("S",),
        }
        if countries[a] != countries[b]:
            link["border_id"] = f"B{i}"
            borders.append(
                {
                    "border_id": f"B{i}",
                    "mode": link["mode"],
                    "name": f"B{i}",
                    "countries": (countries[a], countries[b]),
                    "dwell_h": float(draw(st.sampled_from([0.0, 3.0, 12.0]))),
                    "source_ids": ("B",),
                }
            )
        links.append(link)
    transfers = road_rail_transfers(draw, PLACES)
    tariffs = list(ROAD_RAIL_TARIFFS)
    nodes = [{"node_id": p, "country": countries[p], "kinds": ("road", "rail")} for p in PLACES]
    return make_network(
        nodes=nodes,
        links=links,
        transfers=transfers,
        tariffs=tariffs,
        borders=borders,
        parameters=_params(),
    )


def _rerank(req: Any, by: str) -> tuple[float, list[int], bool] | None:
    """The former re-rank on the whole problem: (best exact value, its path, proven)."""
    problem = build_problem(req)
    w = problem.weights(criterion_weights(req.network, req.graph, by))
    per_h = 1.0
    if by == "generalised":
        per_h = value_of_time(req.network, req.graph).usd_per_unit_day / HOURS_PER_DAY
    first = shortest_edges(problem, w)
    if first is None:
        return None
    best_path: list[int] | None = None
    best = float("inf")
    proven = False
    seen = 0

    def accept(p: list[int]) -> bool:
        nonlocal best_path, best, proven, seen
        seen += 1
        bound = float(w[p].sum())
        value = bound + per_h * rest_h_beyond_links(req.network, req.graph, problem, p)
        if value < best - 1e-9 and (not req.via or place_simple(req, problem, p)):
            best_path, best = p, value
        proven = bound >= best - 1e-9
        return proven

    yen_paths(problem, w, k=1, max_candidates=RERANK_CANDIDATES, accept=accept)
    if best_path is None:
        return None
    return best, best_path, proven or seen < RERANK_CANDIDATES


def _value(option: Any, req: Any, by: str) -> float:
    if by == "time":
        return float(option.totals.time_h)
    vot = value_of_time(req.network, req.graph).usd_per_unit_day / HOURS_PER_DAY
    return float(option.totals.cost_usd + vot * option.totals.time_h)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    road_rail_network(),
    st.sampled_from(["time", "generalised"]),
    st.sampled_from([(), ("P2",), ("P3",)]),
)
def test_exact_search_matches_the_former_rerank(net, by, via):
    req = make_request(
        net, "P0", "P4", cargo="container", as_of=None, avoid=None, via=via,
        vessel_flag=None, rules=None,
    )  # fmt: skip
    oracle = _rerank(req, by)
    option = route(net, "P0", "P4", by=by, via=via)
    got = _value(option, req, by)
    if oracle is None:  # only non-place-simple walks between via stages exist
        assert via
    assume(oracle is not None)
    assert oracle is not None
    best, best_path, proven = oracle
    problem = build_problem(req)
    place_of, layer_of = place_layers(req, problem)
    # between via stages no route entering each place once was found
    assume(not any("passes a place twice" in a for a in option.assumptions))
    if proven:
        # the re-rank's range (loopless paths) holds the new search's: never better
        assert got >= best - 1e-6 * (1.0 + best)
        if enters_places_once(problem, best_path, place_of, layer_of):
            assert got == pytest.approx(best, rel=1e-9, abs=1e-9)
    else:
        # the re-rank stopped early: the exact search can only do better on its range
        if enters_places_once(problem, best_path, place_of, layer_of):
            assert got <= best + 1e-6 * (1.0 + best)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(road_rail_network())
def test_fastest_path_value_is_the_exact_time_of_its_path(net):
    req = make_request(
        net, "P0", "P4", cargo="container", as_of=None, avoid=None, via=(),
        vessel_flag=None, rules=None,
    )  # fmt: skip
    problem = build_problem(req)
    w = problem.weights(req.graph.weights("time_h"))
    clock = road_clock(req, problem)
    assert clock is not None
    place_of, layer_of = place_layers(req, problem)
    walk = fastest_path(problem, w, clock)
    simple = fastest_path(problem, w, clock, place_of=place_of, layer_of=layer_of)
    bound = shortest_edges(problem, w)
    assert bound is not None and walk is not None
    for found in (walk, simple):
        if found is None:
            continue
        value, path = found
        # the label's value is the exact time of its path, and at least the bound
        exact = float(w[path].sum()) + rest_h_beyond_links(req.network, req.graph, problem, path)
        assert value == pytest.approx(exact, abs=1e-9)
        assert value >= bound[0] - 1e-9
    if simple is not None:
        assert enters_places_once(problem, simple[1], place_of, layer_of)
        assert walk[0] <= simple[0] + 1e-9  # walks range over more paths
    # the bound's own path, counted exactly, is never better than the search's optimum
    bound_exact = bound[0] + rest_h_beyond_links(req.network, req.graph, problem, bound[1])
    assert walk[0] <= bound_exact + 1e-9
    if enters_places_once(problem, bound[1], place_of, layer_of) and simple is not None:
        assert simple[0] <= bound_exact + 1e-9
    assert np.isfinite(walk[0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(road_rail_network())
def test_route_by_time_is_the_fastest_pareto_option(net):
    best = route(net, "P0", "P4", by="time")
    if any("enters a place twice" in a for a in best.assumptions):
        # route() keeps a walk through a place twice only when no route avoids it: then
        # the Pareto set, which ranges over such routes only, is empty
        with pytest.raises(NoRouteError):
            pareto(net, "P0", "P4")
        return
    fastest = min(o.totals.time_h for o in pareto(net, "P0", "P4"))
    # pareto ranges over routes entering each place once; route takes the lightest
    # path as it is when its per-link rests are already exact (then nothing is faster)
    assert best.totals.time_h <= fastest + 1e-6
    req = make_request(
        net, "P0", "P4", cargo="container", as_of=None, avoid=None, via=(),
        vessel_flag=None, rules=None,
    )  # fmt: skip
    if place_simple(req, build_problem(req), _problem_path(req, best)):
        assert best.totals.time_h == pytest.approx(fastest, abs=1e-6)


def _problem_path(req: Any, option: Any) -> list[int]:
    """The problem edges of an option without via points (its legs, in order)."""
    problem = build_problem(req)
    g = req.graph
    path = []
    pos = {int(b): e for e, b in enumerate(problem.base.tolist()) if b >= 0}
    for leg in option.legs:
        e = next(
            e
            for e in range(g.n_edges)
            if g.link_id[e] == leg.link_id
            and g.node_place[g.edge_from[e]] == leg.from_node
            and g.node_place[g.edge_to[e]] == leg.to_node
            and g.node_layer[g.edge_from[e]] == leg.from_layer
            and g.node_layer[g.edge_to[e]] == leg.to_layer
        )
        path.append(pos[e])
    return path


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("INNSA", "RU-MOSCOW"), ("IRBND", "RU-MOSCOW"), ("Tehran", "Moscow")],
)
def test_embedded_route_by_time_is_the_fastest_pareto_option(origin, destination):
    from instc.network.load import load_network

    net = load_network()
    best = route(net, origin, destination, by="time")
    front = pareto(net, origin, destination)
    assert best.totals.time_h == pytest.approx(min(o.totals.time_h for o in front), abs=1e-6)
    # and no option of the front is faster once its rests are counted per road run
    assert all(o.totals.time_h >= best.totals.time_h - 1e-6 for o in front)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(road_rail_network(), st.sampled_from(["time", "generalised"]), st.integers(1, 3))
def test_first_alternative_is_the_route(net, by, k):
    best = route(net, "P0", "P4", by=by)
    options = alternatives(net, "P0", "P4", by=by, k=k, max_overlap=1.0)
    assert 1 <= len(options) <= k
    assume(not any("place twice" in a or "may exist" in a for a in best.assumptions))
    req = make_request(
        net, "P0", "P4", cargo="container", as_of=None, avoid=None, via=(),
        vessel_flag=None, rules=None,
    )  # fmt: skip
    assert _value(options[0], req, by) == pytest.approx(_value(best, req, by), abs=1e-6)
    values = [_value(o, req, by) for o in options]
    assert values == sorted(values)
    assert len({o.link_ids for o in options}) == len(options)


@pytest.mark.parametrize(
    ("origin", "destination"), [("IRBND", "RU-MOSCOW"), ("Chabahar", "Moscow")]
)
def test_embedded_first_alternative_by_time_is_the_route(origin, destination):
    from instc.network.load import load_network

    net = load_network()
    best = route(net, origin, destination, by="time")
    options = alternatives(net, origin, destination, by="time", k=3)
    assert options[0].link_ids == best.link_ids
    assert options[0].totals.time_h == pytest.approx(best.totals.time_h)
    assert [o.totals.time_h for o in options] == sorted(o.totals.time_h for o in options)
