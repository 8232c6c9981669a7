"""The web map in headless chromium: search -> options -> the route on the map; the
as-of slider changes the network; nothing leaves 127.0.0.1; no console errors."""

from __future__ import annotations

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
    page.wait_for_selector("#options tbody tr", timeout=120_000)
    dash = page.evaluate(
        "() => window.instcMap.getPaintProperty('route-legs-straight', 'line-dasharray')"
    )
    assert dash and len(dash) == 2
    seen_straight = seen_solid = False
    for i in range(page.locator("#options tbody tr").count()):
        page.locator("#options tbody tr").nth(i).click()
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
