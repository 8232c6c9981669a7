"""Read scenario files: TOML text -> :class:`~instc.scenarios.schema.Scenario`.

The structure is checked against the declared schema (:mod:`instc.scenarios.schema`)
before anything is built: an unknown key, action, field, rule or value is a
:class:`ScenarioFileError` whose problems name the file, the TOML line and the closest
valid name. Ids that must exist in a network (links, nodes, projects...) are checked by
:func:`instc.scenarios.check.check_scenario`, which needs the network.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from instc._errors import Problem, ScenarioError
from instc._names import closest, did_you_mean, hint
from instc._toml_lines import KeyPath, key_lines, line_of
from instc._values import parse_date
from instc.network.schema import CARGO_CLASSES, COUNTRIES, MODES
from instc.scenarios.schema import (
    ACTIONS,
    BASINS,
    COMMON_EDIT_KEYS,
    DEMAND_FILTERS,
    FIELDS,
    REQUIRED_TOP_LEVEL,
    RULES,
    SELECTORS,
    TOP_LEVEL_KEYS,
    Edit,
    Scenario,
    Selection,
)

__all__ = ["ScenarioFileError", "parse_scenario", "read_scenario"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Keys people write for a nested selection table, which the format does not have.
_SELECTION_TABLES = ("select", "selection", "where", "filter")


class ScenarioFileError(ScenarioError):
    """A scenario file has problems; ``problems`` lists every one, in line order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        head = str(self.problems[0]) if self.problems else "invalid scenario"
        more = len(self.problems) - 1
        super().__init__(head + (f" (and {more} more problems)" if more > 0 else ""))


