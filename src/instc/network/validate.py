"""Check a dataset directory against the data contract, reporting every problem.

:func:`validate_directory` never raises for bad data: it returns one
:class:`~instc._errors.Problem` per finding, each with the file, the 1-based CSV line
(the header is line 1, so the first data row is line 2), the column, what is wrong and
how to fix it. :func:`read_directory` does the same work and also returns the typed
tables, which :func:`instc.network.load.load_network` turns into a ``Network``.

Tables that may be absent from a directory: every table except ``sources``, ``nodes``
and ``links`` (a missing optional table is read as empty). ``parameters.toml`` may be
absent too (then no parameters, and any ``vehicle_class`` is unknown).

Rules beyond the per-column schema (types, required, allowed values, bounds, keys and
references):

- ranges: ``x_low <= x <= x_high`` where given;
- provenance: a row of a sourced table lists ``source_ids``, or names in ``estimated``
  the columns it computed and says how in ``method``; ``estimated`` names real columns;
- links: rail links carry ``gauge_mm`` and other modes do not; a rail gauge is listed in
  both end nodes' ``gauges_mm``; each end node serves the link's mode (see
  :data:`MODE_NODE_KINDS`); rail and road links between countries carry a ``border_id``
  whose ``borders.csv`` row for that mode exists and whose countries include both
  ends'; ``from_node != to_node``; ``close_date > open_date``; pipelines carry only
  ``liquid``; ``vehicle_class`` is a key of ``[emissions]`` in ``parameters.toml``;
- capacities carry a ``capacity_unit``; dates ranges are ordered (``date_latest >=
  date``);
- dated tables (tariffs, transfers, borders: ``valid_from``/``valid_to``; services:
  ``start_date``/``end_date``): the end is after the start, and two rows of one series
  (the key; for tariffs link, mode, country and cargo) are never valid on the same day;
  a key may repeat with another ``valid_from``;
- transfers change layer, except transshipment, port and handling transfers, which may
  keep it (sea -> sea at a hub); tariffs name a ``link_id`` or a ``mode`` and a rate;
  surcharges carry a charge or a clearance time, a charge per one cargo unit (the
  classes listed share it), and ``valid_to > valid_from``;
  services run more than zero times a week and run somewhere (``link_ids`` or a
  rotation); a rotation in ``service_calls.csv`` has calls numbered 1, 2, ... whose
  lanes chain from each call's port to the next one's, and a port stay at every
  intermediate call; demand units fit the cargo (``t`` for any
  cargo, ``teu``/``container`` only for container or "all", ``truck`` for truck,
  ``pax`` for passenger);
- sources: ids are short tokens (:data:`SOURCE_ID_PATTERN`), urls are http(s);
- nodes: ids are UN/LOCODEs (``RUMCX``) or ``CC-SLUG`` whose country prefix is the
  node's country;
- parameters.toml: every leaf is a table with ``value``, ``unit``, and ``source_ids``
  or (``basis`` estimate/derived and ``method``); ``basis`` is one of ``source``,
  ``estimate``, ``derived``, ``claim``; ``low <= value <= high``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from instc._errors import Problem
from instc.network.schema import BASES, CARGO_UNITS, COUNTRIES, TABLES, Column, Table

__all__ = [
    "MODE_NODE_KINDS",
    "REQUIRED_TABLES",
    "SOURCE_ID_PATTERN",
    "ParsedDirectory",
    "audit_tables",
    "check_tables",
    "describe_source",
    "frame_records",
    "parse_date",
    "read_directory",
    "validate_directory",
]

REQUIRED_TABLES = ("sources", "nodes", "links")
PARAMETERS_FILE = "parameters.toml"
# A source id is a short token without spaces, e.g. F068, S12, glec-v3.
SOURCE_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,39}$")
# UN/LOCODE (2-letter country + 3 letters/digits 2-9) or CC-SLUG.
_NODE_ID_PATTERN = re.compile(r"^([A-Z]{2})(?:[A-Z2-9]{3}|-[A-Z0-9][A-Z0-9\-]*)$")
# Which node kinds may sit at the end of a link of each mode: a ship calls at a port or
# a sea waypoint, a train at a rail station, border point, terminal or rail-served port.
MODE_NODE_KINDS: dict[str, frozenset[str]] = {
    "sea": frozenset({"port", "sea"}),
    "ferry": frozenset({"port", "sea"}),
    "rail": frozenset({"rail", "border", "terminal", "port"}),
    "road": frozenset({"road", "border", "terminal", "port"}),
    "inland_waterway": frozenset({"port", "waterway", "sea"}),
    "pipeline": frozenset({"pipeline", "terminal", "port", "border"}),
}
_DEMAND_UNIT_CARGO = {
    "t": None,  # any cargo may be counted in tonnes
    "teu": ("container", "all"),
    "container": ("container", "all"),
    "truck": ("truck",),
    "pax": ("passenger",),
}
_CAPACITY_COLUMNS = {
    "links": "capacity_per_year",
    "transfers": "capacity_per_year",
    "borders": "capacity_per_day",
    "services": "capacity_per_departure",
}
_DATE_FIX = "write an ISO date: YYYY-MM-DD, YYYY-MM or YYYY"
_UNIT_SUFFIXES = {
    "m", "mi", "miles", "mile", "nm", "km", "h", "hr", "hrs", "hours", "min", "d", "day",
    "days", "kg", "t", "tonnes", "tons", "usd", "eur", "kn", "knots", "kmh", "mph", "teu",
}  # fmt: skip


@dataclass(frozen=True)
class ParsedDirectory:
    """A dataset directory read into typed tables, with every problem found.

    ``tables`` follow the in-memory conventions of :mod:`instc.network.model` (schema
    columns in order, typed cells); ``lines[table][i]`` is the CSV line of row ``i``.
    """

    tables: dict[str, pd.DataFrame]
    parameters: dict[str, Any]
    problems: tuple[Problem, ...]
    lines: dict[str, tuple[int, ...]]


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts of Python values (missing: None, NaN or pd.NA).

    Much faster than ``DataFrame.to_dict("records")``, which goes row by row.
    """
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def validate_directory(path: str | Path) -> list[Problem]:
    """Every problem in the dataset directory ``path``; an empty list when valid.

    Never raises for bad data.
    """
    return list(read_directory(path).problems)


# --------------------------------------------------------------------------- parsing


def parse_date(text: str) -> dt.date:
    """An ISO date ``YYYY-MM-DD``, ``YYYY-MM`` (day 1) or ``YYYY`` (1 January).

    >>> parse_date("2024-06")
    datetime.date(2024, 6, 1)
    >>> parse_date("2030")
    datetime.date(2030, 1, 1)
    """
    text = text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if m is None:
        raise ValueError(f"{text!r} is not an ISO date")
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    return dt.date(year, month, day)  # raises ValueError for impossible dates


def _closest(word: str, options: Iterable[str], n: int = 1) -> list[str]:
    options = list(options)
    found = difflib.get_close_matches(word, options, n=n, cutoff=0.5)
    if not found:
        lowered = {o.lower(): o for o in options}
        found = [lowered[w] for w in difflib.get_close_matches(word.lower(), lowered, n=n)]
    return found


