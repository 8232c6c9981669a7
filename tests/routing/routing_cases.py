"""A hand-built corridor with figures worked out by hand in the tests."""

from __future__ import annotations

from typing import Any

from routing_toynet import make_network

from instc.network.model import Network

NODES = [
    {"node_id": "A", "country": "IN", "lat": 19.0, "lon": 73.0},
    {"node_id": "B", "country": "IR", "lat": 27.0, "lon": 56.0},
    {"node_id": "C", "country": "IR", "lat": 38.4, "lon": 48.9},
    {"node_id": "D", "country": "AZ", "lat": 38.5, "lon": 48.8},
    {"node_id": "E", "country": "RU", "lat": 55.7, "lon": 37.6},
]
LINKS: list[dict[str, Any]] = [
    {
        "link_id": "L1",
        "from_node": "A",
        "to_node": "B",
        "mode": "sea",
        "length_km": 1500.0,
        "source_ids": ("S1",),
    },
    {
        "link_id": "L2",
        "from_node": "B",
        "to_node": "C",
        "mode": "rail",
        "gauge_mm": 1435,
        "length_km": 600.0,
        "source_ids": ("S2",),
    },
    {
        "link_id": "L3",
        "from_node": "C",
        "to_node": "D",
        "mode": "rail",
        "gauge_mm": 1520,
        "length_km": 10.0,
        "border_id": "CD",
        "source_ids": ("S3",),
    },
    {
        "link_id": "L4",
        "from_node": "D",
        "to_node": "E",
        "mode": "rail",
        "gauge_mm": 1520,
        "length_km": 800.0,
        "source_ids": ("S4",),
    },
    {
        "link_id": "R1",
        "from_node": "B",
        "to_node": "D",
        "mode": "road",
        "length_km": 1200.0,
        "border_id": "CD",
        "source_ids": ("S5",),
    },
]
TRANSFERS = [
    {
        "node_id": "B",
        "from_layer": "sea",
        "to_layer": "rail1435",
        "kind": "port",
        "dwell_h": 24.0,
        "cost_usd_per_teu": 100.0,
        "co2e_kg_per_t": 2.0,
        "source_ids": ("T1",),
    },
    {
        "node_id": "B",
        "from_layer": "sea",
        "to_layer": "road",
        "kind": "port",
        "dwell_h": 20.0,
        "cost_usd_per_teu": 90.0,
        "co2e_kg_per_t": 1.0,
        "source_ids": ("T1",),
    },
    {
        "node_id": "C",
        "from_layer": "rail1435",
        "to_layer": "rail1520",
        "kind": "gauge_break",
        "dwell_h": 12.0,
        "cost_usd_per_teu": 50.0,
        "source_ids": ("T2",),
    },
    {
        "node_id": "D",
        "from_layer": "road",
        "to_layer": "rail1520",
        "kind": "handling",
        "dwell_h": 8.0,
        "cost_usd_per_teu": 70.0,
        "source_ids": ("T3",),
    },
]
BORDERS = [
    {
        "border_id": "CD",
        "mode": "rail",
        "name": "C-D rail",
        "countries": ("IR", "AZ"),
        "dwell_h": 6.0,
        "cost_usd_per_teu": 40.0,
        "source_ids": ("B1",),
    },
    {
        "border_id": "CD",
        "mode": "road",
        "name": "C-D road",
        "countries": ("IR", "AZ"),
        "dwell_h": 10.0,
        "cost_usd_per_teu": 60.0,
        "source_ids": ("B1",),
    },
]
TARIFFS = [
    {
        "tariff_id": "t-sea",
        "mode": "sea",
        "cargo": "container",
        "usd_per_unit_km": 0.5,
        "source_ids": ("C1",),
    },
    {
        "tariff_id": "t-rail-ir",
        "mode": "rail",
        "country": "IR",
        "cargo": "container",
        "usd_per_unit_km": 0.2,
        "source_ids": ("C2",),
    },
    {
        "tariff_id": "t-rail",
        "mode": "rail",
        "cargo": "container",
        "usd_per_unit_km": 0.3,
        "source_ids": ("C3",),
    },
    {
        "tariff_id": "t-road",
        "mode": "road",
        "cargo": "container",
        "usd_per_unit_km": 1.0,
        "source_ids": ("C4",),
    },
]
SERVICES = [
    {
        "service_id": "liner",
        "name": "A-B liner",
        "link_ids": ("L1",),
        "frequency_per_week": 2.0,
        "source_ids": ("V1",),
    },
]


def corridor(**changes: Any) -> Network:
    """The toy corridor A (IN) -sea- B (IR) -rail1435- C -gauge break- -rail1520- D (AZ) - E (RU),
    plus a road B-D across the same border."""
    parts: dict[str, Any] = {
        "nodes": NODES,
        "links": LINKS,
        "transfers": TRANSFERS,
        "borders": BORDERS,
        "tariffs": TARIFFS,
        "services": SERVICES,
    }
    parts.update(changes)
    return make_network(**parts)
