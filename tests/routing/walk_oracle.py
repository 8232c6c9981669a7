"""Test oracles: does a search path enter every place once?

Kept with the tests (the engine's exact search tracks places itself and needs no such
check); it reads only the graph's node places and the problem's edge mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from instc.routing._constraints import Request
from instc.routing._search import Problem


def place_simple(req: Request, problem: Problem, path: Sequence[int]) -> bool:
    """True when the path enters every place once (transfers stay at their place)."""
    g = req.graph
    seen: set[str] = set()
    last = None
    for e in path:
        b = int(problem.base[e])
        if b < 0:
            continue
        for node in (int(g.edge_from[b]), int(g.edge_to[b])):
            place = g.node_place[node]
            if place != last:
                if place in seen:
                    return False
                seen.add(place)
                last = place
    return True


def enters_each_place_once(graph: Any, problem: Problem, path: Sequence[int]) -> bool:
    """The routes the searches range over, read off the graph's nodes: no node (a place's
    layer) twice and each place one stay."""
    edges = [int(problem.base[e]) for e in path if problem.base[e] >= 0]
    nodes = [int(graph.edge_from[edges[0]])] + [int(graph.edge_to[e]) for e in edges]
    places = [graph.node_place[v] for v in nodes]
    stays = [p for i, p in enumerate(places) if i == 0 or p != places[i - 1]]
    return len(set(nodes)) == len(nodes) and len(set(stays)) == len(stays)
