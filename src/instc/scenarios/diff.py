"""What a scenario changes: the best route per OD pair before and after, and the deltas.

The route planner is passed in as a callable (``planner(network, origin, destination,
cargo)``) returning an object shaped like :class:`instc.routing.results.RouteOption`
(``totals.to_dict()``, ``legs`` with ``mode``, ``distance_km`` and ``link_id``, and
``family``), or raising :class:`~instc._errors.NoRouteError`. :func:`route_planner`
builds the default one on :func:`instc.routing.route`.

>>> from types import SimpleNamespace as NS
>>> def planner(network, origin, destination, cargo):
...     cost = 100.0 if network == "before" else 80.0
...     leg = NS(mode="rail", distance_km=10.0, link_id="L1")
...     return NS(totals=NS(to_dict=lambda: {"cost_usd": cost}), legs=(leg,), family=None)
>>> d = diff_networks("before", "after", [ODPair("A", "B", "container")], planner=planner)
>>> d.pairs[0].delta
{'cost_usd': -20.0}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import NoRouteError

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.scenarios.schema import Scenario

__all__ = [
    "FamilyDiff",
    "FamilyPlanner",
    "ODPair",
    "PairDiff",
    "Planner",
    "ScenarioDiff",
    "compare_table",
    "default_pairs",
    "diff_networks",
    "family_of",
    "family_planner",
    "pairs_from_toml",
    "read_pairs",
    "route_planner",
    "run_scenario",
]

Planner = Callable[[Any, str, str, str], Any]
# (network, origin, destination, cargo) -> ({family id: option}, {family id: why none})
FamilyPlanner = Callable[[Any, str, str, str], tuple[Mapping[str, Any], Mapping[str, str]]]

# Changes smaller than this (in the totals' own units) are rounding, not a change.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ODPair:
    """An origin–destination pair and cargo class to compare (``group`` labels it)."""

    origin: str
    destination: str
    cargo: str
    group: str = ""


def _totals(option: Any) -> dict[str, float] | None:
    return None if option is None else {k: float(v) for k, v in option.totals.to_dict().items()}


def _delta(
    before: Mapping[str, float] | None, after: Mapping[str, float] | None
) -> dict[str, float] | None:
    """After minus before for every total both have (``None`` unless both exist)."""
    if before is None or after is None:
        return None
    return {k: after[k] - before[k] for k in before if k in after}


@dataclass(frozen=True)
class FamilyDiff:
    """The best option of one route family for a pair, before and after a scenario.

    ``before`` / ``after`` are the option's totals (``cost_usd``, ``time_h``, ``co2e_kg``,
    ... per cargo unit), ``None`` when the family has no option, with the reason in
    ``no_route_before`` / ``no_route_after``.
    """

    family: str
    before: Mapping[str, float] | None
    after: Mapping[str, float] | None
    no_route_before: str | None = None
    no_route_after: str | None = None

    @property
    def delta(self) -> dict[str, float] | None:
        """After minus before (``None`` when either side has no option)."""
        return _delta(self.before, self.after)

    @property
    def changed(self) -> bool:
        """Whether the family's option changed."""
        if (self.before is None) != (self.after is None):
            return True
        return any(abs(v) > _TOLERANCE for v in (self.delta or {}).values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "before": None if self.before is None else dict(self.before),
            "after": None if self.after is None else dict(self.after),
            "delta": self.delta,
            "changed": self.changed,
            "no_route_before": self.no_route_before,
            "no_route_after": self.no_route_after,
        }


