"""Shortest paths, skims and all-or-nothing loading on an :class:`AssignmentNetwork`.

Two independent implementations:

- :func:`all_or_nothing` and :func:`skim` run the compiled kernel of
  :mod:`instc.assignment._kernels` (numba, one Dijkstra per origin, origins spread over
  all cores). The assignment uses it.
- :func:`skim_scipy` runs :func:`scipy.sparse.csgraph.dijkstra` on a graph where every
  no-through node is split into a source copy (outgoing links) and a sink copy
  (incoming links), and parallel links are reduced to the cheapest. It shares no code
  with the kernel and checks it: :func:`relative_gap` uses it by default, and the
  benchmark compares their speeds.

Costs are per-link arrays; ``inf`` marks a link the class may not use.
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from instc._csr import row_pointer
from instc.assignment.network import AssignmentNetwork, UserClass

__all__ = ["all_or_nothing", "relative_gap", "shortest_path", "skim", "skim_scipy"]


_POOL: tuple[int, ThreadPoolExecutor] | None = None  # (pid that made it, pool)


def _workers() -> int:
    return max(1, min(os.cpu_count() or 1, int(os.environ.get("INSTC_THREADS", "0")) or 64))


def _pool() -> ThreadPoolExecutor:
    # the kernel releases the GIL, so plain threads use every core; a forked child
    # (multiprocessing, Dask workers) must not reuse its parent's pool, whose threads
    # it does not have
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (
            os.getpid(),
            ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="instc-aon"),
        )
    return _POOL[1]


def _batches(n_origins: int, n_links: int) -> list[slice]:
    """Origin slices for the thread pool, or a single one when the work is too small.

    Several slices per worker so that a core slowed down by other processes does not
    hold the others up (the pool hands slices out as workers become free).
    """
    workers = _workers()
    if workers == 1 or n_origins * n_links < 200_000:
        return [slice(0, n_origins)]
    pieces = min(n_origins, 4 * workers)
    bounds = np.linspace(0, n_origins, pieces + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]


def _total(parts: list[np.ndarray]) -> np.ndarray:
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def all_or_nothing(
    network: AssignmentNetwork,
    costs: np.ndarray,
    demand: np.ndarray,
    *,
    origins: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load ``demand`` (zones x zones) on shortest paths at link ``costs``.

    Returns ``(link_flow, skim)``; ``skim[k, j]`` is the path cost from zone
    ``origins[k]`` (default: every zone with demand) to zone ``j``, ``inf`` where no
    path exists (that demand is not loaded; callers report it).
    """
    from instc.assignment._kernels import aon_batch

    graph = network.compact
    if origins is None:
        origins = np.flatnonzero(demand.sum(axis=1) > 0)
    origins = np.ascontiguousarray(origins, dtype=np.int32)
    cost = graph.edge_costs(np.asarray(costs, dtype=np.float64))
    demand = np.ascontiguousarray(demand, dtype=np.float64)
    sk = np.empty((origins.shape[0], network.n_zones))
    batches = _batches(origins.shape[0], cost.shape[0])
    flows = [np.zeros(cost.shape[0]) for _ in batches]

    def run(i: int) -> None:
        part = batches[i]
        aon_batch(
            graph.pointer,
            graph.head,
            graph.edge,
            graph.tail,
            cost,
            graph.blocked,
            graph.zone_nodes,
            demand,
            origins[part],
            flows[i],
            sk[part],
        )

    if len(batches) == 1:
        run(0)
    else:
        list(_pool().map(run, range(len(batches))))
    return graph.link_flows(_total(flows), network.n_links), sk


def skim(network: AssignmentNetwork, costs: np.ndarray | None = None) -> np.ndarray:
    """Zone-to-zone shortest-path costs (zones x zones) with the compiled kernel.

    ``costs`` defaults to free-flow time plus the fixed cost.

    >>> net = AssignmentNetwork.from_arrays(from_node=[0, 1, 0], to_node=[1, 2, 2],
    ...     free_flow_time=[1.0, 1.0, 5.0], capacity=[1.0, 1.0, 1.0], zone_nodes=[0, 2])
    >>> skim(net).tolist()
    [[0.0, 2.0], [inf, 0.0]]
    """
    if costs is None:
        costs = network.free_flow_time + network.fixed_cost
    zeros = np.zeros((network.n_zones, network.n_zones))
    return all_or_nothing(network, costs, zeros, origins=np.arange(network.n_zones))[1]


