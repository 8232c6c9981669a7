"""An independent count of a lorry driver's rests, for the routing tests' oracles.

The rule, as ``parameters.toml`` documents it (``road.driving_h_per_day``,
``road.daily_rest_h``; EU Reg. 561/2006 / AETR): a driver drives at most ``d`` h a day;
when driving is still left after ``d`` h since the clock started, the driver stops for the
rest of the day (``24 - d`` h) and drives on. The clock starts afresh at a leg off the
road (train, ferry, transfer) and after a stop before a road leg (a border queue, a wait)
of at least ``road.daily_rest_h`` (without that key, of at least the rest itself).

This is written as a simulation of the driver's clock, stint by stint; it imports none
of the engine's rest helpers, so the routing tests can check the engine against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

HOURS_A_DAY = 24.0
_EPS_H = 1e-9  # hours: below this, a clock reading or driving left counts as reached


@dataclass(frozen=True)
class DrivingRule:
    """The driving-time rule: hours driven a day, and the stop that restarts the clock."""

    drive_h_per_day: float
    reset_stop_h: float

    @property
    def rest_h(self) -> float:
        """Hours of one rest: the rest of the day."""
        return HOURS_A_DAY - self.drive_h_per_day

    @classmethod
    def of(cls, parameters: Any) -> DrivingRule | None:
        """The rule of a network's ``parameters`` mapping (None without a daily limit)."""
        road = parameters.get("road", {})
        if "driving_h_per_day" not in road:
            return None
        drive_h = float(road["driving_h_per_day"]["value"])
        reset = road.get("daily_rest_h")
        return cls(drive_h, float(reset["value"]) if reset else HOURS_A_DAY - drive_h)


@dataclass(frozen=True)
class Stint:
    """One leg as the driver sees it: on the road or not, hours stopped before it
    (rests not counted), hours driven."""

    road: bool
    stop_h: float
    drive_h: float


def rests_taken(stints: Iterable[Stint], rule: DrivingRule) -> int:
    """How many rests a driver takes over ``stints`` driven in order.

    >>> rule = DrivingRule(9.0, 11.0)
    >>> rests_taken([Stint(True, 0.0, 16.0)], rule)  # one rest at 9 h, 7 h left
    1
    >>> rests_taken([Stint(True, 0.0, 18.0)], rule)  # the second day ends the drive
    1
    >>> rests_taken([Stint(True, 0.0, 5.0)] * 4, rule)  # 20 h: rests at 9 and 18 h
    2
    >>> rests_taken([Stint(True, 0.0, 8.0), Stint(False, 0.0, 0.0), Stint(True, 0.0, 8.0)], rule)
    0
    >>> rests_taken([Stint(True, 0.0, 8.0), Stint(True, 12.0, 8.0)], rule)  # queue resets
    0
    """
    driven_h = 0.0  # on the clock since it last started
    rests = 0
    for stint in stints:
        if not stint.road or stint.stop_h >= rule.reset_stop_h - _EPS_H:
            driven_h = 0.0
        left_h = stint.drive_h if stint.road else 0.0
        while left_h > _EPS_H:
            if driven_h >= rule.drive_h_per_day - _EPS_H:  # the day's driving is done
                rests += 1
                driven_h = 0.0
            step_h = min(left_h, rule.drive_h_per_day - driven_h)
            driven_h += step_h
            left_h -= step_h
    return rests


def graph_stints(graph: Any, edges: Sequence[int]) -> list[Stint]:
    """The stints of graph ``edges`` driven in order. A graph edge's dwell holds the
    per-link rests (``rest_h``); the stop before it is its wait and dwell without them."""
    return [
        Stint(
            road=graph.mode[e] == "road",
            stop_h=float(graph.waiting_h[e] + graph.dwell_h[e] - graph.rest_h[e]),
            drive_h=float(graph.moving_h[e]),
        )
        for e in edges
    ]


def rest_h_beyond_links(network: Any, graph: Any, problem: Any, path: Sequence[int]) -> float:
    """Hours the rests of a problem ``path`` add to the per-link rests the graph's time
    weights already hold (``graph.rest_h``): the exact time is the weights' sum plus this."""
    rule = DrivingRule.of(network.parameters)
    edges = [int(problem.base[e]) for e in path if problem.base[e] >= 0]
    per_link_h = sum(float(graph.rest_h[e]) for e in edges)
    if rule is None:
        return -per_link_h
    return rests_taken(graph_stints(graph, edges), rule) * rule.rest_h - per_link_h
