"""Check a parsed scenario against a network: every id it names must exist.

:func:`check_scenario` returns one :class:`~instc._errors.Problem` per unknown link,
node, border, project, service, family, source or demand id, with the TOML line of the
key that names it and the closest valid id. A selection that matches no link at all is
a problem too (usually a typo in the combination).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from instc._errors import Problem
from instc._names import did_you_mean
from instc.scenarios.schema import FIELDS, Edit, Scenario
from instc.scenarios.select import family_links, select_links

if TYPE_CHECKING:
    from instc.network.model import Network

__all__ = ["check_scenario"]


def check_scenario(scenario: Scenario, network: Network) -> list[Problem]:
    """Every problem of ``scenario`` against ``network`` (empty when it applies cleanly)."""
    tables = network.tables
    links = network.all_links if network.all_links is not None else network.links
    problems: list[Problem] = []

    def unknown(
        line: int | None,
        column: str,
        kind: str,
        values: Iterable[object],
        valid: Iterable[str],
        edit_no: int | None = None,
    ) -> None:
        valid_set = set(valid)
        for value in values:
            if str(value) not in valid_set:
                where = f"edit {edit_no}: " if edit_no else ""
                problems.append(
                    Problem(
                        scenario.file,
                        line,
                        column,
                        f"{where}unknown {kind} {value!r}",
                        did_you_mean(str(value), sorted(valid_set)),
                    )
                )

    unknown(
        scenario.key_lines.get("sources"),
        "sources",
        "source id",
        scenario.sources,
        tables["sources"]["source_id"],
    )
    universes: dict[str, tuple[str, Iterable[str]]] = {
        "link": ("link id", links["link_id"]),
        "node": ("node id", tables["nodes"]["node_id"]),
        "project": ("project id", tables["projects"]["project_id"]),
        "border": ("border id", tables["borders"]["border_id"]),
        "service": ("service id", tables["services"]["service_id"]),
        "family": ("route family", family_links(network)),
    }
    demand = tables["demand"]
    demand_universes: dict[str, tuple[str, Iterable[str]]] = {
        "demand_id": ("demand id", demand["demand_id"]),
        "scope": ("demand scope", demand["scope"].dropna()),
        "origin": ("node id", tables["nodes"]["node_id"]),
        "destination": ("node id", tables["nodes"]["node_id"]),
    }
    for number, edit in enumerate(scenario.edits, start=1):
        before = len(problems)
        for key, (kind, valid) in universes.items():
            values = getattr(edit.selection, key)
            if values:
                unknown(edit.key_lines.get(key, edit.line), key, kind, values, valid, number)
        for key, (kind, valid) in demand_universes.items():
            if key in edit.demand:
                unknown(
                    edit.key_lines.get(key, edit.line), key, kind, edit.demand[key], valid, number
                )
        if len(problems) == before and _selects_links(edit):
            mask = select_links(tables, links, edit.selection, families=family_links(network))
            if not mask.any():
                keys = ", ".join(edit.selection.names())
                problems.append(
                    Problem(
                        scenario.file,
                        edit.line,
                        None,
                        f"edit {number}: the selection ({keys}) matches no link",
                        "check that the keys together describe existing links",
                    )
                )
    return problems


def _selects_links(edit: Edit) -> bool:
    """Whether the edit's selection picks links (not borders, transfers or services)."""
    keys = edit.selection.names()
    if not keys or edit.action in ("demand", "rule"):
        return False
    if edit.action in ("open", "close"):
        return keys not in (("project",), ("service",))
    spec = FIELDS.get(edit.field or "")
    return spec is not None and spec.tables[0] in ("links", "tariffs")
