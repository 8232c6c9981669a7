"""What a scenario is compared with: the baseline network, on which date.

A *project scenario* opens a project (an ``open`` edit that selects only projects, in the
scenario or one of its parents). Its effect is the difference between the network with
the project and the same network without it, on the same date: comparing the scenario's
date with today would also count everything else the project timeline opens in between,
and comparing it with the dataset at the scenario's date compares the project with
itself whenever the dataset already expects it open by then (Rasht–Astara: expected
2028, the scenario's date). So :func:`scenario_networks` by default takes the baseline
at the scenario's date with the scenario's projects held closed
(:func:`without_projects`); ``same_date=False`` gives the other comparison, the
baseline at its own date (today or ``as_of``) as the dataset describes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from instc.scenarios.apply import apply_scenario, scenario_chain
from instc.scenarios.schema import Edit, Scenario, Selection

if TYPE_CHECKING:
    from instc.network.model import Network

__all__ = ["ScenarioNetworks", "opened_projects", "scenario_networks", "without_projects"]


def opened_projects(scenario: Scenario) -> tuple[str, ...]:
    """The projects the scenario (after its parents) opens, in order of appearance.

    >>> from instc.scenarios import load_bundled
    >>> opened_projects(load_bundled("rasht-astara"))
    ('rasht-astara',)
    >>> opened_projects(load_bundled("red-sea-closed"))
    ()
    """
    found = (
        project
        for item in scenario_chain(scenario)
        for edit in item.edits
        if edit.action == "open" and edit.selection.names() == ("project",)
        for project in edit.selection.project
    )
    return tuple(dict.fromkeys(found))


def without_projects(scenario: Scenario, as_of: dt.date | None) -> Scenario:
    """The counterfactual of a project scenario: the network at ``as_of`` (the scenario's
    date) with the projects the scenario opens closed at every date, and none of its
    other edits. A scenario that opens no project gives an empty scenario at ``as_of``.
    """
    projects = opened_projects(scenario)
    sources = tuple(dict.fromkeys(s for item in scenario_chain(scenario) for s in item.sources))
    edits = (
        (Edit("close", Selection(project=projects), note="counterfactual: not built"),)
        if projects
        else ()
    )
    return Scenario(
        name=f"without-{scenario.name}",
        description=f"The network of scenario {scenario.name}'s date without its projects.",
        sources=sources,
        as_of=as_of,
        edits=edits,
        file=f"counterfactual of {scenario.file}",
    )


@dataclass(frozen=True)
class ScenarioNetworks:
    """The two networks a scenario run compares, and what the baseline is.

    ``baseline`` names it for a reader (``"baseline"``, a baseline scenario's name, or
    ``"without rasht-astara"``); ``same_date`` whether both are taken on one date;
    ``held_closed`` the projects the baseline keeps closed.
    """

    before: Network
    after: Network
    baseline: str
    same_date: bool
    held_closed: tuple[str, ...] = ()


def scenario_networks(
    network: Network,
    scenario: Scenario,
    *,
    baseline: Scenario | None = None,
    same_date: bool | None = None,
) -> ScenarioNetworks:
    """The network without and with ``scenario``.

    ``same_date=None`` means: on the same date for a project scenario (one that opens a
    project), else each on its own date. On the same date the baseline (``network``, or
    ``baseline`` applied to it) is moved to the scenario's date and the scenario's
    projects are held closed in it, so the difference is the scenario alone.
    """
    after = apply_scenario(network, scenario)
    before = apply_scenario(network, baseline) if baseline is not None else network
    label = baseline.name if baseline is not None else "baseline"
    projects = opened_projects(scenario)
    if same_date is None:
        same_date = bool(projects)
    if not same_date:
        return ScenarioNetworks(before, after, label, before.as_of == after.as_of)
    before = apply_scenario(before, without_projects(scenario, after.as_of))
    if projects:
        label = f"{label} without {', '.join(projects)}"
    return ScenarioNetworks(before, after, label, True, projects)
