"""Stochastic route choice: path-size logit over a route set, at stochastic user equilibrium.

Shippers do not all take the one cheapest route: the costs they face differ from the
model's (negotiated tariffs, reliability, customs experience, habits), so flow spreads
over routes whose generalised cost is close to the best. The model is the path-size
logit (Ben-Akiva and Bierlaire 1999) on each class's generalised cost:

    P_r = PS_r exp(-theta C_r) / sum_k PS_k exp(-theta C_k),   theta = mu / C_min

- the route set of a class and OD is found once, at free flow, by the link-penalty
  method: after each cheapest route the costs of its links are multiplied by
  ``1 + penalty``, until ``routes`` distinct routes are found (or ``3 x routes`` tries);
- ``C_r`` is the route's generalised cost (the shared congested time plus the class's own
  fixed cost, the unit of the network's costs);
- ``theta = mu / C_min``, ``C_min`` the OD's cheapest route at free flow: the logit works
  on the cost *relative* to the best route, so one dimensionless ``mu`` serves classes
  whose costs differ by orders of magnitude (a route ``mu``-th dearer than the best gets
  ``exp(-1)`` of its weight);
- ``PS_r = sum_{a in r} (c_a / C_r) / N_a``, ``c_a`` the link's free-flow cost and
  ``N_a`` the number of the set's routes using it: routes that share links split the
  weight they would have as one;
- congestion: the method of successive averages on route flows,
  ``x <- x + (y - x) / (n + 1)`` with ``y`` the logit loading at the costs of ``x``; it
  stops when ``sum |y - x| / sum d`` (the flow gap, reported as the relative gap)
  reaches ``gap``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from instc._errors import DataError
from instc.assignment.equilibrium import link_costs, link_times
from instc.assignment.network import AssignmentNetwork, UserClass
from instc.assignment.paths import shortest_path
from instc.assignment.results import (
    AssignmentResult,
    IterationRecord,
    RouteChoice,
    UnreachablePair,
)

__all__ = ["RouteSet", "logit_assign", "path_size", "route_set", "route_shares"]


@dataclass(frozen=True)
class RouteSet:
    """The routes of one class between two zones: link indices of each route."""

    user_class: str
    origin: int  # zone index
    destination: int
    demand: float  # in the class's unit
    routes: tuple[tuple[int, ...], ...]


def route_set(
    network: AssignmentNetwork,
    cost: np.ndarray,
    origin: int,
    destination: int,
    *,
    routes: int,
    penalty: float,
) -> tuple[tuple[int, ...], ...]:
    """Up to ``routes`` distinct cheapest routes between nodes ``origin`` and
    ``destination`` at link ``cost`` (``inf``: not usable), by the link-penalty method.

    >>> net = AssignmentNetwork.from_arrays(from_node=[0, 0], to_node=[1, 1],
    ...     free_flow_time=[10.0, 12.0], capacity=[0.0, 0.0], alpha=0.0, zone_nodes=[0, 1])
    >>> route_set(net, np.array([10.0, 12.0]), 0, 1, routes=3, penalty=1.0)
    ((0,), (1,))
    """
    work = cost.astype(float).copy()
    found: list[tuple[int, ...]] = []
    for _ in range(3 * routes):
        _, path = shortest_path(network, work, origin, destination)
        if not path:
            break
        key = tuple(path)
        if key not in found:
            found.append(key)
            if len(found) == routes:
                break
        work[path] *= 1.0 + penalty
    return tuple(found)


def path_size(routes: Sequence[Sequence[int]], link_cost: np.ndarray) -> np.ndarray:
    """Path size of each route: ``sum_{a in r} (c_a / C_r) / N_a`` (1 for a route that
    shares no link; a route with zero cost counts its links equally).

    >>> path_size([[0], [1, 2], [1, 3]], np.array([10.0, 5.0, 5.0, 5.0])).tolist()
    [1.0, 0.75, 0.75]
    """
    count: dict[int, int] = {}
    for r in routes:
        for a in set(r):
            count[a] = count.get(a, 0) + 1
    out = np.empty(len(routes))
    for i, r in enumerate(routes):
        links = list(dict.fromkeys(r))
        c = np.array([link_cost[a] for a in links], dtype=float)
        total = float(c.sum())
        weights = c / total if total > 0 else np.full(len(links), 1.0 / len(links))
        out[i] = float(sum(w / count[a] for w, a in zip(weights, links, strict=True)))
    return out


def route_shares(costs: np.ndarray, ps: np.ndarray, theta: float) -> np.ndarray:
    """Path-size logit shares at route ``costs`` (shifted by the minimum: no overflow);
    a route of infinite cost (not available) gets none.

    >>> route_shares(np.array([10.0, 11.0, np.inf]), np.ones(3), 1.0).round(4).tolist()
    [0.7311, 0.2689, 0.0]
    """
    ok = np.isfinite(costs)
    u = np.full(costs.shape, -np.inf)
    u[ok] = np.log(ps[ok]) - theta * (costs[ok] - costs[ok].min())
    w = np.exp(u - u[ok].max())
    return w / w.sum()


def logit_assign(
    network: AssignmentNetwork,
    classes: Sequence[UserClass],
    *,
    mu: float,
    routes: int = 8,
    penalty: float = 1.0,
    gap: float = 1e-4,
    max_iter: int = 500,
    progress: Callable[[IterationRecord], None] | None = None,
) -> AssignmentResult:
    """Stochastic user equilibrium of ``classes`` on ``network`` with path-size logit
    route choice (module docstring). ``mu`` (dimensionless, > 0) sets how sharply flow
    concentrates on the cheapest route: shares fall by ``exp(-mu x)`` for a route ``x``
    (as a fraction) dearer than the best. The result's ``route_choices`` keep each class
    and OD's route set, path sizes, theta and final route costs (for the logsum saving
    of :mod:`instc.assignment.logsum`).

    >>> net = AssignmentNetwork.from_arrays(from_node=[0, 0], to_node=[1, 1],
    ...     free_flow_time=[10.0, 11.0], capacity=[0.0, 0.0], alpha=0.0, zone_nodes=[0, 1])
    >>> res = logit_assign(net, [UserClass("c", np.array([[0.0, 100.0], [0.0, 0.0]]))],
    ...     mu=10.0)
    >>> res.flows.round(2).tolist()  # 100 / (1 + e^-1) and 100 e^-1 / (1 + e^-1)
    [73.11, 26.89]
    """
    if not (math.isfinite(mu) and mu > 0):
        raise DataError(f"logit mu must be a positive number, got {mu}")
    if routes < 1 or not penalty > 0:
        raise DataError(f"routes must be >= 1 and penalty > 0, got {routes} and {penalty}")
    start = time.perf_counter()
    checked = [uc.checked(network) for uc in classes]
    zero = np.zeros(network.n_links)
    free = link_costs(network, zero)

    def class_cost(uc: UserClass, shared: np.ndarray) -> np.ndarray:
        cost = shared + uc.fixed_cost if uc.fixed_cost is not None else shared
        return cost if uc.permitted is None else np.where(uc.permitted, cost, np.inf)

    sets: list[tuple[int, RouteSet, np.ndarray, float]] = []  # class index, set, PS, theta
    unreachable: list[UnreachablePair] = []
    unreachable_total = 0.0
    intrazonal = 0.0
    for k, uc in enumerate(checked):
        cost0 = class_cost(uc, free)
        intrazonal += float(np.trace(uc.demand)) * uc.pce
        for o, d in zip(*np.nonzero(uc.demand), strict=True):
            if o == d:
                continue
            rs = route_set(
                network,
                cost0,
                int(network.zone_nodes[o]),
                int(network.zone_nodes[d]),
                routes=routes,
                penalty=penalty,
            )
            amount = float(uc.demand[o, d])
            if not rs:
                unreachable.append(
                    UnreachablePair(
                        uc.name,
                        network.label(int(network.zone_nodes[o])),
                        network.label(int(network.zone_nodes[d])),
                        amount,
                    )
                )
                unreachable_total += amount * uc.pce
                continue
            c = np.array([float(cost0[list(r)].sum()) for r in rs])
            theta = mu / c.min() if c.min() > 0 else 0.0
            sets.append(
                (k, RouteSet(uc.name, int(o), int(d), amount, rs), path_size(rs, cost0), theta)
            )

    def load(route_flows: list[np.ndarray]) -> list[np.ndarray]:
        out = [np.zeros(network.n_links) for _ in checked]
        for (k, rs, _, _), x in zip(sets, route_flows, strict=True):
            for r, f in zip(rs.routes, x, strict=True):
                out[k][list(r)] += f
        return out

    def choose(class_flows: list[np.ndarray]) -> list[np.ndarray]:
        v = sum((f * uc.pce for f, uc in zip(class_flows, checked, strict=True)), zero)
        shared = link_costs(network, v)
        out = []
        for k, rs, ps, theta in sets:
            cost = class_cost(checked[k], shared)
            c = np.array([float(cost[list(r)].sum()) for r in rs.routes])
            out.append(rs.demand * route_shares(c, ps, theta))
        return out

    x = choose(load([np.zeros(len(s[1].routes)) for s in sets]))
    total_demand = sum(s[1].demand for s in sets)
    history: list[IterationRecord] = []
    n = 0
    while True:
        flows = load(x)
        y = choose(flows)
        moved = sum(float(np.abs(yi - xi).sum()) for yi, xi in zip(y, x, strict=True))
        rel = moved / total_demand if total_demand > 0 else 0.0
        v = sum((f * uc.pce for f, uc in zip(flows, checked, strict=True)), zero)
        record = IterationRecord(
            iteration=n,
            relative_gap=rel,
            objective=math.nan,
            total_cost=float(np.dot(v, link_costs(network, v))),
            step_size=1.0 / (n + 1) if n else math.nan,
            direction="psl-msa",
            seconds=time.perf_counter() - start,
        )
        history.append(record)
        if progress is not None:
            progress(record)
        if rel <= gap or n >= max_iter:
            break
        n += 1
        x = [xi + (yi - xi) / (n + 1) for xi, yi in zip(x, y, strict=True)]

    flows = load(x)
    v = sum((f * uc.pce for f, uc in zip(flows, checked, strict=True)), zero)
    times = link_times(network, v)
    shared = link_costs(network, v)
    choices = []
    for k, od_set, ps, theta in sets:
        cost = class_cost(checked[k], shared)
        c = np.array([float(cost[list(r)].sum()) for r in od_set.routes])
        choices.append(
            RouteChoice(
                od_set.user_class, od_set.origin, od_set.destination, od_set.routes, ps, theta, c
            )
        )
    return AssignmentResult(
        network=network.name,
        method="psl",
        flows=v,
        class_flows={uc.name: f for uc, f in zip(checked, flows, strict=True)},
        costs=times + network.fixed_cost,
        times=times,
        history=tuple(history),
        converged=history[-1].relative_gap <= gap,
        target_gap=gap,
        unreachable_demand=unreachable_total,
        unreachable_pairs=tuple(unreachable),
        intrazonal_demand=intrazonal,
        seconds=time.perf_counter() - start,
        route_choices=tuple(choices),
    )
