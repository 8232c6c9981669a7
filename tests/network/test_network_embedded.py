"""Invariants the embedded dataset must keep (it is written by hand, so check it here)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from instc._errors import UnknownNameError
from instc.network.contract import embedded_data_dir
from instc.network.load import load_network
from instc.network.places import find_node
from instc.network.timeline import summarize_network
from instc.network.validate import validate_directory


@pytest.fixture(scope="module", autouse=True)
def _embedded_data_present() -> None:
    missing = [
        n
        for n in ("sources.csv", "nodes.csv", "links.csv")
        if not (embedded_data_dir() / n).is_file()
    ]
    if missing:
        pytest.fail(
            f"embedded dataset incomplete: {', '.join(missing)} missing in {embedded_data_dir()}"
        )


def test_embedded_data_validates() -> None:
    problems = validate_directory(embedded_data_dir())
    assert problems == [], "\n".join(map(str, problems))


def test_project_statuses_differ_between_2026_and_2031() -> None:
    before = summarize_network(load_network(as_of="2026-01-01"))
    after = summarize_network(load_network(as_of="2031-01-01"))
    status_before = {p["id"]: p["status"] for p in before["projects"]}
    status_after = {p["id"]: p["status"] for p in after["projects"]}
    assert status_before.keys() == status_after.keys()
    assert status_before != status_after
    assert before["nodes"] == after["nodes"]


def test_every_link_is_usable_at_some_date_or_has_a_status() -> None:
    every = load_network(as_of=None)
    assert len(every.links) == len(every.all_links)
    for year in (2020, 2026, 2031):
        net = load_network(as_of=year)
        assert set(net.links["link_id"]) <= set(every.links["link_id"])


def test_every_node_is_found_by_its_id_and_name() -> None:
    net = load_network(as_of=None)
    for node_id, name in zip(net.nodes["node_id"], net.nodes["name"], strict=True):
        assert find_node(net, node_id) == node_id
        try:
            assert find_node(net, name) == node_id
        except UnknownNameError as exc:  # a shared name: the node must be offered
            assert any(s.endswith(f"({node_id})") for s in exc.suggestions), (name, exc)


def test_repeated_loads_are_cached() -> None:
    load_network(as_of=2026)
    start = time.perf_counter()
    first, second = load_network(as_of=2026), load_network(as_of=2031)
    assert time.perf_counter() - start < 1.0
    assert first.nodes.equals(second.nodes)


def test_embedded_data_round_trips_through_gmns(tmp_path: Path) -> None:
    import pandas as pd

    from instc.network.io import export_gmns, import_gmns
    from instc.network.schema import TABLES

    original = load_network(as_of=None)
    export_gmns(original, tmp_path / "gmns")
    import_gmns(tmp_path / "gmns", tmp_path / "back")
    back = load_network(tmp_path / "back", as_of=None)
    for name in TABLES:
        pd.testing.assert_frame_equal(original.tables[name], back.tables[name])
    assert original.parameters == back.parameters
