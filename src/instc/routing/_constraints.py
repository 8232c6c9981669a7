"""Routing constraints (internal): what to avoid, via points and flag rules, validated
into one :class:`Request`, and the mask of graph edges a request may use.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._errors import NoRouteError, NoTerminalError, UnknownNameError
from instc._names import closest
from instc.network.schema import CARGO_CLASSES, LAYERS, MODES
from instc.routing._lookup import all_link_ids, country_code, find_place, network_as_of, via_places

if TYPE_CHECKING:
    from instc.network.graph import Graph
    from instc.network.model import Network
    from instc.routing.rules import FlagRule

__all__ = [
    "AVOID_KINDS",
    "Avoid",
    "Request",
    "Waypoint",
    "edge_mask",
    "make_request",
    "no_terminal",
    "parse_avoid",
    "parse_waypoint",
    "rule_mask",
]

AVOID_KINDS = ("country", "mode", "node", "link", "border", "rule")
_GOVERNS: weakref.WeakKeyDictionary[Any, dict[FlagRule, np.ndarray]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Avoid:
    """What a route may not use: countries (ISO codes), modes, places, links, borders."""

    countries: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    borders: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()  # rule ids: the waters a rule governs are avoided

    def items(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for kind, values in (
            ("country", self.countries),
            ("mode", self.modes),
            ("node", self.nodes),
            ("link", self.links),
            ("border", self.borders),
            ("rule", self.rules),
        ):
            out.extend((kind, v) for v in sorted(values))
        return out

    def without(self, kind: str, value: str) -> Avoid:
        field = {"country": "countries", "node": "nodes"}.get(kind, kind + "s")
        return dataclasses.replace(self, **{field: getattr(self, field) - {value}})


def parse_avoid(
    network: Network,
    avoid: Mapping[str, Iterable[str]] | Avoid | None,
    rules: Sequence[FlagRule] = (),
) -> Avoid:
    """Validate ``avoid`` ({"country": [...], "mode": [...], ...}) against the network.

    Kinds: country (ISO code or name), mode, node (a place), link, border, and rule (a
    rule id of ``rules.toml``: avoid the waters that rule governs, e.g. the Caspian)."""
    if avoid is None:
        return Avoid()
    if isinstance(avoid, Avoid):
        return avoid
    values: dict[str, set[str]] = {k: set() for k in AVOID_KINDS}
    for kind, items in avoid.items():
        key = kind.rstrip("s") if kind != "countries" else "country"
        if key not in values:
            raise UnknownNameError("avoid kind", kind, closest(key, AVOID_KINDS, 3, 0.3))
        if isinstance(items, str):
            items = [items]
        for item in items:
            if key == "country":
                values[key].add(country_code(item))
            elif key == "mode":
                if item not in MODES:
                    raise UnknownNameError("mode", item, closest(item, MODES, 3, 0.3))
                values[key].add(item)
            elif key == "node":
                values[key].add(find_place(network, item))
            elif key == "rule":
                ids = [r.rule_id for r in rules]
                if item not in ids:
                    raise UnknownNameError("rule", item, closest(item, ids, 3))
                values[key].add(item)
            elif key == "link":
                ids = all_link_ids(network)
                if item not in ids:
                    raise UnknownNameError("link", item, closest(item, ids, 3))
                values[key].add(item)
            else:
                ids = sorted(set(network.borders["border_id"]))
                if item not in ids:
                    raise UnknownNameError("border", item, closest(item, ids, 3, 0.4))
                values[key].add(item)
    return Avoid(
        countries=frozenset(values["country"]),
        modes=frozenset(values["mode"]),
        nodes=frozenset(values["node"]),
        links=frozenset(values["link"]),
        borders=frozenset(values["border"]),
        rules=frozenset(values["rule"]),
    )


@dataclass(frozen=True)
class Waypoint:
    """A via point: any of ``nodes`` (virtual nodes) reached or ``edges`` traversed."""

    label: str
    specs: tuple[str, ...]
    nodes: tuple[int, ...] = ()
    edges: tuple[int, ...] = ()


def parse_waypoint(network: Network, graph: Graph, spec: str | Sequence[str]) -> Waypoint:
    """A waypoint from text: a place (``BAKU``), a place on a layer (``RUASF@sea``),
    ``border:ID``, ``link:ID`` or ``mode:MODE``; a list means "any of these"."""
    specs = (spec,) if isinstance(spec, str) else tuple(spec)
    nodes: list[int] = []
    edges: list[int] = []
    labels: list[str] = []
    for text in specs:
        kind, _, value = text.partition(":")
        if kind in ("border", "link", "mode") and value:
            if kind == "mode" and value not in MODES:
                raise UnknownNameError("mode", value, closest(value, MODES))
            if kind == "border" and value not in set(network.borders["border_id"]):
                ids = sorted(set(network.borders["border_id"]))
                raise UnknownNameError("border", value, closest(value, ids))
            if kind == "link" and value not in set(all_link_ids(network)):
                ids = all_link_ids(network)
                raise UnknownNameError("link", value, closest(value, ids))
            column = {"border": graph.border_id, "link": graph.link_id, "mode": graph.mode}[kind]
            edges.extend(e for e, v in enumerate(column) if v == value)
            labels.append(text)
            continue
        place_text, _, layer = text.partition("@")
        places = via_places(network, place_text)
        if layer:
            if layer not in LAYERS:
                raise UnknownNameError("layer", layer, closest(layer, LAYERS))
            for place in places:
                if (place, layer) in graph.node_index:
                    nodes.append(graph.node_index[(place, layer)])
            labels.append(f"{'|'.join(places)}@{layer}")
        else:
            for place in places:
                nodes.extend(graph.nodes_of(place))
            labels.append("|".join(places))
    return Waypoint(" or ".join(labels), specs, tuple(nodes), tuple(sorted(set(edges))))


@dataclass(frozen=True)
class Request:
    """A validated routing request on one network and graph."""

    network: Network
    graph: Graph
    origin: str
    destination: str
    avoid: Avoid
    via: tuple[Waypoint, ...]
    vessel_flag: str | None
    rules: tuple[FlagRule, ...]


def make_request(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str,
    as_of: Any,
    avoid: Mapping[str, Iterable[str]] | Avoid | None,
    via: Sequence[str | Sequence[str]],
    vessel_flag: str | None,
    rules: Sequence[FlagRule] | None,
    tonnes_per_unit: float | None = None,
) -> Request:
    from instc.network.graph import build_graph
    from instc.routing.rules import rules_for

    if cargo not in CARGO_CLASSES:
        raise UnknownNameError("cargo class", cargo, closest(cargo, CARGO_CLASSES, 3, 0.3))
    net = network_as_of(network, as_of)
    graph = build_graph(net, cargo=cargo, tonnes_per_unit=tonnes_per_unit)
    o, d = find_place(net, origin), find_place(net, destination)
    if o == d:
        raise NoRouteError(o, d, "origin and destination are the same place — pick two places")
    if cargo != "passenger":  # a passenger boards at any station a train calls at
        for place in (o, d):
            if _no_freight_there(net, graph, place):
                raise no_terminal(net, graph, o, d, place)
    flag = None if vessel_flag is None else country_code(vessel_flag)
    chosen_rules = tuple(rules_for(network) if rules is None else rules)
    waypoints = tuple(
        parse_waypoint(net, graph, v) for v in ((via,) if isinstance(via, str) else via)
    )
    return Request(
        network=net,
        graph=graph,
        origin=o,
        destination=d,
        avoid=parse_avoid(net, avoid, chosen_rules),
        via=waypoints,
        vessel_flag=flag,
        rules=chosen_rules,
    )


def rule_mask(graph: Graph, rule: FlagRule) -> np.ndarray:
    per = _GOVERNS.setdefault(graph, {})
    if rule not in per:
        per[rule] = rule.governs(graph)
    return per[rule]


def edge_mask(req: Request) -> np.ndarray:
    """True for the graph edges the request may use."""
    g = req.graph
    mask = np.ones(g.n_edges, dtype=bool)
    a = req.avoid
    if a.countries:
        mask &= ~np.fromiter(
            (
                f in a.countries or t in a.countries
                for f, t in zip(g.from_country, g.to_country, strict=True)
            ),
            dtype=bool,
            count=g.n_edges,
        )
    if a.modes:
        mask &= ~np.isin(np.asarray(g.mode, dtype=object), list(a.modes))
    if a.links:
        mask &= ~np.isin(np.asarray(g.link_id, dtype=object), list(a.links))
    if a.borders:
        mask &= ~np.isin(np.asarray(g.border_id, dtype=object), list(a.borders))
    if a.nodes:
        bad = np.isin(np.asarray(g.node_place, dtype=object), list(a.nodes))
        mask &= ~(bad[g.edge_from] | bad[g.edge_to])
    for rule in req.rules:
        if not rule.allows(req.vessel_flag) or rule.rule_id in a.rules:
            mask &= ~rule_mask(g, rule)
    return mask


# how many of the nearest places with a terminal a refusal names
_NEAREST = 3
# nodes.csv kinds of a sea waypoint (kind sea, on a canal also waterway)
_WAYPOINT_KINDS = frozenset({"sea", "waterway"})


def _kinds(network: Network, place: str) -> frozenset[str]:
    nodes = network.nodes
    found = nodes.loc[nodes["node_id"] == place, "kinds"].tolist()
    return frozenset(str(k) for k in (found[0] or ())) if found else frozenset()


def _no_freight_there(network: Network, graph: Graph, place: str) -> bool:
    """True for a place an option may not start or end at: in the graph (a place it
    lacks has no link for the cargo at this date: no_route says so), without a terminal
    for the cargo (:meth:`Graph.has_terminal`), and a junction, border station or sea
    waypoint by its nodes.csv ``kinds`` (``junction``; ``sea`` alone, or with
    ``waterway``). Any other place without a terminal starts on any of its layers."""
    if not graph.nodes_of(place) or graph.has_terminal(place):
        return False
    kinds = _kinds(network, place)
    return "junction" in kinds or (bool(kinds) and kinds <= _WAYPOINT_KINDS)


def no_terminal(
    network: Network, graph: Graph, origin: str, destination: str, place: str
) -> NoTerminalError:
    """The refusal of an option that starts or ends at ``place``, which has no terminal
    for the graph's cargo class (:func:`_no_freight_there`): what the place is (nodes.csv
    ``kinds``), and the nearest places (great circle) that have one."""
    from instc.network.audit import _great_circle_km

    kinds = _kinds(network, place)
    if "border" in kinds:
        what = "a border station"
    elif kinds <= {"sea", "waterway"}:
        what = "a sea waypoint"
    else:
        what = "a rail junction"
    lon, lat = graph.place_lonlat[place]
    with_one = sorted(
        (_great_circle_km(lat, lon, q_lat, q_lon), other)
        for other, (q_lon, q_lat) in graph.place_lonlat.items()
        if other != place and graph.has_terminal(other)
    )[:_NEAREST]
    nearest = ", ".join(f"{graph.place_name[o]} ({o}, {km:,.0f} km)" for km, o in with_one)
    reason = (
        f"{graph.place_name[place]} ({place}) is {what} with no {graph.cargo} terminal, so no "
        f"option starts or ends there (routes may pass through it as a via point) — start or "
        f"end at a place with one: {nearest or 'none in the dataset'}"
    )
    return NoTerminalError(origin, destination, place, reason, [o for _, o in with_one])
