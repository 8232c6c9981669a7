"""A scenario's tariff edit reaches the liners sailing the selected links: a liner's own
rate on a selected lane is scaled as its lane (tariffs.service_id rows), the lanes it
sails elsewhere keep theirs, and a set value replaces it there too."""

from __future__ import annotations

import pytest

from instc.network.graph import build_graph
from instc.network.load import load_network
from instc.scenarios import apply_scenario, parse_scenario

HEAD = 'name = "liner-cut"\ndescription = "test"\nsources = ["F001"]\n'
LANE = "s-cape-dakar"  # a lane of the India-North Europe liner round the Cape
OTHER = "s-dakar-canary"  # the next lane of the same rotation, not selected
SERVICE = "deepsea-india-europe-cape"
# the liner's own lane rate (tariffs.csv sea-container-deepsea-cape: USD 3,100/20' in
# June 2024 over the modelled Cape distance), not the sea default USD 0.104852/TEU-km
# that a link row written for the whole link would give it
CAPE_RATE = 0.153053


CUT = (
    f'[[edit]]\naction = "scale"\nfield = "tariff_usd_per_unit_km"\nfactor = 0.5\nlink = "{LANE}"\n'
)
SET = f'[[edit]]\naction = "set"\nfield = "tariff_usd_per_unit_km"\nvalue = 0.2\nlink = "{LANE}"\n'


def _freight(network, link_id: str) -> list[float]:
    """Freight USD/TEU of the edges where the Cape liner sails ``link_id``."""
    g = build_graph(network, cargo="container")
    found = [
        float(g.freight_usd[e])
        for e in range(g.n_edges)
        if g.link_id[e] == link_id and g.service_id[e] == SERVICE
    ]
    assert found
    return found


@pytest.fixture(scope="module")
def baseline():
    return load_network(as_of="2017-06-01")


def test_scaling_a_lane_scales_the_liner_sailing_it(baseline):
    out = apply_scenario(baseline, parse_scenario(HEAD + CUT, file="t.toml"))
    rate = CAPE_RATE
    km = float(baseline.links.set_index("link_id").loc[LANE, "length_km"])
    # the rotation sails the lane out and back: two edges
    assert _freight(baseline, LANE) == pytest.approx([rate * km] * 2, rel=1e-4)
    assert _freight(out, LANE) == pytest.approx([0.5 * rate * km] * 2, rel=1e-4)
    assert _freight(out, OTHER) == pytest.approx(_freight(baseline, OTHER))
    lanes = out.tariffs[out.tariffs["tariff_id"] == f"liner-cut:{LANE}:{SERVICE}:container"]
    assert list(lanes["service_id"]) == [SERVICE]


def test_two_scales_compound_on_the_lane_and_a_set_replaces_it(baseline):
    twice = apply_scenario(baseline, parse_scenario(HEAD + CUT + CUT, file="t.toml"))
    assert _freight(twice, LANE) == pytest.approx([0.25 * f for f in _freight(baseline, LANE)])
    out = apply_scenario(baseline, parse_scenario(HEAD + SET, file="t.toml"))
    km = float(baseline.links.set_index("link_id").loc[LANE, "length_km"])
    assert _freight(out, LANE) == pytest.approx([0.2 * km] * 2)
