"""Fixtures of the report tests: one network, the reports built once per session, and a
headless Debian chromium driven by Playwright.

Browser tests need ``/usr/bin/chromium`` (``apt-get install chromium``; never
``playwright install``): with CI=true a missing browser fails them, elsewhere it skips.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# A fixed date, so that the known answers do not move with today's date.
AS_OF = "2026-06-01"
SCENARIO = "rasht-astara"


@pytest.fixture(scope="session")
def network() -> Any:
    from instc.network.load import load_network

    return load_network(as_of=AS_OF)


@pytest.fixture(scope="session")
def content(network: Any) -> Any:
    from instc.reports import collect_report

    return collect_report(network, scenarios=[SCENARIO])


@pytest.fixture(scope="session")
def reports(
    content: Any, network: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The HTML report with one scenario and the baseline report (no scenario)."""
    from instc.reports import render_report, write_atomic, write_report

    folder = tmp_path_factory.mktemp("reports")
    scenario = write_atomic(folder / "scenario.html", render_report(content).encode("utf-8"))
    baseline = write_report(network, folder / "baseline.html")
    return {"scenario": scenario, "baseline": baseline}
