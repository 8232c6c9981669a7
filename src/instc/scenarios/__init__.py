"""Scenarios: TOML edits applied to the network (``Network -> Network``, pure).

A scenario file states a decision (a project opens, a border closes, a tariff is cut)
as data; :func:`apply_scenario` turns a network into the network the decision gives.
See :mod:`instc.scenarios.schema` for the file format.
"""

from __future__ import annotations

from instc.scenarios.apply import apply_scenario, scenario_chain
from instc.scenarios.catalog import bundled_names, find_scenario, load_bundled
from instc.scenarios.changes import TableChanges, table_changes
from instc.scenarios.check import check_scenario
from instc.scenarios.parse import ScenarioFileError, parse_scenario, read_scenario
from instc.scenarios.schema import ACTIONS, FIELDS, RULES, SELECTORS, Edit, Scenario, Selection
from instc.scenarios.select import select_links

__all__ = [
    "ACTIONS",
    "FIELDS",
    "RULES",
    "SELECTORS",
    "Edit",
    "Scenario",
    "ScenarioFileError",
    "Selection",
    "TableChanges",
    "apply_scenario",
    "bundled_names",
    "check_scenario",
    "find_scenario",
    "load_bundled",
    "parse_scenario",
    "read_scenario",
    "scenario_chain",
    "select_links",
    "table_changes",
]
