"""Spread parameters of the reliability model: read from parameters.toml, else estimates.

Where the data give a time as ``(low, mode, high)`` the spread comes from the data.
Where they give only the mode, the spread comes from the factors below, read from the
network's ``parameters.toml`` under ``[reliability]`` when present (leaf tables with
``value``, ``low``, ``high`` like every parameter) and otherwise from the module
constants here, which are **estimates** (basis stated next to each).

Keys (all optional)::

    reliability.high_quantile                 value: quantile the "high" of a dwell is read as
    reliability.moving_time_factor.<layer>    low/high: moving time range as factors of the mode
    reliability.moving_time_factor.<mode>     (fallback for rail layers: .rail)
    reliability.dwell_factor.border           low/high: border dwell range as factors of the mode
    reliability.dwell_factor.transfer         low/high: transfer dwell range as factors
    reliability.caspian_closure.<mon>         value: probability that a Caspian sailing is held
                                              by weather (mon = jan ... dec)
    reliability.caspian_closure.delay_h       value (mode), low, high: the hold, hours
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from instc._errors import DataError
from instc.reliability.legs import DEFAULT_HIGH_QUANTILE

if TYPE_CHECKING:
    from instc.network.model import Network

__all__ = [
    "DEFAULT_DWELL_FACTORS",
    "DEFAULT_MOVING_FACTORS",
    "MONTHS",
    "ReliabilityParameters",
    "reliability_parameters",
]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Estimates: moving-time range (low, high) as factors of the planned moving time, used
# only where a link has no time/length range. Basis: schedule slack of liner shipping is
# small; rail in the region runs well below timetable (RZD 2024: 40.6 km/h moving vs
# 35.7 km/h including idle time, parameters.md §4) and the Caspian ferries sail
# unscheduled (parameters.md §2.2); road times vary with traffic and checks.
DEFAULT_MOVING_FACTORS: dict[str, tuple[float, float]] = {
    "sea": (0.95, 1.20),
    "ferry": (0.90, 1.50),
    "rail": (0.90, 1.50),
    "road": (0.90, 1.30),
    "inland_waterway": (0.90, 1.50),
    "pipeline": (1.0, 1.0),
}
# Estimates: dwell range (low, high) as factors of the mode where a border or transfer
# row has no range. Basis (derived): road borders "10 h normal – 72 h peak", rail border
# with gauge break 24–48 h (parameters.md §2.6); port import dwell 1–2 d efficient vs
# 3–5 d rail/CFS-routed (parameters.md §2.5).
DEFAULT_DWELL_FACTORS: dict[str, tuple[float, float]] = {
    "border": (0.5, 3.0),
    "transfer": (0.5, 2.5),
}
# Estimate: probability that one Caspian sailing is held by weather, by month. Basis:
# navigation halts at 5 m waves / 20–25 m/s winds for days at a time (instc-facts.md §4,
# source [140], 2022); storms are a winter phenomenon; no monthly statistics found.
DEFAULT_CASPIAN_CLOSURE: tuple[float, ...] = (
    0.12,  # jan
    0.12,  # feb
    0.08,  # mar
    0.05,  # apr
    0.03,  # may
    0.03,  # jun
    0.03,  # jul
    0.03,  # aug
    0.03,  # sep
    0.05,  # oct
    0.08,  # nov
    0.12,  # dec
)
# Estimate: a weather hold lasts "multi-day" (source [140]): 1 to 5 days, most likely 2.
DEFAULT_CLOSURE_DELAY_H = (24.0, 48.0, 120.0)


@dataclass(frozen=True)
class ReliabilityParameters:
    """The spread parameters in force, and where each came from."""

    high_quantile: float = DEFAULT_HIGH_QUANTILE
    moving_factors: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_MOVING_FACTORS)
    )
    dwell_factors: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_DWELL_FACTORS)
    )
    caspian_closure: tuple[float, ...] = DEFAULT_CASPIAN_CLOSURE
    closure_delay_h: tuple[float, float, float] = DEFAULT_CLOSURE_DELAY_H
    # dotted keys read from parameters.toml (the rest are this module's estimates)
    from_data: tuple[str, ...] = ()

    def moving_factor(self, layer: str, mode: str) -> tuple[float, float]:
        for key in (layer, mode):
            if key in self.moving_factors:
                return self.moving_factors[key]
        return (1.0, 1.0)

    def closure_probability(self, month: int | None) -> float:
        """The hold probability in ``month`` (1–12), or its mean over the year."""
        if month is None:
            return sum(self.caspian_closure) / len(self.caspian_closure)
        if not 1 <= month <= 12:
            raise DataError(f"month={month} must be 1–12 — give the month of departure")
        return self.caspian_closure[month - 1]


def _leaf(tree: Mapping[str, Any], dotted: str) -> Mapping[str, Any] | None:
    node: Any = tree
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Mapping) and "value" in node else None


def _number(leaf: Mapping[str, Any], key: str, dotted: str) -> float:
    value = leaf.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DataError(
            f"parameters.toml:{dotted}: {key}={value!r} is not a number — give a number"
        )
    return float(value)


def _factor(leaf: Mapping[str, Any], dotted: str) -> tuple[float, float]:
    mode = _number(leaf, "value", dotted)
    low = _number(leaf, "low", dotted) if "low" in leaf else mode
    high = _number(leaf, "high", dotted) if "high" in leaf else mode
    if mode <= 0 or not low <= mode <= high:
        raise DataError(
            f"parameters.toml:{dotted}: need 0 < value and low <= value <= high, got "
            f"({low}, {mode}, {high}) — fix the factors"
        )
    return (low / mode, high / mode)


def reliability_parameters(network: Network | None) -> ReliabilityParameters:
    """The parameters in force for ``network``: its ``[reliability]`` keys over defaults."""
    tree: Mapping[str, Any] = {} if network is None else network.parameters
    used: list[str] = []
    moving = dict(DEFAULT_MOVING_FACTORS)
    root = tree.get("reliability", {}) if isinstance(tree, Mapping) else {}
    for key in root.get("moving_time_factor", {}) if isinstance(root, Mapping) else {}:
        dotted = f"reliability.moving_time_factor.{key}"
        leaf = _leaf(tree, dotted)
        if leaf is not None:
            moving[key] = _factor(leaf, dotted)
            used.append(dotted)
    dwell = dict(DEFAULT_DWELL_FACTORS)
    for key in ("border", "transfer"):
        dotted = f"reliability.dwell_factor.{key}"
        leaf = _leaf(tree, dotted)
        if leaf is not None:
            dwell[key] = _factor(leaf, dotted)
            used.append(dotted)
    high_q = DEFAULT_HIGH_QUANTILE
    leaf = _leaf(tree, "reliability.high_quantile")
    if leaf is not None:
        high_q = _number(leaf, "value", "reliability.high_quantile")
        if not 0.5 < high_q < 1.0:
            raise DataError(
                f"parameters.toml:reliability.high_quantile: {high_q} must lie in (0.5, 1)"
            )
        used.append("reliability.high_quantile")
    closure = list(DEFAULT_CASPIAN_CLOSURE)
    for i, mon in enumerate(MONTHS):
        dotted = f"reliability.caspian_closure.{mon}"
        leaf = _leaf(tree, dotted)
        if leaf is not None:
            p = _number(leaf, "value", dotted)
            if not 0.0 <= p <= 1.0:
                raise DataError(f"parameters.toml:{dotted}: probability {p} must lie in [0, 1]")
            closure[i] = p
            used.append(dotted)
    delay = DEFAULT_CLOSURE_DELAY_H
    leaf = _leaf(tree, "reliability.caspian_closure.delay_h")
    if leaf is not None:
        dotted = "reliability.caspian_closure.delay_h"
        mode = _number(leaf, "value", dotted)
        delay = (
            _number(leaf, "low", dotted) if "low" in leaf else mode,
            mode,
            _number(leaf, "high", dotted) if "high" in leaf else mode,
        )
        used.append(dotted)
    return ReliabilityParameters(
        high_quantile=high_q,
        moving_factors=moving,
        dwell_factors=dwell,
        caspian_closure=tuple(closure),
        closure_delay_h=delay,
        from_data=tuple(used),
    )