@dataclass(frozen=True)
class PairDiff:
    """The best option for one pair before and after a scenario.

    ``before`` / ``after`` are the route planner's totals (``None`` when there is no
    route, with the reason in ``no_route_before`` / ``no_route_after``); ``delta`` is
    after minus before for every total both have. ``mode_share_*`` is the share of the
    distance run on each mode; ``links_entered`` / ``links_left`` the links the best
    route started or stopped using; ``families`` the best option of each route family
    before and after (empty unless a family planner was given).
    """

    origin: str
    destination: str
    cargo: str
    before: Mapping[str, float] | None
    after: Mapping[str, float] | None
    delta: Mapping[str, float] | None
    family_before: str | None = None
    family_after: str | None = None
    mode_share_before: Mapping[str, float] = field(default_factory=dict)
    mode_share_after: Mapping[str, float] = field(default_factory=dict)
    links_entered: tuple[str, ...] = ()
    links_left: tuple[str, ...] = ()
    no_route_before: str | None = None
    no_route_after: str | None = None
    group: str = ""
    families: tuple[FamilyDiff, ...] = ()
    unit: str = ""  # the cargo unit the totals are per (teu, t, truck)

    @property
    def best_changed(self) -> bool:
        """Whether the scenario changed the pair's best option."""
        if (self.before is None) != (self.after is None):
            return True
        if self.links_entered or self.links_left:
            return True
        return any(abs(v) > _TOLERANCE for v in (self.delta or {}).values())

    @property
    def changed(self) -> bool:
        """Whether the scenario changed anything for this pair (its best option or the
        option of a family)."""
        return self.best_changed or any(f.changed for f in self.families)

    def mode_share_change(self, *, threshold: float = 0.005) -> dict[str, float]:
        """After minus before share of the distance per mode (changes above ``threshold``).

        >>> PairDiff("A", "B", "container", None, None, None,
        ...          mode_share_before={"road": 1.0},
        ...          mode_share_after={"rail": 0.25, "road": 0.75}).mode_share_change()
        {'rail': 0.25, 'road': -0.25}
        """
        modes = sorted(set(self.mode_share_before) | set(self.mode_share_after))
        change = {
            m: self.mode_share_after.get(m, 0.0) - self.mode_share_before.get(m, 0.0) for m in modes
        }
        return {m: v for m, v in change.items() if abs(v) > threshold}

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "cargo": self.cargo,
            "unit": self.unit,
            "group": self.group,
            "before": None if self.before is None else dict(self.before),
            "after": None if self.after is None else dict(self.after),
            "delta": None if self.delta is None else dict(self.delta),
            "changed": self.changed,
            "best_changed": self.best_changed,
            "family_before": self.family_before,
            "family_after": self.family_after,
            "mode_share_before": dict(self.mode_share_before),
            "mode_share_after": dict(self.mode_share_after),
            "mode_share_change": self.mode_share_change(),
            "links_entered": list(self.links_entered),
            "links_left": list(self.links_left),
            "no_route_before": self.no_route_before,
            "no_route_after": self.no_route_after,
            "families": [f.to_dict() for f in self.families],
        }


