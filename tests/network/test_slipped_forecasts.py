"""Forecasts whose date passed without an observed event are not treated as open.

project_status.csv (embedded): chabahar-zahedan expected open 2026-03-20; aras-corridor
expected open 2025-12-31 (latest 2026-03-31); rasht-astara expected open 2028 (latest
2029-03-31); horadiz-aghband expected open 2026 (latest 2026-12-31). Judged on
2026-12-05 the first two have slipped, the last two have not.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from instc.network.audit import audit_tables
from instc.network.load import load_network, load_tables
from instc.network.timeline import project_status_as_of, slipped_forecasts

TODAY = "2026-12-05"


def usable(as_of: str, today: str) -> set[str]:
    return set(load_network(as_of=as_of, today=today).links["link_id"])


def test_slipped_forecasts_do_not_open_their_links() -> None:
    later = usable("2031-01-01", TODAY)
    assert "r-chabahar-zahedan" not in later  # expected 2026-03-20, passed
    assert not {"d-jolfa-kalaleh", "d-kalaleh-aghband"} & later  # Aras, by 2026-03-31
    assert "r-rasht-astara" in later  # expected 2028–2029-03: still a forecast
    assert "r-horadiz-aghband" in usable("2026-12-05", TODAY)  # window ends 2026-12-31


def test_before_the_date_passed_the_forecast_still_counts() -> None:
    later = usable("2031-01-01", "2026-01-01")
    assert {"r-chabahar-zahedan", "d-jolfa-kalaleh"} <= later


def test_status_of_a_slipped_project_is_the_last_observed_one() -> None:
    net = load_network(as_of="2027-01-01", today=TODAY)
    status = project_status_as_of(net, "2027-01-01").set_index("project_id")
    assert status.loc["chabahar-zahedan", "status"] == "under_construction"  # 2020, actual
    assert status.loc["aras-corridor", "status"] == "under_construction"  # 2023-10-07
    assert not status.loc["chabahar-zahedan", "expected"]


def test_the_audit_still_lists_the_slipped_forecasts() -> None:
    parsed = load_tables()
    report = audit_tables(parsed.tables, parsed.parameters, today=dt.date(2026, 12, 5))
    overdue = {r["id"] for r in report["checks"]["forecasts_overdue"]["rows"]}
    assert {"chabahar-zahedan/open", "aras-corridor/open"} <= overdue
    assert "horadiz-aghband/open" not in overdue


def test_slipped_is_judged_on_the_latest_date_of_the_window() -> None:
    rows = pd.DataFrame(
        {
            "basis": ["expected", "expected", "expected", "actual"],
            "date": [
                dt.date(2026, 3, 20),
                dt.date(2025, 12, 31),
                dt.date(2026, 1, 1),
                dt.date(2020, 1, 1),
            ],
            "date_latest": [None, dt.date(2026, 12, 5), dt.date(2026, 12, 31), None],
        }
    )
    # ends 2026-03-20 (passed), 2026-12-05 (today: not before it), 2026-12-31, observed
    assert slipped_forecasts(rows, dt.date(2026, 12, 5)) == [True, False, False, False]
