"""Corridor families side by side: the best option of each, and its gap to the best.

A *family* is a set of routes defined by data (the dataset's ``families.toml``): via
groups (each a list of alternatives: a place, ``PLACE@layer``, ``border:ID``,
``link:ID``, ``mode:MODE``), and the countries, modes, places, links and borders it
avoids. Adding a family is a data edit. Via groups are visited in any order unless the
family says ``ordered = true`` (so one definition serves both directions).

:func:`compare` puts the best option of the whole network first (family ``best``, no
family constraint), then the best option of each family by the same criterion. A family
option that only meets its definition by going out of its way is not shown as that
family, with the reason: a *detour* (longer than ``compare.max_detour_factor`` times the
best option's distance, parameters.toml) or a *U-turn* (the cargo changes layer at a
place and comes back to its mode there without moving, e.g. rail → sea → rail at one port
with no sea leg: a via ``PORT@sea`` met on paper only). A family that avoids the
country of the origin or the destination has no option (a domestic pair has no corridor
to compare).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, NoRouteError, UnknownNameError
from instc.routing.costs import normalise_by

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.contract import ConfigFile
    from instc.network.model import Network
    from instc.routing.results import RouteOption
    from instc.routing.rules import FlagRule

__all__ = [
    "BEST",
    "DEFAULT_MAX_DETOUR_FACTOR",
    "Comparison",
    "Family",
    "NotShown",
    "compare",
    "families_from_toml",
    "family_route",
    "load_families",
    "max_detour_factor",
    "network_families",
    "u_turns",
]

BEST = "best"  # the family id of the unconstrained best option
BEST_LABEL = "Best option (any route, no family constraint)"
BEST_SHORT = "★ best (any route)"
# used when a dataset has no compare.max_detour_factor (the embedded one has, with its method)
DEFAULT_MAX_DETOUR_FACTOR = 1.6

_AVOID_KEYS = {
    "avoid_countries": "country",
    "avoid_modes": "mode",
    "avoid_nodes": "node",
    "avoid_links": "link",
    "avoid_borders": "border",
    "avoid_rules": "rule",
}


@dataclass(frozen=True)
class Family:
    """A corridor family: what its routes must pass and what they must avoid."""

    family_id: str
    label: str
    short: str
    description: str
    via: tuple[tuple[str, ...], ...]
    ordered: bool
    avoid: Mapping[str, tuple[str, ...]]
    # the family's own detour limit (a deep-sea family is the long way round by
    # definition); None: compare.max_detour_factor
    max_detour_factor: float | None = None

    def via_orders(self) -> list[tuple[tuple[str, ...], ...]]:
        if self.ordered or len(self.via) < 2:
            return [self.via]
        return list(itertools.permutations(self.via))


def load_families(path: str | Path | None = None, *, network: Any = None) -> tuple[Family, ...]:
    """The families defined in the families TOML ``path``, checked by the data
    contract's rules (:func:`instc.network.contract.read_given`; ids and places against
    ``network`` when given); default: those of ``network``'s dataset, else the embedded
    ``families.toml``."""
    from instc.network.contract import read_given
    from instc.network.places import place_check

    if path is None:
        return network_families(network)
    file = read_given(path, "families", network, place_check(network))
    return families_from_toml(file.doc, file.path)


def network_families(network: object) -> tuple[Family, ...]:
    """The families of the dataset ``network`` was loaded from (its ``families.toml``,
    else the embedded one)."""
    from instc.network.contract import config_of

    return _families_of(config_of(network).file("families.toml"))


@functools.lru_cache(maxsize=16)
def _families_of(file: ConfigFile) -> tuple[Family, ...]:
    return families_from_toml(file.doc, file.path)


def families_from_toml(data: Mapping[str, Any], file: str | Path) -> tuple[Family, ...]:
    """The families of a families TOML document read from ``file`` that the data
    contract checked (a data folder's own file at its load, a file given directly by
    :func:`load_families`)."""
    families = []
    for fid, spec in data.items():
        own_factor = spec.get("max_detour_factor")
        avoid = {kind: tuple(spec.get(key, ())) for key, kind in _AVOID_KEYS.items()}
        families.append(
            Family(
                family_id=fid,
                label=str(spec["label"]),
                short=str(spec.get("short", spec["label"])),
                description=str(spec.get("description", "")),
                via=tuple(
                    (group,) if isinstance(group, str) else tuple(group)
                    for group in spec.get("via", ())
                ),
                ordered=bool(spec.get("ordered", False)),
                avoid={k: v for k, v in avoid.items() if v},
                max_detour_factor=None if own_factor is None else float(own_factor),
            )
        )
    return tuple(families)


@dataclass(frozen=True)
class NotShown:
    """A family whose best option was found but is not shown as that family, and why."""

    family: str
    label: str
    kind: str  # "detour" or "u_turn"
    reason: str  # one line
    distance_km: float
    cost_usd: float
    time_h: float

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Comparison:
    """The unconstrained best option first (family ``best``), then the best option of
    each family by ``by`` (sorted by ``by``); the families not shown and those with none.
    """

    by: str
    options: tuple[RouteOption, ...]
    missing: tuple[tuple[str, str], ...]  # (family id, why no option)
    short_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    not_shown: tuple[NotShown, ...] = ()
    max_detour_factor: float = DEFAULT_MAX_DETOUR_FACTOR

    @property
    def best(self) -> RouteOption:
        return self.options[0]

    @property
    def families(self) -> tuple[RouteOption, ...]:
        """The family options shown (without the unconstrained best)."""
        return tuple(o for o in self.options if o.family != BEST)

    @property
    def criterion(self) -> str:
        """How each family's option was picked, in words (printed by compare and reliability)."""
        return (
            f"each family's option is its best route by {self.by} "
            "(instc compare and instc reliability pick the same)"
        )

    def same_as_best(self) -> tuple[str, ...]:
        """The families whose option is the unconstrained best route itself."""
        best = self.options[0]
        return tuple(
            o.family or ""
            for o in self.options[1:]
            if o.link_ids == best.link_ids and o.legs == best.legs
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the options (best first), the families not shown and those missing."""
        first = self.options[0]
        return {
            "origin": first.origin,
            "destination": first.destination,
            "cargo": first.cargo,
            "as_of": first.as_of,
            "by": self.by,
            "criterion": self.criterion,
            "max_detour_factor": self.max_detour_factor,
            "options": self.to_list(),
            "not_shown": [n.to_dict() for n in self.not_shown],
            "missing": [{"family": f, "reason": why} for f, why in self.missing],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per family: totals and the difference to the best option."""
        import pandas as pd

        rows = []
        best = self.options[0].totals if self.options else None
        for o in self.options:
            row: dict[str, Any] = {"family": o.family, "label": o.family_label}
            row.update(o.totals.to_dict())
            row["time_days"] = o.totals.time_days
            if best is not None:
                row["delta_cost_usd"] = o.totals.cost_usd - best.cost_usd
                row["delta_time_h"] = o.totals.time_h - best.time_h
                row["delta_co2e_kg"] = o.totals.co2e_kg - best.co2e_kg
            row["expected"] = o.expected
            row["legs"] = len(o.legs)
            rows.append(row)
        return pd.DataFrame(rows)

    def to_list(self) -> list[dict[str, Any]]:
        """The options as JSON dicts, each with ``delta_to_best`` (its totals minus the
        first option's)."""
        if not self.options:
            return []
        best = self.options[0].totals.to_dict()
        out = []
        for o in self.options:
            d = o.to_dict()
            d["delta_to_best"] = {k: v - best[k] for k, v in d["totals"].items()}
            out.append(d)
        return out


def _sort_key(option: RouteOption, by: str, vot_usd_per_h: float = 0.0) -> tuple[float, ...]:
    t = option.totals
    main = {
        "cost": t.cost_usd,
        "time": t.time_h,
        "co2e": t.co2e_kg,
        "distance": t.distance_km,
        "generalised": t.cost_usd + vot_usd_per_h * t.time_h,
    }
    return (main[by], t.cost_usd, t.time_h)


def max_detour_factor(network: Network) -> float:
    """``compare.max_detour_factor`` of the network's parameters (else the default 1.6)."""
    try:
        value = network.parameter("compare.max_detour_factor")
    except (KeyError, TypeError):
        return DEFAULT_MAX_DETOUR_FACTOR
    if not value >= 1.0:
        raise DataError(
            f"parameters.toml:compare.max_detour_factor: {value:g} must be >= 1 — e.g. 1.6"
        )
    return value


_WATER = ("sea", "ferry", "inland_waterway")


def _mode(layer: str) -> str:
    return layer.rstrip("0123456789")  # rail1520 and rail1435 are both rail


def u_turns(option: RouteOption) -> tuple[str, ...]:
    """Where ``option`` changes layer at a place and comes back there without moving
    (rail → sea → rail at one port with no sea leg), as one-line descriptions.

    A run of consecutive transfers at one place is a U-turn when it passes another layer
    and ends on the layer it started from, or passes a water layer (sea, ferry) and ends
    on the mode it started from (rail1435 → sea → rail1520 at a port). A gauge change,
    even one made through another layer (rail1435 → road → rail1520, a transload), is
    not one.
    """
    found: list[str] = []
    legs = option.legs
    i = 0
    while i < len(legs):
        if legs[i].kind != "transfer":
            i += 1
            continue
        j = i
        while (
            j + 1 < len(legs)
            and legs[j + 1].kind == "transfer"
            and legs[j + 1].from_node == legs[i].from_node
        ):
            j += 1
        layers = [legs[i].from_layer, *(leg.to_layer for leg in legs[i : j + 1])]
        start = _mode(layers[0])
        middle = [x for x in layers[1:-1] if _mode(x) != start]
        back = layers[-1] == layers[0] or (
            _mode(layers[-1]) == start and any(_mode(x) in _WATER for x in middle)
        )
        if len(layers) >= 3 and middle and back:
            found.append(
                f"U-turn at {legs[i].from_name or legs[i].from_node}: "
                f"{' → '.join(layers)} without a {_mode(middle[0])} leg"
            )
        i = j + 1
    return tuple(found)


def _not_shown(
    fam: Family, option: RouteOption, best: RouteOption, factor: float
) -> NotShown | None:
    """Why ``option`` (the best of ``fam``) is not a sensible member of its family, if so."""
    if fam.max_detour_factor is not None:
        factor = fam.max_detour_factor
    turns = u_turns(option)
    kind = reason = ""
    if turns:
        kind, reason = "u_turn", "; ".join(turns)
    elif option.totals.distance_km > factor * best.totals.distance_km:
        kind = "detour"
        reason = (
            f"a detour: {option.totals.distance_km:,.0f} km is "
            f"{option.totals.distance_km / best.totals.distance_km:.2f}× the best option's "
            f"{best.totals.distance_km:,.0f} km (limit {factor:g}×, "
            + (
                "the family's max_detour_factor)"
                if fam.max_detour_factor
                else "compare.max_detour_factor)"
            )
        )
    if not kind:
        return None
    t = option.totals
    return NotShown(fam.family_id, fam.label, kind, reason, t.distance_km, t.cost_usd, t.time_h)


def _family_best(
    network: Network,
    origin: str,
    destination: str,
    fam: Family,
    user_avoid: Mapping[str, tuple[str, ...]],
    vot_usd_per_h: float,
    common: Mapping[str, Any],
) -> RouteOption:
    """The best route of ``fam`` over its via orders; NoRouteError when it has none."""
    from instc.routing.shortest import route

    key = str(common["by"])
    merged: dict[str, tuple[str, ...]] = dict(fam.avoid)
    for kind, values in user_avoid.items():
        k = kind.rstrip("s") if kind != "countries" else "country"
        merged[k] = merged.get(k, ()) + tuple(values)
    best: RouteOption | None = None
    last: NoRouteError | None = None
    for order in fam.via_orders():
        try:
            option = route(network, origin, destination, avoid=merged, via=order, **common)
        except NoRouteError as exc:
            last = exc
            continue
        except UnknownNameError as exc:
            raise DataError(
                f"families.toml: [{fam.family_id}] {exc} — fix the family definition"
            ) from exc
        if best is None or _sort_key(option, key, vot_usd_per_h) < _sort_key(
            best, key, vot_usd_per_h
        ):
            best = option
    if best is None:
        assert last is not None  # a family has at least one via order
        raise _family_no_route(network, origin, destination, fam, merged, user_avoid, common, last)
    return dataclasses.replace(best, family=fam.family_id, family_label=fam.label)


def _family_no_route(
    network: Network,
    origin: str,
    destination: str,
    fam: Family,
    merged: Mapping[str, tuple[str, ...]],
    user_avoid: Mapping[str, tuple[str, ...]],
    common: Mapping[str, Any],
    last: NoRouteError,
) -> NoRouteError:
    """Why ``fam`` has no route, said from the family's side: its via places and avoided
    countries define it, so they are never the constraint to drop. The date when the
    family routes over all dates (naming what is not running then); the caller's own
    avoid when the family alone routes (``last`` names it); else the family's definition."""
    from instc.routing._lookup import network_as_of, network_as_of_none
    from instc.routing.shortest import route

    dated = network_as_of(network, common.get("as_of"))
    if dated.as_of is not None and dated.all_links is not None:
        everything = network_as_of_none(dated)
        for order in fam.via_orders():
            try:
                option = route(
                    everything, origin, destination, avoid=merged, via=order,
                    **{**common, "as_of": None},
                )  # fmt: skip
            except NoRouteError:
                continue
            missing = _not_running(dated, option)
            return NoRouteError(
                origin,
                destination,
                f"as of {dated.as_of} nothing the family allows connects them: its best "
                f"route over all dates needs {missing or 'a link or service not open then'}",
            )
    if user_avoid:
        for order in fam.via_orders():
            try:
                route(network, origin, destination, avoid=dict(fam.avoid), via=order, **common)
            except NoRouteError:
                continue
            return last  # the caller's avoid cut the family's last path: it says which
    passes = " then ".join(" or ".join(stage) for stage in fam.via) or "anywhere"
    avoided = "; ".join(f"avoid {k} {', '.join(v)}" for k, v in fam.avoid.items() if v)
    return NoRouteError(
        origin,
        destination,
        f"the family's definition (via {passes}"
        + (f"; {avoided}" if avoided else "")
        + f") leaves no {common.get('cargo', 'container')} path between them",
    )


def _gap_of(row: dict[str, Any]) -> str:
    """'; <clause>' when the services.csv row's method or notes name a gap (what no
    source gives about the service's dates or what ran instead), else ''."""
    from instc.network.audit import gap_clause

    clause = gap_clause("; ".join(str(row.get(c) or "") for c in ("method", "notes")))
    return f"; {clause}" if clause else ""


def _not_running(dated: Network, option: RouteOption) -> str:
    """The services and links of ``option`` that do not run at ``dated``'s date, with the
    dates services.csv and links.csv give them ('' when none is found)."""
    from instc._values import frame_records

    when = dated.as_of
    services: dict[str, list[dict[str, Any]]] = {}
    for r in frame_records(dated.tables["services"]):
        services.setdefault(r["service_id"], []).append(r)
    usable = set(dated.links["link_id"])
    links = (
        {r["link_id"]: r for r in frame_records(dated.all_links)}
        if dated.all_links is not None
        else {}
    )
    said: list[str] = []
    for sid in dict.fromkeys(leg.service_id for leg in option.legs if leg.service_id):
        rows = services.get(sid, [])
        if when is None or not rows:
            continue
        # a service may have several rows one after another (a frequency change): it is
        # not running when no row holds at the date; say the last end before, else the
        # first start after
        ended = [
            r for r in rows if isinstance(r.get("end_date"), dt.date) and r["end_date"] <= when
        ]
        later = [
            r for r in rows if isinstance(r.get("start_date"), dt.date) and r["start_date"] > when
        ]
        if len(ended) + len(later) < len(rows):
            continue  # a row holds at the date
        if ended:
            row = max(ended, key=lambda r: r["end_date"])
            said.append(f"service {sid} (ran until {row['end_date'].isoformat()}{_gap_of(row)})")
        else:
            row = min(later, key=lambda r: r["start_date"])
            said.append(f"service {sid} (runs from {row['start_date'].isoformat()}{_gap_of(row)})")
    for lid in dict.fromkeys(leg.link_id for leg in option.legs if leg.link_id):
        if lid in usable or lid not in links:
            continue
        row = links[lid]
        opens, closes = row.get("open_date"), row.get("close_date")
        if isinstance(opens, dt.date) and when is not None and opens > when:
            said.append(f"link {lid} (opens {opens.isoformat()})")
        elif isinstance(closes, dt.date):
            said.append(f"link {lid} (closed {closes.isoformat()})")
        else:
            said.append(f"link {lid} (its project not open then)")
    return ", ".join(said)


def family_route(
    network: Network,
    origin: str,
    destination: str,
    family: Family,
    *,
    cargo: str = "container",
    by: str = "cost",
    as_of: Any = None,
    value_of_time_usd_per_unit_day: float | None = None,
) -> RouteOption:
    """The best route of ``family`` by ``by`` — the option :func:`compare` picks for it,
    before the detour and U-turn display filters. Raises
    :class:`~instc._errors.NoRouteError` when the family has none.
    """
    key = normalise_by(by)
    vot_usd_per_h = 0.0
    if key == "generalised":
        from instc.routing._constraints import make_request
        from instc.routing.costs import value_of_time
        from instc.units import HOURS_PER_DAY

        req = make_request(
            network, origin, destination, cargo=cargo, as_of=as_of, avoid=None, via=(),
            vessel_flag=None, rules=None,
        )  # fmt: skip
        vot = value_of_time(
            req.network, req.graph, override_usd_per_unit_day=value_of_time_usd_per_unit_day
        )
        vot_usd_per_h = vot.usd_per_unit_day / HOURS_PER_DAY
    common = {
        "cargo": cargo,
        "by": key,
        "as_of": as_of,
        "value_of_time_usd_per_unit_day": value_of_time_usd_per_unit_day,
    }
    return _family_best(network, origin, destination, family, {}, vot_usd_per_h, common)


def compare(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str = "container",
    by: str = "cost",
    as_of: Any = None,
    avoid: Mapping[str, Iterable[str]] | None = None,
    families: Sequence[Family] | None = None,
    vessel_flag: str | None = None,
    rules: Sequence[FlagRule] | None = None,
    value_of_time_usd_per_unit_day: float | None = None,
    tonnes_per_unit: float | None = None,
    max_detour: float | None = None,
) -> Comparison:
    """The unconstrained best option by ``by`` first, then the best option of each
    family by ``by``, sorted best first.

    ``avoid`` applies to the best option and to every family on top of the family's
    own. A family whose option is a detour (longer than ``max_detour`` times the best
    option's distance; default ``compare.max_detour_factor`` of parameters.toml) or
    makes a U-turn (:func:`u_turns`) is listed in ``Comparison.not_shown`` with the
    reason; a family with no route, or one that avoids the origin's or destination's
    country, in ``Comparison.missing``. When no route exists at all,
    :class:`~instc._errors.NoRouteError` is raised.
    """
    from instc.routing._constraints import make_request
    from instc.routing.shortest import route

    key = normalise_by(by)
    fams = network_families(network) if families is None else tuple(families)
    # the caller's own input is checked once, so its errors are not blamed on a family
    req = make_request(
        network,
        origin,
        destination,
        cargo=cargo,
        as_of=as_of,
        avoid=avoid,
        via=(),
        vessel_flag=vessel_flag,
        rules=rules,
        tonnes_per_unit=tonnes_per_unit,
    )
    factor = max_detour_factor(req.network) if max_detour is None else float(max_detour)
    if not factor >= 1.0:
        raise DataError(f"max detour factor {factor:g} must be >= 1 — e.g. 1.6")
    vot_usd_per_h = 0.0
    if key == "generalised":
        from instc.routing.costs import value_of_time
        from instc.units import HOURS_PER_DAY

        vot = value_of_time(
            req.network, req.graph, override_usd_per_unit_day=value_of_time_usd_per_unit_day
        )
        vot_usd_per_h = vot.usd_per_unit_day / HOURS_PER_DAY
    common: dict[str, Any] = {
        "cargo": cargo,
        "by": key,
        "as_of": as_of,
        "vessel_flag": vessel_flag,
        "rules": rules,
        "value_of_time_usd_per_unit_day": value_of_time_usd_per_unit_day,
        "tonnes_per_unit": tonnes_per_unit,
    }
    # the best of the whole network (under the caller's constraints): the yardstick
    overall = route(network, origin, destination, avoid=avoid, via=(), **common)
    overall = dataclasses.replace(overall, family=BEST, family_label=BEST_LABEL)
    country = dict(zip(req.network.nodes["node_id"], req.network.nodes["country"], strict=True))
    ends = {
        "origin": str(country.get(req.origin, "")),
        "destination": str(country.get(req.destination, "")),
    }
    where: dict[str, list[str]] = {}
    for end, c in ends.items():
        where.setdefault(c, []).append(end)
    user_avoid = {k: tuple(v) for k, v in (avoid or {}).items()}
    options: list[RouteOption] = []
    missing: list[tuple[str, str]] = []
    not_shown: list[NotShown] = []
    for fam in fams:
        avoided = [
            f"the family avoids {c}, where the {' and '.join(e)} "
            + ("lie" if len(e) > 1 else "lies")
            for c, e in where.items()
            if c and c in fam.avoid.get("country", ())
        ]
        if avoided:
            missing.append((fam.family_id, "; ".join(avoided)))
            continue
        try:
            best = _family_best(
                network, origin, destination, fam, user_avoid, vot_usd_per_h, common
            )
        except NoRouteError as exc:
            missing.append((fam.family_id, exc.reason))
            continue
        hidden = _not_shown(fam, best, overall, factor)
        if hidden is not None:
            not_shown.append(hidden)
            continue
        options.append(best)
    options.sort(key=lambda o: _sort_key(o, key, vot_usd_per_h))
    return Comparison(
        by=key,
        options=(overall, *options),
        missing=tuple(missing),
        short_labels={BEST: BEST_SHORT, **{f.family_id: f.short for f in fams}},
        not_shown=tuple(not_shown),
        max_detour_factor=factor,
    )
