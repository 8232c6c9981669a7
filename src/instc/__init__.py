"""instc: a sourced model of the International North–South Transport Corridor.

Importing instc loads no data and starts nothing; the embedded dataset is read on first
use (:func:`instc.load_network`) and cached. The everyday questions are one call each:
``instc.route("Nhava Sheva", "Moscow")``, ``instc.compare(...)``, ``instc.pareto(...)``,
``instc.places("bandar")``; ``instc.service.reliability(...)`` and
``instc.service.scenarios()`` (``instc.reliability`` and ``instc.scenarios`` are the
packages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from instc._errors import (
    DataError,
    InstcError,
    NoRouteError,
    ScenarioError,
    TNTPFormatError,
    UnknownNameError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "CompareQuery",
    "Constraints",
    "DataError",
    "InstcError",
    "NoRouteError",
    "ReliabilityQuery",
    "RouteQuery",
    "ScenarioError",
    "TNTPFormatError",
    "UnknownNameError",
    "ValidationError",
    "__version__",
    "build_graph",
    "compare",
    "get_network",
    "load_network",
    "network_geojson",
    "pareto",
    "places",
    "route",
]

if TYPE_CHECKING:
    from instc.network import build_graph, load_network
    from instc.service import (
        CompareQuery,
        Constraints,
        ReliabilityQuery,
        RouteQuery,
        compare,
        get_network,
        network_geojson,
        pareto,
        places,
        route,
    )

_LAZY = {
    "load_network": "instc.network",
    "build_graph": "instc.network",
    **dict.fromkeys(
        (
            "CompareQuery",
            "Constraints",
            "ReliabilityQuery",
            "RouteQuery",
            "compare",
            "get_network",
            "network_geojson",
            "pareto",
            "places",
            "route",
        ),
        "instc.service",
    ),
}


def __getattr__(name: str) -> Any:
    # Lazy re-exports keep `import instc` (and `instc --help`) free of pandas/scipy.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'instc' has no attribute {name!r}")
