"""Single-criterion door-to-door routing: :func:`route`.

The search runs Dijkstra (``scipy.sparse.csgraph``, C speed) on the compiled graph with
hidden links removed and the via points as stages (see :mod:`instc.routing._search`).
Origin and destination are places: the route may start and end on any layer they serve.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._errors import UnknownNameError
from instc.routing._constraints import make_request
from instc.routing._legs import extra_rest_h, make_option
from instc.routing._search import build_problem, no_route, shortest_edges
from instc.routing.costs import criterion_weights, normalise_by, value_of_time
from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    from instc.network.graph import Graph
    from instc.network.model import Network
    from instc.routing.results import RouteOption
    from instc.routing.rules import FlagRule

__all__ = ["one_to_all", "route", "shortest_path_tree"]


def _place_note(req: Any) -> str:
    """The assumption line of a route kept although it enters a place twice."""
    if req.via:
        return (
            "this route passes a place twice between via points (or returns to a mode "
            "during one stay; no route found that avoids it): check the via points"
        )
    return (
        "this route enters a place twice (or returns to a mode during one stay): no "
        "route between these places avoids it"
    )


def best_path(
    req: Any, key: str, *, value_of_time_usd_per_unit_day: float | None = None
) -> tuple[list[int], Any, list[str]]:
    """The best path of ``req`` by criterion ``key`` (already normalised), its problem
    and the assumption lines it needs; the first option of both :func:`route` and
    :func:`instc.routing.alternatives`.

    The lightest path is taken when it enters each place once (and each layer once per
    stay, as :func:`instc.routing.pareto` requires, with via points or without) and, by
    ``time`` or ``generalised``, takes no more driver rests over its road runs than per
    link; otherwise the best such path, by the exact label search that remembers the
    places passed and carries the driver's clock (:mod:`instc.routing.fastest`). When no
    such path exists the lightest walk is kept and an assumption line says so. Raises
    :class:`~instc._errors.NoRouteError` when nothing connects the two places.
    """
    from instc.routing.fastest import (
        best_entering_places_once,
        enters_places_once,
        exact_best_path,
    )
    from instc.routing.pareto import place_layers

    weights = criterion_weights(
        req.network, req.graph, key, value_of_time_usd_per_unit_day=value_of_time_usd_per_unit_day
    )
    problem = build_problem(req)
    w = problem.weights(weights)
    found = shortest_edges(problem, w)
    if found is None:
        raise no_route(req)
    lightest = found[1]
    extra: list[str] = []
    per_h = None  # what an hour of driver rest weighs in the criterion (None: nothing)
    if key == "time":
        per_h = 1.0
    elif key == "generalised":
        vot = value_of_time(
            req.network, req.graph, override_usd_per_unit_day=value_of_time_usd_per_unit_day
        )
        extra.append(
            f"generalised cost = cost + {vot.usd_per_unit_day:g} USD per {req.graph.unit}-day "
            f"({vot.source})"
        )
        per_h = vot.usd_per_unit_day / HOURS_PER_DAY
    place_of, layer_of = place_layers(req, problem)
    # the weights count driver rests per link, a lower bound of the rests per road run
    inexact = per_h is not None and extra_rest_h(req, problem, lightest) > 1e-9
    if not inexact and enters_places_once(problem, lightest, place_of, layer_of):
        return lightest, problem, extra
    path: list[int] | None
    if per_h is not None and inexact:
        exact = exact_best_path(req, problem, w, value_per_h=per_h)
        path = exact[0] if exact is not None and exact[1] else None
    else:
        path = best_entering_places_once(req, problem, w, value_per_h=per_h)
    what = "time" if key == "time" else "generalised cost"
    if path is None:  # no path enters each place once: keep the lightest walk
        if inexact:
            extra.append(
                f"{what}: no route enters each place once; driver rests per road run are "
                "counted on the route found with rests per link (a lower bound) — a route "
                f"with less exact {what} may exist"
            )
        extra.append(_place_note(req))
        return lightest, problem, extra
    if inexact and path != lightest:
        extra.append(
            f"{what} optimised on driver rests per road run (an exact search carrying the "
            "driver's clock; the lightest route with rests counted per link takes longer)"
        )
    return path, problem, extra


def route(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str = "container",
    by: str = "cost",
    as_of: Any = None,
    avoid: Mapping[str, Iterable[str]] | None = None,
    via: Sequence[str | Sequence[str]] = (),
    vessel_flag: str | None = None,
    rules: Sequence[FlagRule] | None = None,
    tonnes_per_unit: float | None = None,
    value_of_time_usd_per_unit_day: float | None = None,
) -> RouteOption:
    """The best door-to-door option from ``origin`` to ``destination`` by ``by``.

    Parameters
    ----------
    origin, destination:
        Places: node id, UN/LOCODE, name or alias (case- and accent-insensitive).
    cargo:
        ``container`` (per TEU), ``bulk``/``liquid`` (per t), ``truck``, ``passenger``.
    by:
        ``cost``, ``time``, ``co2e``, ``distance`` or ``generalised`` (cost + value of
        time × days; ``value_of_time_usd_per_unit_day`` overrides the sourced default).
    as_of:
        Date of the network (``None``: the network's own date).
    avoid:
        ``{"country": [...], "mode": [...], "node": [...], "link": [...], "border": [...]}``.
    via:
        Waypoints in order: a place, ``PLACE@layer``, ``border:ID``, ``link:ID`` or
        ``mode:MODE``; a list inside means "any of these".
    vessel_flag:
        Flag (ISO code) of the carrier's vessels; rules such as the Caspian littoral-flag
        rule hide the waters it may not sail. ``None``: the option states the rule.

    Driver rests are counted per run of road legs (the clock resets at a non-road leg and
    at a stop of at least ``road.daily_rest_h``). The search weighs rests per link, a
    lower bound; by ``time`` or ``generalised``, when the lightest path takes more rests
    over its runs, an exact search carrying the driver's clock finds the best route that
    enters each place once (:mod:`instc.routing.fastest`).

    Raises :class:`~instc._errors.NoRouteError` naming the constraint that cut the last
    path, :class:`~instc._errors.UnknownNameError` for an unknown place, cargo, mode...
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
    key = normalise_by(by)
    path, problem, extra = best_path(
        req, key, value_of_time_usd_per_unit_day=value_of_time_usd_per_unit_day
    )
    return make_option(req, problem, path, by=key, extra_assumptions=extra)


_COMPILED: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _graph_csr(graph: Graph, by: str) -> Any:
    """The graph's edges as CSR arrays on ``by`` (lightest parallel edge kept), cached."""
    per = _COMPILED.setdefault(graph, {})
    if by not in per:
        from instc.routing._search import Problem, compile_problem

        problem = Problem(
            n=graph.n_nodes,
            source=-1,
            target=-1,
            src=graph.edge_from.astype(np.int64),
            dst=graph.edge_to.astype(np.int64),
            base=np.arange(graph.n_edges, dtype=np.int64),
        )
        per[by] = compile_problem(problem, graph.weights(by))
    return per[by]


def _graph_matrix(graph: Graph, by: str) -> Any:
    """The cached CSR as a scipy sparse matrix (built once per graph and criterion)."""
    per = _COMPILED.setdefault(graph, {})
    key = f"{by}:matrix"
    if key not in per:
        per[key] = _graph_csr(graph, by).matrix
    return per[key]


ENGINES = ("auto", "python", "scipy")


def one_to_all(
    graph: Graph, source_place: str, *, by: str = "time_h", engine: str = "auto"
) -> np.ndarray:
    """Least ``by`` (a Graph weight name, e.g. ``time_h``) from a place to every virtual
    node (``inf`` where unreachable): Dijkstra from all the place's layers at once.

    ``engine``: ``python`` (heapq, for small graphs), ``scipy``
    (``scipy.sparse.csgraph.dijkstra``) or ``auto`` (Python below 20,000 nodes, else
    scipy). A compiled binary- or 4-ary-heap Dijkstra in numba measured no faster than
    scipy on a 100,000-node grid (benchmarks/README.md), so there is none here.

    On ``time_h`` the graph counts driver rests per road link, a lower bound of the rests
    per run of road legs that :func:`route` reports.
    """
    from instc.routing._search import SMALL_PROBLEM_NODES, dijkstra_from

    if engine not in ENGINES:
        raise UnknownNameError("engine", engine, ENGINES[1:])
    sources = list(graph.origin_nodes(source_place))
    if not sources:
        raise UnknownNameError("place in the graph", source_place, ())
    if engine == "auto":
        engine = "python" if graph.n_nodes <= SMALL_PROBLEM_NODES else "scipy"
    if engine == "python":
        return dijkstra_from(_graph_csr(graph, by), sources)[0]
    from scipy.sparse.csgraph import dijkstra

    matrix = _graph_matrix(graph, by)
    if len(sources) == 1:
        return np.asarray(dijkstra(matrix, directed=True, indices=sources[0]))
    return np.asarray(dijkstra(matrix, directed=True, indices=sources, min_only=True))


def shortest_path_tree(graph: Graph, source_place: str, *, by: str = "time_h") -> dict[str, float]:
    """One-to-all by place: the least ``by`` from ``source_place`` to every place it reaches."""
    dist = one_to_all(graph, source_place, by=by)
    out: dict[str, float] = {}
    for place in graph.place_nodes:
        # to the door of the place, through its terminal (Graph.destination_nodes)
        for i in graph.destination_nodes(place):
            d = float(dist[i])
            if np.isfinite(d) and d < out.get(place, np.inf):
                out[place] = d
    return out
