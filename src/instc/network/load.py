"""Load a dataset directory (or the embedded one) into a validated :class:`Network`.

A directory holds one ``<table>.csv`` per table of :data:`instc.network.schema.TABLES`
and a ``parameters.toml``. ``sources.csv``, ``nodes.csv`` and ``links.csv`` are
required; any other table may be absent and is then empty, and a missing
``parameters.toml`` gives no parameters. Every problem is collected before anything is
raised, so one :class:`~instc._errors.ValidationError` lists all of them.

Parsed, validated tables are cached per directory (keyed by the files' size and
modification time), so repeated loads cost only the as-of filter; each network gets its
own copies of the tables. The ``parameters`` mapping is shared: do not edit it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, ValidationError
from instc.network.contract import config_files_in_subfolders, embedded_data_dir

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.network.validate import ParsedDirectory

__all__ = ["filter_links_as_of", "load_network", "load_tables"]

TODAY = "today"


def _fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime ns) of the directory's CSV and TOML files and of its config
    files in subfolders (``scenarios/_pairs.toml``, the pairs file ``criticality.toml``
    names), by name.

    ``os.scandir`` rather than ``Path.glob``: the HTTP API takes this on every request
    (the network cache key), and the glob cost half a millisecond.
    """
    entries = []
    with os.scandir(directory) as found:
        for entry in found:
            if entry.name.endswith((".csv", ".toml")) and entry.is_file():
                stat = entry.stat()
                entries.append((entry.name, stat.st_size, stat.st_mtime_ns))
    for name, path in config_files_in_subfolders(directory):
        stat = path.stat()
        entries.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


@functools.lru_cache(maxsize=8)
def _read_cached(directory: str, fingerprint: tuple[tuple[str, int, int], ...]) -> ParsedDirectory:
    from instc.network.validate import read_directory

    parsed = read_directory(directory)
    if parsed.problems:
        raise ValidationError(parsed.problems)
    return parsed


def load_tables(path: str | Path | None = None) -> ParsedDirectory:
    """Read and validate ``path`` (``None``: the embedded data); cached per directory.

    Raises :class:`~instc._errors.ValidationError` listing every problem, or
    :class:`~instc._errors.DataError` when the directory does not exist.
    """
    directory = embedded_data_dir() if path is None else Path(path)
    if directory.is_file():
        raise DataError(
            f"{directory}: is a file — give the folder that holds it ({directory.parent})"
        )
    if not directory.is_dir():
        raise DataError(
            f"{directory}: dataset directory not found — give the folder that holds "
            "nodes.csv, links.csv and sources.csv"
        )
    resolved = directory.resolve()
    return _read_cached(str(resolved), _fingerprint(resolved))


def filter_links_as_of(links: pd.DataFrame, tables: Any, as_of: dt.date | None) -> pd.DataFrame:
    """The links usable at ``as_of``, with the bool column ``expected``.

    A link is usable when its project (if any) is ``open`` at ``as_of`` and
    ``open_date <= as_of < close_date``. ``expected`` marks links usable only because
    the project's status rests on a forecast. ``as_of=None`` keeps every link.
    """
    if as_of is None:
        out = links.copy()
        out["expected"] = False
        return out.reset_index(drop=True)
    from instc.network.timeline import project_status_as_of

    status = project_status_as_of(tables, as_of)
    open_ids = set(status.loc[status["status"] == "open", "project_id"])
    expected_ids = set(status.loc[status["expected"], "project_id"])
    keep: list[bool] = []
    expected: list[bool] = []
    for project, opened, closed in zip(
        links["project_id"], links["open_date"], links["close_date"], strict=True
    ):
        # tables edited in memory may hold NaN/NaT for empty cells: only a str is an id
        # and only a date is a date
        has_project = isinstance(project, str) and bool(project)
        ok = (not has_project or project in open_ids) and (
            (not isinstance(opened, dt.date) or opened <= as_of)
            and (not isinstance(closed, dt.date) or as_of < closed)
        )
        keep.append(ok)
        expected.append(ok and has_project and project in expected_ids)
    out = links.loc[keep].copy()
    out["expected"] = [e for e, k in zip(expected, keep, strict=True) if k]
    out["expected"] = out["expected"].astype(bool)
    return out.reset_index(drop=True)


def load_network(
    path: str | Path | None = None, *, as_of: Any = TODAY, today: Any = None
) -> Network:
    """The network read from ``path`` (``None``: the embedded dataset) as of a date.

    ``as_of`` takes a ``date``/``datetime``, an ISO string (``"2030"``, ``"2030-06"``,
    ``"2030-06-01"``) or an int year; the default ``"today"`` is today's date, and
    ``None`` keeps every link whatever its status. ``network.links`` holds the links
    usable at that date plus the bool column ``expected``; ``network.all_links`` holds
    every link with the schema's columns only. Forecasts (``project_status`` rows with
    basis ``expected``) whose latest date is before ``today`` (default: today's date)
    have slipped and are left out of ``network.tables["project_status"]``, so their
    projects are not open at any ``as_of`` until an observed row says so. Raises
    :class:`~instc._errors.ValidationError` listing every problem in the data.

    >>> from instc.network.load import load_network
    >>> net = load_network(as_of="2026-01-01")  # the embedded dataset
    >>> len(net.links) <= len(net.all_links)
    True
    """
    from instc.network.model import Network
    from instc.network.timeline import parse_as_of

    when: dt.date | None
    if as_of is None:
        when = None
    elif isinstance(as_of, str) and as_of == TODAY:
        when = dt.date.today()
    else:
        when = parse_as_of(as_of)
    parsed = load_tables(path)
    # copies (lazy under pandas copy-on-write) so that a caller who edits a table in
    # place cannot change the cached tables other callers get
    tables = {name: frame.copy() for name, frame in parsed.tables.items()}
    from instc.network.timeline import drop_slipped_forecasts

    judged = dt.date.today() if today is None else parse_as_of(today)
    tables["project_status"] = drop_slipped_forecasts(tables, judged)
    all_links = tables["links"]
    tables["links"] = filter_links_as_of(all_links, tables, when)
    return Network(
        tables=tables,
        parameters=parsed.parameters,
        as_of=when,
        origin="embedded" if path is None else str(path),
        all_links=all_links,
        config=parsed.config,
    )