def _did_you_mean(word: str, options: Sequence[str], what: str) -> str:
    close = _closest(word, options)
    allowed = ", ".join(options) if len(options) <= 12 else f"see {what}"
    if close:
        return f"did you mean {close[0]!r}? allowed: {allowed}"
    return f"use one of: {allowed}"


class _Cells:
    """Parses the cells of one table, collecting problems."""

    def __init__(self, table: Table, problems: list[Problem]) -> None:
        self.table = table
        self.problems = problems

    def add(self, line: int | None, column: str | None, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.table.file, line, column, message, fix))

    def parse(self, col: Column, raw: str, line: int) -> Any:
        text = raw.strip()
        if col.dtype in ("list", "int_list"):
            items = [part.strip() for part in text.split(";") if part.strip()]
            if not items:
                if col.required:
                    self.add(line, col.name, "required value is empty", f"fill in {col.name}")
                return ()
            if col.dtype == "int_list":
                values: list[int] = []
                for item in items:
                    try:
                        values.append(int(item))
                    except ValueError:
                        self.add(
                            line,
                            col.name,
                            f"{item!r} is not a whole number",
                            f"write whole numbers separated by ';'{self._unit_hint(col)}",
                        )
                        continue
                    self._check_allowed(col, str(values[-1]), line)
                return tuple(values)
            for item in items:
                self._check_allowed(col, item, line)
                if col.ref == ("sources", "source_id") and not SOURCE_ID_PATTERN.match(item):
                    self.add(
                        line,
                        col.name,
                        f"{item!r} is not a source id",
                        "separate source ids with ';' (ids are letters, digits, '.', '_', '-')",
                    )
            return tuple(items)
        if not text:
            if col.required:
                self.add(line, col.name, "required value is empty", f"fill in {col.name}")
            if col.dtype == "float":
                return math.nan
            if col.dtype == "bool":
                return col.name == "bidirectional"
            return None
        if col.dtype == "str":
            self._check_allowed(col, text, line)
            return text
        if col.dtype == "float":
            try:
                value = float(text)
                if not math.isfinite(value):
                    raise ValueError(text)
            except ValueError:
                self.add(
                    line,
                    col.name,
                    f"{text!r} is not a number",
                    f"write the number only{self._unit_hint(col)}",
                )
                return math.nan
            self._check_bounds(col, value, line)
            return value
        if col.dtype == "int":
            try:
                ivalue = int(text)
            except ValueError:
                self.add(
                    line,
                    col.name,
                    f"{text!r} is not a whole number",
                    f"write a whole number only{self._unit_hint(col)}",
                )
                return None
            self._check_allowed(col, str(ivalue), line)
            self._check_bounds(col, ivalue, line)
            return ivalue
        if col.dtype == "bool":
            lowered = text.lower()
            if lowered in ("true", "yes", "1", "y", "t"):
                return True
            if lowered in ("false", "no", "0", "n", "f"):
                return False
            self.add(line, col.name, f"{text!r} is not true or false", "write true or false")
            return col.name == "bidirectional"
        if col.dtype == "date":
            try:
                return parse_date(text)
            except ValueError as exc:
                # ISO-shaped but impossible (2025-02-30) or not ISO at all (May 2017)
                shaped = "not an ISO" not in str(exc)
                what = f"is not a valid date ({exc})" if shaped else "is not an ISO date"
                self.add(line, col.name, f"{text!r} {what}", _DATE_FIX)
                return None
        raise AssertionError(col.dtype)  # pragma: no cover - schema dtypes are closed

    @staticmethod
    def _unit_hint(col: Column) -> str:
        return f", in {col.unit}" if col.unit else ""

    def _check_allowed(self, col: Column, value: str, line: int) -> None:
        if col.allowed is not None and value not in col.allowed:
            self.add(
                line,
                col.name,
                f"unknown {col.name} {value!r}",
                _did_you_mean(value, col.allowed, f"the {col.name} list in instc.network.schema"),
            )

    def _check_bounds(self, col: Column, value: float, line: int) -> None:
        if col.positive and value <= 0 and (col.minimum is None or value >= col.minimum):
            self.add(
                line,
                col.name,
                f"{value:g} is zero; a {col.name} is divided by, so it must be positive",
                f"use a value > 0{self._unit_hint(col)}, or leave it empty",
            )
        if col.minimum is not None and value < col.minimum:
            self.add(
                line,
                col.name,
                f"{value:g} is below the minimum {col.minimum:g}",
                f"use a value >= {col.minimum:g}{self._unit_hint(col)}",
            )
        if col.maximum is not None and value > col.maximum:
            self.add(
                line,
                col.name,
                f"{value:g} is above the maximum {col.maximum:g}",
                f"use a value <= {col.maximum:g}{self._unit_hint(col)}",
            )


def _unknown_column_fix(name: str, table: Table) -> str:
    known = table.column_names
    base, _, suffix = name.rpartition("_")
    if base and suffix.lower() in _UNIT_SUFFIXES:
        same_base = [c for c in known if c.startswith(base + "_") and c != name]
        plain = [c for c in same_base if not c.endswith(("_low", "_high"))]
        if plain or same_base:
            return f"units are in column names; use {(plain or same_base)[0]}"
    close = _closest(name, known)
    if close:
        return f"did you mean {close[0]}? otherwise remove the column"
    return "remove the column or rename it to a schema column (see instc.network.schema)"


def _empty_frame(table: Table) -> pd.DataFrame:
    return _typed_frame(table, {c.name: [] for c in table.columns})


def _typed_frame(table: Table, data: dict[str, list[Any]]) -> pd.DataFrame:
    series: dict[str, pd.Series] = {}
    for col in table.columns:
        values = data[col.name]
        if col.dtype == "float":
            series[col.name] = pd.Series(values, dtype="float64")
        elif col.dtype == "int":
            series[col.name] = pd.Series(values, dtype="Int64")
        elif col.dtype == "bool":
            series[col.name] = pd.Series(values, dtype="bool")
        else:
            series[col.name] = pd.Series(values, dtype="object")
    return pd.DataFrame(series, columns=list(table.column_names))


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(
            Problem(path.name, None, None, f"cannot read the file ({exc.strerror})", "check it")
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                path.name,
                line,
                None,
                f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save it as UTF-8 (in a spreadsheet: CSV UTF-8)",
            )
        )
        return None


