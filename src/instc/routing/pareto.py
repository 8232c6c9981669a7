"""The exact Pareto set over (cost, time, CO2e): multi-criteria label setting.

Martins' label-setting algorithm (Martins 1984, EJOR 16:236-245): labels (cost, time,
co2e) are settled in lexicographic order from a priority queue; a label is dropped when
another label at the same node is at least as good in all three criteria, and — as in
NAMOA* (Mandow & Pérez de la Cruz 2010) — when the label plus a lower bound on the rest
of the way (one reverse Dijkstra per criterion) is already matched by an option found.
Every weight is non-negative, so the labels left at the destination are exactly the
non-dominated options; options with equal totals are reported once.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from instc.routing._search import (
    Problem,
    build_problem,
    compile_problem,
    make_option,
    make_request,
    no_route,
)

if TYPE_CHECKING:
    from instc.network.model import Network
    from instc.routing.results import RouteOption
    from instc.routing.rules import FlagRule

__all__ = ["CRITERIA_3", "pareto", "pareto_paths"]

CRITERIA_3 = ("cost_usd", "time_h", "co2e_kg")


def pareto(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str = "container",
    as_of: Any = None,
    avoid: Mapping[str, Iterable[str]] | None = None,
    via: Sequence[str | Sequence[str]] = (),
    vessel_flag: str | None = None,
    rules: Sequence[FlagRule] | None = None,
    tonnes_per_unit: float | None = None,
) -> tuple[RouteOption, ...]:
    """Every non-dominated option over (cost_usd, time_h, co2e_kg), cheapest first.

    Takes the same places and constraints as :func:`instc.routing.route`; raises
    :class:`~instc._errors.NoRouteError` when nothing is left.
    """
    req = make_request(
        network,
        origin,
        destination,
        cargo=cargo,
        as_of=as_of,
        avoid=avoid,
        via=via,
        vessel_flag=vessel_flag,
        rules=rules,
        tonnes_per_unit=tonnes_per_unit,
    )
    problem = build_problem(req)
    weights = np.vstack([problem.weights(req.graph.weights(c)) for c in CRITERIA_3])
    paths = pareto_paths(problem, weights)
    if not paths:
        raise no_route(req)
    options = [make_option(req, problem, p, by="pareto") for p in paths]
    options.sort(key=lambda o: (o.totals.cost_usd, o.totals.time_h, o.totals.co2e_kg))
    return tuple(options)


def _lower_bounds(problem: Problem, weights: np.ndarray) -> np.ndarray:
    from scipy.sparse.csgraph import dijkstra

    reverse = Problem(
        n=problem.n,
        source=problem.target,
        target=problem.source,
        src=problem.dst,
        dst=problem.src,
        base=problem.base,
    )
    out = np.empty((weights.shape[0], problem.n))
    for c in range(weights.shape[0]):
        compiled = compile_problem(reverse, weights[c])
        out[c] = dijkstra(compiled.matrix, directed=True, indices=problem.target)
    return out


def pareto_paths(problem: Problem, weights: np.ndarray) -> list[list[int]]:
    """Problem-edge paths of the Pareto set; ``weights`` is (criteria, edges), >= 0."""
    order = np.argsort(problem.src, kind="stable")
    indptr = np.zeros(problem.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(problem.src, minlength=problem.n), out=indptr[1:])
    heads = problem.dst[order].tolist()
    edge_w = [tuple(col) for col in weights[:, order].T.tolist()]
    edge_ids = order.tolist()
    lb = _lower_bounds(problem, weights)
    lb_t = [tuple(col) for col in lb.T.tolist()]
    ptr = indptr.tolist()
    target = problem.target

    vecs: list[tuple[float, ...]] = []
    node_of: list[int] = []
    pred: list[int] = []
    via_edge: list[int] = []
    alive: list[bool] = []
    at: dict[int, list[int]] = {}
    done: list[tuple[float, ...]] = []  # settled destination labels
    done_ids: list[int] = []

    def add(vec: tuple[float, ...], node: int, p: int, e: int) -> None:
        bound = lb_t[node]
        if bound[0] == np.inf:
            return
        est = tuple(a + b for a, b in zip(vec, bound, strict=True))
        for d in done:
            if all(x <= y for x, y in zip(d, est, strict=True)):
                return
        labels = at.setdefault(node, [])
        for j in labels:
            other = vecs[j]
            if all(x <= y for x, y in zip(other, vec, strict=True)):
                return
        keep = []
        for j in labels:
            if all(x <= y for x, y in zip(vec, vecs[j], strict=True)):
                alive[j] = False
            else:
                keep.append(j)
        i = len(vecs)
        vecs.append(vec)
        node_of.append(node)
        pred.append(p)
        via_edge.append(e)
        alive.append(True)
        keep.append(i)
        at[node] = keep
        heapq.heappush(heap, (vec, i))

    heap: list[tuple[tuple[float, ...], int]] = []
    add((0.0,) * weights.shape[0], problem.source, -1, -1)
    while heap:
        vec, i = heapq.heappop(heap)
        if not alive[i]:
            continue
        u = node_of[i]
        if u == target:
            done.append(vec)
            done_ids.append(i)
            continue
        # a settled label can still be overtaken at the target by an earlier-settled one
        est = tuple(a + b for a, b in zip(vec, lb_t[u], strict=True))
        if any(all(x <= y for x, y in zip(d, est, strict=True)) for d in done):
            continue
        for k in range(ptr[u], ptr[u + 1]):
            w = edge_w[k]
            add((vec[0] + w[0], vec[1] + w[1], vec[2] + w[2]), heads[k], i, edge_ids[k])

    paths = []
    for i in done_ids:
        path: list[int] = []
        j = i
        while pred[j] >= 0:
            path.append(via_edge[j])
            j = pred[j]
        path.reverse()
        paths.append(path)
    return paths
