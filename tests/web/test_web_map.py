"""The web map in headless chromium: search -> options -> the route on the map; the
as-of slider changes the network; the scenario picker shows before/after; the CSV and
GeoJSON downloads are the options shown; nothing leaves 127.0.0.1; no console errors."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

IDLE = """() => new Promise((resolve) => {
  const map = window.instcMap;
  if (map.loaded() && !map.isMoving()) { resolve(true); return; }
  map.once('idle', () => resolve(true));
})"""


@pytest.fixture(scope="module")
def page(browser: Any, server: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page.console_lines = []  # type: ignore[attr-defined]
    page.outside = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda msg: (
            page.console_lines.append(f"{msg.type}: {msg.text}")  # type: ignore[attr-defined]
            # the GL driver's own performance notes (SwiftShader) are not the page's
            if msg.type in ("error", "warning") and "GL Driver Message" not in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda err: page.console_lines.append(f"pageerror: {err}"))  # type: ignore[attr-defined]

    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith((server, "blob:", "data:")):
            route.continue_()
        else:
            page.outside.append(url)  # type: ignore[attr-defined]
            route.abort()

    page.route("**/*", gate)
    page.goto(server + "/", wait_until="load")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    yield page
    page.close()


def test_search_shows_options_and_the_route_on_the_map(page: Any) -> None:
    page.fill("#origin", "Nhava")
    page.wait_for_selector("body[data-suggestions]", state="attached", timeout=30_000)
    options = page.eval_on_selector_all("#origin-list option", "els => els.map(e => e.value)")
    assert any("Nhava Sheva" in v for v in options)
    page.fill("#origin", "Nhava Sheva")
    page.fill("#destination", "Moscow")
    page.click("#go")
    page.wait_for_selector("#options tbody tr", timeout=120_000)
    rows = page.locator("#options tbody tr")
    assert rows.count() >= 2
    page.evaluate(IDLE)
    legs = page.evaluate(
        "() => window.instcMap.queryRenderedFeatures({layers: ['route-legs']})"
        ".map(f => f.properties.mode)"
    )
    assert "sea" in legs
    # the Pareto chart has a point per option, the sort by days reorders the rows
    assert page.locator("#pareto circle.pareto-point").count() >= 1
    page.click("th[data-key='days']")
    days = page.eval_on_selector_all(
        "#options tbody tr td:nth-child(3)", "els => els.map(e => e.textContent)"
    )
    # German locale: a decimal comma
    values = [float(d.replace(".", "").replace(",", ".")) for d in days]
    assert values == sorted(values)
    assert all("," in d for d in days)


def test_the_slider_changes_the_network(page: Any) -> None:
    def links_at(year: int) -> int:
        page.evaluate(
            """(y) => { const s = document.getElementById('asof'); s.value = String(y);
            s.dispatchEvent(new Event('change')); }""",
            year,
        )
        page.wait_for_function(
            "(y) => document.getElementById('asof-value').textContent === String(y) && "
            "document.getElementById('opening').textContent.includes(String(y))",
            arg=year,
            timeout=60_000,
        )
        return int(page.evaluate("() => document.body.dataset.networkLinks"))

    early, late = links_at(2024), links_at(2035)
    assert early != late
    assert "opened since 2024" in page.text_content("#opening")


def _rendered(page: Any, layer: str) -> list[str]:
    """The ``alignment`` property of each feature drawn on the map in ``layer``."""
    page.evaluate(IDLE)
    return list(
        page.evaluate(
            "(layer) => window.instcMap.queryRenderedFeatures({layers: [layer]})"
            ".map(f => f.properties.alignment || '')",
            layer,
        )
    )


def test_legs_drawn_straight_are_dashed_and_in_the_legend(page: Any) -> None:
    page.fill("#origin", "Nhava Sheva")
    page.fill("#destination", "Moscow")
    page.click("#go")
    # the rows of the previous search are still there: wait for this search to end
    # (its result re-selects the first option and would redraw the map mid-loop)
    page.wait_for_function(
        "() => !document.getElementById('status').textContent.includes('finding options')",
        timeout=120_000,
    )
    page.wait_for_selector("#options tbody tr", timeout=120_000)
    dash = page.evaluate(
        "() => window.instcMap.getPaintProperty('route-legs-straight', 'line-dasharray')"
    )
    assert dash and len(dash) == 2
    seen_straight = seen_solid = False
    for i in range(page.locator("#options tbody tr").count()):
        # the route source's setData is processed off the main thread: a map that was
        # idle before the click still reports loaded, so wait for the idle event that
        # follows this click's redraw (registered before the click) before querying
        page.evaluate(
            "() => { window.instcRedrawn = new Promise("
            "(resolve) => window.instcMap.once('idle', () => resolve(true))); }"
        )
        page.locator("#options tbody tr").nth(i).click()
        page.evaluate("() => window.instcRedrawn")
        # and until the drawn dashes and the legend agree (a redraw of the previous
        # option may still be on screen for a frame): times out, and fails, if never
        page.wait_for_function(
            "() => window.instcMap.loaded() && "
            "(window.instcMap.queryRenderedFeatures({layers: ['route-legs-straight']})"
            ".length > 0) === (document.querySelectorAll('#legend span.straight').length"
            " === 1)",
            timeout=15_000,
        )
        straight, solid = _rendered(page, "route-legs-straight"), _rendered(page, "route-legs")
        assert set(straight) <= {"straight"}
        assert "straight" not in solid
        legend = page.locator("#legend span.straight")
        assert legend.count() == (1 if straight else 0)
        if straight:
            assert "straight" in legend.text_content()
        seen_straight |= bool(straight)
        seen_solid |= "waypoints" in solid
    # some option has a leg still drawn straight (e.g. Kizlyar - Makhachkala rail), and
    # some leg runs through its waypoints
    assert seen_straight and seen_solid


def test_nothing_leaves_loopback_and_no_console_errors(page: Any) -> None:
    assert page.outside == []  # type: ignore[attr-defined]
    assert page.console_lines == []  # type: ignore[attr-defined]


def _post(server: str, path: str, body: dict[str, Any]) -> Any:
    """The JSON answer of ``POST path`` on the test server (outside the browser)."""
    req = urllib.request.Request(
        server + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=120) as answer:
        return json.loads(answer.read())


def _search(page: Any, origin: str, destination: str) -> dict[str, Any]:
    """Search from the form (the table emptied first, so the rows waited for are new);
    the request body the page sent to the API."""
    page.evaluate("() => document.querySelector('#options tbody').replaceChildren()")
    page.fill("#origin", origin)
    page.fill("#destination", destination)
    page.click("#go")
    page.wait_for_selector("#options tbody tr", timeout=120_000)
    return dict(page.evaluate("() => request()"))


def test_downloads_are_the_options_shown(page: Any, server: str) -> None:
    body = _search(page, "Bandar Abbas", "Moscow")
    compared = _post(server, "/api/compare", {**body, "percentile": 90, "samples": 2000})
    with page.expect_download() as info:
        page.click("#dl-csv")
    download = info.value
    assert download.suggested_filename == "instc-options.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert len(rows) == len(compared["options"]) >= 2
    # the CSV rounds (toFixed): a value is within half its last digit, that half included
    # (4305.795 kg is written 4305.80), plus a float's representation error
    eps = 1e-9
    for row, option in zip(rows, compared["options"], strict=True):
        totals = option["totals"]
        assert row["family"] == (option.get("family") or "")
        assert float(row["cost_usd"]) == pytest.approx(totals["cost_usd"], abs=0.005 + eps)
        days = totals["time_h"] / 24
        assert float(row["time_days"]) == pytest.approx(days, abs=0.0005 + eps)
        assert float(row["co2e_kg"]) == pytest.approx(totals["co2e_kg"], abs=0.005 + eps)
        km = totals["distance_km"]
        assert float(row["distance_km"]) == pytest.approx(km, abs=0.05 + eps)
        p90 = option["reliability"]["time_h"] / 24 if option.get("reliability") else None
        assert (float(row["p90_days"]) if row["p90_days"] else None) == (
            pytest.approx(p90, abs=0.0005 + eps) if p90 is not None else None
        )
    with page.expect_download() as info:
        page.click("#dl-geojson")
    download = info.value
    assert download.suggested_filename == "instc-options.geojson"
    drawn = json.loads(Path(download.path()).read_text())
    assert drawn == _post(server, "/api/compare/geojson", body)
    assert {f["geometry"]["type"] for f in drawn["features"]} >= {"LineString", "Point"}


def test_scenario_picker_shows_before_and_after(page: Any, server: str) -> None:
    body = _search(page, "Bandar Abbas", "Moscow")
    page.select_option("#scenario", "rasht-astara")
    page.wait_for_selector("#before-after table", timeout=120_000)
    cells = page.eval_on_selector_all(
        "#before-after tr:nth-child(2) td", "els => els.map(e => e.textContent)"
    )
    before = _post(server, "/api/compare", body)  # the page's "before": no percentile
    after = _post(
        server,
        "/api/compare",
        {**body, "scenario": "rasht-astara", "percentile": 90, "samples": 2000},
    )

    def usd(text: str) -> float:  # German locale: "1.234" is one thousand two hundred…
        return float(text.replace(".", "").replace(",", "."))

    assert cells[0] == "cost USD"
    assert usd(cells[1]) == pytest.approx(before["options"][0]["totals"]["cost_usd"], abs=0.5)
    assert usd(cells[2]) == pytest.approx(after["options"][0]["totals"]["cost_usd"], abs=0.5)
    page.select_option("#scenario", "")
    page.wait_for_selector("#before-after table", state="detached", timeout=120_000)
