"""The exact Pareto set over (cost, time, CO2e): multi-criteria label setting.

Martins' label-setting algorithm (Martins 1984, EJOR 16:236-245): labels (cost, time,
co2e) are settled in lexicographic order from a priority queue; a label is dropped when
another label at the same node is at least as good in all three criteria, and — as in
NAMOA* (Mandow & Pérez de la Cruz 2010) — when the label plus a lower bound on the rest
of the way (one reverse Dijkstra per criterion) is already matched by an option found.
Every weight is non-negative, so the labels left at the destination are exactly the
non-dominated options; options with equal totals are reported once.

Driver rests: the labels count them per road link (the graph's weights), a lower bound
of the rests per run of road legs that the returned options count. The options are
compared again on those exact totals and any one dominated there is dropped; a path the
label search pruned under the lower bound is not brought back (it would have to be
dominated on cost and CO2e too, which rests do not change, so only a time advantage
from fewer exact rests could be missed).
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

__all__ = ["CRITERIA_3", "non_dominated", "pareto", "pareto_paths"]

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
    place_of = None
    if req.via:
        # with via points a walk could go out and back between stages: labels then
        # remember the places they passed and never enter one twice
        g = req.graph
        index = {p: i for i, p in enumerate(sorted(g.place_nodes))}
        real = np.asarray([index[p] for p in g.node_place], dtype=np.int64)
        place_of = [-1] * problem.n
        for node in range(problem.n):
            if node < (len(req.via) + 1) * g.n_nodes:
                place_of[node] = int(real[node % g.n_nodes])
    paths = pareto_paths(problem, weights, place_of=place_of)
    if not paths:
        raise no_route(req)
    options = [make_option(req, problem, p, by="pareto") for p in paths]
    # the labels counted driver rests per link (a lower bound); the options count them
    # per road run, which can make one option dominated by another: drop those
    options = non_dominated(options)
    options.sort(key=lambda o: (o.totals.cost_usd, o.totals.time_h, o.totals.co2e_kg))
    return tuple(options)


def non_dominated(options: Sequence[RouteOption]) -> list[RouteOption]:
    """The options no other option matches or beats on every one of (cost, time, CO2e)
    while beating it on one (equal totals: both kept).

    >>> from types import SimpleNamespace as O
    >>> a = O(totals=O(cost_usd=1, time_h=5, co2e_kg=2))
    >>> b = O(totals=O(cost_usd=2, time_h=5, co2e_kg=2))
    >>> non_dominated([a, b]) == [a]
    True
    """

    def vec(o: RouteOption) -> tuple[float, float, float]:
        t = o.totals
        return (t.cost_usd, t.time_h, t.co2e_kg)

    tol = 1e-9
    out = []
    for o in options:
        mine = vec(o)
        dominated = False
        for other in options:
            theirs = vec(other)
            if all(x <= y + tol for x, y in zip(theirs, mine, strict=True)) and any(
                x < y - tol for x, y in zip(theirs, mine, strict=True)
            ):
                dominated = True
                break
        if not dominated:
            out.append(o)
    return out


def _lower_bounds(
    problem: Problem, weights: np.ndarray
) -> tuple[np.ndarray, list[tuple[float, float, float]]]:
    """Per criterion, the least cost from every node to the target (one reverse
    Dijkstra each), and the totals of the source's optimal path for each criterion
    (read off the same trees: feasible options that prune the label search)."""
    from instc.routing._search import dijkstra_from

    reverse = Problem(
        n=problem.n,
        source=problem.target,
        target=problem.source,
        src=problem.dst,
        dst=problem.src,
        base=problem.base,
    )
    out = np.empty((weights.shape[0], problem.n))
    seeds: list[tuple[float, float, float]] = []
    for c in range(weights.shape[0]):
        compiled = compile_problem(reverse, weights[c])
        dist, pred = dijkstra_from(compiled, problem.target)
        out[c] = dist
        if not np.isfinite(dist[problem.source]):
            continue
        total = np.zeros(weights.shape[0])
        node = problem.source
        while node != problem.target:
            nxt = int(pred[node])  # the next node toward the target
            lo, hi = compiled.indptr[nxt], compiled.indptr[nxt + 1]
            j = lo + int(np.searchsorted(compiled.indices[lo:hi], node))
            total += weights[:, int(compiled.edge[j])]
            node = nxt
        seeds.append((float(total[0]), float(total[1]), float(total[2])))
    return out, seeds


def pareto_paths(
    problem: Problem, weights: np.ndarray, *, place_of: list[int] | None = None
) -> list[list[int]]:
    """Problem-edge paths of the Pareto set; ``weights`` is (3 criteria, edges), >= 0.

    With ``place_of`` (a place index per node, -1 for none) only paths that enter each
    place once count: a label carries the set of places it passed, and one label beats
    another only when it is no worse on every criterion *and* passed no place the other
    did not (Martins' algorithm with an elementary-path resource).
    """
    if weights.shape[0] != 3:
        raise ValueError("pareto_paths works on exactly three criteria")
    order = np.argsort(problem.src, kind="stable")
    indptr = np.zeros(problem.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(problem.src, minlength=problem.n), out=indptr[1:])
    heads = problem.dst[order].tolist()
    w0, w1, w2 = (weights[c, order].tolist() for c in range(3))
    edge_ids = order.tolist()
    lb, seeds = _lower_bounds(problem, weights)
    if not np.isfinite(lb[0, problem.source]):
        return []
    lb0, lb1, lb2 = (lb[c].tolist() for c in range(3))
    ptr = indptr.tolist()
    target = problem.target
    # seeds: feasible vectors (the single-criterion optima) prune labels they strictly beat

    elementary = place_of is not None
    if elementary:
        seeds = []  # the unconstrained optima may pass a place twice: not feasible here
    masks: list[int] = []
    vecs: list[tuple[float, float, float]] = []
    node_of: list[int] = []
    pred: list[int] = []
    via_edge: list[int] = []
    alive: list[bool] = []
    at: dict[int, list[int]] = {}
    done: list[tuple[float, float, float]] = []  # settled destination labels
    done_ids: list[int] = []
    heap: list[tuple[tuple[float, float, float], int]] = []

    def pruned(a: float, b: float, c: float) -> bool:
        """Is the optimistic estimate (a, b, c) already beaten by a known option?"""
        for d in done:
            if d[0] <= a and d[1] <= b and d[2] <= c:
                return True
        # a seed must beat the estimate by more than rounding: the label of the seed's own
        # path (summed in another order) must survive
        for d in seeds:
            if (
                d[0] <= a
                and d[1] <= b
                and d[2] <= c
                and (
                    d[0] < a - 1e-9 * (1.0 + abs(a))
                    or d[1] < b - 1e-9 * (1.0 + abs(b))
                    or d[2] < c - 1e-9 * (1.0 + abs(c))
                )
            ):
                return True
        return False

    def add(a: float, b: float, c: float, node: int, p: int, e: int, mask: int = 0) -> None:
        la = lb0[node]
        if la == np.inf or pruned(a + la, b + lb1[node], c + lb2[node]):
            return
        labels = at.get(node)
        if labels is None:
            labels = at[node] = []
        else:
            for j in labels:
                o = vecs[j]
                if o[0] <= a and o[1] <= b and o[2] <= c and not (masks[j] & ~mask):
                    return
            keep = []
            for j in labels:
                o = vecs[j]
                if a <= o[0] and b <= o[1] and c <= o[2] and not (mask & ~masks[j]):
                    alive[j] = False
                else:
                    keep.append(j)
            labels = at[node] = keep
        i = len(vecs)
        vec = (a, b, c)
        vecs.append(vec)
        masks.append(mask)
        node_of.append(node)
        pred.append(p)
        via_edge.append(e)
        alive.append(True)
        labels.append(i)
        heapq.heappush(heap, (vec, i))

    add(0.0, 0.0, 0.0, problem.source, -1, -1)
    while heap:
        vec, i = heapq.heappop(heap)
        if not alive[i]:
            continue
        u = node_of[i]
        if u == target:
            done.append(vec)
            done_ids.append(i)
            continue
        va, vb, vc = vec
        # an option settled since this label was queued may beat it already
        if pruned(va + lb0[u], vb + lb1[u], vc + lb2[u]):
            continue
        if not elementary:
            for k in range(ptr[u], ptr[u + 1]):
                add(va + w0[k], vb + w1[k], vc + w2[k], heads[k], i, edge_ids[k])
            continue
        assert place_of is not None
        mask, here = masks[i], place_of[u]
        for k in range(ptr[u], ptr[u + 1]):
            v = heads[k]
            there = place_of[v]
            new_mask = mask
            if there >= 0 and there != here:
                bit = 1 << there
                if mask & bit:
                    continue  # would enter a place a second time
                new_mask = mask | bit
            add(va + w0[k], vb + w1[k], vc + w2[k], v, i, edge_ids[k], new_mask)

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
