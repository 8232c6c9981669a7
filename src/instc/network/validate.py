"""Check a dataset directory against the data contract, reporting every problem.

:func:`validate_directory` never raises for bad data: it returns one
:class:`~instc._errors.Problem` per finding, each with the file, the 1-based CSV line
(the header is line 1, so the first data row is line 2), the column, what is wrong and
how to fix it. :func:`read_directory` does the same work and also returns the typed
tables, which :func:`instc.network.load.load_network` turns into a ``Network``.

Reading and per-cell checks: :mod:`instc.network.read`; cross-row rules:
:mod:`instc.network.checks`; the TOML config files: :mod:`instc.network.contract`;
what is allowed but listed for review: :mod:`instc.network.audit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from instc._errors import Problem
from instc.network.checks import check_tables
from instc.network.contract import DataConfig, check_config_files, embedded_config, read_config
from instc.network.read import empty_frame, read_parameters, read_table, stray_files
from instc.network.schema import TABLES

__all__ = ["ParsedDirectory", "read_directory", "validate_directory"]


@dataclass(frozen=True)
class ParsedDirectory:
    """A dataset directory read into typed tables, with every problem found.

    ``tables`` follow the in-memory conventions of :mod:`instc.network.model` (schema
    columns in order, typed cells); ``lines[table][i]`` is the CSV line of row ``i``;
    ``config`` the folder's TOML config files, the embedded ones filling in the rest.
    """

    tables: dict[str, pd.DataFrame]
    parameters: dict[str, Any]
    problems: tuple[Problem, ...]
    lines: dict[str, tuple[int, ...]]
    config: DataConfig


def validate_directory(path: str | Path) -> list[Problem]:
    """Every problem in the dataset directory ``path``; an empty list when valid.

    Never raises for bad data.
    """
    return list(read_directory(path).problems)


def read_directory(path: str | Path) -> ParsedDirectory:
    """Read and check every table of the directory ``path``; never raises for bad data."""
    directory = Path(path)
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    lines: dict[str, tuple[int, ...]] = {}
    if not directory.is_dir():
        problems.append(
            Problem(
                str(directory),
                None,
                None,
                "directory not found" if not directory.exists() else "not a directory",
                "give the folder that holds nodes.csv, links.csv and sources.csv",
            )
        )
        for table in TABLES.values():
            tables[table.name], lines[table.name] = empty_frame(table), ()
        return ParsedDirectory(tables, {}, tuple(problems), lines, embedded_config())
    for table in TABLES.values():
        tables[table.name], lines[table.name] = read_table(table, directory, problems)
    problems.extend(stray_files(directory))
    parameters = read_parameters(directory, problems)
    reported = {(p.file, p.row, p.column) for p in problems}
    problems.extend(check_tables(tables, lines, parameters, reported=reported))
    config = read_config(directory, problems)
    problems.extend(check_config_files(directory, tables, parameters, config))
    # report in reading order: file by file (schema order), line by line
    order = {t.file: i for i, t in enumerate(TABLES.values())}
    problems.sort(key=lambda p: (order.get(p.file, len(order)), p.row or 0))
    return ParsedDirectory(tables, parameters or {}, tuple(problems), lines, config)
