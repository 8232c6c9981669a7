"""Routing criteria: which edge weight a search minimises, per cargo unit.

``by`` is one of ``cost`` (USD), ``time`` (hours), ``co2e`` (kg WTW), ``distance`` (km)
or ``generalised`` (USD + value of time × days). The value of time per unit-day comes
from ``value_of_time.usd_per_<unit>_day`` in ``parameters.toml`` (for a truck or TEU
without its own key: ``usd_per_t_day`` × tonnes per unit); a caller may override it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, UnknownNameError
from instc._names import closest
from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    import numpy as np

    from instc.network.graph import Graph
    from instc.network.model import Network

__all__ = ["CRITERIA", "ValueOfTime", "criterion_weights", "value_of_time"]

# user-facing name -> Graph weight array
CRITERIA = {
    "cost": "cost_usd",
    "time": "time_h",
    "co2e": "co2e_kg",
    "distance": "distance_km",
    "generalised": "generalised_usd",
}
_ALIASES = {"generalized": "generalised", "co2": "co2e", "emissions": "co2e"}


@dataclass(frozen=True)
class ValueOfTime:
    """Money value of one cargo unit-day in transit, with where it came from."""

    usd_per_unit_day: float
    source: str


def _leaf(parameters: Mapping[str, Any], dotted: str) -> Mapping[str, Any] | None:
    node: Any = parameters
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Mapping) and "value" in node else None


def value_of_time(
    network: Network, graph: Graph, *, override_usd_per_unit_day: float | None = None
) -> ValueOfTime:
    """The value of time for ``graph``'s cargo unit (override, else parameters.toml)."""
    if override_usd_per_unit_day is not None:
        if override_usd_per_unit_day < 0:
            raise DataError("value of time must be >= 0 USD per unit-day — pass a positive value")
        return ValueOfTime(float(override_usd_per_unit_day), "user override")
    own = _leaf(network.parameters, f"value_of_time.usd_per_{graph.unit}_day")
    if own is not None:
        ids = ", ".join(own.get("source_ids") or ()) or "no source id"
        return ValueOfTime(float(own["value"]), f"value_of_time.usd_per_{graph.unit}_day [{ids}]")
    per_t = _leaf(network.parameters, "value_of_time.usd_per_t_day")
    if per_t is not None:
        ids = ", ".join(per_t.get("source_ids") or ()) or "no source id"
        return ValueOfTime(
            float(per_t["value"]) * graph.tonnes_per_unit,
            f"value_of_time.usd_per_t_day × {graph.tonnes_per_unit:g} t/{graph.unit} [{ids}]",
        )
    raise DataError(
        f"parameters.toml: no key value_of_time.usd_per_{graph.unit}_day or "
        "value_of_time.usd_per_t_day — add one or pass value_of_time_usd_per_unit_day"
    )


def normalise_by(by: str) -> str:
    """The canonical criterion name for ``by`` (raises UnknownNameError with suggestions)."""
    key = _ALIASES.get(by.lower(), by.lower())
    if key not in CRITERIA:
        raise UnknownNameError("criterion (--by)", by, closest(by, list(CRITERIA), 3, 0.3))
    return key


def criterion_weights(
    network: Network,
    graph: Graph,
    by: str,
    *,
    value_of_time_usd_per_unit_day: float | None = None,
) -> np.ndarray:
    """The per-edge weight array a search on ``by`` minimises."""
    key = normalise_by(by)
    if key == "generalised":
        vot = value_of_time(
            network, graph, override_usd_per_unit_day=value_of_time_usd_per_unit_day
        )
        return graph.cost_usd + vot.usd_per_unit_day * graph.time_h / HOURS_PER_DAY
    return graph.weights(CRITERIA[key])