def skim_scipy(network: AssignmentNetwork, costs: np.ndarray | None = None) -> np.ndarray:
    """Zone-to-zone shortest-path costs with :func:`scipy.sparse.csgraph.dijkstra`.

    Independent of the compiled kernel (see the module docstring). Zero-cost links are
    kept as explicit entries of the CSR structure, which csgraph treats as edges.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    if costs is None:
        costs = network.free_flow_time + network.fixed_cost
    n = network.n_nodes
    zones = network.zone_nodes
    # sink copy of a no-through node: index n + position among the blocked nodes
    sink = np.arange(n)
    blocked = np.flatnonzero(network.no_through)
    sink[blocked] = n + np.arange(blocked.size)
    tails = network.from_node
    heads = sink[network.to_node]
    ok = np.isfinite(costs)
    tails, heads, c = tails[ok], heads[ok], np.asarray(costs, dtype=np.float64)[ok]
    size = n + blocked.size
    # parallel links: keep the cheapest (csr_matrix would add duplicates)
    key = tails * size + heads
    order = np.lexsort((c, key))
    key, c = key[order], c[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, c = key[first], c[first]
    rows, cols = key // size, key % size
    indptr = row_pointer(rows, size)
    graph = csr_matrix((c, cols, indptr), shape=(size, size))
    dist = dijkstra(graph, directed=True, indices=zones)
    out = np.array(dist[:, sink[zones]])
    np.fill_diagonal(out, 0.0)  # a zone to itself: no path needed (the kernel's convention)
    return out


def relative_gap(
    network: AssignmentNetwork,
    classes: list[UserClass],
    class_flows: list[np.ndarray],
    *,
    link_cost: np.ndarray,
    use_scipy: bool = True,
) -> float:
    """Relative gap of given class flows: ``(sum x c - sum_od d SP_od) / sum x c``.

    ``class_flows`` are in each class's own unit and ``link_cost`` is the generalized
    cost at the current total flow (a class's own ``fixed_cost`` is added); demand is
    weighted by PCE, intrazonal and unreachable demand are left out. Shortest paths
    come from :func:`skim_scipy` (default) or the kernel, fresh for these costs.
    """
    total_cost = 0.0
    best = 0.0
    for uc, x in zip(classes, class_flows, strict=True):
        own = link_cost if uc.fixed_cost is None else link_cost + uc.fixed_cost
        costs = own if uc.permitted is None else np.where(uc.permitted, own, np.inf)
        total_cost += float(np.dot(uc.pce * x, own))
        sp = skim_scipy(network, costs) if use_scipy else skim(network, costs)
        d = uc.demand * uc.pce
        mask = np.isfinite(sp) & (d > 0)
        np.fill_diagonal(mask, False)
        best += float(np.sum(d[mask] * sp[mask]))
    return (total_cost - best) / total_cost if total_cost > 0 else 0.0


def shortest_path(
    net: AssignmentNetwork, cost: np.ndarray, origin: int, destination: int
) -> tuple[float, list[int]]:
    """Cheapest path (cost, link indices) from node ``origin`` to ``destination`` at link
    ``cost`` (``inf``: not usable); no path through a no-through node; ``(inf, [])`` when
    there is no path. A plain heap Dijkstra for single pairs (route sets, reports).

    >>> net = AssignmentNetwork.from_arrays(from_node=[0, 0, 1], to_node=[1, 2, 2],
    ...     free_flow_time=[1.0, 5.0, 1.0], capacity=[0.0, 0.0, 0.0], alpha=0.0,
    ...     zone_nodes=[0, 2])
    >>> shortest_path(net, np.array([1.0, 5.0, 1.0]), 0, 2)
    (2.0, [0, 2])
    """
    out: dict[int, list[int]] = {}
    for e in range(net.n_links):
        if np.isfinite(cost[e]):
            out.setdefault(int(net.from_node[e]), []).append(e)
    dist = {origin: 0.0}
    pred: dict[int, int] = {}
    heap = [(0.0, origin)]
    done: set[int] = set()
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u == destination:
            break
        if u != origin and net.no_through[u]:
            continue
        for e in out.get(u, ()):
            v = int(net.to_node[e])
            nd = d + float(cost[e])
            if nd < dist.get(v, math.inf):
                dist[v] = nd
                pred[v] = e
                heapq.heappush(heap, (nd, v))
    if destination not in done:
        return math.inf, []
    path = []
    node = destination
    while node != origin:
        e = pred[node]
        path.append(e)
        node = int(net.from_node[e])
    return dist[destination], path[::-1]
