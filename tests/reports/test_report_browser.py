"""The HTML report in a real headless browser (Debian chromium via Playwright): it loads
with no console message, no page error and no network request, and its map, charts and
tables are visible."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Opened:
    page: Any
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def _open(browser: Any, path: Path) -> Opened:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    opened = Opened(page)
    page.on("console", lambda message: opened.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))

    def handle(route: Any) -> None:
        url = route.request.url
        opened.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort()

    page.route("**/*", handle)
    page.goto(path.as_uri(), wait_until="load")
    return opened


@pytest.fixture(scope="module")
def scenario_page(browser: Any, reports: dict[str, Path]) -> Iterator[Opened]:
    opened = _open(browser, reports["scenario"])
    yield opened
    opened.page.close()


@pytest.fixture(scope="module")
def baseline_page(browser: Any, reports: dict[str, Path]) -> Iterator[Opened]:
    opened = _open(browser, reports["baseline"])
    yield opened
    opened.page.close()


def _visible_box(locator: Any) -> dict[str, float]:
    assert locator.is_visible()
    box = locator.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0, box
    return box


@pytest.mark.parametrize("which", ["scenario_page", "baseline_page"])
def test_page_is_quiet_and_offline(which: str, request: pytest.FixtureRequest) -> None:
    opened: Opened = request.getfixturevalue(which)
    assert opened.console == []
    assert opened.errors == []
    assert opened.blocked == []
    # the page itself is the only request: no image, font, script or style is fetched
    assert [url for url in opened.requests if not url.startswith("data:")] == [opened.page.url]


def test_map_shows_every_family_route(scenario_page: Opened, content: Any) -> None:
    page = scenario_page.page
    overview = page.locator("#map-overview svg.corridor-map")
    box = _visible_box(overview)
    assert box["width"] > 600
    routes = overview.locator("path.route")
    families = [o.family for o in content.comparison.options]
    assert routes.count() == len(families) >= 5
    assert [routes.nth(i).get_attribute("data-family") for i in range(routes.count())] == families
    for i in range(routes.count()):
        _visible_box(routes.nth(i))
    # legend names every family; network links and places are drawn
    legend = overview.locator("g.legend").first
    _visible_box(legend)
    legend_text = legend.text_content() or ""
    for option in content.comparison.options:
        assert option.family_label in legend_text
    assert overview.locator("path.link").count() == len(content.network.all_links)
    assert overview.locator("circle.node").count() > 50
    _visible_box(page.locator("#map-detail svg.corridor-map"))


def test_charts_and_tables_are_visible(scenario_page: Opened, content: Any) -> None:
    page = scenario_page.page
    timeline = _visible_box(page.locator("#timeline-chart svg"))
    families = _visible_box(page.locator("#family-chart svg"))
    assert timeline["height"] > 200 and families["height"] > 100
    # one row per project in the status table, one per family in the comparison table
    assert page.locator("#timeline table tbody tr").count() == len(content.project_status)
    assert page.locator("#comparison table tbody tr").count() == len(content.comparison.options)
    rows = page.locator("#scenario-rasht-astara table.diff tbody tr")
    assert rows.count() == len(content.scenarios[0].diff.pairs)
    _visible_box(rows.first)
    # changed pairs come first and are not greyed out
    changed = sum(p.changed for p in content.scenarios[0].diff.pairs)
    assert changed > 0
    assert page.locator("#scenario-rasht-astara tr.changed").count() == changed
    # the scenario's map: the most changed pair's best route before and after
    scenario_map = page.locator("#scenario-rasht-astara .scenario-map svg.corridor-map")
    _visible_box(scenario_map)
    routes = scenario_map.locator("path.route")
    assert routes.count() == 2
    for i in range(2):
        _visible_box(routes.nth(i))
    links = page.locator("#sources ol.sources li a")
    assert links.count() > 50
    assert (links.first.get_attribute("href") or "").startswith("http")


def test_hovering_a_family_row_dims_the_other_routes(scenario_page: Opened, content: Any) -> None:
    page = scenario_page.page
    family = content.comparison.options[1].family
    page.locator(f'#comparison tr[data-family="{family}"]').hover()
    dimmed = page.locator("#map-overview path.route.dim")
    assert dimmed.count() == len(content.comparison.options) - 1
    assert page.locator(f'#map-overview path.route[data-family="{family}"].dim').count() == 0
    page.mouse.move(0, 0)
    assert page.locator("#map-overview path.route.dim").count() == 0
    assert scenario_page.errors == []


def test_baseline_report_has_no_scenario_tables(baseline_page: Opened) -> None:
    page = baseline_page.page
    assert page.locator("table.diff").count() == 0
    assert "No scenario was asked for" in (page.locator("#scenarios").text_content() or "")
    _visible_box(page.locator("#map-overview path.route").first)


def test_screenshot(scenario_page: Opened, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    scenario_page.page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 1280 and height > 3000


def test_the_harness_catches_requests_console_and_errors(browser: Any, tmp_path: Path) -> None:
    """Negative control: a page that fetches, logs and throws is caught on all three."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="https://tiles.example.org/0/0/0.png">'
        "<script>console.log('hello'); missingFunction();</script></body></html>",
        encoding="utf-8",
    )
    opened = _open(browser, page)
    try:
        assert opened.blocked == ["https://tiles.example.org/0/0/0.png"]
        assert any("hello" in m for m in opened.console)
        assert len(opened.errors) == 1 and "missingFunction" in opened.errors[0]
    finally:
        opened.page.close()


@pytest.mark.parametrize(
    ("ci", "outcome", "returncode"), [("true", "1 error", 1), ("", "1 skipped", 0)]
)
def test_missing_chromium_fails_on_ci_and_skips_elsewhere(
    ci: str, outcome: str, returncode: int
) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "INSTC_CHROMIUM": "/nonexistent/chromium", "CI": ci}
    test = f"{__file__}::test_the_harness_catches_requests_console_and_errors"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == returncode and outcome in result.stdout, result.stdout[-2000:]
    assert "/nonexistent/chromium not found" in result.stdout
