"""1520 mm trains move at their country's speed: ``speed.rail1520_<cc>_kmh`` first.

Hand values from parameters.toml's sources: Turkmenistan 700 km Etrek–Serhetyaka in
17 h 45 min (Feb 2024) = 39.4 km/h; Russia (RZD 2024, in motion) 40.6 km/h; Kazakhstan
and Azerbaijan have no sourced speed (a gap: the RZD value, marked as an estimate).
"""

from __future__ import annotations

import pytest

from instc.network.graph import build_graph
from instc.network.load import load_network


@pytest.fixture(scope="module")
def graph():
    return build_graph(load_network(as_of="2026-12-05", today="2026-12-05"), cargo="container")


def moving_h(graph, link_id: str) -> float:
    return float(graph.moving_h[graph.link_id.index(link_id)])


def test_turkmen_links_run_at_the_turkmen_speed(graph) -> None:
    # r-serhetyaka-bereket 471.2 km (share of the ~700 km TM section) / (700 / 17.75 h)
    assert pytest.approx(39.4, abs=0.05) == 700 / 17.75
    assert moving_h(graph, "r-serhetyaka-bereket") == pytest.approx(471.2 / 39.4, rel=1e-9)


def test_russian_links_keep_the_rzd_speed(graph) -> None:
    assert moving_h(graph, "r-moscow-astrakhan") == pytest.approx(1529 / 40.6, rel=1e-9)


def test_kazakh_and_azerbaijani_speeds_are_marked_gaps() -> None:
    params = load_network(as_of=None).parameters["speed"]
    for cc in ("kz", "az"):
        leaf = params[f"rail1520_{cc}_kmh"]
        assert leaf["basis"] == "estimate" and "gap" in leaf["method"]
    assert params["rail1520_tm_kmh"]["basis"] == "derived"


def test_the_audit_lists_the_speed_gaps() -> None:
    from instc.network.audit import audit_tables
    from instc.network.load import load_tables

    parsed = load_tables()
    gaps = {
        r["id"] for r in audit_tables(parsed.tables, parsed.parameters)["checks"]["gaps"]["rows"]
    }
    assert {"parameters/speed.rail1520_kz_kmh", "parameters/speed.rail1520_az_kmh"} <= gaps
    assert "links/r-moscow-astrakhan" in gaps  # capacity: one section's figure, not the line's
    assert "demand/bnp-2021" in gaps  # 2021 throughput not in the sources
