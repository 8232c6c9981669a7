"""Freight user equilibrium on the corridor: which links, borders and terminals saturate.

:func:`assign_corridor` builds one assignment network from the compiled corridor graphs
(:func:`instc.network.graph.build_graph`, one per cargo class) and runs
:func:`instc.assignment.assign` with one user class per (cargo class, OD pair):

- nodes are the graphs' virtual nodes ``PLACE@layer``; each OD place gets a centroid
  ``zone:PLACE`` joined to all its layers (paths never pass through a centroid);
- a graph edge becomes one directed assignment link per *element*: a link
  (``link:ID``), a transfer row (``transfer:N``, a terminal: port handling, gauge break,
  ferry ramp); a border edge is split into the link part and a gate (``border:ID/mode``)
  in series that carries the border dwell, shared by parallel links between the same
  two places;
- cost unit: hours. The shared part is the time that rises with volume by BPR,
  ``t0 (1 + alpha (v / cap) ** beta)``, ``t0`` the smallest time of the edge over the
  classes (moving + waiting + dwell, from the graph); each class pays on top its own
  extra time and its money over its value of time (``value_of_time.usd_per_<unit>_day``
  / 24), so a class minimises money + value of time x time;
- volumes and capacities are in t/year: a class's PCE is its tonnes per unit
  (``cargo.tonnes_per_teu``...), capacities convert with ``cargo.tonnes_per_<unit>``
  (teu, truck, wagon, train, pax); a border's ``capacity_per_day`` x 365; a service's
  ``frequency_per_week`` x 365 / 7 x ``capacity_per_departure``; a link with both a
  capacity and services takes the smaller. Elements without a capacity figure are
  uncapacitated (time constant);
- VDF: rail links and rail borders use ``vdf.rail_bpr_alpha/beta``, everything else
  ``vdf.bpr_alpha/beta``.

Limitation: the engine's links are directed, so each direction is delayed by its own
flow against the element's full (two-way) capacity; reported volume/capacity is the
two-way volume over that capacity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from instc._errors import DataError
from instc._values import is_missing
from instc.assignment.corridor_demand import CorridorDemand, corridor_demand
from instc.assignment.equilibrium import METHODS, assign
from instc.assignment.logit import logit_assign
from instc.assignment.logsum import LinkCosts
from instc.assignment.network import AssignmentNetwork, UserClass
from instc.assignment.paths import shortest_path
from instc.assignment.results import AssignmentResult, IterationRecord
from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    from instc.network.graph import Graph
    from instc.network.model import Network

__all__ = [
    "CORRIDOR_METHODS",
    "ROUTE_CHOICE",
    "CorridorAssignment",
    "assign_corridor",
    "capacity_t_per_year",
    "corridor_volume_curve",
    "default_gap",
]

ROUTE_CHOICE = "psl"  # path-size logit at stochastic user equilibrium (assignment.logit)
CORRIDOR_METHODS = (*METHODS, ROUTE_CHOICE)
_UE_GAP = 1e-6  # relative gap of a user equilibrium
_PSL_GAP = 1e-4  # share of demand the last averaging step of the logit still moved
_DAYS_PER_YEAR = 365.0
_WEEKS_PER_YEAR = _DAYS_PER_YEAR / 7.0
_TONNES_KEY = {
    "teu": "cargo.tonnes_per_teu",
    "truck": "cargo.tonnes_per_truck",
    "wagon": "cargo.tonnes_per_wagon",
    "train": "cargo.tonnes_per_train",
    "pax": "cargo.tonnes_per_pax",
}
_VOT_KEY = {
    "teu": "value_of_time.usd_per_teu_day",
    "t": "value_of_time.usd_per_t_day",
    "truck": "value_of_time.usd_per_truck_day",
}


def default_gap(method: str) -> float:
    """The target gap of ``method`` when none is given: 1e-4 for ``psl`` (the share of
    demand the last averaging step moved), 1e-6 relative gap for a user equilibrium.

    >>> default_gap("psl"), default_gap("bfw")
    (0.0001, 1e-06)
    """
    return _PSL_GAP if method == ROUTE_CHOICE else _UE_GAP


def _param(network: Network, dotted: str) -> Mapping[str, Any]:
    node: Any = network.parameters
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise DataError(
                f"parameters.toml: no key {dotted} — add it (value, unit, source_ids) to run "
                "the corridor assignment"
            )
        node = node[part]
    return node


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast("list[dict[str, Any]]", frame.to_dict(orient="records"))


def capacity_t_per_year(
    network: Network, value: float, unit: str, *, per: str = "year"
) -> tuple[float, tuple[str, ...]]:
    """``value`` units per ``per`` (year, day or week) in t/year, and the conversion's sources.

    >>> from instc.network.load import load_network
    >>> net = load_network(as_of=2026)
    >>> capacity_t_per_year(net, 375.0, "truck", per="day")[0]  # 375 x 20 t x 365
    2737500.0
    """
    factor = {"year": 1.0, "day": _DAYS_PER_YEAR, "week": _WEEKS_PER_YEAR}.get(per)
    if factor is None:
        raise DataError(f"capacity period {per!r} — use year, day or week")
    if unit == "t":
        return float(value) * factor, ()
    key = _TONNES_KEY.get(unit)
    if key is None:
        raise DataError(f"capacity unit {unit!r} — use t, teu, truck, wagon, train or pax")
    leaf = _param(network, key)
    return float(value) * float(leaf["value"]) * factor, tuple(leaf.get("source_ids", ()))


# --------------------------------------------------------------------------- elements


@dataclass
class _Element:
    element_id: str
    kind: str  # link, border, transfer
    name: str
    mode: str
    capacity_t: float | None = None
    capacity_text: str = ""
    capacity_source_ids: tuple[str, ...] = ()


@dataclass
class _Builder:
    network: Network
    labels_from: list[str] = field(default_factory=list)
    labels_to: list[str] = field(default_factory=list)
    element_of: list[str] = field(default_factory=list)
    rail_vdf: list[bool] = field(default_factory=list)
    class_time: list[dict[str, float]] = field(default_factory=list)
    class_cost: list[dict[str, float]] = field(default_factory=list)
    index: dict[tuple[Any, ...], int] = field(default_factory=dict)
    elements: dict[str, _Element] = field(default_factory=dict)
    node_place: dict[str, str] = field(default_factory=dict)
    transfer_ids: dict[int, str] = field(default_factory=dict)

    def link(self, key: tuple[Any, ...], a: str, b: str, element: _Element, rail: bool) -> int:
        if key not in self.index:
            self.index[key] = len(self.labels_from)
            self.labels_from.append(a)
            self.labels_to.append(b)
            self.element_of.append(element.element_id)
            self.rail_vdf.append(rail)
            self.class_time.append({})
            self.class_cost.append({})
            self.elements.setdefault(element.element_id, element)
        return self.index[key]

    def add(self, e: int, cls: str, time_h: float, cost_usd: float) -> None:
        self.class_time[e][cls] = time_h
        self.class_cost[e][cls] = cost_usd


_UNBOUNDED = "unbounded: no capacity figure"


def dated_capacities(network: Network) -> dict[str, tuple[float, str, tuple[str, ...]]]:
    """Capacity (t/year, description, sources) of each element with a ``capacities.csv``
    row in force at the network's date (``link:ID``, ``transfer:NODE/FROM-TO``,
    ``border:ID/MODE``). These rows override the figure of links/transfers/borders; at a
    date outside every row's period the element keeps its own table's figure (or none:
    unbounded), never a figure of another period.

    A row (in force or not) naming no known link, node or border is a
    :class:`DataError` (one line).
    """
    if "capacities" not in network.tables:
        return {}
    frame = network.dated("capacities")
    known_links = set(network.all_links["link_id"]) if network.all_links is not None else set()
    known_links |= set(network.links["link_id"])
    known_nodes = set(network.nodes["node_id"])
    known_borders = (
        set(network.tables["borders"]["border_id"]) if "borders" in network.tables else set()
    )
    for row in _records(network.tables["capacities"]):  # every row, in force or not
        element = str(row["element"])
        kind, _, rest = element.partition(":")
        ok = (
            (kind == "link" and rest in known_links)
            or (kind == "transfer" and rest.partition("/")[0] in known_nodes and "-" in rest)
            or (kind == "border" and rest.partition("/")[0] in known_borders and "/" in rest)
        )
        if not ok:
            raise DataError(
                f"capacities.csv: row {row['capacity_id']}: element {element!r} names no known "
                "element — use link:LINK_ID, transfer:NODE_ID/FROM-TO or border:BORDER_ID/MODE"
            )
    out: dict[str, tuple[float, str, tuple[str, ...]]] = {}
    for row in _records(frame):
        element = str(row["element"])
        value, unit, per = float(row["capacity"]), str(row["capacity_unit"]), str(row["per"])
        t, conv = capacity_t_per_year(network, value, unit, per=per)
        from instc.network.dated import period_text

        text = (
            f"{value:,.0f} {unit}/{per} (capacities.csv {row['capacity_id']}, "
            f"{period_text(row.get('valid_from'), row.get('valid_to'))})"
        )
        if row.get("as_of_note"):
            text += f"; {row['as_of_note']}"
        out[element] = (t, text, tuple(dict.fromkeys([*(row["source_ids"] or ()), *conv])))
    return out


def _capacities(network: Network) -> dict[str, tuple[float, str, tuple[str, ...]]]:
    """Capacity (t/year, description, sources) of every link id with a figure."""
    out: dict[str, tuple[float, str, tuple[str, ...]]] = {}
    for row in _records(network.links):
        cap = row["capacity_per_year"]
        if is_missing(cap) or not cap > 0 or not row["capacity_unit"]:
            continue
        t, conv = capacity_t_per_year(network, float(cap), str(row["capacity_unit"]))
        text = f"{cap:,.0f} {row['capacity_unit']}/year (links.csv)"
        out[str(row["link_id"])] = (
            t,
            text,
            tuple(dict.fromkeys([*(row["source_ids"] or ()), *conv])),
        )
    as_of = network.as_of
    per_link: dict[str, list[tuple[float, str, tuple[str, ...]]]] = {}
    for row in _records(network.services):
        if is_missing(row["capacity_per_departure"]) or is_missing(row["frequency_per_week"]):
            continue
        if not row["capacity_unit"] or not row["frequency_per_week"] > 0:
            continue
        if as_of is not None and (
            (row["start_date"] is not None and row["start_date"] > as_of)
            or (row["end_date"] is not None and row["end_date"] <= as_of)
        ):
            continue
        per_week = float(row["frequency_per_week"]) * float(row["capacity_per_departure"])
        t, conv = capacity_t_per_year(network, per_week, str(row["capacity_unit"]), per="week")
        text = (
            f"{row['frequency_per_week']:g}/week x {row['capacity_per_departure']:g} "
            f"{row['capacity_unit']} (service {row['service_id']})"
        )
        for lid in row["link_ids"]:
            per_link.setdefault(lid, []).append(
                (t, text, tuple(dict.fromkeys([*(row["source_ids"] or ()), *conv])))
            )
    for lid, items in per_link.items():
        total = sum(t for t, _, _ in items)
        text = " + ".join(x for _, x, _ in items)
        srcs = tuple(dict.fromkeys(s for _, _, ss in items for s in ss))
        if lid not in out or total < out[lid][0]:
            out[lid] = (total, text, srcs)
    for element, figure in dated_capacities(network).items():
        if element.startswith("link:"):
            out[element.removeprefix("link:")] = figure
    return out


def _transfer_row(
    transfers: pd.DataFrame, place: str, a: str, b: str, cargo: str, dwell_h: float, kind: Any
) -> int:
    best = None
    for i, row in enumerate(_records(transfers)):
        if row["node_id"] != place or row["kind"] != kind:
            continue
        if row["cargo"] and cargo not in row["cargo"]:
            continue
        forward = row["from_layer"] == a and row["to_layer"] == b
        backward = (
            row["bidirectional"] is not False and row["from_layer"] == b and row["to_layer"] == a
        )
        if not (forward or backward):
            continue
        if best is None or abs(float(row["dwell_h"]) - dwell_h) < 1e-9:
            best = i
    if best is None:
        raise DataError(f"transfers.csv: no row for {place} {a}->{b} ({cargo}) in the graph")
    return best


def _build_network(
    network: Network, demand: CorridorDemand
) -> tuple[_Builder, dict[str, Graph], list[str]]:
    from instc.network.graph import base_layer, build_graph, is_service_layer

    b = _Builder(network)
    caps = _capacities(network)
    dated = dated_capacities(network)
    borders = {(r["border_id"], r["mode"]): r for r in _records(network.borders)}
    transfers = network.transfers
    names = dict(zip(network.nodes["node_id"], network.nodes["name"], strict=True))
    # a link element is named by its row's own ends, not by the direction the first
    # class graph happens to list it in (two runs then name one link the same)
    ends = {
        str(lid): (str(f), str(t))
        for lid, f, t in zip(
            network.links["link_id"],
            network.links["from_node"],
            network.links["to_node"],
            strict=True,
        )
    }
    graphs: dict[str, Graph] = {}
    for spec in demand.classes:
        g = build_graph(network, cargo=spec.cargo)
        graphs[spec.name] = g
        for e in range(g.n_edges):
            u, v = int(g.edge_from[e]), int(g.edge_to[e])
            pf, lf, pt, lt = g.node_place[u], g.node_layer[u], g.node_place[v], g.node_layer[v]
            a, z = f"{pf}@{lf}", f"{pt}@{lt}"
            b.node_place[a], b.node_place[z] = pf, pt
            time_h, cost_usd = float(g.time_h[e]), float(g.cost_usd[e])
            if g.kind[e] == "transfer":
                # alighting a liner is the port's transfer from its sea layer
                r = _transfer_row(
                    transfers,
                    pf,
                    "sea" if is_service_layer(lf) else base_layer(lf),
                    base_layer(lt),
                    spec.cargo,
                    float(g.dwell_h[e]),
                    g.transfer_kind[e],
                )
                row = _records(transfers.iloc[[r]])[0]
                tid = b.transfer_ids.get(r)
                if tid is None:
                    tid = f"transfer:{pf}/{row['from_layer']}-{row['to_layer']}"
                    if tid in b.transfer_ids.values():
                        tid = f"{tid}#{r}"  # two rows for the same layers at one place
                    b.transfer_ids[r] = tid
                el = _Element(
                    tid,
                    "transfer",
                    f"{names.get(pf, pf)} {row['from_layer']}<->{row['to_layer']} ({row['kind']})",
                    "transfer",
                )
                if not is_missing(row["capacity_per_year"]) and row["capacity_unit"]:
                    t, conv = capacity_t_per_year(
                        network, float(row["capacity_per_year"]), str(row["capacity_unit"])
                    )
                    el.capacity_t = t
                    el.capacity_text = (
                        f"{row['capacity_per_year']:,.0f} {row['capacity_unit']}/year "
                        "(transfers.csv)"
                    )
                    el.capacity_source_ids = tuple(
                        dict.fromkeys([*(row["source_ids"] or ()), *conv])
                    )
                figure = dated.get(f"transfer:{pf}/{row['from_layer']}-{row['to_layer']}")
                if figure is not None:
                    el.capacity_t, el.capacity_text, el.capacity_source_ids = figure
                k = b.link(("transfer", r, a, z), a, z, el, False)
                b.add(k, spec.name, time_h, cost_usd)
                continue
            lid = str(g.link_id[e])
            mode = g.mode[e]
            nf, nt = ends.get(lid, (pf, pt))
            el = _Element(f"link:{lid}", "link", f"{names.get(nf, nf)} - {names.get(nt, nt)}", mode)
            sid = g.service_id[e] if g.service_id else None
            if g.link_id[e] is None and sid:  # boarding a liner or a port stay aboard
                el = _Element(f"service:{sid}", "link", f"liner {sid}", mode)
                k = b.link(("service", sid, a, z), a, z, el, False)
                b.add(k, spec.name, time_h, cost_usd)
                continue
            if lid in caps:
                el.capacity_t, el.capacity_text, el.capacity_source_ids = caps[lid]
            border_id = g.border_id[e]
            if not border_id:
                k = b.link(("link", lid, a, z), a, z, el, mode == "rail")
                b.add(k, spec.name, time_h, cost_usd)
                continue
            row = borders[(border_id, mode)]
            dwell_h = float(row["dwell_h"])
            gate = f"gate:{border_id}/{mode}:{pf}>{pt}"
            b.node_place[gate] = pt
            k = b.link(("link", lid, a, z), a, gate, el, mode == "rail")
            b.add(k, spec.name, max(time_h - dwell_h, 0.0), cost_usd)
            bel = _Element(f"border:{border_id}/{mode}", "border", str(row["name"]), mode)
            if not is_missing(row["capacity_per_day"]) and row["capacity_unit"]:
                t, conv = capacity_t_per_year(
                    network, float(row["capacity_per_day"]), str(row["capacity_unit"]), per="day"
                )
                bel.capacity_t = t
                bel.capacity_text = (
                    f"{row['capacity_per_day']:,.0f} {row['capacity_unit']}/day (borders.csv)"
                )
                bel.capacity_source_ids = tuple(dict.fromkeys([*(row["source_ids"] or ()), *conv]))
            figure = dated.get(bel.element_id)
            if figure is not None:
                bel.capacity_t, bel.capacity_text, bel.capacity_source_ids = figure
            k = b.link(("gate", gate), gate, z, bel, mode == "rail")
            b.add(k, spec.name, dwell_h, 0.0)
    zones = sorted({p for od in demand.ods for p in (od.origin, od.destination)})
    for place in zones:
        # demand enters at the place's door and leaves at it (Graph.origin_nodes /
        # destination_nodes): its terminals are on every path, as in routing
        starts = {
            f"{place}@{g.node_layer[i]}" for g in graphs.values() for i in g.origin_nodes(place)
        }
        stops = {
            f"{place}@{g.node_layer[i]}"
            for g in graphs.values()
            for i in g.destination_nodes(place)
        }
        starts &= set(b.node_place)
        stops &= set(b.node_place)
        if not starts or not stops:
            raise DataError(
                f"corridor.toml: place {place} has no usable link at {network.as_of} — "
                "choose another OD place"
            )
        zone = f"zone:{place}"
        conn = _Element("connector", "connector", "centroid connector", "connector")
        for n in sorted(starts):
            b.link(("conn", zone, n), zone, n, conn, False)
        for n in sorted(stops):
            b.link(("conn", n, zone), n, zone, conn, False)
    return b, graphs, zones


# --------------------------------------------------------------------------- paths


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class CorridorAssignment:
    """A year's corridor freight assigned (path-size logit SUE or a user equilibrium).

    ``elements``: one row per link, border gate and terminal (transfer) with its
    two-way ``volume_t_per_year``, ``capacity_t_per_year`` (NaN: uncapacitated),
    ``volume_capacity``, the busiest direction's ``free_flow_time_h`` and
    ``congested_time_h``, and ``capacity_source_ids``. ``od_costs``: per class and OD,
    money, time and generalised cost (money + value of time x time, USD per unit) on
    the cheapest path at free flow, and at equilibrium the volume-weighted means of
    time, money and generalised cost over the paths the OD uses (at a user equilibrium
    every used path costs the same; under logit route choice dearer routes carry some
    of the flow, so the mean lies above the cheapest, ``eq_cheapest_generalised_usd``).
    Money and generalised cost include ``at_destination_usd``, the destination
    country's per-shipment surcharges (a one-way container into Russia) that every
    route of the OD pays once, as a route's total does; they are not on the links, so
    route choice (and the logit's ``C_min``) ranks routes without them.
    ``family_shares``: share of each OD's volume on each route family of
    ``families.toml`` (via groups only). ``link_elements``: the element id of each
    assignment link (``"connector"`` for a zone connector), in the order of
    ``assignment.flows``, for select-link analysis (:mod:`instc.assignment.select_link`).
    ``link_costs``: each link's stable key and each cargo class's generalised link costs
    (hours) at free flow and at equilibrium, with the money (USD per unit) and time (h)
    at equilibrium, so that another run's routes can be costed on this network (the
    logsum saving of :mod:`instc.assignment.logsum`).
    """

    year: int
    as_of: Any
    scenario: str | None
    demand: CorridorDemand
    elements: pd.DataFrame = field(repr=False)
    od_costs: pd.DataFrame = field(repr=False)
    family_shares: pd.DataFrame = field(repr=False)
    assignment: AssignmentResult = field(repr=False)
    capacitated: int
    uncapacitated: int
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    link_elements: tuple[str, ...] = field(default=(), repr=False)
    link_costs: LinkCosts | None = field(default=None, repr=False)

    def saturated(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` capacitated elements with the highest volume/capacity."""
        frame = self.elements.loc[self.elements["capacity_t_per_year"].notna()]
        frame = frame.loc[frame["volume_t_per_year"] > 0]
        return frame.sort_values("volume_capacity", ascending=False).head(n).reset_index(drop=True)

    def unbounded(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` busiest elements with no capacity figure: stated as unbounded (their
        time does not rise with volume), so a reader sees which flows no capacity limits."""
        frame = self.elements.loc[self.elements["capacity_t_per_year"].isna()]
        frame = frame.loc[frame["volume_t_per_year"] > 0]
        return (
            frame.sort_values("volume_t_per_year", ascending=False).head(n).reset_index(drop=True)
        )

    def family_totals(self) -> pd.DataFrame:
        """Share of all tonnes on each route family."""
        f = self.family_shares
        total = self.demand.total_t
        out = f.groupby("family", sort=False)["volume_t"].sum().reset_index()
        out["share"] = out["volume_t"] / total if total > 0 else 0.0
        return out

    def to_frame(self) -> pd.DataFrame:
        """The element table (a copy)."""
        return self.elements.copy()

    def to_dict(self, *, top: int = 10, all_elements: bool = False) -> dict[str, Any]:
        """A JSON-ready summary: demand, convergence, the ``top`` bottlenecks, family
        shares (totals and per OD), OD costs; ``all_elements`` adds every element."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            rows = _records(frame)
            for r in rows:
                for k, v in r.items():
                    if isinstance(v, tuple):
                        r[k] = list(v)
                    elif isinstance(v, float) and not math.isfinite(v):
                        r[k] = None
            return rows

        out: dict[str, Any] = {
            "year": self.year,
            "as_of": None if self.as_of is None else str(self.as_of),
            "scenario": self.scenario,
            "demand": self.demand.to_dict(),
            "assignment": self.assignment.to_dict(),
            "elements": {"capacitated": self.capacitated, "uncapacitated": self.uncapacitated},
            "parameters": {k: dict(v) for k, v in self.parameters.items()},
            "saturated": records(self.saturated(top)),
            "unbounded_with_flow": records(
                self.unbounded(len(self.elements))[
                    ["element_id", "kind", "name", "mode", "volume_t_per_year", "capacity"]
                ]
            ),
            "family_shares": records(self.family_totals()),
            "family_shares_by_od": records(self.family_shares),
            "od_costs": records(self.od_costs),
        }
        if all_elements:
            out["element_table"] = records(self.elements)
        return out


def _used_parameters(network: Network, units: list[str], method: str) -> dict[str, dict[str, Any]]:
    """The VDF, value-of-time and route-choice parameters the run used, with their
    provenance."""
    keys = ["vdf.rail_bpr_alpha", "vdf.rail_bpr_beta", "vdf.bpr_alpha", "vdf.bpr_beta"]
    keys += [_VOT_KEY[u] for u in dict.fromkeys(units)]
    if method == ROUTE_CHOICE:
        keys += ["route_choice.logit_mu", "route_choice.routes", "route_choice.penalty"]
    out = {}
    for key in keys:
        leaf = _param(network, key)
        out[key] = {
            "value": leaf["value"],
            "unit": leaf.get("unit", ""),
            "basis": leaf.get("basis", ""),
            "source_ids": list(leaf.get("source_ids", ())),
        }
    return out


def _vdf_params(network: Network) -> dict[bool, tuple[float, float]]:
    def pair(prefix: str) -> tuple[float, float]:
        return (
            float(_param(network, f"vdf.{prefix}bpr_alpha")["value"]),
            float(_param(network, f"vdf.{prefix}bpr_beta")["value"]),
        )

    return {True: pair("rail_"), False: pair("")}


def assign_corridor(
    network: Network,
    *,
    year: int | None = None,
    demand_level: str = "mode",
    demand_scale: float = 1.0,
    scenario: str | None = None,
    method: str = ROUTE_CHOICE,
    gap: float | None = None,
    max_iter: int = 500,
    progress: Callable[[IterationRecord], None] | None = None,
    spec_path: str | Path | None = None,
) -> CorridorAssignment:
    """The corridor's freight demand of ``year`` assigned on ``network``.

    ``network`` is taken as given (load it as of the year and apply any scenario first;
    ``scenario`` is only a label). ``year`` defaults to the network's as-of year;
    ``demand_level`` picks low, mode or high of the year's volume; ``demand_scale``
    multiplies it (sensitivity runs). ``method``: ``"psl"`` (the default, the corridor's
    route choice everywhere: this command, a scenario's flow view, the appraisal, the
    report): path-size logit route choice at stochastic user equilibrium
    (:func:`instc.assignment.logit.logit_assign`, parameters ``route_choice.*``), which
    spreads each OD over routes close to its cheapest as shippers do; ``gap`` is then the
    share of demand the last averaging step still moved. Or a user-equilibrium algorithm
    of :func:`instc.assignment.assign` (every class on its cheapest routes).
    ``gap=None``: :func:`default_gap`.
    """
    from instc.routing.compare import network_families

    if method not in CORRIDOR_METHODS:
        raise DataError(f"unknown method {method!r} — use one of {', '.join(CORRIDOR_METHODS)}")

    if year is None:
        if network.as_of is None:
            raise DataError("give year= (the network has no as-of date)")
        year = network.as_of.year
    if gap is None:
        gap = default_gap(method)
    demand = corridor_demand(
        network, year=year, level=demand_level, scale=demand_scale, spec_path=spec_path
    )
    b, graphs, zones = _build_network(network, demand)
    n = len(b.labels_from)
    vdf = _vdf_params(network)
    t0 = np.zeros(n)
    cap = np.zeros(n)
    alpha = np.zeros(n)
    beta = np.zeros(n)
    for e in range(n):
        times = b.class_time[e]
        t0[e] = min(times.values()) if times else 0.0
        el = b.elements[b.element_of[e]]
        if el.capacity_t is not None and el.capacity_t > 0 and t0[e] > 0:
            cap[e] = el.capacity_t
            alpha[e], beta[e] = vdf[b.rail_vdf[e]]
    net = AssignmentNetwork.from_labels(
        from_node=b.labels_from,
        to_node=b.labels_to,
        zones=[f"zone:{p}" for p in zones],
        no_through=[f"zone:{p}" for p in zones],
        free_flow_time=t0,
        capacity=cap,
        alpha=alpha,
        beta=beta,
        name=f"corridor {year}",
    )
    zone_index = {p: i for i, p in enumerate(zones)}
    specs = {c.name: c for c in demand.classes}
    vot_h: dict[str, float] = {}
    fixed: dict[str, np.ndarray] = {}
    permitted: dict[str, np.ndarray] = {}
    money: dict[str, np.ndarray] = {}
    extra: dict[str, np.ndarray] = {}
    for name in specs:
        unit = graphs[name].unit
        vot_h[name] = float(_param(network, _VOT_KEY[unit])["value"]) / HOURS_PER_DAY
        # connectors carry no class data: open to every class
        ok = np.array([name in b.class_time[e] or not b.class_time[e] for e in range(n)])
        ex = np.array([b.class_time[e].get(name, t0[e]) - t0[e] for e in range(n)])
        mo = np.array([b.class_cost[e].get(name, 0.0) for e in range(n)])
        permitted[name], extra[name], money[name] = ok, ex, mo
        fixed[name] = ex + mo / vot_h[name]
    users = []
    for od in demand.ods:
        d = np.zeros((len(zones), len(zones)))
        d[zone_index[od.origin], zone_index[od.destination]] = od.volume
        users.append(
            UserClass(
                f"{od.class_name}:{od.origin}>{od.destination}",
                d,
                pce=graphs[od.class_name].tonnes_per_unit,
                permitted=permitted[od.class_name],
                fixed_cost=fixed[od.class_name],
            )
        )
    if method == ROUTE_CHOICE:
        result = logit_assign(
            net,
            users,
            mu=float(_param(network, "route_choice.logit_mu")["value"]),
            routes=int(_param(network, "route_choice.routes")["value"]),
            penalty=float(_param(network, "route_choice.penalty")["value"]),
            gap=gap,
            max_iter=max_iter,
            progress=progress,
        )
    else:
        result = assign(net, users, method=method, gap=gap, max_iter=max_iter, progress=progress)

    elements = _element_frame(b, net, result, t0)
    # per-shipment surcharges of the destination country (a one-way box into Russia):
    # every route of the OD pays them once, so they change no route's rank and are not
    # on the links; the OD's money includes them as a route's total does
    at_destination = {
        (od.class_name, od.origin, od.destination): math.fsum(
            r.item.usd for r in graphs[od.class_name].destination_rules(od.origin, od.destination)
        )
        for od in demand.ods
    }
    od_costs = _od_costs(
        net, demand, result, t0, zone_index, permitted, fixed, extra, money, vot_h, at_destination
    )
    own_families = network_families(network)
    families = _family_shares(network, b, net, demand, result, own_families)
    cap_frame = elements["capacity_t_per_year"]
    return CorridorAssignment(
        year=year,
        as_of=network.as_of,
        scenario=scenario,
        demand=demand,
        elements=elements,
        od_costs=od_costs,
        family_shares=families,
        assignment=result,
        capacitated=int(cap_frame.notna().sum()),
        uncapacitated=int(cap_frame.isna().sum()),
        parameters=_used_parameters(network, [graphs[c].unit for c in specs], method),
        link_elements=tuple(b.element_of),
        link_costs=LinkCosts(
            keys=tuple(k for k, _ in sorted(b.index.items(), key=lambda item: item[1])),
            free={c: np.where(permitted[c], t0 + fixed[c], np.inf) for c in specs},
            equilibrium={c: np.where(permitted[c], result.costs + fixed[c], np.inf) for c in specs},
            money={c: money[c] for c in specs},
            time={c: np.where(permitted[c], result.times + extra[c], np.inf) for c in specs},
        ),
    )


def _element_frame(
    b: _Builder, net: AssignmentNetwork, result: AssignmentResult, t0: np.ndarray
) -> pd.DataFrame:
    rows: dict[str, dict[str, Any]] = {}
    for e, eid in enumerate(b.element_of):
        if eid == "connector":
            continue
        el = b.elements[eid]
        row = rows.setdefault(
            eid,
            {
                "element_id": eid,
                "kind": el.kind,
                "name": el.name,
                "mode": el.mode,
                "volume_t_per_year": 0.0,
                "capacity_t_per_year": el.capacity_t if el.capacity_t else math.nan,
                "capacity": el.capacity_text if el.capacity_t else _UNBOUNDED,
                "capacity_source_ids": el.capacity_source_ids,
                "busiest_direction": "",
                "busiest_volume_t_per_year": -1.0,
                "free_flow_time_h": float(t0[e]),
                "congested_time_h": float(result.times[e]),
            },
        )
        flow = float(result.flows[e])
        row["volume_t_per_year"] += flow
        if flow > row["busiest_volume_t_per_year"]:
            row["busiest_volume_t_per_year"] = flow
            row["busiest_direction"] = f"{b.labels_from[e]} -> {b.labels_to[e]}"
            row["free_flow_time_h"] = float(t0[e])
            row["congested_time_h"] = float(result.times[e])
    frame = pd.DataFrame(list(rows.values()))
    frame["volume_capacity"] = frame["volume_t_per_year"] / frame["capacity_t_per_year"]
    frame["delay_h"] = frame["congested_time_h"] - frame["free_flow_time_h"]
    return frame.sort_values("element_id").reset_index(drop=True)


def _od_costs(
    net: AssignmentNetwork,
    demand: CorridorDemand,
    result: AssignmentResult,
    t0: np.ndarray,
    zone_index: Mapping[str, int],
    permitted: Mapping[str, np.ndarray],
    fixed: Mapping[str, np.ndarray],
    extra: Mapping[str, np.ndarray],
    money: Mapping[str, np.ndarray],
    vot_h: Mapping[str, float],
    at_destination: Mapping[tuple[str, str, str], float],
) -> pd.DataFrame:
    rows = []
    for od in demand.ods:
        c = od.class_name
        once_usd = at_destination.get((c, od.origin, od.destination), 0.0)
        o = int(net.zone_nodes[zone_index[od.origin]])
        d = int(net.zone_nodes[zone_index[od.destination]])
        row: dict[str, Any] = {
            "class": c,
            "origin": od.origin,
            "destination": od.destination,
            "unit": od.unit,
            "volume": od.volume,
            "volume_t": od.volume_t,
        }
        for tag, shared in (("free", t0), ("eq", result.times)):
            cost = np.where(permitted[c], shared + fixed[c], np.inf)
            gc_h, path = shortest_path(net, cost, o, d)
            row[f"{tag}_time_h"] = (
                float(np.sum(shared[path] + extra[c][path])) if path else math.nan
            )
            row[f"{tag}_money_usd"] = float(np.sum(money[c][path])) + once_usd if path else math.nan
            row[f"{tag}_generalised_usd"] = gc_h * vot_h[c] + once_usd
        flows = result.class_flows[f"{c}:{od.origin}>{od.destination}"]
        if od.volume > 0 and path:
            # the OD's flow may use several paths (of equal generalised cost at a user
            # equilibrium, spread by logit route choice): report volume-weighted means
            row["eq_time_h"] = float(np.dot(flows, result.times + extra[c])) / od.volume
            row["eq_money_usd"] = float(np.dot(flows, money[c])) / od.volume + once_usd
            row["eq_cheapest_generalised_usd"] = row["eq_generalised_usd"]
            row["eq_generalised_usd"] = row["eq_money_usd"] + row["eq_time_h"] * vot_h[c]
        else:
            row["eq_cheapest_generalised_usd"] = row["eq_generalised_usd"]
        row["at_destination_usd"] = once_usd
        row["time_increase_h"] = row["eq_time_h"] - row["free_time_h"]
        row["generalised_increase_usd"] = row["eq_generalised_usd"] - row["free_generalised_usd"]
        rows.append(row)
    return pd.DataFrame(rows)


def _family_shares(
    network: Network,
    b: _Builder,
    net: AssignmentNetwork,
    demand: CorridorDemand,
    result: AssignmentResult,
    families: Any,
) -> pd.DataFrame:
    n = len(b.labels_from)
    head_place = [b.node_place.get(b.labels_to[e], "") for e in range(n)]
    tail_place = [
        b.node_place.get(b.labels_from[e], b.labels_from[e].removeprefix("zone:")) for e in range(n)
    ]

    def group_links(items: tuple[str, ...]) -> list[int] | None:
        links: set[int] = set()
        for text in items:
            kind, _, value = text.partition(":")
            if kind == "link" and value:
                links.update(e for e in range(n) if b.element_of[e] == f"link:{value}")
            elif kind == "border" and value:
                links.update(e for e in range(n) if b.element_of[e].startswith(f"border:{value}/"))
            elif kind == "mode" and value:
                return None  # a mode is used on many links of one path: no single crossing
            else:
                place, _, layer = text.partition("@")
                for e in range(n):
                    head = b.labels_to[e]
                    hit = (
                        head == f"{place}@{layer}"
                        if layer
                        else (head_place[e] == place and tail_place[e] != place and "@" in head)
                    )
                    if hit:
                        links.add(e)
        return sorted(links)

    rows = []
    for fam in families:
        groups = [group_links(g) for g in fam.via]
        if not groups or any(g is None for g in groups):
            continue
        for od in demand.ods:
            flows = result.class_flows[f"{od.class_name}:{od.origin}>{od.destination}"]
            through = min(float(np.sum(flows[g])) for g in groups if g is not None)
            share = min(through / od.volume, 1.0) if od.volume > 0 else 0.0
            rows.append(
                {
                    "family": fam.family_id,
                    "label": fam.short,
                    "class": od.class_name,
                    "origin": od.origin,
                    "destination": od.destination,
                    "share": share,
                    "volume_t": share * od.volume_t,
                }
            )
    return pd.DataFrame(
        rows, columns=["family", "label", "class", "origin", "destination", "share", "volume_t"]
    )


def corridor_volume_curve(
    network: Network,
    *,
    year: int | None = None,
    scales: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0),
    demand_level: str = "mode",
    method: str = ROUTE_CHOICE,
    gap: float | None = None,
    max_iter: int = 500,
) -> pd.DataFrame:
    """How each OD's equilibrium cost and time rise as the year's demand is scaled.

    One row per (scale, class, OD): the scale, total tonnes, equilibrium generalised
    cost, mean time and money, and their rise over free flow (which does not depend on
    the scale).
    """
    if not scales or any(not (math.isfinite(s) and s > 0) for s in scales):
        raise DataError(f"scales {scales}: give positive numbers, e.g. 0.5,1,2")
    frames = []
    for scale in sorted(scales):
        run = assign_corridor(
            network,
            year=year,
            demand_level=demand_level,
            demand_scale=scale,
            method=method,
            gap=gap,
            max_iter=max_iter,
        )
        od = run.od_costs[
            [
                "class",
                "origin",
                "destination",
                "unit",
                "volume_t",
                "free_generalised_usd",
                "eq_generalised_usd",
                "free_time_h",
                "eq_time_h",
                "eq_money_usd",
            ]
        ].copy()
        od.insert(0, "total_t", run.demand.total_t)
        od.insert(0, "scale", scale)
        od["generalised_rise"] = od["eq_generalised_usd"] / od["free_generalised_usd"] - 1.0
        od["time_rise_h"] = od["eq_time_h"] - od["free_time_h"]
        frames.append(od)
    return pd.concat(frames, ignore_index=True)
