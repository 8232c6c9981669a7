"""Properties of criticality on random small rail networks, checked against networkx."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from resilience_toynet import TARIFFS, _rail, _routing_toynet

from instc.resilience.criticality import criticality

PLACES = ["P0", "P1", "P2", "P3", "P4", "P5"]
PAIRS = list(itertools.combinations(PLACES, 2))


@st.composite
def networks(draw):
    chosen = draw(st.lists(st.sampled_from(PAIRS), min_size=3, max_size=10, unique=True))
    lengths = draw(st.lists(st.integers(10, 500), min_size=len(chosen), max_size=len(chosen)))
    links = [
        _rail(f"L{i}", a, b, float(km))
        for i, ((a, b), km) in enumerate(zip(chosen, lengths, strict=True))
    ]
    used = sorted({p for pair in chosen for p in pair})
    ods = draw(
        st.lists(
            st.tuples(st.sampled_from(used), st.sampled_from(used), st.integers(1, 3)).filter(
                lambda t: t[0] != t[1]
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda t: (t[0], t[1]),
        )
    )
    nodes = [
        {"node_id": p, "country": "IR", "lat": 30.0, "lon": 50.0 + i} for i, p in enumerate(used)
    ]
    net = _routing_toynet().make_network(nodes=nodes, links=links, tariffs=TARIFFS)
    graph = nx.Graph()
    graph.add_nodes_from(used)
    for link in links:
        graph.add_edge(link["from_node"], link["to_node"], km=link["length_km"], id=link["link_id"])
    return net, graph, [(o, d, "container", float(w)) for o, d, w in ods]


def _cost(graph: nx.Graph, o: str, d: str) -> float | None:
    try:
        return float(nx.dijkstra_path_length(graph, o, d, weight="km"))
    except nx.NetworkXNoPath:
        return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_links_against_networkx(case):
    net, graph, ods = case
    result = criticality(net, ods=ods, by="cost")
    fast = {(i.element_id, i.origin, i.destination): i for i in result.impacts}
    full = criticality(net, ods=ods, by="cost", only_affected=False)
    for base in result.ods:
        expected = _cost(graph, base.od.origin, base.od.destination)
        assert base.served == (expected is not None)
        if expected is not None:
            assert base.objective == pytest.approx(expected)
    for impact in full.impacts:
        cut = graph.copy()
        u, v = next((a, b) for a, b, k in graph.edges(data="id") if k == impact.element_id)
        cut.remove_edge(u, v)
        expected = _cost(cut, impact.origin, impact.destination)
        assert impact.served == (expected is not None)
        if expected is not None:
            assert impact.objective == pytest.approx(expected)
            assert impact.objective >= impact.baseline_objective - 1e-9
        key = (impact.element_id, impact.origin, impact.destination)
        if key in fast:
            assert fast[key].objective == impact.objective
        else:  # not re-routed by the fast path: its best route survives the removal
            assert impact.objective == pytest.approx(impact.baseline_objective)
    for a, b in zip(result.ranking, full.ranking, strict=True):
        assert a.element == b.element
        assert a.unserved_share == pytest.approx(b.unserved_share)
        assert a.objective_increase_pct == pytest.approx(b.objective_increase_pct, abs=1e-9)
    keys = [(-e.unserved_share, -e.objective_increase_pct) for e in result.ranking]
    assert keys == sorted(keys)
