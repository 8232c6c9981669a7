"""The deep-sea waypoint chains against sourced port-to-port distances.

Mumbai–London is 6,200 nm via Suez and 10,800 nm via the Cape (parameters.md §3.6,
source P-yoursuccess-distance). The liner lanes Nhava Sheva–Rotterdam of the generic
India–North Europe services (``service_calls.csv``: ``deepsea-india-europe`` via Suez,
``deepsea-india-europe-cape`` round the Cape) must come within 3% of those: the lanes
are great circles between waypoints placed at sea, so a chain that cuts a corner over
land comes out short and one that wanders comes out long.
"""

from __future__ import annotations

import csv

import pytest

from instc.network.contract import embedded_data_dir
from instc.units import km_to_nm


def _rows(name: str) -> list[dict[str, str]]:
    with (embedded_data_dir() / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _first_passage_km(service_id: str) -> float:
    """Sum of the lane lengths from the service's first call to its second."""
    length = {r["link_id"]: float(r["length_km"]) for r in _rows("links")}
    first = next(
        r for r in _rows("service_calls") if r["service_id"] == service_id and r["sequence"] == "1"
    )
    return sum(length[x] for x in first["lane_link_ids"].split(";"))


def test_suez_chain_matches_the_sourced_distance() -> None:
    assert km_to_nm(_first_passage_km("deepsea-india-europe")) == pytest.approx(6200, rel=0.03)


def test_cape_chain_matches_the_sourced_distance() -> None:
    km = _first_passage_km("deepsea-india-europe-cape")
    assert km_to_nm(km) == pytest.approx(10800, rel=0.03)
