"""Shared fixtures. The TNTP benchmark networks are read from ../shared/data/tntp (or
$INSTC_TNTP_DIR); they are never copied into the project. With CI=true a missing folder
fails the tests that need it instead of skipping them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def tntp_root() -> Path | None:
    env = os.environ.get("INSTC_TNTP_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data" / "tntp")
    for path in candidates:
        if path.is_dir():
            return path
    return None


@pytest.fixture(scope="session")
def tntp_dir() -> Path:
    root = tntp_root()
    if root is None:
        message = (
            "TNTP data not found: set INSTC_TNTP_DIR or place ../shared/data/tntp beside "
            "the repository"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return root


# --- Debian's chromium driven by Playwright: one browser for the whole session --------
# (two sync_playwright() sessions cannot be open in one thread, so the report and the
# web-map tests share this one). Browser tests need /usr/bin/chromium (apt-get install
# chromium; never ``playwright install``): with CI=true a missing browser fails them,
# elsewhere it skips. INSTC_CHROMIUM points elsewhere (the tests of this rule use it).
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
