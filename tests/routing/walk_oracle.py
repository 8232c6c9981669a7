"""Test oracle: does a search path enter every place once?

Kept with the tests (the engine's exact search tracks places itself and needs no such
check); it reads only the graph's node places and the problem's edge mapping.
"""

from __future__ import annotations

from collections.abc import Sequence

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
