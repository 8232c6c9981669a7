"""The deep-sea waypoint chains against sourced port-to-port distances.

Mumbai–London is 6,200 nm via Suez and 10,800 nm via the Cape (parameters.md §3.6,
source P-yoursuccess-distance). Nhava Sheva–Rotterdam must come within 3% of those:
the legs are great circles between waypoints placed at sea, so a chain that cuts a
corner over land comes out short and one that wanders comes out long.
"""

from __future__ import annotations

import pytest

from instc.network import load_network
from instc.routing import route
from instc.units import km_to_nm


@pytest.fixture(scope="module")
def network():
    return load_network(as_of="2026-01-01")


def test_suez_chain_matches_the_sourced_distance(network) -> None:
    option = route(network, "INNSA", "NLRTM", by="distance", avoid={"country": ["IR", "RU"]})
    assert "EG" in option.countries
    assert km_to_nm(option.totals.distance_km) == pytest.approx(6200, rel=0.03)


def test_cape_chain_matches_the_sourced_distance(network) -> None:
    option = route(network, "INNSA", "NLRTM", by="distance", avoid={"country": ["EG", "IR", "RU"]})
    assert "ZA-CAPE" in {leg.to_node for leg in option.legs}
    assert km_to_nm(option.totals.distance_km) == pytest.approx(10800, rel=0.03)
