from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from network_testutil import MINI

from instc._errors import DataError
from instc.network.load import load_network
from instc.network.timeline import parse_as_of, project_status_as_of


def _tables(rows: list[tuple[str, str, dt.date, str | None, str]]) -> dict[str, pd.DataFrame]:
    projects = pd.DataFrame(
        {"project_id": ["A", "B"], "name": ["Line A", "Deal B"], "kind": ["rail", "agreement"]}
    )
    status = pd.DataFrame(rows, columns=["project_id", "status", "date", "party", "basis"])
    return {"projects": projects, "project_status": status}


def test_status_of_the_mini_project_over_time() -> None:
    net = load_network(MINI, as_of=None)
    cases = {
        2015: ("planned", None, None, False),
        2016: ("planned", "actual", dt.date(2016, 1, 1), False),
        2026: ("under_construction", "actual", dt.date(2025, 1, 1), False),
        2031: ("open", "expected", dt.date(2030, 1, 1), True),
    }
    for year, (status, basis, since, expected) in cases.items():
        row = project_status_as_of(net, year).iloc[0]
        assert list(project_status_as_of(net, year).columns) == [
            "project_id", "name", "kind", "status", "basis", "since", "expected",
        ]  # fmt: skip
        assert (row["status"], row["basis"], row["since"], row["expected"]) == (
            status, basis, since, expected,
        )  # fmt: skip


def test_latest_row_wins_and_party_rows_are_ignored() -> None:
    tables = _tables(
        [
            ("A", "open", dt.date(2020, 1, 1), None, "actual"),
            ("A", "suspended", dt.date(2022, 3, 1), None, "actual"),
            ("A", "open", dt.date(2024, 1, 1), "RU", "actual"),  # one party only
            ("B", "signed", dt.date(2021, 1, 1), None, "actual"),
            ("B", "ratified", dt.date(2021, 1, 1), None, "actual"),  # same date: later row
        ]
    )
    out = project_status_as_of(tables, "2025-01-01").set_index("project_id")
    assert out.loc["A", "status"] == "suspended"
    assert out.loc["B", "status"] == "ratified"
    assert (
        project_status_as_of(tables, "2022-02-28").set_index("project_id").loc["A", "status"]
        == "open"
    )
    assert out["expected"].dtype == bool


def test_parse_as_of() -> None:
    assert parse_as_of("2030-06") == dt.date(2030, 6, 1)
    assert parse_as_of(dt.datetime(2030, 6, 2, 5)) == dt.date(2030, 6, 2)
    for bad in ("2030-02-30", "soon", True, None):
        with pytest.raises(DataError):
            parse_as_of(bad)
