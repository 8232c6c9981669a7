"""Read one dataset directory's CSV tables and ``parameters.toml`` into typed values.

Every unreadable cell, unknown column or bad parameter leaf becomes one
:class:`~instc._errors.Problem` (file, line, column, what, fix); nothing raises for bad
data. Cross-row rules are in :mod:`instc.network.checks`; :mod:`instc.network.validate`
runs both.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from instc._errors import Problem
from instc._names import closest, did_you_mean, hint
from instc._values import parse_date
from instc.network.schema import BASES, TABLES, Column, Table

__all__ = [
    "PARAMETERS_FILE",
    "REQUIRED_TABLES",
    "SOURCE_ID_PATTERN",
    "empty_frame",
    "read_parameters",
    "read_table",
    "stray_files",
]

REQUIRED_TABLES = ("sources", "nodes", "links")
PARAMETERS_FILE = "parameters.toml"
# A source id is a short token without spaces, e.g. F068, S12, glec-v3.
SOURCE_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,39}$")
_DATE_FIX = "write an ISO date: YYYY-MM-DD, YYYY-MM or YYYY"
_UNIT_SUFFIXES = {
    "m", "mi", "miles", "mile", "nm", "km", "h", "hr", "hrs", "hours", "min", "d", "day",
    "days", "kg", "t", "tonnes", "tons", "usd", "eur", "kn", "knots", "kmh", "mph", "teu",
}  # fmt: skip


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
                did_you_mean(value, col.allowed, f"the {col.name} list in instc.network.schema"),
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
    close = closest(name, known, n=1, cutoff=0.5)
    if close:
        return f"{hint(close)} otherwise remove the column"
    return "remove the column or rename it to a schema column (see instc.network.schema)"


def empty_frame(table: Table) -> pd.DataFrame:
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


def read_table(
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
        return empty_frame(table), ()
    text = _read_text(path, problems)
    if text is None:
        return empty_frame(table), ()
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
        return empty_frame(table), ()
    cells = _Cells(table, problems)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        cells.add(1, None, f"the header cannot be read as CSV ({exc})", "fix the quoting")
        return empty_frame(table), ()
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t")):
        sep = "';'" if ";" in header[0] else "tabs"
        cells.add(
            1,
            None,
            f"the cells are separated by {sep}, not commas",
            "save the file as comma-separated CSV (lists inside a cell use ';')",
        )
        return empty_frame(table), ()
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


def read_parameters(directory: Path, problems: list[Problem]) -> dict[str, Any] | None:
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
                did_you_mean(str(basis), BASES, "bases"),
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
                    did_you_mean(value, classes, "[emissions]"),
                )


def stray_files(directory: Path) -> list[Problem]:
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
        close = closest(name, sorted(known), n=1, cutoff=0.8)
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
