"""What a scenario changes in the tables: links that open or close, values that move.

:func:`table_changes` compares two networks (typically a network and
``apply_scenario(network, scenario)``) row by row on each table's key, so a user can
check that a scenario does what it says before looking at routes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from instc._values import is_missing

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network

__all__ = ["CellChange", "TableChanges", "table_changes"]


@dataclass(frozen=True)
class CellChange:
    """One value that differs: table, row key (joined with ``/``), column, before, after."""

    table: str
    key: str
    column: str
    before: Any
    after: Any


@dataclass(frozen=True)
class TableChanges:
    """Usable links opened and closed, rows added or removed, and changed values."""

    links_opened: tuple[str, ...]
    links_closed: tuple[str, ...]
    rows_added: tuple[tuple[str, str], ...]  # (table, key)
    rows_removed: tuple[tuple[str, str], ...]
    cells: tuple[CellChange, ...]
    as_of_before: Any = None
    as_of_after: Any = None

    @property
    def empty(self) -> bool:
        return not (
            self.links_opened
            or self.links_closed
            or self.rows_added
            or self.rows_removed
            or self.cells
            or self.as_of_before != self.as_of_after
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of_before": self.as_of_before,
            "as_of_after": self.as_of_after,
            "links_opened": list(self.links_opened),
            "links_closed": list(self.links_closed),
            "rows_added": [{"table": t, "key": k} for t, k in self.rows_added],
            "rows_removed": [{"table": t, "key": k} for t, k in self.rows_removed],
            "cells": [
                {
                    "table": c.table,
                    "key": c.key,
                    "column": c.column,
                    # an empty cell (NaN) is null: NaN is not JSON
                    "before": None if is_missing(c.before) else c.before,
                    "after": None if is_missing(c.after) else c.after,
                }
                for c in self.cells
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per change: ``change`` (link_opened, link_closed, row_added,
        row_removed, cell), ``table``, ``key``, and for a cell ``column``, ``before``
        and ``after`` (None otherwise). The dates compared are in :meth:`to_dict`."""
        import pandas as pd

        rows: list[tuple[str, str, str, str | None, Any, Any]] = [
            *(("link_opened", "links", k, None, None, None) for k in self.links_opened),
            *(("link_closed", "links", k, None, None, None) for k in self.links_closed),
            *(("row_added", t, k, None, None, None) for t, k in self.rows_added),
            *(("row_removed", t, k, None, None, None) for t, k in self.rows_removed),
            *(("cell", c.table, c.key, c.column, c.before, c.after) for c in self.cells),
        ]
        columns = ["change", "table", "key", "column", "before", "after"]
        return pd.DataFrame(rows, columns=columns).astype({"before": object, "after": object})


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
    except TypeError:
        pass
    try:
        import pandas as pd

        if pd.isna(a) is True and pd.isna(b) is True:
            return True
    except (TypeError, ValueError):
        pass
    return bool(a == b)


def _keyed(frame: pd.DataFrame, key: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        name = "/".join("" if row.get(k) is None else str(row.get(k)) for k in key)
        out.setdefault(name, {str(k): v for k, v in row.items()})
    return out


def table_changes(before: Network, after: Network) -> TableChanges:
    """Compare two networks table by table (``all_links`` for links, on the schema keys).

    ``links_opened`` / ``links_closed`` compare the usable links (``network.links``).
    """
    from instc.network.schema import TABLES

    def full(network: Network) -> pd.DataFrame:
        links = network.all_links if network.all_links is not None else network.links
        return links.drop(columns=["expected"]) if "expected" in links.columns else links

    usable_before = set(before.links["link_id"])
    usable_after = set(after.links["link_id"])
    added: list[tuple[str, str]] = []
    removed: list[tuple[str, str]] = []
    cells: list[CellChange] = []
    for name, table in TABLES.items():
        if name not in before.tables or name not in after.tables:
            continue
        old = full(before) if name == "links" else before.tables[name]
        new = full(after) if name == "links" else after.tables[name]
        rows_old, rows_new = _keyed(old, table.key), _keyed(new, table.key)
        added.extend((name, k) for k in rows_new if k not in rows_old)
        removed.extend((name, k) for k in rows_old if k not in rows_new)
        for key, row in rows_new.items():
            if key not in rows_old:
                continue
            for column, value in row.items():
                previous = rows_old[key].get(column)
                if not _same(previous, value):
                    cells.append(CellChange(name, key, column, previous, value))
    return TableChanges(
        links_opened=tuple(sorted(usable_after - usable_before)),
        links_closed=tuple(sorted(usable_before - usable_after)),
        rows_added=tuple(added),
        rows_removed=tuple(removed),
        cells=tuple(cells),
        as_of_before=before.as_of,
        as_of_after=after.as_of,
    )
