"""Fuzz the scenario parser: any TOML document gives a Scenario or a ScenarioFileError
whose problems all carry a line, never another exception."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from instc.scenarios import ScenarioFileError, parse_scenario
from instc.scenarios.schema import ACTIONS, FIELDS, RULES, SELECTORS

KEYS = [
    *SELECTORS,
    "field",
    "factor",
    "value",
    "cargo",
    "start",
    "end",
    "note",
    "year",
    "origin",
    "scope",
    *RULES,
    "fiel",
    "modee",
]
VALUES = st.one_of(
    st.sampled_from(["rail", "AZ", "caspian", "time_h", "2027-01", "container", "x", ""]),
    st.sampled_from(list(FIELDS)),
    st.integers(min_value=-5, max_value=3000),
    st.floats(min_value=-2.0, max_value=5.0, allow_nan=False),
    st.booleans(),
    st.lists(st.sampled_from(["rail", "road", "IR", "AZ", "L1"]), max_size=3),
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return json.dumps(value)
    return "[" + ", ".join(json.dumps(v) for v in value) + "]"


EDITS = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(ACTIONS), st.sampled_from(["opne", "scal", ""]), VALUES),
        st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5),
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["ok-name", "Bad Name", ""]),
    with_sources=st.booleans(),
    edits=EDITS,
)
def test_parser_never_crashes(name: str, with_sources: bool, edits: list[Any]) -> None:
    lines = [f"name = {json.dumps(name)}", 'description = "fuzz"']
    if with_sources:
        lines.append('sources = ["S1"]')
    for action, keys in edits:
        lines.append("[[edit]]")
        if action != "":
            lines.append(f"action = {_toml_value(action)}")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in keys.items())
    text = "\n".join(lines) + "\n"
    try:
        scenario = parse_scenario(text, file="fuzz.toml")
    except ScenarioFileError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "fuzz.toml"
            # every problem points at a line, except a key missing from the whole file
            assert problem.row is not None or "missing required key" in problem.message
            assert 1 <= (problem.row or 1) <= len(lines)
        return
    assert scenario.name == name and len(scenario.edits) == len(edits)
    for edit in scenario.edits:
        assert edit.describe()
