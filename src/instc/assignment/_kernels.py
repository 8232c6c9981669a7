"""Compiled shortest-path and all-or-nothing kernels (numba).

Imported lazily by :mod:`instc.assignment.paths` so that ``import instc`` stays cheap.

Dijkstra with a binary heap and lazy deletion on a forward star indexed by link, so
parallel links stay separate and zero-cost links are ordinary edges. A node flagged
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
def _heap_push(keys, nodes, size, key, node):
    i = size
    keys[i] = key
    nodes[i] = node
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        nodes[parent], nodes[i] = nodes[i], nodes[parent]
        i = parent
    return size + 1


@njit(cache=True, nogil=True)
def _heap_pop(keys, nodes, size):
    key = keys[0]
    node = nodes[0]
    size -= 1
    keys[0] = keys[size]
    nodes[0] = nodes[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        right = left + 1
        if right < size and keys[right] < keys[left]:
            child = right
        if keys[i] <= keys[child]:
            break
        keys[child], keys[i] = keys[i], keys[child]
        nodes[child], nodes[i] = nodes[i], nodes[child]
        i = child
    return key, node, size


@njit(cache=True, nogil=True)
def _dijkstra(origin, pointer, head, link, cost, blocked, dist, pred, done, order, keys, nodes):
    """One shortest-path tree; returns the number of settled nodes (their order in ``order``)."""
    n = dist.shape[0]
    for i in range(n):
        dist[i] = INF
        pred[i] = -1
        done[i] = False
    dist[origin] = 0.0
    size = _heap_push(keys, nodes, 0, 0.0, origin)
    count = 0
    while size > 0:
        d, u, size = _heap_pop(keys, nodes, size)
        if done[u]:
            continue
        done[u] = True
        order[count] = u
        count += 1
        if blocked[u] and u != origin:
            continue
        for e in range(pointer[u], pointer[u + 1]):
            lk = link[e]
            c = cost[lk]
            if c == INF:
                continue
            v = head[e]
            nd = d + c
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = lk
                size = _heap_push(keys, nodes, size, nd, v)
    return count


@njit(cache=True, nogil=True)
def aon_batch(pointer, head, link, tail, cost, blocked, zone_nodes, demand, origins, flow, skim):
    """All-or-nothing loading of ``demand`` (zones x zones) from zones ``origins``.

    Adds the link flows to ``flow`` and writes ``skim[k, j]``, the shortest-path cost
    from zone ``origins[k]`` to zone ``j`` (inf when unreachable; nothing is loaded
    then). Releases the GIL, so batches of origins run on several threads.
    """
    n_nodes = pointer.shape[0] - 1
    n_links = cost.shape[0]
    n_zones = zone_nodes.shape[0]
    dist = np.empty(n_nodes)
    pred = np.empty(n_nodes, dtype=np.int64)
    done = np.empty(n_nodes, dtype=np.bool_)
    order = np.empty(n_nodes, dtype=np.int64)
    keys = np.empty(n_links + 1)
    nodes = np.empty(n_links + 1, dtype=np.int64)
    node_flow = np.zeros(n_nodes)
    for k in range(origins.shape[0]):
        o = origins[k]
        onode = zone_nodes[o]
        count = _dijkstra(
            onode, pointer, head, link, cost, blocked, dist, pred, done, order, keys, nodes
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
                lk = pred[v]
                flow[lk] += q
                node_flow[tail[lk]] += q
        node_flow[onode] = 0.0
