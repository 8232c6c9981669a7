"""Compiled shortest-path and all-or-nothing kernels (numba).

Imported lazily by :mod:`instc.assignment.paths` so that ``import instc`` stays cheap.

Dijkstra with an indexed 4-ary heap (decrease-key) on a forward star whose edges map
to link positions, so parallel links stay separate and zero-cost links are ordinary
edges. A node flagged
``blocked`` (a zone below TNTP's FIRST THRU NODE) receives a label but is not expanded
unless it is the origin, so no path passes through it. Links with an infinite cost are
not permitted for the class and are skipped. Loading walks the settled nodes in
reverse order of settlement (decreasing distance) and pushes each node's flow onto its
predecessor link, which is exact for any shortest-path tree.
"""

from __future__ import annotations

import numpy as np
from numba import njit

INF = np.inf


@njit(cache=True, nogil=True)
def _sift_up(keys, nodes, pos, i):
    key = keys[i]
    node = nodes[i]
    while i > 0:
        parent = (i - 1) >> 2
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        nodes[i] = nodes[parent]
        pos[nodes[i]] = i
        i = parent
    keys[i] = key
    nodes[i] = node
    pos[node] = i


@njit(cache=True, nogil=True)
def _sift_down(keys, nodes, pos, size):
    key = keys[0]
    node = nodes[0]
    i = 0
    while True:
        first = 4 * i + 1
        if first >= size:
            break
        best = first
        best_key = keys[first]
        for c in range(first + 1, min(first + 4, size)):
            if keys[c] < best_key:
                best_key = keys[c]
                best = c
        if best_key >= key:
            break
        keys[i] = best_key
        nodes[i] = nodes[best]
        pos[nodes[i]] = i
        i = best
    keys[i] = key
    nodes[i] = node
    pos[node] = i


@njit(cache=True, nogil=True)
def _dijkstra(origin, pointer, head, cost, blocked, dist, pred, order, pos, keys, nodes):
    """One shortest-path tree from ``origin``; an indexed 4-ary heap with decrease-key.

    ``cost`` and ``head`` are in forward-star (edge) order; ``pred[v]`` is the edge
    that reaches ``v``. Returns the number of settled nodes, listed in ``order`` by
    increasing distance. ``pos[v]`` is -1 (unseen), -2 (settled) or the heap slot.
    """
    n = dist.shape[0]
    for i in range(n):
        dist[i] = INF
        pred[i] = -1
        pos[i] = -1
    dist[origin] = 0.0
    keys[0] = 0.0
    nodes[0] = origin
    pos[origin] = 0
    size = 1
    count = 0
    while size > 0:
        u = nodes[0]
        d = keys[0]
        size -= 1
        pos[u] = -2
        if size > 0:
            keys[0] = keys[size]
            nodes[0] = nodes[size]
            _sift_down(keys, nodes, pos, size)
        order[count] = u
        count += 1
        if blocked[u] and u != origin:
            continue
        for e in range(pointer[u], pointer[u + 1]):
            v = head[e]
            nd = d + cost[e]  # inf for links the class may not use: never < dist
            if nd < dist[v]:
                p = pos[v]
                if p == -2:
                    continue
                dist[v] = nd
                pred[v] = e
                if p == -1:
                    keys[size] = nd
                    nodes[size] = v
                    size += 1
                    _sift_up(keys, nodes, pos, size - 1)
                else:
                    keys[p] = nd
                    _sift_up(keys, nodes, pos, p)
    return count


@njit(cache=True, nogil=True)
def aon_batch(pointer, head, link, tail, cost, blocked, zone_nodes, demand, origins, flow, skim):
    """All-or-nothing loading of ``demand`` (zones x zones) from zones ``origins``.

    Adds the link flows to ``flow`` and writes ``skim[k, j]``, the shortest-path cost
    from zone ``origins[k]`` to zone ``j`` (inf when unreachable; nothing is loaded
    then). Releases the GIL, so batches of origins run on several threads.
    """
    n_nodes = pointer.shape[0] - 1
    n_zones = zone_nodes.shape[0]
    edge_cost = np.empty(cost.shape[0])
    for e in range(link.shape[0]):
        edge_cost[e] = cost[link[e]]
    dist = np.empty(n_nodes)
    pred = np.empty(n_nodes, dtype=np.int32)
    order = np.empty(n_nodes, dtype=np.int32)
    pos = np.empty(n_nodes, dtype=np.int32)
    keys = np.empty(n_nodes)
    nodes = np.empty(n_nodes, dtype=np.int32)
    node_flow = np.zeros(n_nodes)
    for k in range(origins.shape[0]):
        o = origins[k]
        onode = zone_nodes[o]
        count = _dijkstra(
            onode, pointer, head, edge_cost, blocked, dist, pred, order, pos, keys, nodes
        )
        for j in range(n_zones):
            skim[k, j] = dist[zone_nodes[j]]
            if j != o:
                q = demand[o, j]
                if q > 0.0 and dist[zone_nodes[j]] < INF:
                    node_flow[zone_nodes[j]] += q
        for i in range(count - 1, 0, -1):
            v = order[i]
            q = node_flow[v]
            if q != 0.0:
                node_flow[v] = 0.0
                lk = link[pred[v]]
                flow[lk] += q
                node_flow[tail[lk]] += q
        node_flow[onode] = 0.0
