"""What shippers gain when their route options change, under logit route choice.

With path-size logit route choice (:mod:`instc.assignment.logit`) each shipper takes
the route of lowest *perceived* cost: the model's generalised cost ``C_r`` plus a
random term for what the model does not see (tariff deals, reliability, habits). The
expected lowest perceived cost of an OD is the logsum (Williams 1977; Ben-Akiva and
Lerman 1985, ch. 10)::

    S = -(1/theta) ln sum_r PS_r exp(-theta C_r)

and the saving per cargo unit between two networks is ``S_without - S_with`` (the
change in consumer surplus at fixed demand). The mean cost over the routes the flow
uses is not this measure: a new route that is dearer in the model's cost but chosen by
some shippers raises the mean, yet nobody is worse off (those who take it prefer it).
Adding an option never raises ``S``.

For one OD both sides are evaluated on one route set, one set of path sizes and one
``theta``, so that the difference is a change of costs only:

- routes: the union of the two assignments' route sets, matched by their links'
  stable keys, each costed at that side's equilibrium link costs; a route using a link
  the side lacks, or may not use, is not available there;
- path sizes: computed once over that union at free-flow link costs (the without
  side's; the with side's for links only it has). Path sizes computed over each side's
  own set would let a new route that shares links with old ones lower their weight,
  and the logsum could then fall when an option is added;
- ``theta``: the without side's ``mu / C_min`` (``C_min`` its cheapest route at free
  flow). The assignment takes ``theta`` per side; if a project lowers ``C_min`` the
  two logsums would be on different scales and their difference would mix a change in
  cost with a change in the unit of the random term.

With these fixed, a new route or a cheaper route can only lower ``S``: the saving is
negative only if some route gets dearer (congestion, a closure).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from instc.assignment.logit import path_size, route_shares
from instc.assignment.results import RouteChoice

__all__ = ["LinkCosts", "LogsumChange", "logsum", "logsum_change"]


@dataclass(frozen=True, eq=False)
class LinkCosts:
    """The links of an assignment network by stable key (the same link has the same
    key in another network built from the same data), and per cost class the link
    generalised costs (the network's cost unit; ``inf``: the class may not use the
    link) at free flow and at equilibrium, with the equilibrium cost's ``money`` (USD
    per cargo unit) and ``time`` (hours) parts."""

    keys: tuple[Hashable, ...]
    free: Mapping[str, np.ndarray] = field(repr=False)
    equilibrium: Mapping[str, np.ndarray] = field(repr=False)
    money: Mapping[str, np.ndarray] = field(repr=False)
    time: Mapping[str, np.ndarray] = field(repr=False)

    @cached_property
    def position(self) -> dict[Hashable, int]:
        """Link index of each key."""
        return {k: i for i, k in enumerate(self.keys)}

    def route_keys(self, choice: RouteChoice) -> list[tuple[Hashable, ...]]:
        """The routes of ``choice`` (link indices of this network) as link keys."""
        return [tuple(self.keys[a] for a in r) for r in choice.routes]

    def route_cost(self, route: Sequence[Hashable], cost_class: str, table: str) -> float:
        """Sum over a route given by link keys of ``table`` (``"free"``,
        ``"equilibrium"``, ``"money"`` or ``"time"``); ``inf``: a link is missing."""
        values = getattr(self, table)[cost_class]
        where = self.position
        if any(k not in where for k in route):
            return math.inf
        return float(sum(values[where[k]] for k in route))


@dataclass(frozen=True)
class LogsumChange:
    """One OD's logsum without and with (the networks' cost unit per cargo unit), and
    the expected money (USD per unit) and time (hours) of a shipper on each side: the
    route costs' parts weighted by the logit shares on the common route set."""

    logsum: tuple[float, float]
    money: tuple[float, float]
    time: tuple[float, float]

    @property
    def saving(self) -> float:
        """Logsum without minus with (positive: shippers are better off)."""
        return self.logsum[0] - self.logsum[1]


def logsum(costs: np.ndarray, path_sizes: np.ndarray, theta: float) -> float:
    """Expected lowest perceived cost ``-(1/theta) ln sum_r PS_r exp(-theta C_r)`` over
    the routes with a finite cost (``inf`` when none has one).

    >>> round(logsum(np.array([10.0, 10.0]), np.array([1.0, 1.0]), 1.0), 4)  # 10 - ln 2
    9.3069
    """
    ok = np.isfinite(costs)
    if not ok.any():
        return math.inf
    u = np.log(path_sizes[ok]) - theta * costs[ok]
    top = float(u.max())
    return -(top + math.log(float(np.exp(u - top).sum()))) / theta


def logsum_change(
    without: RouteChoice,
    without_links: LinkCosts,
    with_: RouteChoice,
    with_links: LinkCosts,
    cost_class: str,
) -> LogsumChange | None:
    """One OD's logsum without and with, on the union of the two route sets, path sizes
    over that union and the without side's ``theta`` (module docstring). None when
    ``theta`` is not positive (an OD whose cheapest route costs nothing) or a side has
    no available route.

    >>> keys = ("a", "b", "c")
    >>> cost = {"x": np.array([10.0, 12.0, 11.0])}
    >>> zero = {"x": np.zeros(3)}
    >>> old = LinkCosts(keys[:2], *[{"x": cost["x"][:2]}] * 2, {"x": np.zeros(2)},
    ...                 {"x": cost["x"][:2]})
    >>> new = LinkCosts(keys, cost, cost, zero, cost)
    >>> two = RouteChoice("x", 0, 1, ((0,), (1,)), np.ones(2), 0.1, np.array([10.0, 12.0]))
    >>> three = RouteChoice("x", 0, 1, ((0,), (1,), (2,)), np.ones(3), 0.1, cost["x"])
    >>> found = logsum_change(two, old, three, new, "x")
    >>> round(found.saving, 4)  # 10 ln[(1 + e^-0.2 + e^-0.1) / (1 + e^-0.2)]
    4.038
    """
    theta = without.theta
    if not (math.isfinite(theta) and theta > 0):
        return None
    union = list(dict.fromkeys(without_links.route_keys(without) + with_links.route_keys(with_)))
    links = list(dict.fromkeys(k for r in union for k in r))
    free = np.array([_free_cost(k, without_links, with_links, cost_class) for k in links])
    where = {k: i for i, k in enumerate(links)}
    ps = path_size([[where[k] for k in r] for r in union], free)
    sides = (without_links, with_links)
    costs = [np.array([s.route_cost(r, cost_class, "equilibrium") for r in union]) for s in sides]
    if not all(np.isfinite(c).any() for c in costs):
        return None
    shares = [route_shares(c, ps, theta) for c in costs]

    def expected(table: str) -> tuple[float, float]:
        parts = []
        for side, p in zip(sides, shares, strict=True):
            used = [(w, r) for w, r in zip(p, union, strict=True) if w > 0]
            parts.append(sum(w * side.route_cost(r, cost_class, table) for w, r in used))
        return float(parts[0]), float(parts[1])

    return LogsumChange(
        logsum=(logsum(costs[0], ps, theta), logsum(costs[1], ps, theta)),
        money=expected("money"),
        time=expected("time"),
    )


def _free_cost(key: Hashable, first: LinkCosts, second: LinkCosts, cost_class: str) -> float:
    """Free-flow cost of one link: from ``first`` if it has the link open, else
    ``second``."""
    for side in (first, second):
        cost = side.route_cost((key,), cost_class, "free")
        if math.isfinite(cost):
            return cost
    return math.inf