@dataclass(frozen=True)
class ScenarioDiff:
    """A scenario's effect on every pair compared.

    ``same_date``: both networks are of one date; ``held_closed``: the projects the
    baseline keeps closed (a project scenario compared with the network without it).
    """

    scenario: str
    baseline: str
    pairs: tuple[PairDiff, ...]
    as_of_before: dt.date | None = None
    as_of_after: dt.date | None = None
    same_date: bool = False
    held_closed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"scenario", "baseline", "pairs": [{"origin", "destination", "cargo",
        "before", "after", "delta", "families": [...], ...}], "as_of_before",
        "as_of_after", "same_date", "held_closed"}``."""
        return {
            "scenario": self.scenario,
            "baseline": self.baseline,
            "pairs": [p.to_dict() for p in self.pairs],
            "as_of_before": self.as_of_before.isoformat() if self.as_of_before else None,
            "as_of_after": self.as_of_after.isoformat() if self.as_of_after else None,
            "same_date": self.same_date,
            "held_closed": list(self.held_closed),
        }

    def family_frame(self) -> pd.DataFrame:
        """One row per pair and family: totals before/after and their deltas."""
        import pandas as pd

        rows = []
        for p in self.pairs:
            for f in p.families:
                row: dict[str, Any] = {
                    "origin": p.origin,
                    "destination": p.destination,
                    "cargo": p.cargo,
                    "family": f.family,
                    "changed": f.changed,
                }
                for prefix, totals in (
                    ("before", f.before),
                    ("after", f.after),
                    ("delta", f.delta),
                ):
                    for key, value in (totals or {}).items():
                        row[f"{prefix}_{key}"] = value
                rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """One row per pair: the totals before/after and their deltas as columns."""
        import pandas as pd

        rows = []
        for p in self.pairs:
            row: dict[str, Any] = {
                "scenario": self.scenario,
                "origin": p.origin,
                "destination": p.destination,
                "cargo": p.cargo,
                "family_before": p.family_before,
                "family_after": p.family_after,
                "changed": p.changed,
            }
            for prefix, totals in (("before", p.before), ("after", p.after), ("delta", p.delta)):
                for key, value in (totals or {}).items():
                    row[f"{prefix}_{key}"] = value
            row["links_entered"] = ";".join(p.links_entered)
            row["links_left"] = ";".join(p.links_left)
            rows.append(row)
        return pd.DataFrame(rows)


def _mode_share(legs: Iterable[Any]) -> dict[str, float]:
    distance: dict[str, float] = {}
    for leg in legs:
        km = float(getattr(leg, "distance_km", 0.0) or 0.0)
        if km > 0:
            distance[leg.mode] = distance.get(leg.mode, 0.0) + km
    total = sum(distance.values())
    return {m: d / total for m, d in sorted(distance.items())} if total else {}


def _best(planner: Planner, network: Any, pair: ODPair) -> tuple[Any | None, str | None]:
    try:
        return planner(network, pair.origin, pair.destination, pair.cargo), None
    except NoRouteError as exc:
        return None, str(exc)


def _family_diffs(
    family_plan: FamilyPlanner, before: Any, after: Any, pair: ODPair
) -> tuple[FamilyDiff, ...]:
    old, why_old = family_plan(before, pair.origin, pair.destination, pair.cargo)
    new, why_new = family_plan(after, pair.origin, pair.destination, pair.cargo)
    names = [*old, *why_old]
    names += [f for f in (*new, *why_new) if f not in names]
    return tuple(
        FamilyDiff(
            family=f,
            before=_totals(old.get(f)),
            after=_totals(new.get(f)),
            no_route_before=why_old.get(f),
            no_route_after=why_new.get(f),
        )
        for f in dict.fromkeys(names)
    )


def diff_networks(
    before: Any,
    after: Any,
    pairs: Sequence[ODPair],
    *,
    planner: Planner,
    family_plan: FamilyPlanner | None = None,
    scenario: str = "scenario",
    baseline: str = "baseline",
) -> ScenarioDiff:
    """Plan every pair on both networks and compare the best options (and, with
    ``family_plan``, the best option of every route family)."""
    out = []
    for pair in pairs:
        old, why_old = _best(planner, before, pair)
        new, why_new = _best(planner, after, pair)
        t_old, t_new = _totals(old), _totals(new)
        delta = _delta(t_old, t_new)
        links_old = [leg.link_id for leg in old.legs if leg.link_id] if old is not None else []
        links_new = [leg.link_id for leg in new.legs if leg.link_id] if new is not None else []
        out.append(
            PairDiff(
                origin=pair.origin,
                destination=pair.destination,
                cargo=pair.cargo,
                group=pair.group,
                before=t_old,
                after=t_new,
                delta=delta,
                unit=str(getattr(old if old is not None else new, "unit", "")),
                family_before=getattr(old, "family", None),
                family_after=getattr(new, "family", None),
                mode_share_before=_mode_share(old.legs) if old is not None else {},
                mode_share_after=_mode_share(new.legs) if new is not None else {},
                links_entered=tuple(x for x in dict.fromkeys(links_new) if x not in links_old),
                links_left=tuple(x for x in dict.fromkeys(links_old) if x not in links_new),
                no_route_before=why_old,
                no_route_after=why_new,
                families=(_family_diffs(family_plan, before, after, pair) if family_plan else ()),
            )
        )
    return ScenarioDiff(
        scenario=scenario,
        baseline=baseline,
        pairs=tuple(out),
        as_of_before=getattr(before, "as_of", None),
        as_of_after=getattr(after, "as_of", None),
    )


# -- OD pairs -----------------------------------------------------------------------


def read_pairs(path: str | Path, network: Network | None = None) -> tuple[ODPair, ...]:
    """OD pairs from a TOML file of ``[[pair]]`` tables (origin, destination, cargo,
    optional group), checked by the data contract's rules for a pairs file
    (:func:`instc.network.contract.read_given`; places against ``network`` when given)."""
    from instc.network.contract import read_given
    from instc.network.places import place_check

    return pairs_from_toml(read_given(path, "pairs", network, place_check(network)).doc)


def pairs_from_toml(doc: Mapping[str, Any]) -> tuple[ODPair, ...]:
    """OD pairs of a pairs document the data contract checked."""
    return tuple(
        ODPair(raw["origin"], raw["destination"], raw["cargo"], str(raw.get("group", "")))
        for raw in doc["pair"]
    )


def default_pairs(network: Network | None = None) -> tuple[ODPair, ...]:
    """The default OD pairs: ``scenarios/_pairs.toml`` of the dataset the network was
    loaded from, else the bundled ones (``instc/data/scenarios/_pairs.toml``)."""
    from instc.network.contract import config_of

    return pairs_from_toml(config_of(network).file("scenarios/_pairs.toml").doc)


# -- running scenarios -----------------------------------------------------------------


def _via_matches(item: str, option: Any) -> bool:
    legs = option.legs
    if item.startswith("link:"):
        return item[5:] in option.link_ids
    if item.startswith("border:"):
        return any(leg.border_id == item[7:] for leg in legs)
    if item.startswith("mode:"):
        return any(leg.mode == item[5:] and leg.link_id for leg in legs)
    place, _, layer = item.partition("@")
    return any(
        (leg.from_node == place and (not layer or leg.from_layer == layer))
        or (leg.to_node == place and (not layer or leg.to_layer == layer))
        for leg in legs
    )


def family_of(option: Any, families: Sequence[Any]) -> str | None:
    """The first corridor family (``instc/data/families.toml``) whose definition the
    route satisfies: one item of every via group passed, nothing it avoids used."""
    link_modes = {leg.mode for leg in option.legs if leg.link_id}
    nodes = {n for leg in option.legs for n in (leg.from_node, leg.to_node)}
    borders = {leg.border_id for leg in option.legs if leg.border_id}
    used = {
        "country": set(option.countries),
        "mode": link_modes,
        "node": nodes,
        "link": set(option.link_ids),
        "border": borders,
    }
    for family in families:
        if any(set(values) & used.get(kind, set()) for kind, values in family.avoid.items()):
            continue
        if all(any(_via_matches(item, option) for item in group) for group in family.via):
            return str(family.family_id)
    return None


def _scenario_rules(network: Network) -> list[Any]:
    """The routing rules of the network, with a scenario's ``caspian_littoral_only``
    rule (``network.parameters['rules']``) switching ``caspian_littoral_flag``."""
    import dataclasses

    from instc.routing.rules import rules_for

    rules = list(rules_for(network))
    leaf = network.parameters.get("rules", {}).get("caspian_littoral_only")
    if isinstance(leaf, Mapping):
        rules = [
            dataclasses.replace(r, enabled=bool(leaf["value"]))
            if r.rule_id == "caspian_littoral_flag"
            else r
            for r in rules
        ]
    return rules


def family_planner(*, by: str = "cost", vessel_flag: str | None = None) -> FamilyPlanner:
    """The best option of every route family by ``by``, as :func:`instc.routing.compare.compare`
    shows it: a family option that is a detour or makes a U-turn is no member of its
    family (a pipeline that opens must not make "western rail" of oil that runs to
    Novorossiysk and back by rail).

    Returns ``({family id: option}, {family id: why it has none})``.
    """

    def plan(
        network: Network, origin: str, destination: str, cargo: str
    ) -> tuple[Mapping[str, Any], Mapping[str, str]]:
        from instc.routing.compare import BEST, compare

        try:
            found = compare(
                network,
                origin,
                destination,
                cargo=cargo,
                by=by,
                vessel_flag=vessel_flag,
                rules=_scenario_rules(network),
            )
        except NoRouteError as exc:
            return {}, {"*": str(exc)}
        options = {str(o.family): o for o in found.options if o.family != BEST}
        missing = dict(found.missing)
        missing.update((n.family, n.reason) for n in found.not_shown)
        return options, missing

    return plan


def route_planner(*, by: str = "cost", vessel_flag: str | None = None) -> Planner:
    """The default planner: the best option by ``by`` (:func:`instc.routing.shortest.route`),
    labelled with its corridor family.

    A scenario rule ``caspian_littoral_only`` (``network.parameters['rules']``) switches the
    routing rule ``caspian_littoral_flag`` on or off; it hides Caspian legs only for a
    ``vessel_flag`` outside the littoral states.
    """

    def plan(network: Network, origin: str, destination: str, cargo: str) -> Any:
        import dataclasses

        from instc.routing.compare import network_families
        from instc.routing.shortest import route

        option = route(
            network,
            origin,
            destination,
            cargo=cargo,
            by=by,
            vessel_flag=vessel_flag,
            rules=_scenario_rules(network),
        )
        families = network_families(network)
        return dataclasses.replace(option, family=family_of(option, families))

    return plan


def run_scenario(
    network: Network,
    scenario: Scenario,
    *,
    pairs: Sequence[ODPair] | None = None,
    baseline: Scenario | None = None,
    planner: Planner | None = None,
    family_plan: FamilyPlanner | None = None,
    same_date: bool | None = None,
) -> ScenarioDiff:
    """The effect of ``scenario`` on ``network``: the network as it is (or as ``baseline``
    describes it, when given) against the network as ``scenario`` describes it.

    Baseline and scenario are both applied to ``network``: to build one scenario on top of
    another, name the other as its ``parent``. With ``same_date`` the baseline is taken at
    the scenario's date without the projects the scenario opens, so that the diff holds
    only the scenario's edits and not what the project timeline changes between two
    dates; ``None`` (the default) means same date for a scenario that opens a project
    (:func:`instc.scenarios.baseline.scenario_networks`).
    """
    import dataclasses

    from instc.scenarios.baseline import scenario_networks

    nets = scenario_networks(network, scenario, baseline=baseline, same_date=same_date)
    diff = diff_networks(
        nets.before,
        nets.after,
        pairs if pairs is not None else default_pairs(network),
        planner=planner or route_planner(),
        family_plan=family_plan,
        scenario=scenario.name,
        baseline=nets.baseline,
    )
    return dataclasses.replace(diff, same_date=nets.same_date, held_closed=nets.held_closed)


def compare_table(diffs: Sequence[ScenarioDiff]) -> pd.DataFrame:
    """Many scenarios in one table: one row per scenario and pair."""
    import pandas as pd

    frames = [d.to_frame() for d in diffs]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
