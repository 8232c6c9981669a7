"""Removing a link never makes travel cheaper at user equilibrium — where that holds.

In general it does not: Braess's paradox (a network where a new link makes every trip
slower at equilibrium) is the standard counterexample, checked here by hand. It does
hold for a single OD pair on a series-parallel network (Milchtaich 2006, "Network
topology and the efficiency of equilibrium", Games Econ. Behav. 57), which the property
test draws at random; and the corridor test checks it for the Rasht–Astara railway on
the embedded data: with the railway closed no OD pair's equilibrium generalised cost
(money + value of time x time, what the assignment's shippers minimise) falls.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from assignment_oracle import link_cost_by_hand, zone_costs_by_hand
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from instc.assignment import AssignmentNetwork, assign

Edge = tuple[int, int, float, float]  # tail, head, free-flow time, capacity


def _od_cost(edges: list[Edge], demand: float) -> float:
    """Equilibrium cost of the one OD pair, node 0 -> node 1 (inf: no path)."""
    net = AssignmentNetwork.from_arrays(
        from_node=[e[0] for e in edges],
        to_node=[e[1] for e in edges],
        free_flow_time=[e[2] for e in edges],
        capacity=[e[3] for e in edges],
        zone_nodes=[0, 1],
        n_nodes=max(max(e[0], e[1]) for e in edges) + 1,
    )
    if not np.isfinite(zone_costs_by_hand(net, net.free_flow_time)[0, 1]):
        return float("inf")
    result = assign(net, np.array([[0.0, demand], [0.0, 0.0]]), gap=1e-10, max_iter=5000)
    # the cost of the OD pair at the equilibrium flows, by the reference code
    return float(zone_costs_by_hand(net, link_cost_by_hand(net, result.flows))[0, 1])


@st.composite
def series_parallel(draw: st.DrawFn) -> tuple[list[Edge], float]:
    """A random two-terminal series-parallel network from node 0 to node 1 (BPR links)."""
    nodes = itertools.count(2)
    edges: list[Edge] = []

    def build(tail: int, head: int, depth: int) -> None:
        kind = draw(st.sampled_from(["link", "series", "parallel"])) if depth < 4 else "link"
        if kind == "link":
            edges.append((tail, head, draw(st.floats(0.5, 10.0)), draw(st.floats(1.0, 20.0))))
        elif kind == "series":
            middle = next(nodes)
            build(tail, middle, depth + 1)
            build(middle, head, depth + 1)
        else:
            build(tail, head, depth + 1)
            build(tail, head, depth + 1)

    build(0, 1, 0)
    return edges, draw(st.floats(0.5, 40.0))


@settings(max_examples=60, deadline=None)
@given(series_parallel(), st.data())
def test_removing_a_link_of_a_series_parallel_network_never_lowers_the_od_cost(
    case: tuple[list[Edge], float], data: st.DataObject
) -> None:
    edges, demand = case
    assume(len(edges) >= 2)
    removed = data.draw(st.integers(0, len(edges) - 1))
    rest = edges[:removed] + edges[removed + 1 :]
    before = _od_cost(edges, demand)
    after = _od_cost(rest, demand)
    assume(np.isfinite(after))  # the link was a bridge: no trip left to compare
    assert after >= before * (1 - 1e-6)


def test_braess_network_is_the_counterexample() -> None:
    """Braess's network, demand 6, links t = a + b v (BPR with beta 1: t0 = a,
    alpha / capacity = b / a): without the bridge A -> B each route carries 3 and costs
    10 x 3 + 50 + 3 = 83; with it all three routes cost 92 (flows 2, 2, 2)."""
    eps = 1e-6  # "10 v" as a BPR link needs t0 > 0
    links = {  # name: (tail, head, a, b)
        "OA": (0, 2, eps, 10.0),
        "AD": (2, 1, 50.0, 1.0),
        "OB": (0, 3, 50.0, 1.0),
        "BD": (3, 1, eps, 10.0),
        "AB": (2, 3, 10.0, 1.0),
    }

    def cost(names: list[str]) -> float:
        net = AssignmentNetwork.from_arrays(
            from_node=[links[n][0] for n in names],
            to_node=[links[n][1] for n in names],
            free_flow_time=[links[n][2] for n in names],
            capacity=[links[n][2] / links[n][3] for n in names],
            alpha=1.0,
            beta=1.0,
            zone_nodes=[0, 1],
            n_nodes=4,
        )
        result = assign(net, np.array([[0.0, 6.0], [0.0, 0.0]]), gap=1e-12, max_iter=20000)
        return float(zone_costs_by_hand(net, link_cost_by_hand(net, result.flows))[0, 1])

    with_bridge = cost(["OA", "AD", "OB", "BD", "AB"])
    without = cost(["OA", "AD", "OB", "BD"])
    assert with_bridge == pytest.approx(92.0, abs=1e-3)
    assert without == pytest.approx(83.0, abs=1e-3)


def test_closing_rasht_astara_never_lowers_an_od_cost_at_equilibrium() -> None:
    """2030 freight on the network of 2030 (the railway expected open since 2028) and on
    the same network with the railway closed: no OD pair gets cheaper without it, in
    equilibrium generalised cost per unit (and so in the corridor's total)."""
    from instc.assignment.corridor import assign_corridor
    from instc.network.load import load_network
    from instc.scenarios import apply_scenario, parse_scenario

    network = load_network(as_of="2030-01-01")
    assert "r-rasht-astara" in set(network.links["link_id"])
    closed = apply_scenario(
        network,
        parse_scenario(
            'name = "without"\ndescription = "d"\nsources = ["F180"]\n'
            '[[edit]]\naction = "close"\nproject = "rasht-astara"\n',
            file="without.toml",
        ),
    )
    assert "r-rasht-astara" not in set(closed.links["link_id"])
    keys = ["class", "origin", "destination"]
    with_it = assign_corridor(network, year=2030, method="bfw").od_costs.set_index(keys)
    without = assign_corridor(closed, year=2030, method="bfw").od_costs.set_index(keys)
    # ODs with no route on either network (crude while its pipeline is suspended) are out
    routed = np.isfinite(with_it["eq_generalised_usd"]) | np.isfinite(without["eq_generalised_usd"])
    with_it, without = with_it.loc[routed], without.loc[routed]
    rise = without["eq_generalised_usd"] - with_it["eq_generalised_usd"]
    tolerance = 1e-4 * with_it["eq_generalised_usd"]
    assert (rise >= -tolerance).all(), rise[rise < -tolerance]
    total = (with_it["volume"] * with_it["eq_generalised_usd"]).sum()
    assert (without["volume"] * without["eq_generalised_usd"]).sum() >= total * (1 - 1e-4)
