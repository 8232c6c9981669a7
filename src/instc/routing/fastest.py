"""Exact single-criterion search on time (or generalised cost) with driver rests per
road run (internal).

The graph's time weights count a truck driver's daily rests per road link, a lower bound
of the rests per whole run of road legs (:func:`instc.routing._legs.road_rests_h`).
:func:`fastest_path` is a label-setting search whose labels carry, besides the value so
far, the driver's clock (hours driven since the clock last reset): crossing an edge
moves the clock as :meth:`instc.routing.pareto.RoadClock.step` says, and a label is
dropped when another label at the same node beats it by
:meth:`~instc.routing.pareto.RoadClock.beats` — the same dominance test as the Pareto
search. Labels leave the queue in order of value plus a lower bound of the rest of the
way (one reverse Dijkstra on the per-link weights, which never exceed the exact ones:
``ceil`` is superadditive), so the first label to reach the target is optimal (A*).

With ``place_of`` the labels also remember the places (and the layers of the current
stay) they passed and never enter a place twice, as in :func:`instc.routing.pareto`:
without it a transfer off the road and back would reset the driver's clock.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._csr import row_pointer
from instc.routing._search import Problem, compile_problem, dijkstra_from
from instc.routing.pareto import enter

if TYPE_CHECKING:
    from instc.routing.pareto import RoadClock

__all__ = [
    "best_entering_places_once",
    "enters_places_once",
    "exact_best_path",
    "fastest_path",
    "lower_bounds_to_target",
]


def lower_bounds_to_target(problem: Problem, weights: np.ndarray) -> np.ndarray:
    """The lightest ``weights`` from every problem node to the target (``inf``: none)."""
    reverse = Problem(
        n=problem.n,
        source=problem.target,
        target=problem.source,
        src=problem.dst,
        dst=problem.src,
        base=problem.base,
    )
    return dijkstra_from(compile_problem(reverse, weights), problem.target)[0]


def fastest_path(
    problem: Problem,
    weights: np.ndarray,
    clock: RoadClock,
    *,
    value_per_h: float = 1.0,
    place_of: list[int] | None = None,
    layer_of: list[int] | None = None,
) -> tuple[float, list[int]] | None:
    """(exact value, problem edge ids) of the best source→target path, or None.

    ``weights`` (per problem edge, >= 0) count the per-link rests; the exact value
    replaces them by the rests per road run, each hour of rest worth ``value_per_h``
    (1 for time in hours, USD per hour for a generalised cost). ``place_of`` /
    ``layer_of`` (per node, -1 for none): only paths entering each place once (and each
    layer once per stay) count.
    """
    lb = lower_bounds_to_target(problem, weights).tolist()
    source, target = problem.source, problem.target
    inf = float("inf")
    if lb[source] == inf:
        return None
    order = np.argsort(problem.src, kind="stable")
    indptr = row_pointer(problem.src, problem.n).tolist()
    heads = problem.dst[order].tolist()
    w = weights[order].tolist()
    edge_ids = order.tolist()
    effect = clock.effect[order].tolist()
    moving = clock.moving_h[order].tolist()
    link_rest = clock.link_rest_h[order].tolist()
    step, beats = clock.step, clock.beats
    n_places = max(place_of, default=-1) + 1 if place_of is not None else 0

    values: list[float] = []
    clocks: list[float] = []
    masks: list[int] = []
    node_of: list[int] = []
    pred: list[int] = []
    via_edge: list[int] = []
    alive: list[bool] = []
    at: dict[int, list[int]] = {}
    heap: list[tuple[float, float, int]] = []

    def add(value: float, node: int, p: int, e: int, mask: int, h: float) -> None:
        rest_of_way = lb[node]
        if rest_of_way == inf:
            return
        if node == target:
            h = 0.0  # the trip is over: only the value counts
        labels = at.get(node)
        if labels is None:
            labels = at[node] = []
        elif labels:
            for j in labels:
                if not (masks[j] & ~mask) and beats(values[j], clocks[j], value, h, value_per_h):
                    return
            keep = []
            for j in labels:
                if not (mask & ~masks[j]) and beats(value, h, values[j], clocks[j], value_per_h):
                    alive[j] = False
                else:
                    keep.append(j)
            labels = at[node] = keep
        i = len(values)
        values.append(value)
        clocks.append(h)
        masks.append(mask)
        node_of.append(node)
        pred.append(p)
        via_edge.append(e)
        alive.append(True)
        labels.append(i)
        heapq.heappush(heap, (value + rest_of_way, value, i))

    add(0.0, source, -1, -1, 0, 0.0)
    while heap:
        _, value, i = heapq.heappop(heap)
        if not alive[i]:
            continue
        u = node_of[i]
        if u == target:
            path: list[int] = []
            j = i
            while pred[j] >= 0:
                path.append(via_edge[j])
                j = pred[j]
            path.reverse()
            return value, path
        mask, h = masks[i], clocks[i]
        for k in range(indptr[u], indptr[u + 1]):
            v = heads[k]
            new_mask = mask
            if place_of is not None:
                entered = enter(mask, u, v, place_of, layer_of, n_places)
                if entered is None:
                    continue
                new_mask = entered
            new_h, extra_h = step(effect[k], moving[k], link_rest[k], h)
            add(value + w[k] + value_per_h * extra_h, v, i, edge_ids[k], new_mask, new_h)
    return None


def enters_places_once(
    problem: Problem, path: list[int], place_of: list[int], layer_of: list[int] | None
) -> bool:
    """Does ``path`` (problem edge ids) enter each place once (and, with ``layer_of``,
    each layer once per stay), as the searches with ``place_of`` require?"""
    n_places = max(place_of, default=-1) + 1
    mask = 0
    for e in path:
        u, v = int(problem.src[e]), int(problem.dst[e])
        if mask == 0 and place_of[u] >= 0:  # the first place: entered by starting there
            mask = 1 << place_of[u]
            if layer_of is not None:
                mask |= 1 << (n_places + layer_of[u])
        entered = enter(mask, u, v, place_of, layer_of, n_places)
        if entered is None:
            return False
        mask = entered
    return True


def exact_best_path(
    req: Any, problem: Problem, weights: np.ndarray, *, value_per_h: float = 1.0
) -> tuple[list[int], bool] | None:
    """The best path of ``problem`` on the exact rests per road run and whether it
    enters each place once (False only when no such path exists: then the best walk).

    ``weights``: per problem edge, with the per-link rests (``value_per_h`` per hour of
    rest). The best walk is taken when it enters each place once; otherwise the search is
    repeated over such paths only, as :func:`instc.routing.pareto` does. None: no path,
    or the graph counts no rests.
    """
    from instc.routing.pareto import place_layers, road_clock

    clock = road_clock(req, problem)
    if clock is None:
        return None
    walk = fastest_path(problem, weights, clock, value_per_h=value_per_h)
    if walk is None:
        return None
    place_of, layer_of = place_layers(req, problem)
    if enters_places_once(problem, walk[1], place_of, layer_of):
        return walk[1], True
    simple = fastest_path(
        problem, weights, clock, value_per_h=value_per_h, place_of=place_of, layer_of=layer_of
    )
    if simple is None:
        return walk[1], False
    return simple[1], True


def best_entering_places_once(
    req: Any, problem: Problem, weights: np.ndarray, *, value_per_h: float | None
) -> list[int] | None:
    """The lightest path of ``problem`` that enters each place once (and each layer once
    per stay), or None when no such path exists.

    ``value_per_h``: None when ``weights`` count no driver rests (cost, CO2e, distance);
    otherwise the rests are counted per road run, each hour worth ``value_per_h``, as in
    :func:`exact_best_path`.
    """
    from instc.routing.pareto import KEEP, RoadClock, place_layers, road_clock

    clock = road_clock(req, problem) if value_per_h is not None else None
    if clock is None:
        # no driver's clock to carry: every edge keeps it at zero, labels differ by value
        n_edges = len(problem.src)
        zeros = np.zeros(n_edges)
        clock = RoadClock(np.full(n_edges, KEEP, dtype=np.int8), zeros, zeros, 1.0, 0.0)
    place_of, layer_of = place_layers(req, problem)
    found = fastest_path(
        problem,
        weights,
        clock,
        value_per_h=1.0 if value_per_h is None else value_per_h,
        place_of=place_of,
        layer_of=layer_of,
    )
    return None if found is None else found[1]