def _read_table(
    table: Table, directory: Path, problems: list[Problem]
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    path = directory / table.file
    if not path.is_file():
        if table.name in REQUIRED_TABLES:
            problems.append(
                Problem(
                    table.file,
                    None,
                    None,
                    "required file is missing",
                    f"add {table.file} with the header: {','.join(table.column_names)}",
                )
            )
        return _empty_frame(table), ()
    text = _read_text(path, problems)
    if text is None:
        return _empty_frame(table), ()
    if not text.strip():
        problems.append(
            Problem(
                table.file,
                None,
                None,
                "the file is empty",
                "write at least the header: "
                + ",".join(c.name for c in table.columns if c.required),
            )
        )
        return _empty_frame(table), ()
    cells = _Cells(table, problems)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        cells.add(1, None, f"the header cannot be read as CSV ({exc})", "fix the quoting")
        return _empty_frame(table), ()
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t")):
        sep = "';'" if ";" in header[0] else "tabs"
        cells.add(
            1,
            None,
            f"the cells are separated by {sep}, not commas",
            "save the file as comma-separated CSV (lists inside a cell use ';')",
        )
        return _empty_frame(table), ()
    known = set(table.column_names)
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in positions:
            cells.add(1, name, "the column appears twice", "remove one of the two columns")
        elif name not in known:
            if name:
                cells.add(1, name, "unknown column", _unknown_column_fix(name, table))
            else:
                cells.add(1, None, f"column {i + 1} has no name", "name it or remove it")
        else:
            positions[name] = i
    for col in table.columns:
        if col.required and col.name not in positions:
            cells.add(1, col.name, "required column is missing", f"add the column {col.name}")
    data: dict[str, list[Any]] = {c.name: [] for c in table.columns}
    lines: list[int] = []
    last_line = 1
    while True:
        start = last_line + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            cells.add(start, None, f"the row cannot be read as CSV ({exc})", "fix the quoting")
            break
        last_line = reader.line_num
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) > len(header):
            cells.add(
                start,
                None,
                f"the row has {len(record)} cells but the header has {len(header)}",
                "quote cells that contain commas, or remove the extra cells",
            )
        lines.append(start)
        for col in table.columns:
            pos = positions.get(col.name)
            raw = record[pos] if pos is not None and pos < len(record) else ""
            data[col.name].append(cells.parse(col, raw, start))
    return _typed_frame(table, data), tuple(lines)


def _toml_line(text: str, dotted: str) -> int | None:
    """The line where ``dotted`` is defined in TOML ``text`` (a best effort)."""
    parts = dotted.split(".")
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, parts)) + r"\s*\]")
    for i, line in enumerate(lines, 1):
        if header.match(line):
            return i
    # a leaf written inline (`name = { ... }`) below its parent's header
    parent = parts[:-1]
    parent_header = re.compile(
        r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, parent)) + r"\s*\]" if parent else r"^$"
    )
    key = re.compile(r"^\s*" + re.escape(parts[-1]) + r"\s*=")
    inside = not parent
    for i, line in enumerate(lines, 1):
        if parent and parent_header.match(line):
            inside = True
            continue
        if inside and line.lstrip().startswith("[") and parent:
            inside = False
        if inside and key.match(line):
            return i
    dotted_key = re.compile(r"^\s*" + r"\s*\.\s*".join(map(re.escape, parts)) + r"\s*=")
    for i, line in enumerate(lines, 1):
        if dotted_key.match(line):
            return i
    return None


def _read_parameters(directory: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """The parsed parameters ({} when the file is absent), or None when unreadable."""
    path = directory / PARAMETERS_FILE
    if not path.is_file():
        return {}
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        parameters = tomllib.loads(text)
    except RecursionError:
        problems.append(
            Problem(PARAMETERS_FILE, None, None, "TOML nested too deep", "flatten the nesting")
        )
        return None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.append(
            Problem(
                PARAMETERS_FILE,
                int(m.group(1)) if m else None,
                None,
                f"TOML syntax error: {exc}",
                "fix the syntax (strings in double quotes, one key = value per line)",
            )
        )
        return None
    _check_parameters(parameters, text, problems)
    return parameters


# Parameters whose value is a name, not a number (an emission class per mode).
_TEXT_PARAMETERS = ("emissions.default_class.",)
# Parameters that later divide a distance or a volume: zero would be a division by zero.
_POSITIVE_PARAMETERS = ("speed.", "cargo.", "_kmh", "_kn", "tonnes_per", "capacity", "per_unit")


def _parameter_value_problem(dotted: str, key: str, value: Any) -> tuple[str, str] | None:
    """What is wrong with ``value`` (the low, value or high of a parameter), or None."""
    if value is None:
        return None
    if isinstance(value, str):
        if dotted.startswith(_TEXT_PARAMETERS) and key == "value":
            return None
        return "is not a number", "give a number (no quotes)"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "is not a number", "give one number"
    if not math.isfinite(value):
        return "is not finite", "give a finite number"
    if value < 0:
        return "is negative", "give a number >= 0"
    if value == 0 and any(part in dotted for part in _POSITIVE_PARAMETERS):
        return "is zero (it divides a distance or a volume)", "give a number > 0"
    return None


def _check_parameters(parameters: Mapping[str, Any], text: str, problems: list[Problem]) -> None:
    def add(dotted: str, column: str | None, message: str, fix: str) -> None:
        # the line of the offending key itself when it has one, else the parameter's line
        line = _toml_line(text, f"{dotted}.{column}") if column else None
        problems.append(
            Problem(PARAMETERS_FILE, line or _toml_line(text, dotted), column, message, fix)
        )

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if not isinstance(value, Mapping):
                add(
                    prefix or key,
                    key,
                    f"parameter {dotted} is a bare value",
                    f"write it as a table: {key} = "
                    "{ value = ..., unit = ..., source_ids = [...] }",
                )
                continue
            if "value" in value or "unit" in value:
                check_leaf(value, dotted)
            else:
                walk(value, dotted)

    def check_leaf(leaf: Mapping[str, Any], dotted: str) -> None:
        name = f"parameter {dotted}"
        if "value" not in leaf:
            add(dotted, "value", f"{name} has no value", "add value = <number or string>")
        if not isinstance(leaf.get("unit"), str) or not leaf.get("unit"):
            add(dotted, "unit", f"{name} has no unit", 'add unit = "..." (e.g. "g/tkm")')
        basis = leaf.get("basis")
        if basis is not None and basis not in BASES:
            add(
                dotted,
                "basis",
                f"{name} has unknown basis {basis!r}",
                _did_you_mean(str(basis), BASES, "bases"),
            )
        sources = leaf.get("source_ids")
        has_sources = isinstance(sources, list) and len(sources) > 0
        estimated = basis in ("estimate", "derived") and bool(leaf.get("method"))
        if not has_sources and not estimated:
            add(
                dotted,
                "source_ids",
                f"{name} has no provenance",
                'add source_ids = ["..."], or basis = "estimate" with method = "how"',
            )
        values = {k: leaf.get(k) for k in ("low", "value", "high")}
        for key, raw in values.items():
            problem = _parameter_value_problem(dotted, key, raw)
            if problem:
                add(dotted, key, f"{name}: {key} {raw!r} {problem[0]}", problem[1])
        nums = {
            k: v
            for k, v in values.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        }
        if "low" in nums and "value" in nums and nums["low"] > nums["value"]:
            add(
                dotted,
                "low",
                f"{name}: low {nums['low']} > value {nums['value']}",
                "make low <= value",
            )
        if "high" in nums and "value" in nums and nums["value"] > nums["high"]:
            add(
                dotted,
                "high",
                f"{name}: value {nums['value']} > high {nums['high']}",
                "make value <= high",
            )

    walk(parameters, "")
    emissions = parameters.get("emissions")
    if isinstance(emissions, Mapping) and isinstance(emissions.get("default_class"), Mapping):
        classes = sorted(
            k for k, v in emissions.items() if k != "default_class" and isinstance(v, Mapping)
        )
        for mode, leaf in emissions["default_class"].items():
            value = leaf.get("value") if isinstance(leaf, Mapping) else None
            if isinstance(value, str) and value not in classes:
                add(
                    f"emissions.default_class.{mode}",
                    "value",
                    f"default class {value!r} for {mode} is not defined under [emissions]",
                    _did_you_mean(value, classes, "[emissions]"),
                )


def _stray_files(directory: Path) -> list[Problem]:
    """CSV files that look like a misnamed table (``transfer.csv``) or a GMNS export."""
    known = {t.file for t in TABLES.values()}
    names = sorted(p.name for p in directory.glob("*.csv") if p.name not in known)
    problems = []
    if {"node.csv", "link.csv"} <= set(names):
        problems.append(
            Problem(
                "node.csv",
                None,
                None,
                "this looks like a GMNS folder (node.csv, link.csv)",
                f"convert it first: instc import gmns {directory} --out NEW_FOLDER",
            )
        )
        names = [n for n in names if n not in ("node.csv", "link.csv", "config.csv")]
    for name in names:
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        if close:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    "not a table of the dataset, so it is not read",
                    f"rename it to {close[0]}",
                )
            )
    return problems


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
            tables[table.name], lines[table.name] = _empty_frame(table), ()
        return ParsedDirectory(tables, {}, tuple(problems), lines)
    for table in TABLES.values():
        tables[table.name], lines[table.name] = _read_table(table, directory, problems)
    problems.extend(_stray_files(directory))
    parameters = _read_parameters(directory, problems)
    reported = {(p.file, p.row, p.column) for p in problems}
    problems.extend(check_tables(tables, lines, parameters, reported=reported))
    from instc.network.contract import check_config_files

    problems.extend(check_config_files(directory, tables, parameters))
    # report in reading order: file by file (schema order), line by line
    order = {t.file: i for i, t in enumerate(TABLES.values())}
    problems.sort(key=lambda p: (order.get(p.file, len(order)), p.row or 0))
    return ParsedDirectory(tables, parameters or {}, tuple(problems), lines)


