"""Independent reference code for the assignment tests: link costs and the relative gap
computed link by link and path by path here (math + networkx), sharing no helper with
``instc.assignment`` (whose ``link_costs``, ``skim`` and ``relative_gap`` are what the
tests check)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np


def link_cost_by_hand(net: Any, flows: Sequence[float]) -> np.ndarray:
    """Each link's VDF time at ``flows`` plus its fixed cost, one link at a time.

    BPR: ``t0 (1 + alpha (v / cap) ** beta)`` (no flow term where cap is 0);
    conical (Spiess 1990): ``t0 (2 + sqrt(a² s² + b²) - a s - b)`` with ``s = 1 - v / cap``
    and ``b = (2a - 1) / (2a - 2)``.
    """
    out = []
    for e, v in enumerate(flows):
        t0, cap = float(net.free_flow_time[e]), float(net.capacity[e])
        a, beta = float(net.alpha[e]), float(net.beta[e])
        if net.is_conical[e]:
            b = (2 * a - 1) / (2 * a - 2)
            s = 1 - v / cap
            time = t0 * (2 + math.sqrt(a * a * s * s + b * b) - a * s - b)
        else:
            ratio = v / cap if cap > 0 else 0.0
            time = t0 * (1 + a * ratio**beta)
        out.append(time + float(net.fixed_cost[e]))
    return np.array(out)


def zone_costs_by_hand(net: Any, link_cost: Sequence[float]) -> np.ndarray:
    """Zone-to-zone least costs by networkx Dijkstra: a path may start or end at a
    ``no_through`` node but never pass through one; links of infinite cost are closed."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(net.n_nodes))
    for tail, head, c in zip(net.from_node, net.to_node, link_cost, strict=True):
        if not math.isfinite(c):
            continue
        tail, head = int(tail), int(head)
        if not graph.has_edge(tail, head) or graph[tail][head]["c"] > c:
            graph.add_edge(tail, head, c=float(c))
    zones = [int(z) for z in net.zone_nodes]
    out = np.full((len(zones), len(zones)), math.inf)
    for i, origin in enumerate(zones):

        def cost(u: int, _v: int, data: dict[str, float], origin: int = origin) -> float | None:
            return None if net.no_through[u] and u != origin else data["c"]

        dist = nx.single_source_dijkstra_path_length(graph, origin, weight=cost)
        for j, destination in enumerate(zones):
            out[i, j] = 0.0 if i == j else dist.get(destination, math.inf)
    return out


def relative_gap_by_hand(
    net: Any,
    classes: Sequence[tuple[np.ndarray, float, np.ndarray | None, np.ndarray | None]],
    class_flows: Sequence[np.ndarray],
    link_cost: np.ndarray,
) -> float:
    """``(sum x c - sum_od d SP_od) / sum x c`` over the classes, each given as
    (demand matrix, PCE, own fixed cost per link or None, permitted links or None);
    intrazonal and unreachable demand are left out."""
    total = 0.0
    shortest = 0.0
    for (demand, pce, fixed, permitted), flows in zip(classes, class_flows, strict=True):
        own = link_cost if fixed is None else link_cost + fixed
        total += float(sum(pce * x * c for x, c in zip(flows, own, strict=True)))
        closed = own if permitted is None else np.where(permitted, own, math.inf)
        sp = zone_costs_by_hand(net, closed)
        for i in range(len(demand)):
            for j in range(len(demand)):
                if i != j and demand[i][j] > 0 and math.isfinite(sp[i, j]):
                    shortest += pce * float(demand[i][j]) * sp[i, j]
    return (total - shortest) / total if total > 0 else 0.0
