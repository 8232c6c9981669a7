"""What a report shows, gathered once: the network summary, the family comparison, the
project timeline, the scenario diffs and the sources all of them cite.

:func:`collect_report` calls the engines (:func:`instc.routing.compare.compare`,
:func:`instc.scenarios.diff.run_scenario`); the renderers (:mod:`instc.reports.html`,
:mod:`instc.reports.charts`) only format what it returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instc.assignment.corridor import CorridorAssignment
    from instc.network.model import Network
    from instc.reliability.compare import ReliabilityComparison
    from instc.reports.charts import PartyEvent, TimelineSegment
    from instc.routing.compare import Comparison
    from instc.routing.results import RouteOption
    from instc.scenarios.diff import ODPair, PairDiff, Planner, ScenarioDiff
    from instc.scenarios.schema import Scenario

__all__ = ["CitedSource", "ReportContent", "ScenarioSection", "collect_report"]

DEFAULT_ORIGIN = "INNSA"  # Nhava Sheva
DEFAULT_DESTINATION = "RU-MOSCOW"


@dataclass(frozen=True, eq=False)
class ScenarioSection:
    """One scenario of the report and its effect on the OD pairs.

    ``highlight`` is the pair whose best route changes the most in cost, with its best
    option before and after (``None`` when no pair with a route on both sides changes);
    ``network_after`` is the network the scenario gives.
    """

    scenario: Scenario
    diff: ScenarioDiff
    network_after: Network | None = None
    highlight: PairDiff | None = None
    highlight_routes: tuple[RouteOption, RouteOption] | None = None
    # the compared pair with the best option of each family before and after
    compared_pair: PairDiff | None = None


def _scenario_section(
    network: Network, scenario: Scenario, diff: ScenarioDiff, planner: Planner
) -> ScenarioSection:
    from instc.scenarios.baseline import scenario_networks

    changed = [p for p in diff.pairs if p.changed and p.delta is not None and "cost_usd" in p.delta]
    if not changed:
        return ScenarioSection(scenario, diff)
    pair = max(changed, key=lambda p: abs(p.delta["cost_usd"]) if p.delta else 0.0)
    # the networks the diff compared (a project scenario: its date, without the project)
    nets = scenario_networks(network, scenario, same_date=diff.same_date)
    before = planner(nets.before, pair.origin, pair.destination, pair.cargo)
    after = planner(nets.after, pair.origin, pair.destination, pair.cargo)
    return ScenarioSection(scenario, diff, nets.after, pair, (before, after))


@dataclass(frozen=True)
class CitedSource:
    """A source the report cites, with the sections that cite it."""

    source_id: str
    title: str
    publisher: str
    published: str
    url: str
    cited_by: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class ReportContent:
    """Everything a report shows (per cargo unit where figures are per unit)."""

    network: Network
    as_of: dt.date | None
    data_origin: str
    summary: Mapping[str, Any]
    origin_name: str
    destination_name: str
    cargo: str
    comparison: Comparison
    family_colours: tuple[str, ...]
    timeline: tuple[TimelineSegment, ...]
    timeline_events: tuple[PartyEvent, ...]
    project_status: tuple[Mapping[str, Any], ...]
    scenarios: tuple[ScenarioSection, ...]
    sources: tuple[CitedSource, ...]
    place_names: Mapping[str, str]
    # the corridor assignment of the report's year (bottlenecks and flows), or why none
    flows: CorridorAssignment | None = None
    flows_note: str = ""
    # the Monte Carlo transit time of each family of the compared pair
    reliability: ReliabilityComparison | None = None


def _ids(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        if isinstance(value, tuple | list):
            out.extend(str(v) for v in value if v)
    return out


def _cited_sources(network: Network, cited: Mapping[str, Sequence[str]]) -> tuple[CitedSource, ...]:
    """Every id in ``cited`` (section -> source ids), resolved in ``sources``, sorted."""
    from instc.reports.basemap import NATURAL_EARTH

    by_section: dict[str, list[str]] = {}
    for section, ids in cited.items():
        for source_id in ids:
            sections = by_section.setdefault(source_id, [])
            if section not in sections:
                sections.append(section)
    table: dict[str, Mapping[Any, Any]] = {
        str(row["source_id"]): row for row in network.sources.to_dict("records")
    }
    table.setdefault(NATURAL_EARTH["source_id"], {**NATURAL_EARTH, "published": "2009–"})
    out = []
    for source_id in sorted(by_section):
        row = table.get(source_id, {})
        out.append(
            CitedSource(
                source_id=source_id,
                title=str(row.get("title") or "(not listed in sources.csv)"),
                publisher=str(row.get("publisher") or ""),
                published=str(row.get("published") or ""),
                url=str(row.get("url") or ""),
                cited_by=tuple(by_section[source_id]),
            )
        )
    return tuple(out)


def collect_report(
    network: Network,
    *,
    scenarios: Sequence[Scenario | str] = (),
    origin: str = DEFAULT_ORIGIN,
    destination: str = DEFAULT_DESTINATION,
    cargo: str = "container",
    by: str = "cost",
    pairs: Sequence[ODPair] | None = None,
    flows: bool = True,
    reliability_samples: int = 20_000,
    seed: int = 1,
) -> ReportContent:
    """Gather the report on ``network``: ``origin`` -> ``destination`` compared across
    corridor families, the project timeline, and each of ``scenarios`` (objects, bundled
    names or ``.toml`` paths) run over ``pairs`` (default: the bundled pairs).

    ``flows``: also the corridor assignment of the network's year (bottlenecks, volume
    and V/C per element); ``reliability_samples`` (0: none): the Monte Carlo of each
    family's door-to-door time, with ``seed``.

    Raises :class:`~instc._errors.ScenarioError` for an unknown scenario and
    :class:`~instc._errors.NoRouteError` / :class:`~instc._errors.UnknownNameError` when
    the compared pair has no route or names an unknown place.
    """
    from instc.network.timeline import project_status_as_of, summarize_network
    from instc.reports.charts import family_colour, party_events, timeline_segments
    from instc.routing.compare import compare
    from instc.scenarios import find_scenario
    from instc.scenarios.diff import route_planner, run_scenario

    resolved = [find_scenario(s) if isinstance(s, str) else s for s in scenarios]
    comparison = compare(network, origin, destination, cargo=cargo, by=by)
    order = [o.family or "" for o in comparison.options]
    colours = tuple(family_colour(o.family, order) for o in comparison.options)
    timeline = timeline_segments(network)
    status = project_status_as_of(network, network.as_of or dt.date.today())
    planner = route_planner(by=by)
    from instc.scenarios.diff import ODPair as _ODPair
    from instc.scenarios.diff import family_planner

    compared = [_ODPair(origin, destination, cargo)]
    families = family_planner(by=by)
    sections = tuple(
        dataclasses.replace(
            _scenario_section(
                network, s, run_scenario(network, s, pairs=pairs, planner=planner), planner
            ),
            compared_pair=run_scenario(
                network, s, pairs=compared, planner=planner, family_plan=families
            ).pairs[0],
        )
        for s in resolved
    )
    assignment, flows_note = _flows(network) if flows else (None, "")
    reliability = None
    if reliability_samples > 0:
        from instc.reliability.compare import reliability_by_family

        reliability = reliability_by_family(
            network, origin, destination, samples=reliability_samples, seed=seed,
            cargo=cargo, by=by,
        )  # fmt: skip

    all_links = network.all_links if network.all_links is not None else network.links
    link_sources = dict(zip(all_links["link_id"], all_links["source_ids"], strict=True))
    cited: dict[str, list[str]] = {
        "route comparison": [
            s for o in comparison.options for leg in o.legs for s in leg.source_ids
        ],
        "map": [
            *_ids(network.nodes["source_ids"]),
            *_ids(all_links["source_ids"]),
            "natural-earth-110m",
        ],
        "project timeline": [
            *_ids(network.projects["source_ids"]),
            *_ids(network.project_status["source_ids"]),
        ],
    }
    for section in sections:
        moved = {x for p in section.diff.pairs for x in (*p.links_entered, *p.links_left)}
        cited[f"scenario {section.scenario.name}"] = [
            *section.scenario.sources,
            *_ids(link_sources.get(link_id) for link_id in sorted(moved)),
        ]
    if assignment is not None:
        cited["bottlenecks and flows"] = [
            str(x) for ids in assignment.saturated(10)["capacity_source_ids"] for x in ids
        ]
    first = comparison.options[0]
    names = dict(zip(network.nodes["node_id"], network.nodes["name"], strict=True))
    return ReportContent(
        network=network,
        as_of=network.as_of,
        data_origin=network.origin,
        summary=summarize_network(network),
        origin_name=str(first.legs[0].from_name if first.legs else origin),
        destination_name=str(first.legs[-1].to_name if first.legs else destination),
        cargo=cargo,
        comparison=comparison,
        family_colours=colours,
        timeline=timeline,
        timeline_events=party_events(network),
        project_status=tuple({str(k): v for k, v in r.items()} for r in status.to_dict("records")),
        scenarios=sections,
        sources=_cited_sources(network, cited),
        place_names={str(k): str(v) for k, v in names.items()},
        flows=assignment,
        flows_note=flows_note,
        reliability=reliability,
    )


def _flows(network: Network) -> tuple[CorridorAssignment | None, str]:
    """The corridor assignment of the network's year, or ``None`` and why not (a
    dataset without corridor demand)."""
    from instc._errors import DataError
    from instc.assignment.corridor import assign_corridor

    year = (network.as_of or dt.date.today()).year
    try:
        return assign_corridor(network, year=year), ""
    except DataError as exc:
        return None, f"no corridor assignment for {year}: {exc}"
