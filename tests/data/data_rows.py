"""The data tests' reading of the embedded CSVs as written (cells as text), kept apart
from instc's own loaders so that a test does not check the code with itself."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "src" / "instc" / "data"

Row = dict[str, str]


@cache
def rows(name: str) -> dict[str, Row]:
    """The rows of ``name``.csv by their first column."""
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        reader = list(csv.DictReader(f))
    key = next(iter(reader[0]))
    return {r[key]: r for r in reader}


def ids(cell: str) -> set[str]:
    """The ids of a ``;``-separated cell."""
    return {x for x in cell.split(";") if x}
