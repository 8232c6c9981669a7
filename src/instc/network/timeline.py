"""Project status as of a date, from the ``project_status`` timeline.

The status of a project at date ``D``: among its ``project_status`` rows that apply to
all parties (``party`` empty) and whose ``date <= D``, the row with the latest
``date`` wins (for equal dates, the later row in the file). A project with no such row
is ``planned``. For a date range the earliest ``date`` counts; ``date_latest`` is
information for the reader, not for the filter.

A forecast (``basis`` ``expected``) whose latest date has passed without an observed
event has *slipped*: :func:`drop_slipped_forecasts` removes it when a network is loaded
(:func:`instc.network.load.load_network`), so a project expected to open in March 2026
is not treated as open in December 2026 or later; ``network audit`` still lists it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from instc._errors import DataError
from instc._values import frame_records

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network

__all__ = [
    "drop_slipped_forecasts",
    "parse_as_of",
    "project_status_as_of",
    "slipped_forecasts",
    "summarize_network",
]

STATUS_COLUMNS = ("project_id", "name", "kind", "status", "basis", "since", "expected")


def parse_as_of(value: Any) -> dt.date:
    """A date from a ``date``, ``datetime``, ISO string (``YYYY[-MM[-DD]]``) or int year
    (see :func:`instc._values.parse_date`); DataError otherwise.

    >>> parse_as_of("2030")
    datetime.date(2030, 1, 1)
    >>> parse_as_of(2026)
    datetime.date(2026, 1, 1)
    """
    from instc._values import parse_date

    try:
        return parse_date(value)
    except ValueError:
        pass
    raise DataError(
        f"bad as-of date {value!r} — write a date as YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2030-01-01)"
    )


def slipped_forecasts(timeline: pd.DataFrame, today: dt.date) -> list[bool]:
    """Per ``project_status`` row: a forecast whose window ended before ``today``.

    The window ends at ``date_latest`` (else ``date``). A row is slipped when its
    ``basis`` is ``expected`` and that end is before ``today``: the date passed and no
    observed (``actual``) row took its place, so it no longer says what will happen.

    >>> import pandas as pd, datetime as dt
    >>> rows = pd.DataFrame({"basis": ["expected", "expected", "actual"],
    ...     "date": [dt.date(2026, 3, 20), dt.date(2026, 1, 1), dt.date(2020, 1, 1)],
    ...     "date_latest": [None, dt.date(2026, 12, 31), None]})
    >>> slipped_forecasts(rows, dt.date(2026, 12, 5))
    [True, False, False]
    """
    out: list[bool] = []
    for row in frame_records(timeline):
        end = row.get("date_latest") or row.get("date")
        out.append(row.get("basis") == "expected" and isinstance(end, dt.date) and end < today)
    return out


def drop_slipped_forecasts(tables: Mapping[str, pd.DataFrame], today: dt.date) -> pd.DataFrame:
    """The ``project_status`` table without its slipped forecasts (see above)."""
    timeline = tables["project_status"]
    slipped = slipped_forecasts(timeline, today)
    if not any(slipped):
        return timeline
    return timeline.loc[[not s for s in slipped]].reset_index(drop=True)


def project_status_as_of(
    network_or_tables: Network | Mapping[str, pd.DataFrame], date: Any
) -> pd.DataFrame:
    """The status of every project at ``date``, one row per project in ``projects`` order.

    Columns: ``project_id``, ``name``, ``kind``, ``status``, ``basis`` (``actual``,
    ``expected``, or ``None`` when no timeline row applies yet), ``since`` (the date of
    the winning row, or ``None``) and ``expected`` (the status rests on a forecast).

    >>> import pandas as pd, datetime as dt
    >>> tables = {
    ...     "projects": pd.DataFrame({"project_id": ["P1"], "name": ["Line"], "kind": ["rail"]}),
    ...     "project_status": pd.DataFrame({
    ...         "project_id": ["P1", "P1"], "status": ["under_construction", "open"],
    ...         "date": [dt.date(2024, 1, 1), dt.date(2028, 1, 1)], "party": [None, None],
    ...         "basis": ["actual", "expected"]}),
    ... }
    >>> project_status_as_of(tables, "2030")[["status", "expected"]].values.tolist()
    [['open', True]]
    >>> project_status_as_of(tables, 2020)["status"].tolist()
    ['planned']
    """
    import pandas as pd

    when = parse_as_of(date)
    tables: Mapping[str, pd.DataFrame] = (
        network_or_tables.tables if hasattr(network_or_tables, "tables") else network_or_tables
    )
    projects = tables["projects"]
    timeline = tables["project_status"]
    latest: dict[str, tuple[dt.date, int, str, str | None]] = {}
    for order, row in enumerate(frame_records(timeline)):
        start, party = row.get("date"), row.get("party")
        # rows for one party only (agreements) do not set the project's own status
        if not isinstance(start, dt.date) or start > when or (isinstance(party, str) and party):
            continue
        pid = row["project_id"]
        candidate = (start, order, row["status"], row.get("basis"))
        if pid not in latest or candidate[:2] > latest[pid][:2]:
            latest[pid] = candidate
    records = []
    for row in frame_records(projects):
        pid = row["project_id"]
        hit = latest.get(pid)
        records.append(
            {
                "project_id": pid,
                "name": row.get("name"),
                "kind": row.get("kind"),
                "status": hit[2] if hit else "planned",
                "basis": hit[3] if hit else None,
                "since": hit[0] if hit else None,
                "expected": bool(hit and hit[3] == "expected"),
            }
        )
    frame = pd.DataFrame(records, columns=list(STATUS_COLUMNS))
    frame["expected"] = frame["expected"].astype(bool)
    return frame


def summarize_network(network: Network) -> dict[str, Any]:
    """Counts, length by mode, countries and project statuses of ``network``.

    Keys: ``as_of`` (ISO date or ``None``), ``nodes``, ``links`` (usable links at
    ``as_of``), ``length_km_by_mode``, ``countries`` (ISO codes of the nodes),
    ``projects`` (``{id, name, status}`` as of the date; with no date, the latest
    known status).
    """
    links = network.links
    length: dict[Any, float] = (
        links.groupby("mode")["length_km"].sum().to_dict() if len(links) else {}
    )
    status = project_status_as_of(network, network.as_of or dt.date.max)
    return {
        "as_of": network.as_of.isoformat() if network.as_of else None,
        "nodes": len(network.nodes),
        "links": len(links),
        "length_km_by_mode": {str(m): round(float(v), 1) for m, v in length.items()},
        "countries": sorted({str(c) for c in network.nodes["country"] if c}),
        "projects": [
            {"id": r["project_id"], "name": r["name"], "status": r["status"]}
            for r in frame_records(status)
        ],
    }