# ---------------------------------------------------------------------- cross checks


class _Checker:
    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        lines: Mapping[str, Sequence[int]],
        parameters: Mapping[str, Any] | None,
        reported: set[tuple[str, int | None, str | None]] | None = None,
    ) -> None:
        self.tables = tables
        self.lines = lines
        self.parameters = parameters
        self.reported = reported or set()
        self.problems: list[Problem] = []
        self._records: dict[str, list[dict[str, Any]]] = {}

    def line(self, table: str, i: int) -> int | None:
        rows = self.lines.get(table, ())
        return rows[i] if i < len(rows) else None

    def unreadable(self, table: Table, i: int) -> bool:
        """Whether a validity cell of row ``i`` was already reported unreadable."""
        return table.validity is not None and any(
            (table.file, self.line(table.name, i), c) in self.reported for c in table.validity
        )

    def add(self, table: str, i: int, column: str | None, message: str, fix: str = "") -> None:
        self.problems.append(Problem(f"{table}.csv", self.line(table, i), column, message, fix))

    def rows(self, table: str) -> Iterable[tuple[int, dict[Any, Any]]]:
        frame = self.tables.get(table)
        if frame is None:
            return
        # tables built in memory (scenarios, imports) may hold NaN where the loader
        # puts None or (): read every empty cell the loader's way
        empty = {
            c.name: (() if c.dtype in ("list", "int_list") else None)
            for c in TABLES[table].columns
            if c.dtype not in ("float", "bool")
        }
        cached = self._records.get(table)
        if cached is None:
            cached = frame_records(frame)
            for row in cached:
                for name, blank in empty.items():
                    if name in row and not isinstance(row[name], tuple) and _missing(row[name]):
                        row[name] = blank
            self._records[table] = cached
        yield from enumerate(cached)

    def run(self) -> list[Problem]:
        for table in TABLES.values():
            self.keys(table)
            self.references(table)
            self.ranges(table)
            if table.sourced:
                self.provenance(table)
            self.capacity_unit(table)
            self.validity(table)
        self.sources()
        self.nodes()
        self.links()
        self.transfers()
        self.borders()
        self.tariffs()
        self.surcharges()
        self.services()
        self.service_calls()
        self.project_status()
        self.demand()
        return self.problems

    # -- generic

    def keys(self, table: Table) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        # a dated table may repeat a key for another validity period
        columns = (*table.key, table.validity[0]) if table.validity else table.key
        for i, row in self.rows(table.name):
            key = tuple("" if _missing(row.get(k)) else row[k] for k in columns)
            if any(
                k == "" for k, c in zip(key, columns, strict=True) if table.column(c).required
            ) or self.unreadable(table, i):
                continue  # already reported as an empty required field or a bad date
            if key in seen:
                shown = ", ".join(f"{c}={v}" for c, v in zip(columns, key, strict=True) if v != "")
                self.add(
                    table.name,
                    i,
                    table.key[0],
                    f"duplicate key ({shown}), first on line {self.line(table.name, seen[key])}",
                    "remove one of the rows or give it another id",
                )
            else:
                seen[key] = i

    def validity(self, table: Table) -> None:
        """Dated rows: ``valid_to`` after ``valid_from``; no two rows of one series valid
        on the same day."""
        if table.validity is None:
            return
        from instc.network.dated import period_text

        start_col, end_col = table.validity
        series: dict[tuple[Any, ...], list[tuple[int, tuple[Any, ...], dt.date, dt.date]]] = {}
        for i, row in self.rows(table.name):
            if self.unreadable(table, i):
                continue
            start, end = row.get(start_col), row.get(end_col)
            start = start if isinstance(start, dt.date) else None
            end = end if isinstance(end, dt.date) else None
            if start and end and end <= start:
                self.add(
                    table.name,
                    i,
                    end_col,
                    f"{end_col} {end} is not after {start_col} {start}",
                    f"make {end_col} later than {start_col} (the row holds from {start_col} "
                    f"until the day before {end_col})",
                )
                continue
            key = tuple("" if _missing(row.get(c)) else row[c] for c in table.series_key)
            ident = tuple("" if _missing(row.get(c)) else row[c] for c in table.key)
            lo, hi = start or dt.date.min, end or dt.date.max
            for j, other_ident, other_lo, other_hi in series.get(key, ()):
                if (ident, lo) == (other_ident, other_lo):
                    break  # the same key from the same day: reported as a duplicate key
                if lo < other_hi and other_lo < hi:
                    shown = ", ".join(
                        f"{c}={v}" for c, v in zip(table.series_key, key, strict=True) if v != ""
                    )
                    other = period_text(
                        None if other_lo == dt.date.min else other_lo,
                        None if other_hi == dt.date.max else other_hi,
                    )
                    self.add(
                        table.name,
                        i,
                        start_col,
                        f"validity {period_text(start, end)} overlaps line "
                        f"{self.line(table.name, j)} ({shown}, valid {other})",
                        f"end one row ({end_col}) on or before the day the other starts "
                        f"({start_col})",
                    )
                    break
            else:
                series.setdefault(key, []).append((i, ident, lo, hi))

    def references(self, table: Table) -> None:
        for col in table.columns:
            if col.ref is None:
                continue
            target_table, target_col = col.ref
            target = self.tables.get(target_table)
            valid = set() if target is None else {v for v in target[target_col] if v is not None}
            options = sorted(valid)
            for i, row in self.rows(table.name):
                value = row[col.name]
                values = value if isinstance(value, tuple) else ((value,) if value else ())
                for v in values:
                    if v not in valid:
                        close = _closest(str(v), options)
                        hint = f"did you mean {close[0]!r}? " if close else ""
                        self.add(
                            table.name,
                            i,
                            col.name,
                            f"unknown {target_col} {v!r} (not in {target_table}.csv)",
                            f"{hint}or add it to {target_table}.csv",
                        )

    def ranges(self, table: Table) -> None:
        for low, mode, high in table.ranges:
            for i, row in self.rows(table.name):
                lo, mo, hi = row[low], row[mode], row[high]
                if not _missing(lo) and not _missing(mo) and lo > mo:
                    self.add(
                        table.name, i, low, f"{low} {lo:g} > {mode} {mo:g}", f"make {low} <= {mode}"
                    )
                if not _missing(hi) and not _missing(mo) and mo > hi:
                    self.add(
                        table.name,
                        i,
                        high,
                        f"{mode} {mo:g} > {high} {hi:g}",
                        f"make {mode} <= {high}",
                    )
                if not _missing(lo) and not _missing(hi) and _missing(mo):
                    self.add(
                        table.name,
                        i,
                        mode,
                        f"{low}/{high} given without {mode}",
                        f"fill in {mode} (the most likely value)",
                    )

    def provenance(self, table: Table) -> None:
        names = set(table.column_names)
        for i, row in self.rows(table.name):
            estimated: tuple[str, ...] = row["estimated"]
            for name in estimated:
                if name not in names:
                    self.add(
                        table.name,
                        i,
                        "estimated",
                        f"estimated names {name!r}, which is not a column of {table.file}",
                        _did_you_mean(name, [c for c in table.column_names], "the columns").replace(
                            "allowed:", "columns:"
                        ),
                    )
            if estimated and not row["method"]:
                self.add(
                    table.name,
                    i,
                    "method",
                    "estimated values without a method",
                    "say in method how they were computed",
                )
            if not row["source_ids"] and not (estimated and row["method"]):
                self.add(
                    table.name,
                    i,
                    "source_ids",
                    "the row has no source",
                    "list source_ids from sources.csv, or name the estimated columns in "
                    "estimated and say how in method",
                )

    def capacity_unit(self, table: Table) -> None:
        col = _CAPACITY_COLUMNS.get(table.name)
        if col is None:
            return
        for i, row in self.rows(table.name):
            if not _missing(row[col]) and not row["capacity_unit"]:
                self.add(
                    table.name,
                    i,
                    "capacity_unit",
                    f"{col} given without capacity_unit",
                    "fill in capacity_unit (t, teu, truck, pax, wagon, train)",
                )

    # -- per table

    def sources(self) -> None:
        for i, row in self.rows("sources"):
            sid = row["source_id"]
            if sid and not SOURCE_ID_PATTERN.match(sid):
                self.add(
                    "sources",
                    i,
                    "source_id",
                    f"{sid!r} is not a valid source id",
                    "use letters, digits, '.', '_' or '-', starting with a letter (e.g. F068)",
                )
            url = row["url"]
            if url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
                self.add(
                    "sources",
                    i,
                    "url",
                    f"{url!r} is not an http(s) address",
                    "give the public address starting with https://",
                )

    def nodes(self) -> None:
        for i, row in self.rows("nodes"):
            nid, country = row["node_id"], row["country"]
            if not nid:
                continue
            m = _NODE_ID_PATTERN.match(nid)
            if m is None:
                self.add(
                    "nodes",
                    i,
                    "node_id",
                    f"{nid!r} is neither a UN/LOCODE nor CC-SLUG",
                    "use the UN/LOCODE (e.g. RUMCX) or COUNTRY-NAME in capitals (e.g. AZ-ASTARA)",
                )
            elif country in COUNTRIES and m.group(1) != country:
                self.add(
                    "nodes",
                    i,
                    "node_id",
                    f"{nid!r} starts with {m.group(1)} but the node's country is {country}",
                    "make the id's country prefix match the country column",
                )

    def links(self) -> None:
        nodes = {r["node_id"]: r for _, r in self.rows("nodes") if r["node_id"]}
        borders = {(r["border_id"], r["mode"]): r for _, r in self.rows("borders")}
        border_ids = {b for b, _ in borders}
        classes = self.vehicle_classes()
        for i, row in self.rows("links"):
            mode, gauge = row["mode"], row["gauge_mm"]
            ends = [(c, nodes.get(row[c])) for c in ("from_node", "to_node")]
            if row["from_node"] and row["from_node"] == row["to_node"]:
                self.add(
                    "links",
                    i,
                    "to_node",
                    "the link starts and ends at the same node",
                    "give two different nodes",
                )
            if mode == "rail" and _missing(gauge):
                self.add(
                    "links",
                    i,
                    "gauge_mm",
                    "rail link without gauge_mm",
                    "fill in gauge_mm (1520, 1435 or 1676)",
                )
            if mode and mode != "rail" and not _missing(gauge):
                self.add(
                    "links",
                    i,
                    "gauge_mm",
                    f"{mode} link with gauge_mm",
                    "leave gauge_mm empty for non-rail links",
                )
            for column, node in ends:
                if node is None or not mode:
                    continue
                serving = MODE_NODE_KINDS.get(mode, frozenset())
                if not serving & set(node["kinds"]):
                    self.add(
                        "links",
                        i,
                        column,
                        f"node {node['node_id']} (kinds {';'.join(node['kinds'])}) "
                        f"does not serve {mode} links",
                        f"add one of {', '.join(sorted(serving))} to its kinds, "
                        "or fix the link's mode",
                    )
                if mode == "rail" and not _missing(gauge) and int(gauge) not in node["gauges_mm"]:
                    self.add(
                        "links",
                        i,
                        "gauge_mm",
                        f"gauge {int(gauge)} is not in the gauges_mm of node "
                        f"{node['node_id']} ({_joined(node['gauges_mm'])})",
                        f"add {int(gauge)} to the node's gauges_mm or fix the link's gauge",
                    )
            if mode == "pipeline" and set(row["cargo"]) - {"liquid"}:
                self.add(
                    "links", i, "cargo", "a pipeline carries only liquid", "set cargo to liquid"
                )
            countries = {n["country"] for _, n in ends if n is not None and n["country"]}
            border = row["border_id"]
            if mode in ("rail", "road") and len(countries) > 1 and not border:
                self.add(
                    "links",
                    i,
                    "border_id",
                    f"{mode} link between {' and '.join(sorted(countries))} without border_id",
                    "fill in the border_id of the crossing (borders.csv)",
                )
            if border and mode in ("sea", "ferry", "inland_waterway"):
                self.add(
                    "links",
                    i,
                    "border_id",
                    f"a {mode} link with border_id {border}",
                    "only rail, road and pipeline links cross a land border; leave it empty",
                )
            elif border and border in border_ids:
                brow = borders.get((border, mode))
                if brow is None and mode in ("rail", "road", "pipeline"):
                    self.add(
                        "links",
                        i,
                        "border_id",
                        f"border {border} has no {mode} row in borders.csv",
                        f"add a borders.csv row ({border}, {mode}) with its dwell",
                    )
                any_row = brow or next(b for (bid, _), b in borders.items() if bid == border)
                if countries and not countries <= set(any_row["countries"]):
                    self.add(
                        "links",
                        i,
                        "border_id",
                        f"border {border} is between {_joined(any_row['countries'])} "
                        f"but the link joins {_joined(sorted(countries))}",
                        "use the border between the link's countries",
                    )
            if row["open_date"] and row["close_date"] and row["close_date"] <= row["open_date"]:
                self.add(
                    "links",
                    i,
                    "close_date",
                    "close_date is not after open_date",
                    "make close_date later than open_date",
                )
            self.link_defaults(i, row, classes)
            vclass = row["vehicle_class"]
            if classes is not None and vclass and vclass not in classes:
                fix = (
                    _did_you_mean(vclass, sorted(classes), "[emissions] in parameters.toml")
                    if classes
                    else "define [emissions." + vclass + "] in parameters.toml"
                )
                self.add(
                    "links",
                    i,
                    "vehicle_class",
                    f"unknown vehicle_class {vclass!r} (not under [emissions] in parameters.toml)",
                    fix,
                )

    def link_defaults(self, i: int, row: Mapping[str, Any], classes: set[str] | None) -> None:
        """A link that leaves speed or vehicle class empty needs the mode's default."""
        mode = row["mode"]
        if classes is None or mode not in MODE_NODE_KINDS:
            return  # no parameters to check against, or the mode is already reported
        speeds = self.parameters.get("speed", {}) if self.parameters else {}
        gauge = row["gauge_mm"]
        layer = f"rail{int(gauge)}" if mode == "rail" and not _missing(gauge) else mode
        if (
            _missing(row["speed_kmh"])
            and _missing(row["time_h"])
            and not ({f"{layer}_kmh", f"{mode}_kmh"} & set(speeds))
        ):
            self.add(
                "links",
                i,
                "speed_kmh",
                f"no speed_kmh or time_h, and parameters.toml has no speed.{mode}_kmh",
                f"give speed_kmh or time_h, or add [speed] {mode}_kmh to parameters.toml",
            )
        emissions = self.parameters.get("emissions", {}) if self.parameters else {}
        defaults = emissions.get("default_class", {}) if isinstance(emissions, Mapping) else {}
        if not row["vehicle_class"] and mode not in defaults:
            self.add(
                "links",
                i,
                "vehicle_class",
                f"no vehicle_class, and parameters.toml has no emissions.default_class.{mode}",
                f'give vehicle_class, or add {mode} = {{ value = "<class>", ... }} '
                "under [emissions.default_class]",
            )

    def vehicle_classes(self) -> set[str] | None:
        if not self.parameters:
            return None  # no parameters.toml (or unreadable): nothing to check against
        emissions = self.parameters.get("emissions", {})
        if not isinstance(emissions, Mapping):
            return set()
        return {k for k, v in emissions.items() if k != "default_class" and isinstance(v, Mapping)}

    def transfers(self) -> None:
        for i, row in self.rows("transfers"):
            # a transshipment or handling may keep its layer (sea -> sea at a hub: every
            # path through the place on that layer makes it); a gauge break may not
            if (
                row["from_layer"]
                and row["from_layer"] == row["to_layer"]
                and row["kind"] in ("gauge_break", "pipeline")
            ):
                self.add(
                    "transfers",
                    i,
                    "to_layer",
                    f"a {row['kind']} transfer must change layer (from_layer == to_layer)",
                    "use two different layers, e.g. rail1520 -> rail1435 (only a "
                    "transshipment, port or handling transfer may keep its layer)",
                )

    def borders(self) -> None:
        for i, row in self.rows("borders"):
            if 0 < len(set(row["countries"])) < 2:
                self.add(
                    "borders",
                    i,
                    "countries",
                    "a border needs the two countries it separates",
                    "list both, e.g. AZ;IR",
                )

    def tariffs(self) -> None:
        link_modes = {r["link_id"]: r["mode"] for _, r in self.rows("links")}
        rotations = {r["service_id"] for _, r in self.rows("service_calls")}
        for i, row in self.rows("tariffs"):
            linked = link_modes.get(row["link_id"])
            if row["mode"] and linked and linked != row["mode"]:
                self.add(
                    "tariffs",
                    i,
                    "mode",
                    f"mode {row['mode']} but link {row['link_id']} is a {linked} link",
                    f"set mode to {linked} or leave it empty",
                )
            service = row.get("service_id")
            if not row["link_id"] and not row["mode"] and not service:
                self.add(
                    "tariffs",
                    i,
                    "link_id",
                    "the tariff names neither link_id, service_id nor mode",
                    "fill in link_id, service_id, or mode (and country)",
                )
            if service and (row["link_id"] or row["country"]):
                self.add(
                    "tariffs",
                    i,
                    "service_id",
                    "a liner's rate prices the lanes of its rotation, not a link or a country",
                    "leave link_id and country empty, or service_id",
                )
            if service and service not in rotations:
                self.add(
                    "tariffs",
                    i,
                    "service_id",
                    f"service {service} has no port calls in service_calls.csv: the rate "
                    "prices no lane",
                    "add its calls, or price its links with link_id",
                )
            if _missing(row["usd_per_unit_km"]) and _missing(row["usd_per_unit"]):
                self.add(
                    "tariffs",
                    i,
                    "usd_per_unit_km",
                    "the tariff has no rate",
                    "fill in usd_per_unit_km or usd_per_unit",
                )

    def surcharges(self) -> None:
        for i, row in self.rows("surcharges"):
            if _missing(row["usd_per_unit"]) and _missing(row["dwell_h"]):
                self.add(
                    "surcharges",
                    i,
                    "usd_per_unit",
                    "the surcharge has neither a charge nor a clearance time",
                    "fill in usd_per_unit or dwell_h (or both)",
                )
            units = sorted({CARGO_UNITS[c] for c in row["cargo"] or () if c in CARGO_UNITS})
            if not _missing(row["usd_per_unit"]) and len(units) != 1:
                listed = f"classes counted in {_joined(units)}" if units else "no cargo class"
                self.add(
                    "surcharges",
                    i,
                    "cargo",
                    f"usd_per_unit is per cargo unit, but the row lists {listed}",
                    "list cargo classes counted in one unit (e.g. container, or bulk;liquid), "
                    "one row per unit",
                )
            start, end = row["valid_from"], row["valid_to"]
            if start and end and end <= start:
                self.add(
                    "surcharges",
                    i,
                    "valid_to",
                    "valid_to is not after valid_from",
                    "make valid_to later than valid_from (valid_to is exclusive)",
                )

    def services(self) -> None:
        rotations = {r["service_id"] for _, r in self.rows("service_calls")}
        classes = self.vehicle_classes()
        for i, row in self.rows("services"):
            vclass = row.get("vehicle_class")
            if classes is not None and vclass and vclass not in classes:
                self.add(
                    "services",
                    i,
                    "vehicle_class",
                    f"unknown vehicle_class {vclass!r} (not under [emissions] in parameters.toml)",
                    _did_you_mean(vclass, sorted(classes), "[emissions] in parameters.toml"),
                )
            if not row["link_ids"] and row["service_id"] not in rotations:
                self.add(
                    "services",
                    i,
                    "link_ids",
                    "the service runs nowhere: no link_ids and no calls in service_calls.csv",
                    "list the links where cargo boards it, or its port rotation in "
                    "service_calls.csv",
                )
            freq = row["frequency_per_week"]
            if not _missing(freq) and freq <= 0:
                self.add(
                    "services",
                    i,
                    "frequency_per_week",
                    f"frequency_per_week is {freq:g}",
                    "a service runs more than 0 times a week; remove it or give its frequency",
                )

    def service_calls(self) -> None:
        """A rotation has two calls or more, numbered without gaps; each call but the last
        lists the sea lanes to the next call, a chain from this port to the next one;
        every intermediate call has a port stay."""
        links = {r["link_id"]: r for _, r in self.rows("links")}
        services = {r["service_id"] for _, r in self.rows("services")}
        calls: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for i, row in self.rows("service_calls"):
            calls.setdefault(row["service_id"], []).append((i, row))
        for sid, rows in calls.items():
            rows.sort(key=lambda x: x[1]["sequence"] if x[1]["sequence"] is not None else 0)
            if sid in services and len(rows) < 2:
                self.add(
                    "service_calls",
                    rows[0][0],
                    "service_id",
                    f"service {sid} has one call",
                    "a rotation needs two calls or more (board at one, alight at another)",
                )
            for k, (i, row) in enumerate(rows):
                if row["sequence"] is not None and row["sequence"] != k + 1:
                    self.add(
                        "service_calls",
                        i,
                        "sequence",
                        f"service {sid}: call {row['sequence']} found where {k + 1} was expected",
                        "number the calls of a service 1, 2, 3 ... without gaps or repeats",
                    )
                    break
                last = k == len(rows) - 1
                lanes = row["lane_link_ids"] or ()
                if last:
                    if lanes:
                        self.add(
                            "service_calls",
                            i,
                            "lane_link_ids",
                            f"service {sid}: the last call lists lanes",
                            "leave lane_link_ids empty on the last call",
                        )
                    continue
                if k > 0 and _missing(row["port_stay_h"]):
                    self.add(
                        "service_calls",
                        i,
                        "port_stay_h",
                        f"service {sid}: intermediate call at {row['node_id']} has no port stay",
                        "give port_stay_h (hours the ship stays), with its source or method",
                    )
                self._lane_chain(sid, i, row, rows[k + 1][1]["node_id"], lanes, links)

    def _lane_chain(
        self,
        sid: str,
        i: int,
        row: Mapping[str, Any],
        next_node: str,
        lanes: Sequence[str],
        links: Mapping[str, Mapping[str, Any]],
    ) -> None:
        at = row["node_id"]
        if not lanes:
            self.add(
                "service_calls",
                i,
                "lane_link_ids",
                f"service {sid}: no lanes from {at} to the next call {next_node}",
                "list the sea links the ship sails to the next call, separated by ';'",
            )
            return
        for lid in lanes:
            link = links.get(lid)
            if link is None:
                return  # the reference check reports it
            if link["mode"] != "sea":
                self.add(
                    "service_calls",
                    i,
                    "lane_link_ids",
                    f"service {sid}: lane {lid} is a {link['mode']} link",
                    "a liner sails sea links only",
                )
                return
            if link["from_node"] == at:
                at = link["to_node"]
            elif link["to_node"] == at and link["bidirectional"] is not False:
                at = link["from_node"]
            else:
                self.add(
                    "service_calls",
                    i,
                    "lane_link_ids",
                    f"service {sid}: lane {lid} does not start at {at}",
                    "list the lanes in sailing order, each starting where the previous ends",
                )
                return
        if at != next_node:
            self.add(
                "service_calls",
                i,
                "lane_link_ids",
                f"service {sid}: the lanes end at {at}, not at the next call {next_node}",
                "extend the lanes to the next call's port",
            )

    def project_status(self) -> None:
        for i, row in self.rows("project_status"):
            if row["date"] and row["date_latest"] and row["date_latest"] < row["date"]:
                self.add(
                    "project_status",
                    i,
                    "date_latest",
                    "date_latest is before date",
                    "date is the earliest and date_latest the latest date; swap them",
                )

    def demand(self) -> None:
        for i, row in self.rows("demand"):
            unit, cargo = row["unit"], row["cargo"]
            if unit in _DEMAND_UNIT_CARGO and cargo:
                fits = _DEMAND_UNIT_CARGO[unit]
                if fits is not None and cargo not in fits:
                    self.add(
                        "demand",
                        i,
                        "unit",
                        f"unit {unit} does not fit cargo {cargo}",
                        _demand_unit_fix(cargo),
                    )


