"""From a path of graph edges to a route option (internal): one leg per edge, driver
rests per run of road legs, surcharges paid once, totals and assumptions.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from instc.routing._constraints import Request, rule_mask
from instc.routing._search import Problem
from instc.routing.results import Leg, RouteOption, Totals

if TYPE_CHECKING:
    from instc.network.graph import Graph

__all__ = ["RoadRests", "extra_rest_h", "make_option", "road_rests_h"]

_LEGS: weakref.WeakKeyDictionary[Any, dict[int, Leg]] = weakref.WeakKeyDictionary()


# --- driver rests over road runs -----------------------------------------------------------
@dataclass(frozen=True)
class RoadRests:
    """Driver rests of a path counted per run of road legs (see :func:`road_rests_h`)."""

    rest_h: np.ndarray  # rest hours per edge of the path (0 off the road)
    notes: tuple[tuple[str, ...], ...]  # per edge: the rest note, if any

    @property
    def total_h(self) -> float:
        return float(self.rest_h.sum())


def road_rests_h(g: Graph, edges: Sequence[int]) -> RoadRests:
    """The driver's rests along the graph ``edges`` of a path, counted per road run.

    A *run* is a maximal sequence of road legs; the driver's daily clock resets at any
    non-road leg (ferry, train, transshipment) and at a stop of at least the daily rest
    (``road.daily_rest_h``) — a border queue or a wait, taken before the leg is driven.
    A run of ``T`` h driving at most ``d`` h a day takes ``ceil(T/d) - 1`` rests of
    ``24 - d`` h; the rest at ``k·d`` h of driving is put on the leg where the clock
    reaches it. A single link is counted as the graph counts it, so the graph's per-link
    rests (``Graph.rest_h``) are a lower bound of these.
    """
    from instc.network.graph import rest_count
    from instc.units import HOURS_PER_DAY

    rest = np.zeros(len(edges), dtype=np.float64)
    notes: list[tuple[str, ...]] = [()] * len(edges)
    drive = g.driving_h_per_day
    if drive is None or g.rest_h is None or not drive > 0:
        return RoadRests(rest, tuple(notes))
    reset_h = g.daily_rest_h if g.daily_rest_h is not None else HOURS_PER_DAY - drive
    rest_each_h = HOURS_PER_DAY - drive
    runs: list[list[int]] = []  # positions in edges
    for i, e in enumerate(edges):
        if g.mode[e] != "road":
            continue
        stop_h = float(g.waiting_h[e] + g.dwell_h[e] - g.rest_h[e])
        continues = bool(runs) and runs[-1][-1] == i - 1 and stop_h < reset_h - 1e-9
        if continues:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        total_h = sum(float(g.moving_h[edges[i]]) for i in run)
        n = rest_count(total_h, drive)
        if n == 0:
            continue
        start = g.place_name.get(g.node_place[g.edge_from[edges[run[0]]]], "")
        clock_h = 0.0
        done = 0  # rests taken so far in this run
        for i in run:
            clock_h += float(g.moving_h[edges[i]])
            upto = min(n, math.floor(clock_h / drive + 1e-9))
            here = upto - done
            if here > 0:
                rest[i] = here * rest_each_h
                notes[i] = (
                    f"{here} driver rest stop(s) of {rest_each_h:g} h (road run of "
                    f"{total_h:.1f} h driving from {start}, {drive:g} h a day)",
                )
                done = upto
    return RoadRests(rest, tuple(notes))


def extra_rest_h(req: Request, problem: Problem, path: Sequence[int]) -> float:
    """Hours of rest the road runs of a problem ``path`` add to its per-link rests (>= 0)."""
    g = req.graph
    if g.rest_h is None:
        return 0.0
    edges = [int(problem.base[e]) for e in path if problem.base[e] >= 0]
    return road_rests_h(g, edges).total_h - float(g.rest_h[np.asarray(edges, dtype=np.int64)].sum())


# --- results ------------------------------------------------------------------------------
def make_option(
    req: Request,
    problem: Problem,
    path: Sequence[int],
    *,
    by: str,
    extra_assumptions: Sequence[str] = (),
) -> RouteOption:
    """A RouteOption from a problem path (problem edge ids)."""
    g = req.graph
    edges = [int(problem.base[e]) for e in path if problem.base[e] >= 0]
    masks = [(r.rule_id, rule_mask(g, r)) for r in req.rules if r.enabled]
    cache = _LEGS.setdefault(g, {})
    legs_list = []
    for e in edges:
        if e not in cache:
            cache[e] = _leg(g, e)
        leg = cache[e]
        governed = tuple(rid for rid, m in masks if m[e])
        legs_list.append(dataclasses.replace(leg, rules=governed) if governed else leg)
    rests = road_rests_h(g, edges)
    if g.rest_h is not None:
        for i, e in enumerate(edges):
            extra_h = float(rests.rest_h[i] - g.rest_h[e])
            if extra_h != 0.0 or rests.notes[i]:
                leg = legs_list[i]
                legs_list[i] = dataclasses.replace(
                    leg,
                    dwell_h=leg.dwell_h + extra_h,
                    time_h=leg.moving_h + leg.waiting_h + leg.dwell_h + extra_h,
                    source_ids=tuple(dict.fromkeys([*leg.source_ids, *g.rest_source_ids])),
                )
    if legs_list and legs_list[0].kind == "transfer" and legs_list[0].from_node == req.origin:
        legs_list[0] = dataclasses.replace(legs_list[0], terminal="origin")
    if legs_list and legs_list[-1].kind == "transfer" and legs_list[-1].to_node == req.destination:
        legs_list[-1] = dataclasses.replace(legs_list[-1], terminal="destination")
    repeated_usd = _pay_surcharges_once(legs_list)
    destination_usd = _charge_at_destination(g, req.origin, req.destination, legs_list)
    legs = tuple(legs_list)
    ids = np.asarray(edges, dtype=np.int64)
    totals = Totals(
        cost_usd=float(g.cost_usd[ids].sum()) - repeated_usd + destination_usd,
        time_h=math.fsum(leg.time_h for leg in legs),
        co2e_kg=float(g.co2e_kg[ids].sum()),
        co2e_kg_ttw=float(g.co2e_kg_ttw[ids].sum()),
        distance_km=float(g.distance_km[ids].sum()),
    )
    return RouteOption(
        origin=req.origin,
        destination=req.destination,
        cargo=g.cargo,
        unit=g.unit,
        by=by,
        as_of=None if req.network.as_of is None else req.network.as_of.isoformat(),
        legs=legs,
        totals=totals,
        assumptions=_assumptions(req, edges, extra_assumptions, rests.notes),
        tonnes_per_unit=g.tonnes_per_unit,
    )


def _pay_surcharges_once(legs: list[Leg]) -> float:
    """Drop, in place, every surcharge a leg repeats from an earlier leg of the route (a
    route entering a country twice pays its repositioning or insurance once); returns
    the USD dropped."""
    seen: set[str] = set()
    dropped_usd = 0.0
    for i, leg in enumerate(legs):
        if not leg.surcharges:
            continue
        keep = tuple(s for s in leg.surcharges if s.surcharge_id not in seen)
        seen.update(s.surcharge_id for s in leg.surcharges)
        if len(keep) == len(leg.surcharges):
            continue
        usd = leg.surcharges_usd - math.fsum(s.usd for s in keep)
        hours = math.fsum(s.dwell_h for s in leg.surcharges) - math.fsum(s.dwell_h for s in keep)
        dropped_usd += usd
        legs[i] = dataclasses.replace(
            leg,
            surcharges=keep,
            surcharges_usd=leg.surcharges_usd - usd,
            cost_usd=leg.cost_usd - usd,
            dwell_h=leg.dwell_h - hours,
            time_h=leg.time_h - hours,
        )
    return dropped_usd


def _charge_at_destination(g: Graph, origin: str, destination: str, legs: list[Leg]) -> float:
    """Add, in place, each ``at`` = destination surcharge of the destination's country to
    the last leg of one of its modes that enters that country, when the route starts
    outside it (a box sent one way into the country stays there; a box only crossing it,
    or starting in it, pays none); returns the USD added."""
    added_usd = 0.0
    for rule in g.destination_rules(origin, destination):
        country = rule.country
        i = next(
            (
                i
                for i in range(len(legs) - 1, -1, -1)
                if legs[i].mode in rule.modes
                and g.place_country.get(legs[i].to_node) == country
                and g.place_country.get(legs[i].from_node) != country
            ),
            None,
        )
        if i is None:
            continue
        leg, item = legs[i], rule.item
        legs[i] = dataclasses.replace(
            leg,
            surcharges=(*leg.surcharges, item),
            surcharges_usd=leg.surcharges_usd + item.usd,
            cost_usd=leg.cost_usd + item.usd,
            dwell_h=leg.dwell_h + item.dwell_h,
            time_h=leg.time_h + item.dwell_h,
            source_ids=tuple(dict.fromkeys([*leg.source_ids, *item.source_ids])),
        )
        added_usd += item.usd
    return added_usd


def _leg(g: Graph, e: int) -> Leg:
    u, v = int(g.edge_from[e]), int(g.edge_to[e])
    pu, pv = g.node_place[u], g.node_place[v]
    return Leg(
        kind=g.kind[e],
        mode=g.mode[e],
        from_node=pu,
        to_node=pv,
        from_name=g.place_name.get(pu, pu),
        to_name=g.place_name.get(pv, pv),
        from_country=g.from_country[e],
        to_country=g.to_country[e],
        from_layer=g.layer(u),
        to_layer=g.layer(v),
        link_id=g.link_id[e],
        border_id=g.border_id[e],
        transfer_kind=g.transfer_kind[e],
        vehicle_class=g.vehicle_class[e],
        distance_km=float(g.distance_km[e]),
        moving_h=float(g.moving_h[e]),
        waiting_h=float(g.waiting_h[e]),
        dwell_h=float(g.dwell_h[e]),
        time_h=float(g.time_h[e]),
        freight_usd=float(g.freight_usd[e]),
        charges_usd=float(g.charges_usd[e]),
        cost_usd=float(g.cost_usd[e]),
        co2e_kg=float(g.co2e_kg[e]),
        co2e_kg_ttw=float(g.co2e_kg_ttw[e]),
        source_ids=g.source_ids[e],
        expected=bool(g.expected[e]),
        project_id=g.project_id[e],
        from_lonlat=g.place_lonlat.get(pu, (0.0, 0.0)),
        to_lonlat=g.place_lonlat.get(pv, (0.0, 0.0)),
        surcharges_usd=0.0 if g.surcharge_usd is None else float(g.surcharge_usd[e]),
        surcharges=g.surcharges[e] if g.surcharges else (),
        service_id=g.service_id[e] if g.service_id else None,
    )


def _assumptions(
    req: Request,
    edges: Sequence[int],
    extra: Sequence[str],
    rest_notes: Sequence[tuple[str, ...]] = (),
) -> tuple[str, ...]:
    g = req.graph
    out: list[str] = []
    if g.unit != "t":
        out.append(
            f"figures per {g.unit}; {g.tonnes_per_unit:g} t of cargo per {g.unit} "
            f"(default cargo.tonnes_per_{g.unit} in parameters.toml, overridable)"
        )
    out.append(
        "time = moving + waiting for a scheduled service (half the headway) + dwell at "
        "transfers, borders and driver rests; CO2e per ISO 14083 (WTW headline, TTW beside; "
        "hub operations in WTW only)"
    )
    years = sorted({y for e in edges for y in (g.price_years[e] if g.price_years else ())})
    if years:
        out.append(
            "money in US dollars as the sources give them, not converted between years (no "
            f"deflator is sourced): price years on this route {', '.join(map(str, years))}; "
            "rates without a stated year are counted as given"
        )
    out.extend(extra)
    for i, e in enumerate(edges):
        if g.expected[e] and g.project_id[e]:
            out.append(
                f"relies on project {g.project_id[e]} (link {g.link_id[e]}) being open by "
                f"{req.network.as_of} — a forecast, not yet a fact"
            )
        for note in (*g.notes[e], *(rest_notes[i] if i < len(rest_notes) else ())):
            label = g.link_id[e] or f"{g.transfer_kind[e]} at {g.node_place[g.edge_from[e]]}"
            out.append(f"{label}: {note}")
    if req.vessel_flag is None:
        used = np.asarray(edges, dtype=np.int64)
        for rule in req.rules:
            if rule.enabled and len(used) and rule_mask(g, rule)[used].any():
                out.append(rule.assumption())
    return tuple(dict.fromkeys(out))
