"""Helpers shared by the network tests: copy the mini fixture and edit its cells."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

MINI = Path(__file__).parent / "fixtures" / "mini"


def copy_mini(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture directory."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(directory: Path, table: str, line: int, column: str, value: str) -> None:
    """Set one cell; ``line`` is the CSV line (2 = first data row)."""
    path = directory / f"{table}.csv"
    header, rows = read_rows(path)
    rows[line - 2][column] = value
    write_rows(path, header, rows)
