"""Dated values: the row of a table valid at a date.

Tariffs, transfers, borders and services carry a validity period (``valid_from`` /
``valid_to``; services ``start_date`` / ``end_date``), so one thing (a series: a transfer
at a place between two layers, a border for a mode, a tariff for a selection of links, a
service) may have several rows that follow each other in time. The period is half-open:
a row holds from ``valid_from`` (empty: always before) until the day before
``valid_to`` (empty: still holds). The validator rejects overlapping periods within a
series and ``valid_to <= valid_from``.

The network as of date ``D`` uses, per series, the row whose period contains ``D``.
When no row does:

- services (``strict_validity``): the service does not run at ``D``, no row;
- tariffs, transfers, borders: the row nearest in time (the last one that ended before
  ``D``, else the first one that starts after it), with a note in the ``as_of_note``
  column saying so. The graph copies the note into the leg's notes, which reach the
  option's assumptions: a value from another period is stated, never a silent 0 and
  never a silently missing transfer.

With no date (``as_of=None``: "whatever its status"), each series keeps its latest row.
:func:`rows_valid_at` is the one helper every dated table goes through;
:func:`select_valid` does the same on any frame given its column names (e.g. dated
capacities).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NOTE_COLUMN", "period_text", "rows_valid_at", "select_valid", "valid_at"]

NOTE_COLUMN = "as_of_note"


def _date(value: Any) -> dt.date | None:
    # tables built in memory may hold NaN/NaT/None for an empty cell: only a date counts
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def valid_at(valid_from: Any, valid_to: Any, when: dt.date) -> bool:
    """Whether a row valid ``[valid_from, valid_to)`` holds at ``when`` (empty: open).

    >>> valid_at(dt.date(2017, 1, 1), dt.date(2023, 1, 1), dt.date(2022, 12, 31))
    True
    >>> valid_at(dt.date(2017, 1, 1), dt.date(2023, 1, 1), dt.date(2023, 1, 1))
    False
    >>> valid_at(None, None, dt.date(1990, 1, 1))
    True
    """
    start, end = _date(valid_from), _date(valid_to)
    return (start is None or start <= when) and (end is None or when < end)


def period_text(valid_from: Any, valid_to: Any) -> str:
    """A validity period for a reader: ``2017-01-01 to 2023-01-01``, ``from 2023-01-01``.

    >>> period_text(None, dt.date(2023, 1, 1))
    'until 2023-01-01'
    """
    start, end = _date(valid_from), _date(valid_to)
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return "always"


def _key_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return value


def select_valid(
    frame: pd.DataFrame,
    *,
    series: Sequence[str],
    valid_from: str,
    valid_to: str,
    as_of: dt.date | None,
    strict: bool = False,
    what: str = "row",
) -> pd.DataFrame:
    """The rows of ``frame`` valid at ``as_of``: one per ``series`` key (see module doc).

    Rows keep their file order. The result has a column :data:`NOTE_COLUMN` (a string
    where the row was taken from another period, else ``None``). Columns ``valid_from`` /
    ``valid_to`` that the frame lacks count as empty (always valid).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"k": ["a", "a"], "v": [1, 2],
    ...     "valid_from": [None, dt.date(2023, 1, 1)], "valid_to": [dt.date(2023, 1, 1), None]})
    >>> select_valid(f, series=["k"], valid_from="valid_from", valid_to="valid_to",
    ...              as_of=dt.date(2017, 6, 1))["v"].tolist()
    [1]
    """
    n = len(frame)
    starts = [_date(v) for v in frame[valid_from]] if valid_from in frame.columns else [None] * n
    ends = [_date(v) for v in frame[valid_to]] if valid_to in frame.columns else [None] * n
    present = [c for c in series if c in frame.columns]
    columns = [[_key_value(v) for v in frame[c]] for c in present]
    keys: list[tuple[Any, ...]] = list(zip(*columns, strict=True)) if columns else [()] * n
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(tuple(key), []).append(i)
    chosen: dict[int, str | None] = {}
    for key, rows in groups.items():
        if len(rows) == 1 and starts[rows[0]] is None and ends[rows[0]] is None:
            chosen[rows[0]] = None  # the common case: one undated row
            continue
        if as_of is None:
            latest = max(rows, key=lambda i: (starts[i] or dt.date.min, i))
            chosen[latest] = None
            continue
        hits = [i for i in rows if valid_at(starts[i], ends[i], as_of)]
        if hits:
            chosen[hits[0]] = None  # the validator rules out overlaps; the first on ties
            continue
        if strict:
            continue
        before = {i: end for i in rows if (end := ends[i]) is not None and end <= as_of}
        if before:
            pick = max(before, key=lambda i: (before[i], i))
        else:
            pick = min(rows, key=lambda i: (starts[i] or dt.date.min, i))
        shown = "/".join(str(k) for k in key if k != "")
        chosen[pick] = (
            f"{what} {shown}: no value valid at {as_of}; used the one valid "
            f"{period_text(starts[pick], ends[pick])} (nearest in time)"
        )
    order = sorted(chosen)
    out = frame.iloc[order].copy()
    out[NOTE_COLUMN] = [chosen[i] for i in order]
    return out.reset_index(drop=True)


def rows_valid_at(frame: pd.DataFrame, table: str, as_of: dt.date | None) -> pd.DataFrame:
    """The rows of the dated ``table`` (a name in the schema) valid at ``as_of``.

    A table without a validity period is returned as it is (plus an empty note column).
    """
    from instc.network.schema import TABLES

    spec = TABLES[table]
    if spec.validity is None:
        out = frame.copy()
        out[NOTE_COLUMN] = None
        return out
    return select_valid(
        frame,
        series=spec.series_key,
        valid_from=spec.validity[0],
        valid_to=spec.validity[1],
        as_of=as_of,
        strict=spec.strict_validity,
        what=table.rstrip("s"),
    )