def _demand_unit_fix(cargo: str) -> str:
    unit = CARGO_UNITS.get(cargo, "t")
    return f"count {cargo} in t" + (f" or {unit}" if unit != "t" else "")


def _joined(values: Iterable[Any]) -> str:
    return ";".join(map(str, values)) or "none"


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA


def check_tables(
    tables: Mapping[str, pd.DataFrame],
    lines: Mapping[str, Sequence[int]] | None = None,
    parameters: Mapping[str, Any] | None = None,
    *,
    reported: Iterable[tuple[str, int | None, str | None]] = (),
) -> list[Problem]:
    """Cross-row and cross-table checks on typed tables (keys, references, rules).

    ``lines`` maps each table to the CSV line of each row (default: row ``i`` is line
    ``i + 2``); ``parameters=None`` skips the checks that need ``parameters.toml``.
    ``reported``: (file, line, column) cells already reported as unreadable, whose
    consequences (an unreadable validity date) are not reported again.
    Used by :func:`read_directory`, by imports and by scenarios.
    """
    if lines is None:
        lines = {name: tuple(range(2, len(frame) + 2)) for name, frame in tables.items()}
    return _Checker(tables, lines, parameters, set(reported)).run()


# ---------------------------------------------------------------------------- audit


def _row_id(table: Table, row: Mapping[Any, Any]) -> str:
    return "/".join(str(row[k]) for k in table.key if not _missing(row[k]))


