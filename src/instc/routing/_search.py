"""The machinery shared by the routing functions (internal).

A request (origin, destination, cargo, constraints) becomes a *search problem*: the
compiled graph with hidden edges removed, copied once per stage of the via points
(stage ``s`` means "the first ``s`` waypoints are done"), plus a super source joined to
every layer of the origin and a super sink joined from every layer of the destination.
Every engine (single criterion, k-shortest, Pareto) solves an ordinary s-t problem on
it and maps the path back to graph edges.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import heapq
import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._errors import DataError, InstcError, NoRouteError, UnknownNameError
from instc.network.schema import CARGO_CLASSES, COUNTRIES, LAYERS, MODES
from instc.routing.results import Leg, RouteOption, Totals

if TYPE_CHECKING:
    from scipy.sparse import csr_array

    from instc.network.graph import Graph
    from instc.network.model import Network
    from instc.routing.rules import FlagRule

AVOID_KINDS = ("country", "mode", "node", "link", "border", "rule")
_NETWORK_AT: weakref.WeakKeyDictionary[Any, dict[dt.date, Network]] = weakref.WeakKeyDictionary()
_LEGS: weakref.WeakKeyDictionary[Any, dict[int, Leg]] = weakref.WeakKeyDictionary()
_GOVERNS: weakref.WeakKeyDictionary[Any, dict[FlagRule, np.ndarray]] = weakref.WeakKeyDictionary()


# --- inputs ---------------------------------------------------------------------------
def network_as_of(network: Network, as_of: Any) -> Network:
    """``network`` as of another date (same tables, links re-filtered), cached."""
    if as_of is None:
        return network
    from instc.network.timeline import parse_as_of

    try:
        when = parse_as_of(as_of)
    except InstcError:
        raise  # already says what is wrong
    except (TypeError, ValueError) as exc:
        raise DataError(f"as_of {as_of!r}: not a date — give YYYY, YYYY-MM or YYYY-MM-DD") from exc
    if when == network.as_of:
        return network
    per = _NETWORK_AT.setdefault(network, {})
    if when not in per:
        from instc.network.load import filter_links_as_of

        all_links = network.all_links if network.all_links is not None else network.links
        tables = dict(network.tables)
        tables["links"] = filter_links_as_of(all_links, tables, when)
        per[when] = dataclasses.replace(network, tables=tables, as_of=when)
    return per[when]


_PLACES: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def find_place(network: Network, text: str) -> str:
    """The node id of the place ``text`` names (id, UN/LOCODE, name or alias), cached."""
    from instc.network.places import find_node

    per = _PLACES.setdefault(network, {})
    if text not in per:
        per[text] = find_node(network, text)
    return per[text]


def _country(text: str) -> str:
    code = text.strip().upper()
    if code in COUNTRIES:
        return code
    by_name = {name.casefold(): c for c, name in COUNTRIES.items()}
    if text.strip().casefold() in by_name:
        return by_name[text.strip().casefold()]
    options = [*COUNTRIES, *COUNTRIES.values()]
    raise UnknownNameError("country", text, difflib.get_close_matches(text, options, 3, 0.4))


@dataclass(frozen=True)
class Avoid:
    """What a route may not use: countries (ISO codes), modes, places, links, borders."""

    countries: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    borders: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()  # rule ids: the waters a rule governs are avoided

    def items(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for kind, values in (
            ("country", self.countries),
            ("mode", self.modes),
            ("node", self.nodes),
            ("link", self.links),
            ("border", self.borders),
            ("rule", self.rules),
        ):
            out.extend((kind, v) for v in sorted(values))
        return out

    def without(self, kind: str, value: str) -> Avoid:
        field = {"country": "countries", "node": "nodes"}.get(kind, kind + "s")
        return dataclasses.replace(self, **{field: getattr(self, field) - {value}})


def parse_avoid(
    network: Network,
    avoid: Mapping[str, Iterable[str]] | Avoid | None,
    rules: Sequence[FlagRule] = (),
) -> Avoid:
    """Validate ``avoid`` ({"country": [...], "mode": [...], ...}) against the network.

    Kinds: country (ISO code or name), mode, node (a place), link, border, and rule (a
    rule id of ``rules.toml``: avoid the waters that rule governs, e.g. the Caspian)."""
    if avoid is None:
        return Avoid()
    if isinstance(avoid, Avoid):
        return avoid
    values: dict[str, set[str]] = {k: set() for k in AVOID_KINDS}
    for kind, items in avoid.items():
        key = kind.rstrip("s") if kind != "countries" else "country"
        if key not in values:
            raise UnknownNameError(
                "avoid kind", kind, difflib.get_close_matches(key, AVOID_KINDS, 3, 0.3)
            )
        if isinstance(items, str):
            items = [items]
        for item in items:
            if key == "country":
                values[key].add(_country(item))
            elif key == "mode":
                if item not in MODES:
                    raise UnknownNameError(
                        "mode", item, difflib.get_close_matches(item, MODES, 3, 0.3)
                    )
                values[key].add(item)
            elif key == "node":
                values[key].add(find_place(network, item))
            elif key == "rule":
                ids = [r.rule_id for r in rules]
                if item not in ids:
                    raise UnknownNameError("rule", item, difflib.get_close_matches(item, ids, 3))
                values[key].add(item)
            elif key == "link":
                ids = _all_link_ids(network)
                if item not in ids:
                    raise UnknownNameError("link", item, difflib.get_close_matches(item, ids, 3))
                values[key].add(item)
            else:
                ids = sorted(set(network.borders["border_id"]))
                if item not in ids:
                    raise UnknownNameError(
                        "border", item, difflib.get_close_matches(item, ids, 3, 0.4)
                    )
                values[key].add(item)
    return Avoid(
        countries=frozenset(values["country"]),
        modes=frozenset(values["mode"]),
        nodes=frozenset(values["node"]),
        links=frozenset(values["link"]),
        borders=frozenset(values["border"]),
        rules=frozenset(values["rule"]),
    )


def _all_link_ids(network: Network) -> list[str]:
    links = network.all_links if network.all_links is not None else network.links
    return sorted(links["link_id"])


@dataclass(frozen=True)
class Waypoint:
    """A via point: any of ``nodes`` (virtual nodes) reached or ``edges`` traversed."""

    label: str
    specs: tuple[str, ...]
    nodes: tuple[int, ...] = ()
    edges: tuple[int, ...] = ()


def parse_waypoint(network: Network, graph: Graph, spec: str | Sequence[str]) -> Waypoint:
    """A waypoint from text: a place (``BAKU``), a place on a layer (``RUASF@sea``),
    ``border:ID``, ``link:ID`` or ``mode:MODE``; a list means "any of these"."""
    specs = (spec,) if isinstance(spec, str) else tuple(spec)
    nodes: list[int] = []
    edges: list[int] = []
    labels: list[str] = []
    for text in specs:
        kind, _, value = text.partition(":")
        if kind in ("border", "link", "mode") and value:
            if kind == "mode" and value not in MODES:
                raise UnknownNameError("mode", value, difflib.get_close_matches(value, MODES))
            if kind == "border" and value not in set(network.borders["border_id"]):
                ids = sorted(set(network.borders["border_id"]))
                raise UnknownNameError("border", value, difflib.get_close_matches(value, ids))
            if kind == "link" and value not in set(_all_link_ids(network)):
                ids = _all_link_ids(network)
                raise UnknownNameError("link", value, difflib.get_close_matches(value, ids))
            column = {"border": graph.border_id, "link": graph.link_id, "mode": graph.mode}[kind]
            edges.extend(e for e, v in enumerate(column) if v == value)
            labels.append(text)
            continue
        place_text, _, layer = text.partition("@")
        places = _via_places(network, place_text)
        if layer:
            if layer not in LAYERS:
                raise UnknownNameError("layer", layer, difflib.get_close_matches(layer, LAYERS))
            for place in places:
                if (place, layer) in graph.node_index:
                    nodes.append(graph.node_index[(place, layer)])
            labels.append(f"{'|'.join(places)}@{layer}")
        else:
            for place in places:
                nodes.extend(graph.nodes_of(place))
            labels.append("|".join(places))
    return Waypoint(" or ".join(labels), specs, tuple(nodes), tuple(sorted(set(edges))))


def _via_places(network: Network, text: str) -> list[str]:
    """The place ``text`` names; for a via point a name several places share ("Baku":
    the city hub and the port) means any of them."""
    from instc.network.places import normalise_name

    try:
        return [find_place(network, text)]
    except UnknownNameError:
        key = normalise_name(text)
        nodes = network.nodes
        hits = [
            node_id
            for node_id, name, aliases in zip(
                nodes["node_id"], nodes["name"], nodes["aliases"], strict=True
            )
            # a name part of three letters or more: "[x]" must not match every "x"
            if len(key) >= 3
            and any(key in normalise_name(s) for s in (node_id, name, *(aliases or ())) if s)
        ]
        if not hits:
            raise
        return sorted(hits)


@dataclass(frozen=True)
class Request:
    """A validated routing request on one network and graph."""

    network: Network
    graph: Graph
    origin: str
    destination: str
    avoid: Avoid
    via: tuple[Waypoint, ...]
    vessel_flag: str | None
    rules: tuple[FlagRule, ...]


def make_request(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str,
    as_of: Any,
    avoid: Mapping[str, Iterable[str]] | Avoid | None,
    via: Sequence[str | Sequence[str]],
    vessel_flag: str | None,
    rules: Sequence[FlagRule] | None,
    tonnes_per_unit: float | None = None,
) -> Request:
    from instc.network.graph import build_graph
    from instc.routing.rules import rules_for

    if cargo not in CARGO_CLASSES:
        raise UnknownNameError(
            "cargo class", cargo, difflib.get_close_matches(cargo, CARGO_CLASSES, 3, 0.3)
        )
    net = network_as_of(network, as_of)
    graph = build_graph(net, cargo=cargo, tonnes_per_unit=tonnes_per_unit)
    o, d = find_place(net, origin), find_place(net, destination)
    if o == d:
        raise NoRouteError(o, d, "origin and destination are the same place — pick two places")
    flag = None if vessel_flag is None else _country(vessel_flag)
    chosen_rules = tuple(rules_for(network) if rules is None else rules)
    waypoints = tuple(
        parse_waypoint(net, graph, v) for v in ((via,) if isinstance(via, str) else via)
    )
    return Request(
        network=net,
        graph=graph,
        origin=o,
        destination=d,
        avoid=parse_avoid(net, avoid, chosen_rules),
        via=waypoints,
        vessel_flag=flag,
        rules=chosen_rules,
    )


# --- the search problem -----------------------------------------------------------------
def rule_mask(graph: Graph, rule: FlagRule) -> np.ndarray:
    per = _GOVERNS.setdefault(graph, {})
    if rule not in per:
        per[rule] = rule.governs(graph)
    return per[rule]


def edge_mask(req: Request) -> np.ndarray:
    """True for the graph edges the request may use."""
    g = req.graph
    mask = np.ones(g.n_edges, dtype=bool)
    a = req.avoid
    if a.countries:
        mask &= ~np.fromiter(
            (
                f in a.countries or t in a.countries
                for f, t in zip(g.from_country, g.to_country, strict=True)
            ),
            dtype=bool,
            count=g.n_edges,
        )
    if a.modes:
        mask &= ~np.isin(np.asarray(g.mode, dtype=object), list(a.modes))
    if a.links:
        mask &= ~np.isin(np.asarray(g.link_id, dtype=object), list(a.links))
    if a.borders:
        mask &= ~np.isin(np.asarray(g.border_id, dtype=object), list(a.borders))
    if a.nodes:
        bad = np.isin(np.asarray(g.node_place, dtype=object), list(a.nodes))
        mask &= ~(bad[g.edge_from] | bad[g.edge_to])
    for rule in req.rules:
        if not rule.allows(req.vessel_flag) or rule.rule_id in a.rules:
            mask &= ~rule_mask(g, rule)
    return mask


@dataclass(frozen=True)
class Problem:
    """An s-t problem: ``n`` nodes, edges ``src -> dst``; ``base`` maps to graph edges
    (-1 for the zero-weight joins of the super source/sink and the via stages)."""

    n: int
    source: int
    target: int
    src: np.ndarray
    dst: np.ndarray
    base: np.ndarray

    def weights(self, graph_weights: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self.base), dtype=np.float64)
        real = self.base >= 0
        out[real] = graph_weights[self.base[real]]
        return out


def build_problem(
    req: Request,
    mask: np.ndarray | None = None,
    *,
    stage_hidden: Sequence[np.ndarray] | None = None,
) -> Problem:
    """The staged s-t problem; ``stage_hidden[s]`` (bool per virtual node) hides nodes
    in stage ``s`` only."""
    g = req.graph
    if mask is None:
        mask = edge_mask(req)
    n, k = g.n_nodes, len(req.via)
    idx = np.flatnonzero(mask)
    src, dst, base = [], [], []
    for s in range(k + 1):
        ids = idx
        if stage_hidden is not None and stage_hidden[s].any():
            hide = stage_hidden[s]
            ids = idx[~(hide[g.edge_from[idx]] | hide[g.edge_to[idx]])]
        src.append(g.edge_from[ids].astype(np.int64) + s * n)
        dst.append(g.edge_to[ids].astype(np.int64) + s * n)
        base.append(ids.astype(np.int64))
    for s, wp in enumerate(req.via):
        if wp.nodes:
            nodes = np.asarray(wp.nodes, dtype=np.int64)
            src.append(nodes + s * n)
            dst.append(nodes + (s + 1) * n)
            base.append(np.full(len(nodes), -1, dtype=np.int64))
        if wp.edges:
            e = np.asarray([x for x in wp.edges if mask[x]], dtype=np.int64)
            src.append(g.edge_from[e].astype(np.int64) + s * n)
            dst.append(g.edge_to[e].astype(np.int64) + (s + 1) * n)
            base.append(e)
    source, target = (k + 1) * n, (k + 1) * n + 1
    # an option starts at the door and ends at the door: the place's terminals are legs
    origin = np.asarray(g.origin_nodes(req.origin), dtype=np.int64)
    dest = np.asarray(g.destination_nodes(req.destination), dtype=np.int64)
    src += [np.full(len(origin), source, dtype=np.int64), dest + k * n]
    dst += [origin, np.full(len(dest), target, dtype=np.int64)]
    base += [np.full(len(origin), -1, dtype=np.int64), np.full(len(dest), -1, dtype=np.int64)]
    return Problem(
        n=target + 1,
        source=source,
        target=target,
        src=np.concatenate(src),
        dst=np.concatenate(dst),
        base=np.concatenate(base),
    )


# Below this many nodes a heapq Dijkstra in Python answers within a millisecond and
# keeps scipy (a few hundred ms to import) out of a CLI query; above it, scipy's C code.
SMALL_PROBLEM_NODES = 20_000


@dataclass(frozen=True)
class Compiled:
    """A problem's edges in CSR form, keeping the lightest of parallel edges."""

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    edge: np.ndarray  # problem edge index per CSR entry

    @property
    def matrix(self) -> csr_array:
        from scipy.sparse import csr_array

        return csr_array((self.data, self.indices, self.indptr), shape=(self.n, self.n))