class _Reader:
    """Collects problems while turning the parsed TOML into a Scenario."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.lines = key_lines(text)
        self.problems: list[Problem] = []
        # valid keys that misspelt keys of the current edit stand for: a missing key that
        # is only misspelt is reported once, as the misspelling
        self.meant: set[str] = set()

    def problem(self, path: KeyPath, message: str, fix: str = "") -> None:
        column = ".".join(str(p) for p in path if isinstance(p, str)) or None
        if path and path[0] == "edit" and len(path) >= 2:
            column = ".".join(str(p) for p in path[2:]) or None
            message = f"edit {int(path[1]) + 1}: {message}"
        self.problems.append(Problem(self.file, line_of(self.lines, path), column, message, fix))

    # -- values -------------------------------------------------------------------
    def string(self, path: KeyPath, value: Any) -> str | None:
        if isinstance(value, str):
            return value
        self.problem(path, f"{path[-1]} must be a string, not {_kind(value)}", 'quote it: "..."')
        return None

    def strings(
        self, path: KeyPath, value: Any, allowed: Sequence[str] | None = None
    ) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            self.problem(
                path,
                f"{path[-1]} must be a string or a list of strings, not {_kind(value)}",
                'write e.g. ["a", "b"]',
            )
            return ()
        if not items:
            self.problem(path, f"{path[-1]} is an empty list", "name at least one value")
        if any(not item.strip() for item in items):
            self.problem(path, f"{path[-1]} holds an empty name", "remove it or write a valid one")
            return ()
        if allowed is not None:
            for item in items:
                if item not in allowed:
                    self.problem(path, f"unknown {path[-1]} {item!r}", did_you_mean(item, allowed))
        return tuple(items)

    def number(self, path: KeyPath, value: Any, *, positive: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, f"{path[-1]} must be a number, not {_kind(value)}")
            return None
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            self.problem(path, f"{path[-1]} must be a finite number, not {value!r}")
            return None
        if number < 0 or (positive and number == 0):
            bound = "> 0" if positive else ">= 0"
            self.problem(path, f"{path[-1]} must be {bound}, not {value!r}")
            return None
        return number

    def date(self, path: KeyPath, value: Any) -> dt.date | None:
        try:
            return parse_date(value)
        except ValueError:
            self.problem(
                path,
                f"{path[-1]} {value!r} is not a date",
                'write "YYYY", "YYYY-MM" or "YYYY-MM-DD"',
            )
            return None

    def unknown_keys(
        self, path: KeyPath, table: Mapping[str, Any], valid: Sequence[str]
    ) -> set[str]:
        """Report unknown keys; return the valid keys they were probably meant to be."""
        meant: set[str] = set()
        for key in table:
            if key in _SELECTION_TABLES and key not in valid:
                self.problem(
                    (*path, key),
                    f"unknown key {key!r}",
                    "write the selection keys in the edit itself: "
                    + ", ".join(f"{k} = ..." for k in SELECTORS[:3])
                    + " ...",
                )
                meant.add("link")  # the selection is there, only misplaced
            elif key not in valid:
                self.problem((*path, key), f"unknown key {key!r}", did_you_mean(key, valid))
                meant.update(closest(key, valid, n=1, cutoff=0.6))
        return meant

    # -- the document --------------------------------------------------------------
    def scenario(self, doc: Mapping[str, Any]) -> Scenario | None:
        meant = self.unknown_keys((), doc, (*TOP_LEVEL_KEYS, "edit"))
        for key in REQUIRED_TOP_LEVEL:
            if key not in doc and key not in meant:
                self.problem((), f"missing required key {key!r}", f"add {key} = ... at the top")
        name = self.string(("name",), doc["name"]) if "name" in doc else None
        if name is not None and not _NAME.match(name):
            self.problem(
                ("name",),
                f"name {name!r} is not a lower-case slug",
                "use lower-case letters, digits and '-', e.g. 'rasht-astara'",
            )
        description = self.string(("description",), doc.get("description", ""))
        title = self.string(("title",), doc.get("title", ""))
        sources: tuple[str, ...] = ()
        if "sources" in doc and doc["sources"] != []:  # an empty list is allowed
            sources = self.strings(("sources",), doc["sources"])
        assumptions = (
            self.strings(("assumptions",), doc["assumptions"]) if "assumptions" in doc else ()
        )
        parent = self.string(("parent",), doc["parent"]) if "parent" in doc else None
        as_of = self.date(("as_of",), doc["as_of"]) if "as_of" in doc else None
        edits: list[Edit] = []
        raw_edits = doc.get("edit", [])
        if not isinstance(raw_edits, list) or not all(isinstance(e, dict) for e in raw_edits):
            self.problem(("edit",), "edit must be an array of tables", "write each as [[edit]]")
            raw_edits = []
        for index, raw in enumerate(raw_edits):
            edit = self.edit(index, raw)
            if edit is not None:
                edits.append(edit)
        if self.problems or name is None:
            return None
        top_lines = {k: self.lines[(k,)] for k in TOP_LEVEL_KEYS if (k,) in self.lines}
        return Scenario(
            name=name,
            description=description or "",
            sources=sources,
            title=title or "",
            assumptions=assumptions,
            parent=parent,
            as_of=as_of,
            edits=tuple(edits),
            file=self.file,
            key_lines=top_lines,
        )

    def edit(self, index: int, raw: Mapping[str, Any]) -> Edit | None:
        path: KeyPath = ("edit", index)
        before = len(self.problems)
        action = raw.get("action")
        if action is None:
            typo = [k for k in raw if closest(k, ["action"], cutoff=0.6)]
            if typo:
                self.problem((*path, typo[0]), f"unknown key {typo[0]!r}", hint(["action"]))
            else:
                self.problem(path, "missing key 'action'", "add action = " + "|".join(ACTIONS))
            return None
        if not isinstance(action, str) or action not in ACTIONS:
            self.problem(
                (*path, "action"), f"unknown action {action!r}", did_you_mean(action, ACTIONS)
            )
            return None
        valid = {
            "open": (*COMMON_EDIT_KEYS, *SELECTORS),
            "close": (*COMMON_EDIT_KEYS, *SELECTORS),
            "scale": (*COMMON_EDIT_KEYS, *SELECTORS, "field", "factor", "cargo"),
            "set": (*COMMON_EDIT_KEYS, *SELECTORS, "field", "value", "cargo"),
            "demand": (*COMMON_EDIT_KEYS, *DEMAND_FILTERS, "factor"),
            "rule": (*COMMON_EDIT_KEYS, *RULES),
        }[action]
        meant = self.unknown_keys(path, raw, valid)
        self.meant = meant

        selection = self.selection(path, raw)
        note = self.string((*path, "note"), raw["note"]) if "note" in raw else ""
        start = self.date((*path, "start"), raw["start"]) if "start" in raw else None
        end = self.date((*path, "end"), raw["end"]) if "end" in raw else None
        if start is not None and end is not None and end <= start:
            self.problem((*path, "end"), f"end {end} is not after start {start}")

        field_name: str | None = None
        factor = value = None
        cargo: tuple[str, ...] = ()
        demand: dict[str, tuple[str | int, ...]] = {}
        rules: dict[str, bool | float | str] = {}
        if action in ("open", "close") and not selection and not self.meant & set(SELECTORS):
            self.problem(
                path,
                f"{action} needs a selection",
                "add one of " + ", ".join(SELECTORS),
            )
        if action in ("scale", "set"):
            field_name, factor, value, cargo = self.change(path, action, raw, selection)
        elif action == "demand":
            factor = self.number((*path, "factor"), raw["factor"]) if "factor" in raw else None
            if "factor" not in raw and "factor" not in self.meant:
                self.problem(path, "demand needs a factor", "add factor = 1.5 (or another)")
            demand = self.demand_filters(path, raw)
        elif action == "rule":
            rules = self.rules(path, raw)
        if len(self.problems) > before:
            return None
        key_lines_ = {k: self.lines[(*path, k)] for k in raw if (*path, k) in self.lines}
        return Edit(
            action=action,
            selection=selection,
            field=field_name,
            factor=factor,
            value=value,
            cargo=cargo,
            start=start,
            end=end,
            demand=demand,
            rules=rules,
            note=note or "",
            line=self.lines.get(path),
            key_lines=key_lines_,
        )

    def selection(self, path: KeyPath, raw: Mapping[str, Any]) -> Selection:
        allowed: dict[str, Sequence[str] | None] = {
            "mode": MODES,
            "country": tuple(COUNTRIES),
            "basin": tuple(BASINS),
        }
        values = {
            key: self.strings((*path, key), raw[key], allowed.get(key))
            for key in SELECTORS
            if key in raw
        }
        return Selection(**values)

    def change(
        self, path: KeyPath, action: str, raw: Mapping[str, Any], selection: Selection
    ) -> tuple[str | None, float | None, float | None, tuple[str, ...]]:
        amount_key = "factor" if action == "scale" else "value"
        field_name = raw.get("field")
        if field_name is None:
            if "field" in self.meant:
                return None, None, None, ()
            self.problem(path, f"{action} needs a field", did_you_mean("", FIELDS))
            return None, None, None, ()
        if not isinstance(field_name, str):
            self.problem((*path, "field"), f"field must be a string, not {_kind(field_name)}")
            return None, None, None, ()
        if field_name not in FIELDS:
            self.problem(
                (*path, "field"), f"unknown field {field_name!r}", did_you_mean(field_name, FIELDS)
            )
            return None, None, None, ()
        spec = FIELDS[field_name]
        if action not in spec.actions:
            self.problem(
                (*path, "action"),
                f"field {field_name!r} cannot be " + ("set" if action == "set" else "scaled"),
                f"use action = {spec.actions[0]!r}",
            )
        if not selection and not self.meant & set(SELECTORS):
            self.problem(
                path, f"{action} needs a selection", "add one of " + ", ".join(spec.selectors)
            )
        for key in selection.names():
            if key not in spec.selectors:
                self.problem(
                    (*path, key),
                    f"field {field_name!r} cannot be selected by {key!r}",
                    "select by " + ", ".join(spec.selectors),
                )
        cargo: tuple[str, ...] = ()
        if "cargo" in raw:
            if spec.cargo:
                cargo = self.strings((*path, "cargo"), raw["cargo"], CARGO_CLASSES)
            else:
                self.problem(
                    (*path, "cargo"),
                    f"field {field_name!r} does not depend on the cargo class",
                    "remove cargo",
                )
        if amount_key not in raw:
            if amount_key in self.meant:
                return field_name, None, None, cargo
            example = "0.5" if action == "scale" else "10.0"
            self.problem(path, f"{action} needs {amount_key}", f"add {amount_key} = {example}")
            return field_name, None, None, cargo
        amount = self.number((*path, amount_key), raw[amount_key])
        if action == "scale":
            return field_name, amount, None, cargo
        if field_name == "speed_kmh" and amount == 0:
            self.problem((*path, "value"), "speed_kmh must be > 0", "to stop a link, close it")
        return field_name, None, amount, cargo

    def demand_filters(
        self, path: KeyPath, raw: Mapping[str, Any]
    ) -> dict[str, tuple[str | int, ...]]:
        filters: dict[str, tuple[str | int, ...]] = {}
        for key in DEMAND_FILTERS:
            if key not in raw:
                continue
            if key == "year":
                years = raw[key] if isinstance(raw[key], list) else [raw[key]]
                if not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
                    self.problem((*path, key), "year must be an integer or a list of integers")
                    continue
                filters[key] = tuple(years)
            elif key == "cargo":
                filters[key] = self.strings((*path, key), raw[key], (*CARGO_CLASSES, "all"))
            elif key == "direction":
                filters[key] = self.strings((*path, key), raw[key], ("north", "south", "both"))
            else:
                filters[key] = self.strings((*path, key), raw[key])
        return filters

    def rules(self, path: KeyPath, raw: Mapping[str, Any]) -> dict[str, bool | float | str]:
        rules: dict[str, bool | float | str] = {}
        for key, value in raw.items():
            if key not in RULES:
                continue
            spec = RULES[key]
            ok = isinstance(value, spec.kind) and not (
                spec.kind is not bool and isinstance(value, bool)
            )
            if not ok:
                self.problem(
                    (*path, key),
                    f"rule {key} must be {spec.kind.__name__}, not {_kind(value)}",
                    f"write {key} = true" if spec.kind is bool else "",
                )
                continue
            rules[key] = value
        if not rules and not any(k not in COMMON_EDIT_KEYS for k in raw) and not self.meant:
            self.problem(path, "rule sets no rule", did_you_mean("", RULES))
        return rules


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    for kind, text in names.items():
        if type(value) is kind:
            return text
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def parse_scenario(text: str, *, file: str = "<scenario>") -> Scenario:
    """Parse and check the text of a scenario file.

    Raises :class:`ScenarioFileError` listing every problem with its line.

    >>> s = parse_scenario('name = "empty"\\ndescription = "no edits"\\nsources = []\\n')
    >>> s.name, s.edits
    ('empty', ())
    """
    try:
        if "\x00" in text:
            raise tomllib.TOMLDecodeError("a NUL character is not allowed in TOML")
        doc = tomllib.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise ScenarioFileError(
            [Problem(file, None, None, "not valid TOML: nested too deep", "flatten the nesting")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        row = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ScenarioFileError(
            [Problem(file, row, None, f"not valid TOML: {message}", "fix the TOML syntax")]
        ) from None
    reader = _Reader(text, file)
    scenario = reader.scenario(doc)
    if scenario is None:
        problems = sorted(reader.problems, key=lambda p: (p.row is None, p.row or 0))
        raise ScenarioFileError(problems)
    return scenario


def read_scenario(path: str | Path) -> Scenario:
    """Read and parse a scenario file."""
    from instc._errors import DataError
    from instc._files import read_text

    path = Path(path)
    if not path.exists():
        raise ScenarioError(
            f"{path}: no such scenario file — give a path to a .toml file or the name of "
            "a bundled scenario (instc scenario list)"
        )
    try:
        text = read_text(path, what="scenario file")
    except DataError as exc:
        raise ScenarioError(str(exc)) from None
    return parse_scenario(text, file=str(path))