def audit_tables(
    tables: Mapping[str, pd.DataFrame],
    parameters: Mapping[str, Any] | None = None,
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """What is an estimate, what is a range and what is missing, per table.

    For each table: ``rows``; ``estimated`` (rows naming estimated columns),
    ``ranges`` (rows giving a low/high), ``unsourced`` (rows with no ``source_ids``),
    each as ``{"count", "rows": [{"id", "columns"}]}``; ``missing`` maps each
    optional value column that is sometimes empty to ``{"count", "ids"}``. Under
    ``parameters``: the dotted keys that are estimates, ranges or claims. Under
    ``checks``: what is allowed but probably wrong (links shorter than the great circle
    between their ends, transfers to a layer no link serves at that place, nodes
    without links, links whose project never has an ``open`` status, and forecasts
    whose latest date is before ``today`` — default: today's date — and so have slipped
    (a loaded network does not treat them as open) and should be confirmed or moved;
    ``gaps``: rows and parameters whose method or notes say no source gives a value;
    sources no row or parameter cites).
    """
    report: dict[str, Any] = {}
    for name, table in TABLES.items():
        frame = tables.get(name)
        if frame is None:
            continue
        records = frame_records(frame)
        estimated, ranged, unsourced = [], [], []
        companions = {c for lo, _, hi in table.ranges for c in (lo, hi)}
        value_cols = [
            c.name
            for c in table.columns
            if c.dtype in ("float", "int", "date") and not c.required and c.name not in companions
        ]
        missing: dict[str, list[str]] = {c: [] for c in value_cols}
        for row in records:
            rid = _row_id(table, row)
            if table.sourced and row["estimated"]:
                estimated.append({"id": rid, "columns": list(row["estimated"])})
            spans = [
                m for lo, m, hi in table.ranges if not (_missing(row[lo]) and _missing(row[hi]))
            ]
            if spans:
                ranged.append({"id": rid, "columns": spans})
            if table.sourced and not row["source_ids"]:
                unsourced.append({"id": rid, "columns": list(row["estimated"])})
            for c in value_cols:
                if _missing(row[c]):
                    missing[c].append(rid)
        report[name] = {
            "rows": len(records),
            "estimated": {"count": len(estimated), "rows": estimated},
            "ranges": {"count": len(ranged), "rows": ranged},
            "unsourced": {"count": len(unsourced), "rows": unsourced},
            "missing": {c: {"count": len(ids), "ids": ids} for c, ids in missing.items() if ids},
        }
    leaves: dict[str, list[str]] = {"estimated": [], "ranges": [], "claims": []}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if not isinstance(value, Mapping):
                continue
            if "value" in value:
                if value.get("basis") in ("estimate", "derived"):
                    leaves["estimated"].append(dotted)
                if "low" in value or "high" in value:
                    leaves["ranges"].append(dotted)
                if value.get("basis") == "claim":
                    leaves["claims"].append(dotted)
            else:
                walk(value, dotted)

    walk(parameters or {}, "")
    report["parameters"] = {k: {"count": len(v), "keys": v} for k, v in leaves.items()}
    report["checks"] = _plausibility(tables, today or dt.date.today())
    report["checks"]["gaps"] = _gaps(tables, parameters or {})
    cited = {
        sid
        for name, table in TABLES.items()
        if table.sourced and name in tables
        for ids in tables[name]["source_ids"]
        for sid in ids
    }
    cited.update(_parameter_sources(parameters or {}))
    uncited = [s for s in tables["sources"]["source_id"] if s not in cited]
    report["checks"]["sources_never_cited"] = {"count": len(uncited), "ids": uncited}
    return report


# "gap" in a method or note marks a value no source gives (the value is an estimate or
# left empty); "gap filler" (a road leg bridging a missing railway) is not one
_GAP = re.compile(r"\bgap\b(?![ -]fill)", re.IGNORECASE)


def _gaps(tables: Mapping[str, pd.DataFrame], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Rows and parameters whose ``method`` or ``notes`` say a value is a gap."""
    found: list[dict[str, Any]] = []
    for name, table in TABLES.items():
        if not table.sourced or name not in tables:
            continue
        for row in frame_records(tables[name]):
            text = " ".join(str(row.get(c) or "") for c in ("method", "notes"))
            if _GAP.search(text):
                found.append({"id": f"{name}/{_row_id(table, row)}"})

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping) and "value" in value:
                if _GAP.search(str(value.get("method") or "")):
                    found.append({"id": f"parameters/{dotted}"})
            elif isinstance(value, Mapping):
                walk(value, dotted)

    walk(parameters, "")
    return {"count": len(found), "rows": found}


def _parameter_sources(node: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for value in node.values():
        if isinstance(value, Mapping):
            if "value" in value:
                found.update(str(s) for s in value.get("source_ids") or ())
            else:
                found |= _parameter_sources(value)
    return found


# A link shorter than 90 % of the great circle between its ends, less 5 km, is
# suspicious (the slack absorbs approximate coordinates of nearby places).
_SHORT_LINK_TOLERANCE = 0.9
_SHORT_LINK_SLACK_KM = 5.0


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the mean Earth radius (6371.0088 km, IUGG)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _plausibility(tables: Mapping[str, pd.DataFrame], today: dt.date) -> dict[str, Any]:
    """Things that are allowed but probably wrong, for a human to look at."""
    from instc.network.schema import layer_of

    nodes = {r["node_id"]: r for r in frame_records(tables["nodes"])}
    links = frame_records(tables["links"])
    short: list[dict[str, Any]] = []
    served: dict[str, set[str]] = {}
    for r in links:
        a, b = nodes.get(r["from_node"]), nodes.get(r["to_node"])
        if a is None or b is None:
            continue
        gc_km = _great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])
        if not _missing(r["length_km"]) and r["length_km"] < (
            _SHORT_LINK_TOLERANCE * gc_km - _SHORT_LINK_SLACK_KM
        ):
            short.append(
                {
                    "id": r["link_id"],
                    "length_km": r["length_km"],
                    "great_circle_km": round(gc_km, 1),
                }
            )
        gauge = None if _missing(r["gauge_mm"]) else int(r["gauge_mm"])
        if r["mode"] and (r["mode"] != "rail" or gauge is not None):
            layer = layer_of(r["mode"], gauge)
            served.setdefault(r["from_node"], set()).add(layer)
            served.setdefault(r["to_node"], set()).add(layer)
    unserved = [
        {"id": f"{t['node_id']}/{t['from_layer']}/{t['to_layer']}", "layer": layer}
        for t in frame_records(tables["transfers"])
        for layer in (t["from_layer"], t["to_layer"])
        if layer not in served.get(t["node_id"], set())
    ]
    isolated = sorted(n for n in nodes if n not in served)
    stale = []
    for r in frame_records(tables["project_status"]):
        latest = r["date_latest"] or r["date"]
        if r["basis"] == "expected" and latest is not None and latest < today:
            stale.append(
                {"id": f"{r['project_id']}/{r['status']}", "expected_by": latest.isoformat()}
            )
    opens = {
        r["project_id"]
        for r in frame_records(tables["project_status"])
        if r["status"] == "open" and not r["party"]
    }
    never = [r["link_id"] for r in links if r["project_id"] and r["project_id"] not in opens]
    return {
        "links_never_usable": {"count": len(never), "ids": never},
        "forecasts_overdue": {"count": len(stale), "rows": stale},
        "shorter_than_great_circle": {"count": len(short), "rows": short},
        "transfers_to_unserved_layers": {"count": len(unserved), "rows": unserved},
        "isolated_nodes": {"count": len(isolated), "ids": isolated},
    }


def describe_source(network: Any, source_id: str) -> dict[str, Any]:
    """One source's row plus ``cited_by``: for each table (and ``parameters``), the keys
    of the rows that cite it. Every link counts, whatever its status at ``as_of``.

    Raises :class:`~instc._errors.UnknownNameError` with the closest ids.
    """
    from instc._errors import UnknownNameError
    from instc.network.io import to_json_value

    sources = network.sources
    match = sources[sources["source_id"] == source_id]
    if match.empty:
        raise UnknownNameError("source", source_id, _closest(source_id, sources["source_id"], 3))
    record: dict[str, Any] = {str(k): to_json_value(v) for k, v in frame_records(match)[0].items()}
    tables = dict(network.tables)
    if network.all_links is not None:
        tables["links"] = network.all_links
    cited_by: dict[str, list[str]] = {}
    for name, table in TABLES.items():
        if not table.sourced:
            continue
        for row in frame_records(tables[name]):
            if source_id in row["source_ids"]:
                cited_by.setdefault(name, []).append(_row_id(table, row))
    keys: list[str] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping):
                if "value" in value:
                    if source_id in (value.get("source_ids") or ()):
                        keys.append(dotted)
                else:
                    walk(value, dotted)

    walk(network.parameters, "")
    if keys:
        cited_by["parameters"] = keys
    record["cited_by"] = cited_by
    return record
