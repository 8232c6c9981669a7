"""Fixtures of the report tests: one network, the reports built once per session, and a
headless Debian chromium driven by Playwright.

Browser tests need ``/usr/bin/chromium`` (``apt-get install chromium``; never
``playwright install``): with CI=true a missing browser fails them, elsewhere it skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Debian's chromium; INSTC_CHROMIUM points elsewhere (the tests of this rule use it)
CHROMIUM = Path(os.environ.get("INSTC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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


def _fail_or_skip(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _fail_or_skip(f"{CHROMIUM} not found: apt-get install chromium (browser tests)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _fail_or_skip("playwright is not installed: uv sync (it is a dev dependency)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
