"""The compact graph the kernel runs on: dead ends removed, chains contracted.

Two exact reductions (the same ideas as AequilibraE's compressed graph; this code is
our own):

- **dead ends**: a node that is not a zone and has no usable outgoing (incoming) link
  can never be inside a path between zones, so the links into (out of) it are dropped,
  repeatedly until nothing changes;
- **chains**: a node that is not a zone, may be passed through, and is either a
  one-way pass-through (one link in from ``u``, one link out to ``w``, ``u != w``) or a
  two-way pass-through (links in from and out to the same two neighbours ``a != b``)
  is contracted: the links along a chain of such nodes become one *edge* whose cost is
  the sum of the link costs, and whose flow is added to each of those links.

Paths between zones, their costs and the loaded link flows are unchanged. A link that
no path can use belongs to no edge (its flow is always 0).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from instc._csr import row_pointer

__all__ = ["CompactGraph", "compact_graph"]


@dataclass(frozen=True, eq=False)
class CompactGraph:
    """Forward star over compact nodes; edges map to runs of original links.

    ``edge_links[edge_ptr[k]:edge_ptr[k + 1]]`` are the links of edge ``k`` in path
    order. ``pointer``/``head``/``edge`` is the CSR by tail (``edge[e]`` is the edge id
    of forward-star slot ``e``); ``tail`` is each edge's compact tail node. All int32.
    """

    n_nodes: int
    pointer: np.ndarray
    head: np.ndarray
    edge: np.ndarray
    tail: np.ndarray
    edge_ptr: np.ndarray
    edge_links: np.ndarray
    edge_len: np.ndarray
    zone_nodes: np.ndarray
    blocked: np.ndarray

    def edge_costs(self, link_costs: np.ndarray) -> np.ndarray:
        """Cost of every edge: the sum over its links (inf if any link is not permitted)."""
        if self.edge_links.size == 0:
            return np.zeros(0)
        return np.add.reduceat(link_costs[self.edge_links], self.edge_ptr[:-1])

    def link_flows(self, edge_flows: np.ndarray, n_links: int) -> np.ndarray:
        """Spread edge flows back onto the original links."""
        return np.bincount(
            self.edge_links, weights=np.repeat(edge_flows, self.edge_len), minlength=n_links
        )


def _live_links(n: int, a: np.ndarray, b: np.ndarray, keep_node: np.ndarray) -> np.ndarray:
    """Mask of links that survive dead-end removal (zones are never removed)."""
    alive = a != b  # a self-loop is never on a shortest path
    outdeg = np.bincount(a[alive], minlength=n)
    indeg = np.bincount(b[alive], minlength=n)
    out_links: list[list[int]] = [[] for _ in range(n)]
    in_links: list[list[int]] = [[] for _ in range(n)]
    for k in np.flatnonzero(alive).tolist():
        out_links[a[k]].append(k)
        in_links[b[k]].append(k)
    queue = deque(int(v) for v in np.flatnonzero(~keep_node & ((outdeg == 0) | (indeg == 0))))
    gone = np.zeros(n, dtype=bool)
    while queue:
        v = queue.popleft()
        if gone[v]:
            continue
        gone[v] = True
        for k in out_links[v] + in_links[v]:
            if alive[k]:
                alive[k] = False
                u, w = int(a[k]), int(b[k])
                outdeg[u] -= 1
                indeg[w] -= 1
                for x in (u, w):
                    if not gone[x] and not keep_node[x] and (outdeg[x] == 0 or indeg[x] == 0):
                        queue.append(x)
    return alive


def compact_graph(
    n_nodes: int,
    from_node: np.ndarray,
    to_node: np.ndarray,
    zone_nodes: np.ndarray,
    no_through: np.ndarray,
) -> CompactGraph:
    """Build the :class:`CompactGraph` of a link table."""
    n = n_nodes
    a, b = from_node, to_node
    is_zone = np.zeros(n, dtype=bool)
    is_zone[zone_nodes] = True
    alive = _live_links(n, a, b, is_zone)
    live = np.flatnonzero(alive)
    out_links: list[list[int]] = [[] for _ in range(n)]
    in_links: list[list[int]] = [[] for _ in range(n)]
    for k in live.tolist():
        out_links[a[k]].append(k)
        in_links[b[k]].append(k)

    interior = np.zeros(n, dtype=bool)
    for v in range(n):
        if is_zone[v] or no_through[v]:
            continue
        ins, outs = in_links[v], out_links[v]
        if len(ins) == 1 and len(outs) == 1:
            interior[v] = a[ins[0]] != b[outs[0]]
        elif len(ins) == 2 and len(outs) == 2:
            src = {int(a[k]) for k in ins}
            dst = {int(b[k]) for k in outs}
            interior[v] = len(src) == 2 and src == dst

    # chains start at links whose tail is an anchor (a node that is not interior)
    edge_ptr = [0]
    edge_links: list[int] = []
    edge_tail: list[int] = []
    edge_head: list[int] = []
    for k in live.tolist():
        u = int(a[k])
        if interior[u]:
            continue
        prev, link = u, int(k)
        edge_links.append(link)
        v = int(b[link])
        steps = 0
        while interior[v]:
            steps += 1
            if steps > n:  # pragma: no cover - impossible by construction (see docstring)
                raise RuntimeError("chain contraction did not end; please report this network")
            outs = out_links[v]
            nxt = outs[0] if len(outs) == 1 or int(b[outs[0]]) != prev else outs[1]
            prev, link = v, nxt
            edge_links.append(link)
            v = int(b[link])
        edge_ptr.append(len(edge_links))
        edge_tail.append(u)
        edge_head.append(v)

    anchors = np.flatnonzero(~interior)
    compact = np.full(n, -1, dtype=np.int64)
    compact[anchors] = np.arange(anchors.size)
    tails = compact[np.asarray(edge_tail, dtype=np.int64)]
    heads = compact[np.asarray(edge_head, dtype=np.int64)]
    m = anchors.size
    order = np.argsort(tails, kind="stable")
    pointer = row_pointer(tails, m, np.int32)
    ptr = np.asarray(edge_ptr, dtype=np.int32)
    return CompactGraph(
        n_nodes=m,
        pointer=pointer,
        head=heads[order].astype(np.int32),
        edge=order.astype(np.int32),
        tail=tails.astype(np.int32),
        edge_ptr=ptr,
        edge_links=np.asarray(edge_links, dtype=np.int64),
        edge_len=np.diff(ptr).astype(np.int64),
        zone_nodes=compact[zone_nodes].astype(np.int32),
        blocked=no_through[anchors].copy(),
    )
