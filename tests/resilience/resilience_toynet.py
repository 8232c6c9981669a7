"""A hand-built rail network for the criticality tests, with costs worked out by hand.

::

    A (IN) --AB-- B (IR) --BC-- C (AZ) --CE-- E (IR) --EF-- F (IR)
                    \\                       /
                     +---BD-- D (IR) --DE--+          G (TM) --GH-- H (TM)

All links are 1520 mm rail at 1 USD per TEU-km. A-B crosses border "AB" (10 USD),
B-C border "BC" and C-E border "CE" (5 USD each). By cost: A->E 320 USD via C, 410 via
D; A->F 370 via C, 460 via D; B->C 105 direct, 405 via D-E. A-B is the only way out of
A (a bridge) and E-F the only way to F; G-H is used by no OD.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from instc.network.model import Network


def _routing_toynet() -> Any:
    """The shared hand-built network builder of tests/routing (imported by path, so
    these tests run on their own)."""
    if "routing_toynet" in sys.modules:
        return sys.modules["routing_toynet"]
    path = Path(__file__).resolve().parents[1] / "routing" / "routing_toynet.py"
    spec = importlib.util.spec_from_file_location("routing_toynet", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["routing_toynet"] = module
    spec.loader.exec_module(module)
    return module


NODES = [
    {"node_id": "A", "country": "IN", "lat": 20.0, "lon": 70.0},
    {"node_id": "B", "country": "IR", "lat": 27.0, "lon": 56.0},
    {"node_id": "C", "country": "AZ", "lat": 38.0, "lon": 48.0},
    {"node_id": "D", "country": "IR", "lat": 34.0, "lon": 58.0},
    {"node_id": "E", "country": "IR", "lat": 37.0, "lon": 54.0},
    {"node_id": "F", "country": "IR", "lat": 38.0, "lon": 56.0},
    {"node_id": "G", "country": "TM", "lat": 39.0, "lon": 60.0},
    {"node_id": "H", "country": "TM", "lat": 40.0, "lon": 61.0},
]


def _rail(link_id: str, a: str, b: str, km: float, border: str | None = None) -> dict[str, Any]:
    return {
        "link_id": link_id,
        "from_node": a,
        "to_node": b,
        "mode": "rail",
        "gauge_mm": 1520,
        "length_km": km,
        "border_id": border,
        "cargo": ("container",),
        "source_ids": ("S1",),
    }


LINKS = [
    _rail("AB", "A", "B", 100.0, "AB"),
    _rail("BC", "B", "C", 100.0, "BC"),
    _rail("CE", "C", "E", 100.0, "CE"),
    _rail("BD", "B", "D", 150.0),
    _rail("DE", "D", "E", 150.0),
    _rail("EF", "E", "F", 50.0),
    _rail("GH", "G", "H", 50.0),
]


def _border(border_id: str, countries: tuple[str, str], usd: float) -> dict[str, Any]:
    return {
        "border_id": border_id,
        "mode": "rail",
        "name": f"border {border_id}",
        "countries": countries,
        "dwell_h": 2.0,
        "cost_usd_per_teu": usd,
        "source_ids": ("B1",),
    }


BORDERS = [
    _border("AB", ("IN", "IR"), 10.0),
    _border("BC", ("IR", "AZ"), 5.0),
    _border("CE", ("AZ", "IR"), 5.0),
]
TARIFFS = [
    {
        "tariff_id": "t-rail",
        "mode": "rail",
        "cargo": "container",
        "usd_per_unit_km": 1.0,
        "source_ids": ("C1",),
    }
]

# weights: A->E counts twice
ODS = [("A", "E", "container", 2.0), ("A", "F", "container", 1.0), ("B", "C", "container", 1.0)]


def toy(links: list[dict[str, Any]] | None = None) -> Network:
    make_network = _routing_toynet().make_network
    return make_network(
        nodes=NODES,
        links=LINKS if links is None else links,
        borders=BORDERS,
        tariffs=TARIFFS,
    )
