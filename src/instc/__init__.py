"""instc: a sourced model of the International North–South Transport Corridor.

Importing instc loads no data and starts nothing; the embedded dataset is read on first
use (:func:`instc.load_network`) and cached.
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
    "DataError",
    "InstcError",
    "NoRouteError",
    "ScenarioError",
    "TNTPFormatError",
    "UnknownNameError",
    "ValidationError",
    "__version__",
    "build_graph",
    "load_network",
]

if TYPE_CHECKING:
    from instc.network import build_graph, load_network

_LAZY = {"load_network": "instc.network", "build_graph": "instc.network"}


def __getattr__(name: str) -> Any:
    # Lazy re-exports keep `import instc` (and `instc --help`) free of pandas/scipy.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'instc' has no attribute {name!r}")
