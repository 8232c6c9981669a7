"""k really different routes: Yen's loopless k-shortest paths with a difference rule.

Yen (1971, Management Science 17:712-716) finds the k lightest loopless paths by
deviating from each path found at every node ("spur") while hiding the edges earlier
paths took from the same root. On a multimodal graph many of those paths are the same
links with a different transfer at one place (rail-to-road at Astara instead of at
Rasht...); such a path is *not* reported as an alternative: two options are different
only when the sequences of links they use differ, and — by default — when at most 90 %
of the new option's distance runs on links an earlier option already uses
(``max_overlap``). A path that enters a place twice (possible between via stages) is
not reported either. Yen's search continues past the
duplicates (up to ``max_candidates`` paths) so that k distinct options come out when
they exist.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._errors import DataError
from instc.routing._search import (
    Problem,
    build_problem,
    make_option,
    make_request,
    no_route,
    place_simple,
    shortest_edges,
)
from instc.routing.costs import criterion_weights, normalise_by, value_of_time
from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    from instc.network.model import Network
    from instc.routing.results import RouteOption
    from instc.routing.rules import FlagRule

__all__ = ["alternatives", "yen_paths"]


def alternatives(
    network: Network,
    origin: str,
    destination: str,
    *,
    k: int = 5,
    cargo: str = "container",
    by: str = "cost",
    as_of: Any = None,
    avoid: Mapping[str, Iterable[str]] | None = None,
    via: Sequence[str | Sequence[str]] = (),
    vessel_flag: str | None = None,
    rules: Sequence[FlagRule] | None = None,
    tonnes_per_unit: float | None = None,
    value_of_time_usd_per_unit_day: float | None = None,
    max_overlap: float = 0.9,
    max_candidates: int | None = None,
) -> tuple[RouteOption, ...]:
    """Up to ``k`` options that use different links, best by ``by`` first.

    Same places and constraints as :func:`instc.routing.route`. An option is kept only
    when at most ``max_overlap`` of its distance runs on links an earlier option uses
    (1.0: any other sequence of links will do). Fewer than ``k`` come back when the
    network has no more such loopless routes among the ``max_candidates`` examined.

    By ``time`` or ``generalised`` the options are ordered on driver rests counted per
    road run; when those make the lightest path by the per-link rests slower, the first
    option is the exact best of :func:`instc.routing.route` (the others follow from
    Yen's ranking and must differ from it).
    """
    if k < 1:
        raise DataError(f"k = {k}: ask for at least one route (k >= 1)")
    if not 0.0 <= max_overlap <= 1.0:
        raise DataError(f"max_overlap = {max_overlap}: give a share between 0 and 1")
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
    key = normalise_by(by)
    graph_w = criterion_weights(
        req.network, req.graph, key, value_of_time_usd_per_unit_day=value_of_time_usd_per_unit_day
    )
    problem = build_problem(req)
    link_of = req.graph.link_id

    def signature(path: Sequence[int]) -> tuple[str, ...]:
        return tuple(
            link
            for e in path
            if problem.base[e] >= 0 and (link := link_of[int(problem.base[e])]) is not None
        )

    dist_km = req.graph.distance_km
    kept: list[dict[str, float]] = []

    def link_km(path: Sequence[int]) -> dict[str, float]:
        out: dict[str, float] = {}
        for e in path:
            b = int(problem.base[e])
            if b >= 0 and link_of[b] is not None:
                out[str(link_of[b])] = float(dist_km[b])
        return out

    def accept(path: Sequence[int]) -> bool:
        if not place_simple(req, problem, path):
            return False
        mine = link_km(path)
        total = sum(mine.values())
        for other in kept:
            shared = sum(km for link, km in mine.items() if link in other)
            if total > 0 and shared / total > max_overlap + 1e-12:
                return False
        kept.append(mine)
        return True

    weights = problem.weights(graph_w)
    usd_per_h = 0.0
    if key == "generalised":
        vot = value_of_time(
            req.network, req.graph, override_usd_per_unit_day=value_of_time_usd_per_unit_day
        )
        usd_per_h = vot.usd_per_unit_day / HOURS_PER_DAY
    first: list[list[int]] = []
    if key in ("time", "generalised"):
        first = _exact_first(req, problem, weights, 1.0 if key == "time" else usd_per_h)
        first = [p for p in first if accept(p)]
    if first and k == 1:
        paths = first
    elif first:
        taken = signature(first[0])
        paths = first + yen_paths(
            problem,
            weights,
            k=k - 1,
            signature=signature,
            max_candidates=max_candidates or 25 * k,
            accept=lambda p: signature(p) != taken and accept(p),
        )
    else:
        paths = yen_paths(
            problem,
            weights,
            k=k,
            signature=signature,
            max_candidates=max_candidates or 25 * k,
            accept=accept,
        )
    if not paths:
        raise no_route(req)
    options = [make_option(req, problem, p, by=key) for p in paths]
    if key in ("time", "generalised"):
        # the search counts driver rests per link (a lower bound); the options' totals
        # count them per road run, so order the options on those exact totals

        def objective(o: RouteOption) -> float:
            t = o.totals
            return t.time_h if key == "time" else t.cost_usd + usd_per_h * t.time_h

        options.sort(key=objective)
    return tuple(options)


def _exact_first(
    req: Any, problem: Problem, weights: np.ndarray, value_per_h: float
) -> list[list[int]]:
    """[the best path on driver rests per road run] when the lightest path by the
    per-link rests takes more rests over its road runs (else [], Yen's first is best)."""
    from instc.routing._search import extra_rest_h
    from instc.routing.fastest import exact_best_path

    lightest = shortest_edges(problem, weights)
    if lightest is None or extra_rest_h(req, problem, lightest[1]) <= 1e-9:
        return []
    best = exact_best_path(req, problem, weights, value_per_h=value_per_h)
    return [best[0]] if best is not None and best[1] else []


def yen_paths(
    problem: Problem,
    weights: np.ndarray,
    *,
    k: int,
    signature: Any = tuple,
    max_candidates: int = 100,
    accept: Any = None,
) -> list[list[int]]:
    """Up to ``k`` loopless source-target paths with distinct ``signature(path)``,
    lightest first; ``accept(path)`` (optional) must hold for a path to be chosen."""
    first = shortest_edges(problem, weights)
    if first is None:
        return []
    found: list[list[int]] = [first[1]]  # every path taken off the heap, duplicates too
    chosen: list[list[int]] = []
    signatures: set[Any] = set()
    if accept is None or accept(first[1]):
        chosen.append(first[1])
        signatures.add(signature(first[1]))
    heap: list[tuple[float, tuple[int, ...]]] = []
    queued: set[tuple[int, ...]] = {tuple(first[1])}
    while len(chosen) < k and len(found) < max_candidates:
        last = found[-1]
        for i in range(len(last)):
            root = last[:i]
            spur = int(problem.src[last[i]])
            keep = np.ones(len(problem.src), dtype=bool)
            for path in found:
                if len(path) > i and path[:i] == root:
                    keep[path[i]] = False
            if root:
                gone = problem.src[np.asarray(root, dtype=np.int64)]
                keep &= ~(np.isin(problem.src, gone) | np.isin(problem.dst, gone))
            spur_path = shortest_edges(problem, weights, source=spur, keep=keep)
            if spur_path is None:
                continue
            total = tuple(root + spur_path[1])
            if total not in queued:
                queued.add(total)
                heapq.heappush(heap, (float(weights[list(total)].sum()), total))
        if not heap:
            break
        _, best = heapq.heappop(heap)
        path = list(best)
        found.append(path)
        sig = signature(path)
        if sig not in signatures and (accept is None or accept(path)):
            signatures.add(sig)
            chosen.append(path)
    return chosen
