"""k really different routes: Yen's loopless k-shortest paths with a difference rule.

Yen (1971, Management Science 17:712-716) finds the k lightest loopless paths by
deviating from each path found at every node ("spur") while hiding the edges earlier
paths took from the same root. On a multimodal graph many of those paths are the same
links with a different transfer at one place (rail-to-road at Astara instead of at
Rasht...); such a path is *not* reported as an alternative: two options are different
only when the sequences of links they use differ, and — by default — when at most 90 %
of the new option's distance runs on links an earlier option already uses
(``max_overlap``). The first option is the best route itself (:func:`route`); a later
path that enters a place twice (or returns to a layer during one stay) is not reported.
Yen's search continues past the duplicates (up to ``max_candidates`` paths) so that k
distinct options come out when they exist.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._errors import DataError
from instc.routing._constraints import make_request
from instc.routing._legs import make_option
from instc.routing._search import Problem, build_problem, shortest_edges
from instc.routing.costs import criterion_weights, normalise_by, value_of_time
from instc.routing.results import RouteOptions
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
) -> RouteOptions:
    """Up to ``k`` options that use different links, best by ``by`` first.

    Same places and constraints as :func:`instc.routing.route`. An option is kept only
    when at most ``max_overlap`` of its distance runs on links an earlier option uses
    (1.0: any other sequence of links will do). Fewer than ``k`` come back when the
    network has no more such loopless routes among the ``max_candidates`` examined.

    The first option is always :func:`instc.routing.route`'s best (same path, same
    assumptions); the others follow from Yen's ranking, enter each place once (and each
    layer once per stay) and differ from it. By ``time`` or ``generalised`` they are
    ordered on driver rests counted per road run.
    """
    from instc.routing.fastest import enters_places_once
    from instc.routing.pareto import place_layers
    from instc.routing.shortest import best_path

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
    # the first option is route()'s best, whatever Yen's ranking on per-link rests says
    first_path, first_problem, first_notes = best_path(
        req, key, value_of_time_usd_per_unit_day=value_of_time_usd_per_unit_day
    )
    first = make_option(req, first_problem, first_path, by=key, extra_assumptions=first_notes)
    problem = build_problem(req)
    place_of, layer_of = place_layers(req, problem)
    link_of = req.graph.link_id
    dist_km = req.graph.distance_km

    def link_km(prob: Problem, path: Sequence[int]) -> dict[str, float]:
        out: dict[str, float] = {}
        for e in path:
            b = int(prob.base[e])
            if b >= 0 and link_of[b] is not None:
                out[str(link_of[b])] = float(dist_km[b])
        return out

    def signature(path: Sequence[int]) -> tuple[str, ...]:
        return tuple(
            link
            for e in path
            if problem.base[e] >= 0 and (link := link_of[int(problem.base[e])]) is not None
        )

    taken = first.link_ids
    kept: list[dict[str, float]] = [link_km(first_problem, first_path)]

    def accept(path: Sequence[int]) -> bool:
        if signature(path) == taken or not enters_places_once(
            problem, list(path), place_of, layer_of
        ):
            return False
        mine = link_km(problem, path)
        total = sum(mine.values())
        for other in kept:
            shared = sum(km for link, km in mine.items() if link in other)
            if total > 0 and shared / total > max_overlap + 1e-12:
                return False
        kept.append(mine)
        return True

    others: list[list[int]] = []
    if k > 1:
        others = yen_paths(
            problem,
            problem.weights(graph_w),
            k=k - 1,
            signature=signature,
            max_candidates=max_candidates or 25 * k,
            accept=accept,
        )
    options = [make_option(req, problem, p, by=key) for p in others]
    if key in ("time", "generalised"):
        # the search counts driver rests per link (a lower bound); the options' totals
        # count them per road run, so order the options on those exact totals
        usd_per_h = 0.0
        if key == "generalised":
            vot = value_of_time(
                req.network,
                req.graph,
                override_usd_per_unit_day=value_of_time_usd_per_unit_day,
            )
            usd_per_h = vot.usd_per_unit_day / HOURS_PER_DAY

        def objective(o: RouteOption) -> float:
            t = o.totals
            return t.time_h if key == "time" else t.cost_usd + usd_per_h * t.time_h

        options.sort(key=objective)
    return RouteOptions((first, *options))


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
