"""The network layer: schema, validated tables, as-of filter and the compiled graph."""

from __future__ import annotations

from instc.network.graph import Graph, build_graph
from instc.network.load import load_network
from instc.network.model import Network

__all__ = ["Graph", "Network", "build_graph", "load_network"]
