"""The network layer: schema, validated tables, as-of filter and the compiled graph.

Names are imported lazily (PEP 562) so that ``import instc.network`` stays cheap and
one submodule can be used while another is still being written.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instc.network.graph import Graph, build_graph
    from instc.network.load import load_network
    from instc.network.model import Network

__all__ = ["Graph", "Network", "build_graph", "load_network"]

_WHERE = {
    "Graph": "instc.network.graph",
    "build_graph": "instc.network.graph",
    "load_network": "instc.network.load",
    "Network": "instc.network.model",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'instc.network' has no attribute {name!r}")
