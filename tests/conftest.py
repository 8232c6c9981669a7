"""Shared fixtures. The TNTP benchmark networks are read from ../shared/data/tntp (or
$INSTC_TNTP_DIR); they are never copied into the project. With CI=true a missing folder
fails the tests that need it instead of skipping them."""

from __future__ import annotations

import os
from pathlib import Path

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