def compile_problem(
    problem: Problem, weights: np.ndarray, keep: np.ndarray | None = None
) -> Compiled:
    ids = np.arange(len(problem.src)) if keep is None else np.flatnonzero(keep)
    s, d, w = problem.src[ids], problem.dst[ids], weights[ids]
    order = np.lexsort((w, d, s))
    s, d = s[order], d[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
    chosen = ids[order[first]]
    # int32 ids: scipy.sparse.csgraph works on int32 and would copy int64 arrays per call
    itype = np.int32 if max(problem.n, len(chosen)) < 2**31 - 1 else np.int64
    indptr = np.zeros(problem.n + 1, dtype=itype)
    np.cumsum(np.bincount(problem.src[chosen], minlength=problem.n), out=indptr[1:])
    indices = problem.dst[chosen].astype(itype)
    return Compiled(
        n=problem.n,
        indptr=indptr,
        indices=indices,
        data=np.ascontiguousarray(weights[chosen], dtype=np.float64),
        edge=chosen,
    )


def dijkstra_from(c: Compiled, sources: int | Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(distance, predecessor) arrays from ``sources`` (-9999: no predecessor)."""
    starts = [sources] if isinstance(sources, int | np.integer) else list(sources)
    if c.n > SMALL_PROBLEM_NODES:
        from scipy.sparse.csgraph import dijkstra

        dist, pred = dijkstra(
            c.matrix, directed=True, indices=starts, return_predecessors=True, min_only=True
        )
        return np.asarray(dist), np.asarray(pred)
    ptr, idx, w = c.indptr.tolist(), c.indices.tolist(), c.data.tolist()
    inf = float("inf")
    dist = [inf] * c.n
    pred = [-9999] * c.n
    heap: list[tuple[float, int]] = []
    for s0 in starts:
        dist[int(s0)] = 0.0
        heap.append((0.0, int(s0)))
    heapq.heapify(heap)
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for k in range(ptr[u], ptr[u + 1]):
            v = idx[k]
            nd = d + w[k]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = u
                heapq.heappush(heap, (nd, v))
    return np.asarray(dist), np.asarray(pred)


def shortest_edges(
    problem: Problem,
    weights: np.ndarray,
    *,
    source: int | None = None,
    keep: np.ndarray | None = None,
) -> tuple[float, list[int]] | None:
    """(length, problem edge ids) of a lightest ``source``→target path, or None."""
    c = compile_problem(problem, weights, keep)
    start = problem.source if source is None else source
    dist, pred = dijkstra_from(c, start)
    if not np.isfinite(dist[problem.target]):
        return None
    path: list[int] = []
    v = problem.target
    while v != start:
        u = int(pred[v])
        lo, hi = c.indptr[u], c.indptr[u + 1]
        j = lo + int(np.searchsorted(c.indices[lo:hi], v))
        path.append(int(c.edge[j]))
        v = u
    path.reverse()
    return float(dist[problem.target]), path


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


def stage_places_to_hide(req: Request, problem: Problem, path: Sequence[int]) -> list[set[str]]:
    """Per stage, the places to keep out of it: a place the path enters twice is hidden
    from the stages after its first visit (a stay at a via place spans two stages)."""
    g = req.graph
    n, k = g.n_nodes, len(req.via)
    nodes = [int(problem.src[e]) for e in path] + [int(problem.dst[path[-1]])] if path else []
    visits: list[tuple[str, set[int]]] = []
    for node in nodes:
        if node >= (k + 1) * n:  # the super source or sink
            continue
        place, stage = g.node_place[node % n], node // n
        if visits and visits[-1][0] == place:
            visits[-1][1].add(stage)
        else:
            visits.append((place, {stage}))
    first: dict[str, int] = {}
    repeated: set[str] = set()
    for place, stages in visits:
        if place in first:
            repeated.add(place)
        else:
            first[place] = max(stages)
    hide: list[set[str]] = [set() for _ in range(k + 1)]
    for place in repeated - {req.destination, req.origin}:
        for t in range(first[place] + 1, k + 1):
            hide[t].add(place)
    return hide


def reachable(req: Request, mask: np.ndarray | None = None) -> bool:
    problem = build_problem(req, mask)
    return shortest_edges(problem, np.ones(len(problem.src))) is not None


# --- impossibility: which constraint cut the last path --------------------------------
def no_route(req: Request) -> NoRouteError:
    """The NoRouteError for ``req``, naming the constraint that cut the last path."""
    o, d = req.origin, req.destination
    g = req.graph
    where = f"as of {req.network.as_of}" if req.network.as_of else "in the network"
    for place in (o, d):
        if not g.nodes_of(place):
            return NoRouteError(
                o,
                d,
                f"{place} has no link that carries {g.cargo} {where} — try another cargo, "
                "date or a nearby place",
            )
    free = dataclasses.replace(req, avoid=Avoid(), via=(), vessel_flag=None)
    if not reachable(free):
        return NoRouteError(o, d, _unconstrained_reason(req))
    culprits: list[str] = []  # each: 'constraint' plus an optional explanation
    for kind, value in req.avoid.items():
        if reachable(dataclasses.replace(req, avoid=req.avoid.without(kind, value))):
            culprits.append(f"'avoid {kind} {value}'")
    for i, wp in enumerate(req.via):
        if reachable(dataclasses.replace(req, via=req.via[:i] + req.via[i + 1 :])):
            why = ""
            if not wp.nodes and not wp.edges:
                why = (
                    f" (nothing there carries {g.cargo} {where}: not open yet, closed or "
                    "not for this cargo)"
                )
            culprits.append(f"'via {wp.label}'{why}")
    if req.vessel_flag is not None and reachable(dataclasses.replace(req, vessel_flag=None)):
        names = ", ".join(r.rule_id for r in req.rules if not r.allows(req.vessel_flag))
        culprits.append(f"'rule {names}' (vessel flag {req.vessel_flag} not allowed)")
    if len(culprits) == 1:
        return NoRouteError(o, d, f"the constraint {culprits[0]} cut the last path — drop it")
    if culprits:
        listed = ", ".join(culprits)
        return NoRouteError(o, d, f"each of {listed} cuts the last path — drop one of them")
    return NoRouteError(
        o, d, "the constraints together cut every path, none alone — relax several of them"
    )


def _unconstrained_reason(req: Request) -> str:
    from instc.network.graph import build_graph

    g = req.graph
    for other in CARGO_CLASSES:
        if other == g.cargo:
            continue
        try:
            og = build_graph(req.network, cargo=other)
        except InstcError:
            continue
        if og.nodes_of(req.origin) and og.nodes_of(req.destination):
            alt = dataclasses.replace(req, graph=og, avoid=Avoid(), via=(), vessel_flag=None)
            if reachable(alt):
                return (
                    f"cargo class '{g.cargo}' cut the last path: no chain of links accepting "
                    f"{g.cargo} connects them ({other} cargo has a route)"
                )
    if req.network.as_of is not None and req.network.all_links is not None:
        net = network_as_of_none(req.network)
        og = build_graph(net, cargo=g.cargo)
        if og.nodes_of(req.origin) and og.nodes_of(req.destination):
            alt = dataclasses.replace(
                req, network=net, graph=og, avoid=Avoid(), via=(), vessel_flag=None
            )
            if reachable(alt):
                why = _closed_links_reason(req, net)
                return f"as_of {req.network.as_of} cut the last path: {why}"
    return f"the network has no {g.cargo} connection between them"


def _closed_links_reason(req: Request, everything: Network) -> str:
    """Why the best route over every link is not usable at ``req``'s date, link by link:
    its project's status then (with the status row's sources), or its open/close date."""
    from instc.network.timeline import project_status_as_of
    from instc.network.validate import frame_records
    from instc.routing.shortest import route

    when = req.network.as_of
    assert when is not None
    fallback = "a route needs a link not open by then — try a later --as-of"
    try:
        best = route(everything, req.origin, req.destination, cargo=req.graph.cargo)
    except InstcError:
        return fallback
    usable = set(req.network.links["link_id"])
    rows = {r["link_id"]: r for r in frame_records(everything.tables["links"])}
    status = project_status_as_of(req.network, when).set_index("project_id")
    timeline = frame_records(req.network.tables["project_status"])
    reasons: list[str] = []
    later = False
    for lid in dict.fromkeys(best.link_ids):
        if lid in usable or lid not in rows:
            continue
        row, pid = rows[lid], rows[lid].get("project_id")
        if isinstance(pid, str) and pid and pid in status.index:
            state, since = str(status.loc[pid, "status"]), status.loc[pid, "since"]
            cited = [
                s
                for r in timeline
                if r["project_id"] == pid and r["status"] == state and r["date"] == since
                for s in r["source_ids"] or ()
            ]
            said = f"project {pid} {state}" + (
                f" since {since.isoformat()}" if isinstance(since, dt.date) else ""
            )
            reasons.append(f"{lid}: {said}" + (f" [{'; '.join(cited)}]" if cited else ""))
            later = later or state not in ("suspended", "closed")
        elif isinstance(row.get("open_date"), dt.date) and row["open_date"] > when:
            reasons.append(f"{lid}: opens {row['open_date']}")
            later = True
        elif isinstance(row.get("close_date"), dt.date):
            reasons.append(f"{lid}: closed {row['close_date']}")
    if not reasons:
        return fallback
    hint = " — try a later --as-of" if later else " — an earlier --as-of routes it"
    return "the best route needs " + "; ".join(reasons) + hint


def network_as_of_none(network: Network) -> Network:
    """``network`` with every link, whatever its status (as_of=None)."""
    from instc.network.load import filter_links_as_of

    assert network.all_links is not None
    tables = dict(network.tables)
    tables["links"] = filter_links_as_of(network.all_links, tables, None)
    return dataclasses.replace(network, tables=tables, as_of=None)


# --- driver rests over road runs -----------------------------------------------------------
@dataclass(frozen=True)
class RoadRests:
    """Driver rests of a path counted per run of road legs (see :func:`road_rests_h`)."""

    rest_h: np.ndarray  # rest hours per edge of the path (0 off the road)
    notes: tuple[tuple[str, ...], ...]  # per edge: the rest note, if any

    @property
    def total_h(self) -> float:
        return float(self.rest_h.sum())


def road_rests_h(g: Graph, edges: Sequence[int]) -> RoadRests:
    """The driver's rests along the graph ``edges`` of a path, counted per road run.

    A *run* is a maximal sequence of road legs; the driver's daily clock resets at any
    non-road leg (ferry, train, transshipment) and at a stop of at least the daily rest
    (``road.daily_rest_h``) — a border queue or a wait, taken before the leg is driven.
    A run of ``T`` h driving at most ``d`` h a day takes ``ceil(T/d) - 1`` rests of
    ``24 - d`` h; the rest at ``k·d`` h of driving is put on the leg where the clock
    reaches it. A single link is counted as the graph counts it, so the graph's per-link
    rests (``Graph.rest_h``) are a lower bound of these.
    """
    from instc.network.graph import rest_count
    from instc.units import HOURS_PER_DAY

    rest = np.zeros(len(edges), dtype=np.float64)
    notes: list[tuple[str, ...]] = [()] * len(edges)
    drive = g.driving_h_per_day
    if drive is None or g.rest_h is None or not drive > 0:
        return RoadRests(rest, tuple(notes))
    reset_h = g.daily_rest_h if g.daily_rest_h is not None else HOURS_PER_DAY - drive
    rest_each_h = HOURS_PER_DAY - drive
    runs: list[list[int]] = []  # positions in edges
    for i, e in enumerate(edges):
        if g.mode[e] != "road":
            continue
        stop_h = float(g.waiting_h[e] + g.dwell_h[e] - g.rest_h[e])
        continues = bool(runs) and runs[-1][-1] == i - 1 and stop_h < reset_h - 1e-9
        if continues:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        total_h = sum(float(g.moving_h[edges[i]]) for i in run)
        n = rest_count(total_h, drive)
        if n == 0:
            continue
        start = g.place_name.get(g.node_place[g.edge_from[edges[run[0]]]], "")
        clock_h = 0.0
        done = 0  # rests taken so far in this run
        for i in run:
            clock_h += float(g.moving_h[edges[i]])
            upto = min(n, math.floor(clock_h / drive + 1e-9))
            here = upto - done
            if here > 0:
                rest[i] = here * rest_each_h
                notes[i] = (
                    f"{here} driver rest stop(s) of {rest_each_h:g} h (road run of "
                    f"{total_h:.1f} h driving from {start}, {drive:g} h a day)",
                )
                done = upto
    return RoadRests(rest, tuple(notes))


def extra_rest_h(req: Request, problem: Problem, path: Sequence[int]) -> float:
    """Hours of rest the road runs of a problem ``path`` add to its per-link rests (>= 0)."""
    g = req.graph
    if g.rest_h is None:
        return 0.0
    edges = [int(problem.base[e]) for e in path if problem.base[e] >= 0]
    return road_rests_h(g, edges).total_h - float(g.rest_h[np.asarray(edges, dtype=np.int64)].sum())


# --- results ------------------------------------------------------------------------------
def make_option(
    req: Request,
    problem: Problem,
    path: Sequence[int],
    *,
    by: str,
    extra_assumptions: Sequence[str] = (),
) -> RouteOption:
    """A RouteOption from a problem path (problem edge ids)."""
    g = req.graph
    edges = [int(problem.base[e]) for e in path if problem.base[e] >= 0]
    masks = [(r.rule_id, rule_mask(g, r)) for r in req.rules if r.enabled]
    cache = _LEGS.setdefault(g, {})
    legs_list = []
    for e in edges:
        if e not in cache:
            cache[e] = _leg(g, e)
        leg = cache[e]
        governed = tuple(rid for rid, m in masks if m[e])
        legs_list.append(dataclasses.replace(leg, rules=governed) if governed else leg)
    rests = road_rests_h(g, edges)
    if g.rest_h is not None:
        for i, e in enumerate(edges):
            extra_h = float(rests.rest_h[i] - g.rest_h[e])
            if extra_h != 0.0 or rests.notes[i]:
                leg = legs_list[i]
                legs_list[i] = dataclasses.replace(
                    leg,
                    dwell_h=leg.dwell_h + extra_h,
                    time_h=leg.moving_h + leg.waiting_h + leg.dwell_h + extra_h,
                    source_ids=tuple(dict.fromkeys([*leg.source_ids, *g.rest_source_ids])),
                )
    if legs_list and legs_list[0].kind == "transfer" and legs_list[0].from_node == req.origin:
        legs_list[0] = dataclasses.replace(legs_list[0], terminal="origin")
    if legs_list and legs_list[-1].kind == "transfer" and legs_list[-1].to_node == req.destination:
        legs_list[-1] = dataclasses.replace(legs_list[-1], terminal="destination")
    repeated_usd = _pay_surcharges_once(legs_list)
    legs = tuple(legs_list)
    ids = np.asarray(edges, dtype=np.int64)
    totals = Totals(
        cost_usd=float(g.cost_usd[ids].sum()) - repeated_usd,
        time_h=math.fsum(leg.time_h for leg in legs),
        co2e_kg=float(g.co2e_kg[ids].sum()),
        co2e_kg_ttw=float(g.co2e_kg_ttw[ids].sum()),
        distance_km=float(g.distance_km[ids].sum()),
    )
    return RouteOption(
        origin=req.origin,
        destination=req.destination,
        cargo=g.cargo,
        unit=g.unit,
        by=by,
        as_of=None if req.network.as_of is None else req.network.as_of.isoformat(),
        legs=legs,
        totals=totals,
        assumptions=_assumptions(req, edges, extra_assumptions, rests.notes),
        tonnes_per_unit=g.tonnes_per_unit,
    )


def _pay_surcharges_once(legs: list[Leg]) -> float:
    """Drop, in place, every surcharge a leg repeats from an earlier leg of the route (a
    route entering a country twice pays its repositioning or insurance once); returns
    the USD dropped."""
    seen: set[str] = set()
    dropped_usd = 0.0
    for i, leg in enumerate(legs):
        if not leg.surcharges:
            continue
        keep = tuple(s for s in leg.surcharges if s.surcharge_id not in seen)
        seen.update(s.surcharge_id for s in leg.surcharges)
        if len(keep) == len(leg.surcharges):
            continue
        usd = leg.surcharges_usd - math.fsum(s.usd for s in keep)
        hours = math.fsum(s.dwell_h for s in leg.surcharges) - math.fsum(s.dwell_h for s in keep)
        dropped_usd += usd
        legs[i] = dataclasses.replace(
            leg,
            surcharges=keep,
            surcharges_usd=leg.surcharges_usd - usd,
            cost_usd=leg.cost_usd - usd,
            dwell_h=leg.dwell_h - hours,
            time_h=leg.time_h - hours,
        )
    return dropped_usd


def _leg(g: Graph, e: int) -> Leg:
    u, v = int(g.edge_from[e]), int(g.edge_to[e])
    pu, pv = g.node_place[u], g.node_place[v]
    return Leg(
        kind=g.kind[e],
        mode=g.mode[e],
        from_node=pu,
        to_node=pv,
        from_name=g.place_name.get(pu, pu),
        to_name=g.place_name.get(pv, pv),
        from_country=g.from_country[e],
        to_country=g.to_country[e],
        from_layer=g.layer(u),
        to_layer=g.layer(v),
        link_id=g.link_id[e],
        border_id=g.border_id[e],
        transfer_kind=g.transfer_kind[e],
        vehicle_class=g.vehicle_class[e],
        distance_km=float(g.distance_km[e]),
        moving_h=float(g.moving_h[e]),
        waiting_h=float(g.waiting_h[e]),
        dwell_h=float(g.dwell_h[e]),
        time_h=float(g.time_h[e]),
        freight_usd=float(g.freight_usd[e]),
        charges_usd=float(g.charges_usd[e]),
        cost_usd=float(g.cost_usd[e]),
        co2e_kg=float(g.co2e_kg[e]),
        co2e_kg_ttw=float(g.co2e_kg_ttw[e]),
        source_ids=g.source_ids[e],
        expected=bool(g.expected[e]),
        project_id=g.project_id[e],
        from_lonlat=g.place_lonlat.get(pu, (0.0, 0.0)),
        to_lonlat=g.place_lonlat.get(pv, (0.0, 0.0)),
        surcharges_usd=0.0 if g.surcharge_usd is None else float(g.surcharge_usd[e]),
        surcharges=g.surcharges[e] if g.surcharges else (),
        service_id=g.service_id[e] if g.service_id else None,
    )


def _assumptions(
    req: Request,
    edges: Sequence[int],
    extra: Sequence[str],
    rest_notes: Sequence[tuple[str, ...]] = (),
) -> tuple[str, ...]:
    g = req.graph
    out: list[str] = []
    if g.unit != "t":
        out.append(
            f"figures per {g.unit}; {g.tonnes_per_unit:g} t of cargo per {g.unit} "
            f"(default cargo.tonnes_per_{g.unit} in parameters.toml, overridable)"
        )
    out.append(
        "time = moving + waiting for a scheduled service (half the headway) + dwell at "
        "transfers, borders and driver rests; CO2e per ISO 14083 (WTW headline, TTW beside; "
        "hub operations in WTW only)"
    )
    years = sorted({y for e in edges for y in (g.price_years[e] if g.price_years else ())})
    if years:
        out.append(
            "money in US dollars as the sources give them, not converted between years (no "
            f"deflator is sourced): price years on this route {', '.join(map(str, years))}; "
            "rates without a stated year are counted as given"
        )
    out.extend(extra)
    for i, e in enumerate(edges):
        if g.expected[e] and g.project_id[e]:
            out.append(
                f"relies on project {g.project_id[e]} (link {g.link_id[e]}) being open by "
                f"{req.network.as_of} — a forecast, not yet a fact"
            )
        for note in (*g.notes[e], *(rest_notes[i] if i < len(rest_notes) else ())):
            label = g.link_id[e] or f"{g.transfer_kind[e]} at {g.node_place[g.edge_from[e]]}"
            out.append(f"{label}: {note}")
    if req.vessel_flag is None:
        used = np.asarray(edges, dtype=np.int64)
        for rule in req.rules:
            if rule.enabled and len(used) and rule_mask(g, rule)[used].any():
                out.append(rule.assumption())
    return tuple(dict.fromkeys(out))
