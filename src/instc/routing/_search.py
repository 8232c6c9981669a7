"""The machinery shared by the routing functions (internal).

A request (origin, destination, cargo, constraints) becomes a *search problem*: the
compiled graph with hidden edges removed, copied once per stage of the via points
(stage ``s`` means "the first ``s`` waypoints are done"), plus a super source joined to
every layer of the origin and a super sink joined from every layer of the destination.
Every engine (single criterion, k-shortest, Pareto) solves an ordinary s-t problem on
it and maps the path back to graph edges.

The request itself is built in :mod:`instc.routing._constraints` (places via
:mod:`instc.routing._lookup`); paths become route options in :mod:`instc.routing._legs`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from instc._csr import row_pointer
from instc._errors import InstcError, NoRouteError
from instc.network.schema import CARGO_CLASSES
from instc.routing._constraints import Avoid, Request, edge_mask, make_request
from instc.routing._lookup import network_as_of_none
from instc.routing.costs import criterion_weights

if TYPE_CHECKING:
    from scipy.sparse import csr_array

    from instc.network.model import Network

__all__ = [
    "SMALL_PROBLEM_NODES",
    "Compiled",
    "Problem",
    "build_problem",
    "compile_problem",
    "dijkstra_from",
    "no_route",
    "reachable",
    "shortest_edges",
]


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


def build_problem(req: Request, mask: np.ndarray | None = None) -> Problem:
    """The staged s-t problem of ``req`` over the edges ``mask`` keeps (default: the
    request's :func:`~instc.routing._constraints.edge_mask`)."""
    g = req.graph
    if mask is None:
        mask = edge_mask(req)
    n, k = g.n_nodes, len(req.via)
    idx = np.flatnonzero(mask)
    src, dst, base = [], [], []
    for s in range(k + 1):
        src.append(g.edge_from[idx].astype(np.int64) + s * n)
        dst.append(g.edge_to[idx].astype(np.int64) + s * n)
        base.append(idx.astype(np.int64))
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
    indptr = row_pointer(problem.src[chosen], problem.n, itype)
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


def _cheapest_link_ids(everything: Network, req: Request) -> list[str] | None:
    """The link ids of the cheapest path between ``req``'s places over ``everything``
    (no avoid, via or vessel flag; default rules), or None when none connects them."""
    try:
        free = make_request(
            everything,
            req.origin,
            req.destination,
            cargo=req.graph.cargo,
            as_of=None,
            avoid=None,
            via=(),
            vessel_flag=None,
            rules=None,
        )
        problem = build_problem(free)
        weights = criterion_weights(everything, free.graph, "cost")
        found = shortest_edges(problem, problem.weights(weights))
    except InstcError:
        return None
    if found is None:
        return None
    g = free.graph
    links = (g.link_id[int(problem.base[e])] for e in found[1] if problem.base[e] >= 0)
    return [str(lid) for lid in links if lid]  # transfers carry no link id


def _closed_links_reason(req: Request, everything: Network) -> str:
    """Why the best route over every link is not usable at ``req``'s date, link by link:
    its project's status then (with the status row's sources), or its open/close date."""
    from instc._values import frame_records
    from instc.network.timeline import project_status_as_of

    when = req.network.as_of
    assert when is not None
    fallback = "a route needs a link not open by then — try a later --as-of"
    best_links = _cheapest_link_ids(everything, req)
    if best_links is None:
        return fallback
    usable = set(req.network.links["link_id"])
    rows = {r["link_id"]: r for r in frame_records(everything.tables["links"])}
    status = project_status_as_of(req.network, when).set_index("project_id")
    timeline = frame_records(req.network.tables["project_status"])
    reasons: list[str] = []
    later = False
    for lid in dict.fromkeys(best_links):
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
