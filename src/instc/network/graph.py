"""The compiled graph: one virtual node per (place, layer), CSR arrays, weights per unit.

:func:`build_graph` turns a :class:`~instc.network.model.Network` into a :class:`Graph`
that the routing engines run on (the virtual-network idea of NODUS):

- every place gets one virtual node per layer it serves (``layer_of(mode, gauge_mm)``);
- every usable link accepting the cargo class becomes one edge per direction on its
  layer; a link with a ``border_id`` is a *border* edge that also carries the border's
  dwell and charge for its mode;
- a change of layer at a place exists only where ``transfers.csv`` declares it (so a
  1520/1435 mm gauge break cannot be crossed without its transfer);
- each edge has float64 weights per cargo unit (TEU, t, truck or pax): ``time_h`` (moving
  + waiting for a scheduled service + dwell), ``cost_usd``, ``co2e_kg`` (WTW),
  ``co2e_kg_ttw`` and ``distance_km``, with the parts kept for the leg breakdown.

Moving time is the link's ``time_h`` or ``length_km`` over its speed (the link's
``speed_kmh``, else ``speed.<layer>_<cc>_kmh`` for the country ``cc`` of its
``from_node`` (lower case, e.g. ``speed.rail1520_tm_kmh``), else ``speed.<layer>_kmh``,
else ``speed.<mode>_kmh``). Road links longer
than a day's driving (``road.driving_h_per_day``) add the driver's rests as dwell
(``rest_h``, part of ``dwell_h``). Rests really depend on the driving accumulated over a
whole run of road legs, so these per-link rests are a *lower bound* of a route's rests:
the search runs on them and the route planner recounts the rests per run of the path it
found (:func:`instc.routing._legs.road_rests_h`). Waiting for a
scheduled service is half the combined headway of the services running on the link at
``as_of`` (``services.csv``; a service lists the links where cargo boards it, so the wait
is counted once per boarding); links without a service wait ``waiting.<mode>_h`` when
that parameter exists, else nothing. Freight cost comes from the most specific tariff
(``link_id``, then mode + country of the link's ``from_node``, then of its ``to_node``, then
mode), plus fixed link charges (Suez dues), transfer handling and border charges.
Surcharges (``surcharges.csv``: empty-container repositioning, transit insurance,
customs and documentation at a port or ferry) are charged on the edges that enter or
leave their country by one of their modes, per direction, with their clearance hours in
``dwell_h``; they are kept apart (``surcharge_usd``, ``surcharges``) so that a route lists
each as its own item and pays it once (:func:`instc.routing._legs.make_option`).
Emissions follow :mod:`instc.emissions.iso14083`.

The graph is cached per (network object, cargo class); a network is immutable.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from instc._csr import row_pointer
from instc._errors import DataError, UnknownNameError
from instc._names import closest
from instc._values import is_missing
from instc.emissions.iso14083 import (
    default_vehicle_class,
    hub_emissions_kg,
    intensity_for,
    vehicle_emissions_kg,
)
from instc.network.schema import CARGO_CLASSES, CARGO_UNITS, layer_of
from instc.units import HOURS_PER_DAY, waiting_h_for_frequency

if TYPE_CHECKING:
    import datetime as dt

    from instc.network.model import Network

__all__ = [
    "DEPARTURE",
    "DOOR_LAYER",
    "EDGE_KINDS",
    "OWN_TERMINAL_LAYERS",
    "DestinationSurcharge",
    "Graph",
    "Surcharge",
    "base_layer",
    "build_graph",
    "is_service_layer",
    "rest_count",
    "service_layer",
    "tonnes_per_unit",
]

EDGE_KINDS = ("link", "border", "transfer")
# the layer of the shipper's door: an option starts and ends on it where the place has
# it, so that terminals (transfers to and from road) are always charged
DOOR_LAYER = "road"
# layers whose links begin and end at a terminal of their own: a pipeline runs from one
# oil terminal (its tank farm) to another, so a place on it takes liquid in and out
# without a door
OWN_TERMINAL_LAYERS = ("pipeline",)
# suffix of the departure node of a layer split by a same-layer transfer (sea -> sea
# transshipment at a hub): links arrive on "sea" and leave from "sea>"
DEPARTURE = ">"
# the layer whose vehicles cargo rolls onto (wagons and trucks on a ferry): a transfer
# onto it at a place is followed by a sailing, never by a transfer off it there
ROLL_ON_LAYER = "ferry"


def base_layer(layer: str) -> str:
    """The layer a virtual node's layer name stands for (``sea>`` -> ``sea``).

    >>> base_layer("sea>"), base_layer("rail1520")
    ('sea', 'rail1520')
    """
    return layer.removesuffix(DEPARTURE)


_PARAMS = "parameters.toml"
_SERVICE_PREFIX = "svc:"
# modes whose links exist for cargo only while a service sails them: nobody drives a ship
# of their own; freight rail has the wagonload alternative to a block train
_SCHEDULED_MODES = ("sea", "ferry")


def service_layer(service_id: str, sequence: int) -> str:
    """The layer of a liner between call ``sequence`` and the next one (aboard).

    >>> service_layer("fesco-fil-w", 2)
    'svc:fesco-fil-w#2'
    """
    return f"{_SERVICE_PREFIX}{service_id}#{sequence}"


def is_service_layer(layer: str) -> bool:
    """True for the layer of a liner (cargo aboard), False for a mode's layer."""
    return layer.startswith(_SERVICE_PREFIX)


@dataclass(frozen=True)
class Surcharge:
    """One surcharge on an edge: ``usd`` per cargo unit and ``dwell_h`` of clearance."""

    surcharge_id: str
    kind: str
    name: str
    usd: float
    dwell_h: float
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class DestinationSurcharge:
    """A surcharge paid only by a shipment that ends in ``country`` and starts outside it
    (``at`` = destination: a one-way box left in an imbalanced market), on the last edge
    of one of ``modes`` that enters the country; transit through the country pays none."""

    country: str
    modes: tuple[str, ...]
    item: Surcharge


@dataclass(frozen=True, eq=False)
class Graph:
    """A network compiled for one cargo class. Arrays are read-only; edges sorted by tail.

    Virtual node ``i`` is place ``node_place[i]`` on layer ``node_layer[i]``. Edge ``e``
    runs ``edge_from[e] -> edge_to[e]``; its out-edges are ``indptr[u]:indptr[u+1]``.
    Weights are per cargo ``unit`` (``teu``, ``t``, ``truck`` or ``pax``).
    """

    cargo: str
    unit: str
    tonnes_per_unit: float
    as_of: dt.date | None
    # virtual nodes
    node_place: tuple[str, ...]
    node_layer: tuple[str, ...]
    node_index: Mapping[tuple[str, str], int]
    place_nodes: Mapping[str, tuple[int, ...]]
    place_name: Mapping[str, str]
    place_country: Mapping[str, str]
    place_lonlat: Mapping[str, tuple[float, float]]
    # edges (CSR by tail)
    indptr: np.ndarray
    edge_from: np.ndarray
    edge_to: np.ndarray
    # weights per unit
    distance_km: np.ndarray
    moving_h: np.ndarray
    waiting_h: np.ndarray
    dwell_h: np.ndarray
    time_h: np.ndarray
    freight_usd: np.ndarray
    charges_usd: np.ndarray
    cost_usd: np.ndarray
    co2e_kg: np.ndarray
    co2e_kg_ttw: np.ndarray
    # metadata
    kind: tuple[str, ...]
    mode: tuple[str, ...]
    link_id: tuple[str | None, ...]
    border_id: tuple[str | None, ...]
    transfer_kind: tuple[str | None, ...]
    vehicle_class: tuple[str | None, ...]
    from_country: tuple[str, ...]
    to_country: tuple[str, ...]
    source_ids: tuple[tuple[str, ...], ...]
    expected: np.ndarray
    project_id: tuple[str | None, ...]
    notes: tuple[tuple[str, ...], ...]
    # driver rests: the per-link rests inside dwell_h (a lower bound, see the module doc),
    # the hours of driving per day and the stop that resets the driver's daily clock;
    # defaults keep Graphs built elsewhere without rests valid
    rest_h: np.ndarray | None = None
    driving_h_per_day: float | None = None
    daily_rest_h: float | None = None
    rest_source_ids: tuple[str, ...] = ()
    # where an option starts and ends at a place (see :meth:`origin_nodes`); empty:
    # every virtual node of the place
    # per edge: the price years of the rows its money comes from (tariff, border,
    # transfer); money is reported as the sources give it, not converted between years
    price_years: tuple[tuple[int, ...], ...] = ()
    origins: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    destinations: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # surcharges per edge, inside cost_usd (and their clearance hours inside dwell_h):
    # the amount and the items (surcharge_id, kind, usd, dwell_h); defaults keep Graphs
    # built elsewhere without surcharges valid
    surcharge_usd: np.ndarray | None = None
    surcharges: tuple[tuple[Surcharge, ...], ...] = ()
    # surcharges that depend on where the shipment ends (not on any edge): the route
    # planner charges them per option (:func:`instc.routing._legs.make_option`)
    destination_surcharges: tuple[DestinationSurcharge, ...] = ()
    # the liner service an edge belongs to (boarding, lanes, port stays); empty tuple on
    # Graphs built elsewhere
    service_id: tuple[str | None, ...] = ()

    @property
    def n_nodes(self) -> int:
        return len(self.node_place)

    @property
    def n_edges(self) -> int:
        return len(self.edge_from)

    def weights(self, criterion: str) -> np.ndarray:
        """The weight array named ``criterion`` (``time_h``, ``cost_usd``, ``co2e_kg``...)."""
        value = getattr(self, criterion, None)
        if not isinstance(value, np.ndarray) or value.dtype != np.float64:
            raise UnknownNameError("criterion", criterion, _WEIGHTS)
        return value

    def nodes_of(self, place: str) -> tuple[int, ...]:
        """Virtual nodes of ``place`` (empty when it has none for this cargo class)."""
        return self.place_nodes.get(place, ())

    def destination_rules(self, origin: str, destination: str) -> tuple[DestinationSurcharge, ...]:
        """The ``at`` = destination surcharges a shipment from ``origin`` to
        ``destination`` meets: those of the destination's country when the origin lies
        outside it (none for a domestic shipment or a place without a country)."""
        country = self.place_country.get(destination)
        if country is None or self.place_country.get(origin) == country:
            return ()
        return tuple(r for r in self.destination_surcharges if r.country == country)

    def origin_nodes(self, place: str) -> tuple[int, ...]:
        """The virtual nodes an option from ``place`` starts on: the road layer (the
        shipper's door), so that any other layer is entered through the place's terminal
        (a transfer from road with its dwell and handling), plus the layers no chain of
        the place's transfers reaches from road (started on directly, no terminal). A
        place without a road layer starts on any of its layers."""
        return self.origins.get(place) or self.place_nodes.get(place, ())

    def destination_nodes(self, place: str) -> tuple[int, ...]:
        """The virtual nodes an option to ``place`` ends on (as :meth:`origin_nodes`,
        with the transfers to road: the destination terminal)."""
        return self.destinations.get(place) or self.place_nodes.get(place, ())

    def has_terminal(self, place: str) -> bool:
        """True when an option may start or end at ``place``: it has a door (the road
        layer, which may exist only behind the place's terminals) or lies on a layer whose
        links end at terminals of their own (:data:`OWN_TERMINAL_LAYERS`). Junctions,
        border stations and sea waypoints have neither: options only pass through them."""
        return any(
            base_layer(self.node_layer[i]) in (DOOR_LAYER, *OWN_TERMINAL_LAYERS)
            for i in self.place_nodes.get(place, ())
        )

    def layer(self, node: int) -> str:
        """The layer of virtual node ``node`` (a departure node of a same-layer transfer
        is on the same layer as its arrival node)."""
        return base_layer(self.node_layer[node])

    def summary(self) -> dict[str, int]:
        """Counts: places, virtual nodes and edges by kind."""
        out = {"places": len(self.place_nodes), "virtual_nodes": self.n_nodes}
        for k in EDGE_KINDS:
            out[f"{k}_edges"] = sum(1 for x in self.kind if x == k)
        return out


_WEIGHTS = (
    "distance_km",
    "moving_h",
    "waiting_h",
    "dwell_h",
    "rest_h",
    "time_h",
    "freight_usd",
    "charges_usd",
    "surcharge_usd",
    "cost_usd",
    "co2e_kg",
    "co2e_kg_ttw",
)

# an edge with nothing on it, for the parts of a liner that carry one figure
_ZERO_EDGE: dict[str, Any] = {
    "border_id": None,
    "link_id": None,
    "transfer_kind": None,
    "vehicle_class": None,
    "distance_km": 0.0,
    "moving_h": 0.0,
    "waiting_h": 0.0,
    "dwell_h": 0.0,
    "rest_h": 0.0,
    "freight_usd": 0.0,
    "charges_usd": 0.0,
    "co2e_kg": 0.0,
    "co2e_kg_ttw": 0.0,
    "source_ids": (),
    "expected": False,
    "project_id": None,
    "notes": (),
    "service_id": None,
    "price_years": (),
    "surcharge_usd": 0.0,
    "surcharges": (),
}

_CACHE: weakref.WeakKeyDictionary[Any, dict[str, Graph]] = weakref.WeakKeyDictionary()


def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows as dicts of Python values (faster than DataFrame.to_dict on big tables)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _param(network: Network, dotted: str) -> Mapping[str, Any] | None:
    node: Any = network.parameters
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Mapping) and "value" in node else None


def _sources(leaf: Mapping[str, Any] | None) -> tuple[str, ...]:
    if leaf is None:
        return ()
    return tuple(str(s) for s in (leaf.get("source_ids") or ()))


def tonnes_per_unit(network: Network, cargo: str) -> tuple[float, tuple[str, ...]]:
    """Tonnes of cargo in one unit of ``cargo`` and the sources of that figure.

    Container: ``cargo.tonnes_per_teu``; truck: ``cargo.tonnes_per_truck``; passenger:
    ``cargo.tonnes_per_pax``; bulk and liquid are counted in tonnes already.
    """
    unit = CARGO_UNITS[cargo]
    if unit == "t":
        return 1.0, ()
    key = f"cargo.tonnes_per_{unit}"
    leaf = _param(network, key)
    if leaf is None:
        raise DataError(
            f"{_PARAMS}: no key {key} — add it (tonnes per {unit}, with source_ids) to "
            f"route {cargo} cargo"
        )
    return float(leaf["value"]), _sources(leaf)


def rest_count(driving_h: float, driving_h_per_day: float) -> int:
    """Daily rests a driver takes over ``driving_h`` of driving at most
    ``driving_h_per_day`` a day: one per day after the first.

    >>> rest_count(15.0, 9.0), rest_count(9.0, 9.0), rest_count(20.0, 9.0)
    (1, 0, 2)
    """
    if driving_h <= driving_h_per_day:
        return 0
    return math.ceil(driving_h / driving_h_per_day - 1e-9) - 1


def _reach(start: str, moves: set[tuple[str, str]]) -> set[str]:
    """Layers reachable from ``start`` through the directed layer changes ``moves``.

    >>> sorted(_reach("road", {("road", "sea"), ("sea", "inland_waterway")}))
    ['inland_waterway', 'road', 'sea']
    """
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for a, b in moves:
            if a == here and b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def _dated_note(row: Mapping[str, Any]) -> tuple[str, ...]:
    """The note of a dated row taken from another period than the network's date."""
    note = row.get("as_of_note")
    return (note,) if isinstance(note, str) and note else ()


def _price_year(row: Mapping[str, Any] | None) -> tuple[int, ...]:
    year = None if row is None else row.get("price_year")
    return () if year is None or is_missing(year) else (int(year),)


def _per_unit(row: Mapping[str, Any], prefix: str, unit: str, tonnes: float) -> float | None:
    """A charge given per teu/t/truck in ``row`` for one cargo ``unit`` (None if absent)."""
    own: Any = row.get(f"{prefix}_{unit}")
    if not is_missing(own):
        return float(own)
    per_t: Any = row.get(f"{prefix}_t")
    if not is_missing(per_t):
        return float(per_t) * tonnes
    return None


def _service_ship(service: Mapping[str, Any]) -> dict[str, Any]:
    """The lane columns a liner's own ship replaces: class and speed, where it gives them
    (a speed replaces a lane's fixed time too: the lane is sailed at the ship's speed)."""
    ship: dict[str, Any] = {}
    if service.get("vehicle_class"):
        ship["vehicle_class"] = service["vehicle_class"]
    speed: Any = service.get("speed_kmh")
    if not is_missing(speed):
        ship.update({"speed_kmh": float(speed), "time_h": None})
    return ship


class _Builder:
    def __init__(self, network: Network, cargo: str, tonnes: float | None = None) -> None:
        self.network = network
        self.cargo = cargo
        self.unit = CARGO_UNITS[cargo]
        if tonnes is None:
            self.tonnes, self.tonnes_sources = tonnes_per_unit(network, cargo)
        else:
            self.tonnes, self.tonnes_sources = float(tonnes), ()
        nodes = network.nodes
        self.country = dict(zip(nodes["node_id"], nodes["country"], strict=True))
        self.name = dict(zip(nodes["node_id"], nodes["name"], strict=True))
        self.lonlat = {
            n: (float(lon), float(lat))
            for n, lon, lat in zip(nodes["node_id"], nodes["lon"], nodes["lat"], strict=True)
        }
        self._intensities: dict[str, Any] = {}
        self._params: dict[str, Mapping[str, Any] | None] = {}
        self._tariffs = self._index_tariffs()
        self._waiting = self._index_services()
        self._borders = {(r["border_id"], r["mode"]): r for r in _records(network.borders)}
        self._surcharges = self._index_surcharges()

    # --- parameters ---------------------------------------------------------------
    def param(self, dotted: str) -> Mapping[str, Any] | None:
        if dotted not in self._params:
            self._params[dotted] = _param(self.network, dotted)
        return self._params[dotted]

    def speed_kmh(self, mode: str, layer: str, country: str = "") -> tuple[float, tuple[str, ...]]:
        key = f"speed:{mode}:{layer}:{country}"
        if key not in self._intensities:
            self._intensities[key] = self._speed_kmh(mode, layer, country)
        return cast("tuple[float, tuple[str, ...]]", self._intensities[key])

    def _speed_kmh(self, mode: str, layer: str, country: str) -> tuple[float, tuple[str, ...]]:
        # a country's own speed first (1520 mm trains run slower in TM than in RU)
        keys = [f"speed.{layer}_{country.lower()}_kmh"] if country else []
        for key in (*keys, f"speed.{layer}_kmh", f"speed.{mode}_kmh"):
            leaf = self.param(key)
            if leaf is not None:
                return float(leaf["value"]), _sources(leaf)
        raise DataError(
            f"{_PARAMS}: no key speed.{mode}_kmh — add a default moving speed for {mode} "
            "or give the links speed_kmh or time_h"
        )

    def default_class(self, mode: str) -> str:
        key = f"default_class:{mode}"
        if key not in self._intensities:
            self._intensities[key] = default_vehicle_class(self.network.parameters, mode)
        return str(self._intensities[key])

    def intensity(self, vehicle_class: str) -> Any:
        if vehicle_class not in self._intensities:
            self._intensities[vehicle_class] = intensity_for(self.network.parameters, vehicle_class)
        return self._intensities[vehicle_class]

    # --- tariffs and services -----------------------------------------------------
    def _index_tariffs(self) -> dict[tuple[str, ...], Mapping[str, Any]]:
        index: dict[tuple[str, ...], Mapping[str, Any]] = {}
        for row in _records(self.network.tariffs):
            if row["cargo"] != self.cargo:
                continue
            if row["link_id"] and row.get("service_id"):
                key: tuple[str, ...] = ("lane", row["link_id"], row["service_id"])
            elif row["link_id"]:
                key = ("link", row["link_id"])
            elif row.get("service_id"):
                key = ("service", row["service_id"])
            elif row["mode"] and row["country"]:
                key = ("country", row["mode"], row["country"])
            elif row["mode"]:
                key = ("mode", row["mode"])
            else:
                continue
            index.setdefault(key, row)  # first row in the file wins on ties
        return index

    def tariff(
        self, link: Mapping[str, Any], service_id: str | None = None
    ) -> Mapping[str, Any] | None:
        """The most specific tariff of ``link``: the rate of the liner ``service_id`` on
        this lane (a scenario's edit), the link's own row, then the liner's rate on its
        lanes, then its mode in a country, then its mode."""
        frm, to = self.country[link["from_node"]], self.country[link["to_node"]]
        for key in (
            ("lane", link["link_id"], service_id or ""),
            ("link", link["link_id"]),
            ("service", service_id or ""),
            ("country", link["mode"], frm),
            ("country", link["mode"], to),
            ("mode", link["mode"]),
        ):
            if key in self._tariffs:
                return self._tariffs[key]
        return None

    def _index_surcharges(self) -> list[dict[str, Any]]:
        """Surcharge rows for this cargo class valid at the network's date."""
        frame = self.network.tables.get("surcharges")
        if frame is None:
            return []
        as_of = self.network.as_of
        rows = []
        for row in _records(frame):
            if row["cargo"] and self.cargo not in row["cargo"]:
                continue
            if as_of is not None:
                start, end = row["valid_from"], row["valid_to"]
                if start is not None and start > as_of:
                    continue
                if end is not None and end <= as_of:
                    continue
            rows.append(row)
        return rows

    def surcharges(self, mode: str, frm: str, to: str) -> tuple[Surcharge, ...]:
        """The surcharges met by a ``mode`` edge from place ``frm`` to place ``to`` when
        the two lie in different countries (entry into ``to``'s, exit from ``frm``'s);
        ``at`` = destination rows are charged per route, not per edge."""
        frm_country, to_country = self.country[frm], self.country[to]
        if frm_country == to_country or not self._surcharges:
            return ()
        out = []
        for row in self._surcharges:
            if mode not in row["modes"] or row["at"] == "destination":
                continue
            place, country = (to, to_country) if row["at"] == "entry" else (frm, frm_country)
            if row["country"] != country or (row["node_id"] and row["node_id"] != place):
                continue
            out.append(_surcharge_item(row))
        return tuple(out)

    def destination_surcharges(self) -> tuple[DestinationSurcharge, ...]:
        """The ``at`` = destination surcharges valid for this cargo class and date."""
        return tuple(
            DestinationSurcharge(row["country"], tuple(row["modes"]), _surcharge_item(row))
            for row in self._surcharges
            if row["at"] == "destination"
        )

    def _active(self, row: Mapping[str, Any]) -> bool:
        """The service carries this cargo class and runs at the network's date: a service
        before its start date or from its end date does not exist."""
        cargo = row["cargo"] or ()
        if cargo and self.cargo not in cargo:
            return False
        as_of = self.network.as_of
        if as_of is not None:
            if row["start_date"] is not None and row["start_date"] > as_of:
                return False
            if row["end_date"] is not None and row["end_date"] <= as_of:
                return False
        f = row["frequency_per_week"]
        return not (is_missing(f) or f <= 0)

    def _index_services(self) -> dict[str, tuple[float, tuple[str, ...]]]:
        """Per link where cargo boards a service (``link_ids``): half the combined headway
        of the services running at ``as_of``. Freight block trains put no wait on a rail
        link: a container not on the block train goes wagonload, whose formation wait is
        counted where it boards the rail (``waiting.wagonload_formation_h``)."""
        freq: dict[str, float] = {}
        srcs: dict[str, list[str]] = {}
        self.scheduled: set[str] = set()  # sea/ferry/passenger links a service sails
        self.running: set[str] = set()  # ... of which a service runs at as_of
        links = self.network.all_links if self.network.all_links is not None else None
        modes = {} if links is None else dict(zip(links["link_id"], links["mode"], strict=True))
        if not modes:
            modes = dict(
                zip(self.network.links["link_id"], self.network.links["mode"], strict=True)
            )
        self._service_rows: dict[str, list[Mapping[str, Any]]] = {}
        # every row, not only those valid at as_of: a link whose services have not
        # started (or have ended) must be known as scheduled to be left out
        every = self.network.tables.get("services")
        for row in _records(every if every is not None else self.network.services):
            self._service_rows.setdefault(row["service_id"], []).append(row)
            freight_rail = (
                self.cargo != "passenger"
                and bool(row["link_ids"])
                and all(modes.get(lid) == "rail" for lid in row["link_ids"] or ())
            )
            if freight_rail:
                continue
            for lid in row["link_ids"] or ():
                if modes.get(lid) in _SCHEDULED_MODES or self.cargo == "passenger":
                    self.scheduled.add(lid)
            if not self._active(row):
                continue
            f = float(row["frequency_per_week"])
            for lid in row["link_ids"] or ():
                self.running.add(lid)
                freq[lid] = freq.get(lid, 0.0) + f
                srcs.setdefault(lid, []).extend(row["source_ids"] or ())
        return {
            lid: (waiting_h_for_frequency(f), tuple(dict.fromkeys(srcs[lid])))
            for lid, f in freq.items()
        }

    def rotation(
        self,
        service_id: str,
        calls: list[Mapping[str, Any]],
        lanes: Mapping[str, Mapping[str, Any]],
    ) -> Mapping[str, Any] | None:
        """The services.csv row of a liner that runs at ``as_of`` for this cargo and whose
        lanes are all open, else None (the service does not exist then)."""
        row = next((r for r in self._service_rows.get(service_id, ()) if self._active(r)), None)
        if row is None:
            return None
        if any(lid not in lanes for c in calls for lid in c["lane_link_ids"]):
            return None  # a lane closed (or not for this cargo): the rotation cannot sail
        return row

    def usable(self, link: Mapping[str, Any]) -> bool:
        """A sea or ferry link some service sails exists only while one of them runs."""
        lid = link["link_id"]
        return lid not in self.scheduled or lid in self.running

    # --- edges --------------------------------------------------------------------
    def link_edge(
        self, link: Mapping[str, Any], service: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The edge of ``link``; ``service``: the services.csv row of the liner sailing it
        as a lane, whose rate, ship class and speed (when given) replace the link's."""
        service_id = None if service is None else service["service_id"]
        if service is not None:
            link = {**link, **_service_ship(service)}
        mode = link["mode"]
        layer = layer_of(mode, None if is_missing(link["gauge_mm"]) else int(link["gauge_mm"]))
        sources: list[str] = list(link["source_ids"] or ())
        notes: list[str] = []
        length_km = float(link["length_km"])
        if not is_missing(link["time_h"]):
            moving_h = float(link["time_h"])
        else:
            speed = link["speed_kmh"]
            if is_missing(speed):
                country = self.country.get(link["from_node"])
                speed, s_src = self.speed_kmh(
                    mode, layer, country if isinstance(country, str) else ""
                )
                sources.extend(s_src)
            moving_h = length_km / float(speed)
        dwell_h = 0.0
        rest_h = 0.0
        if mode == "road":
            leaf = self.param("road.driving_h_per_day")
            if leaf is not None and moving_h > float(leaf["value"]):
                drive = float(leaf["value"])
                rest_h = rest_count(moving_h, drive) * (HOURS_PER_DAY - drive)
                dwell_h += rest_h
                sources.extend(_sources(leaf))
        if link["link_id"] in self._waiting:
            waiting_h, w_src = self._waiting[link["link_id"]]
            sources.extend(w_src)
        else:
            leaf = self.param(f"waiting.{mode}_h")
            waiting_h = float(leaf["value"]) if leaf is not None else 0.0
            sources.extend(_sources(leaf))
        # freight cost
        tariff = self.tariff(link, service_id)
        freight_usd = 0.0
        charges_usd = 0.0
        years: list[int] = []
        if tariff is None:
            notes.append(f"no {self.cargo} tariff for {mode} link {link['link_id']}: freight 0")
        else:
            rate = tariff["usd_per_unit_km"]
            if not is_missing(rate):
                freight_usd += float(rate) * length_km
            if not is_missing(tariff["usd_per_unit"]):
                freight_usd += float(tariff["usd_per_unit"])
            sources.extend(tariff["source_ids"] or ())
            notes.extend(_dated_note(tariff))
            years.extend(_price_year(tariff))
        fixed = _per_unit(link, "fixed_cost_usd_per", self.unit, self.tonnes)
        if fixed is not None:
            charges_usd += fixed
        border_id = link["border_id"]
        kind = "link"
        if border_id:
            kind = "border"
            row = self._borders.get((border_id, mode))
            if row is None:
                raise DataError(
                    f"borders.csv: no row for border {border_id!r} and mode {mode!r} (used by "
                    f"link {link['link_id']}) — add the crossing's dwell and charges"
                )
            dwell_h += float(row["dwell_h"])
            charge = _per_unit(row, "cost_usd_per", self.unit, self.tonnes)
            if charge is not None:
                charges_usd += charge
            sources.extend(row["source_ids"] or ())
            notes.extend(_dated_note(row))
            if charge is not None:
                years.extend(_price_year(row))
        vclass = link["vehicle_class"] or self.default_class(mode)
        intensity = self.intensity(vclass)
        wtw, ttw = vehicle_emissions_kg(
            length_km=length_km, tonnes=self.tonnes, intensity=intensity
        )
        sources.extend(intensity.source_ids)
        sources.extend(self.tonnes_sources)
        return {
            "layer": layer,
            "kind": kind,
            "mode": mode,
            "link_id": link["link_id"],
            "border_id": border_id,
            "transfer_kind": None,
            "vehicle_class": vclass,
            "distance_km": length_km,
            "moving_h": moving_h,
            "waiting_h": waiting_h,
            "dwell_h": dwell_h,
            "rest_h": rest_h,
            "freight_usd": freight_usd,
            "charges_usd": charges_usd,
            "surcharge_usd": 0.0,
            "surcharges": (),
            "co2e_kg": wtw,
            "co2e_kg_ttw": ttw,
            "source_ids": tuple(dict.fromkeys(sources)),
            "expected": bool(link.get("expected", False)),
            "project_id": link["project_id"],
            "notes": tuple(notes),
            "service_id": None,
            "price_years": tuple(sorted(set(years))),
        }

    def transfer_edge(
        self, row: Mapping[str, Any], from_layer: str | None = None, to_layer: str | None = None
    ) -> dict[str, Any]:
        """A transfer from ``from_layer`` to ``to_layer`` (default: the row's direction).

        Freight entering a rail layer from another mode waits for its wagons to be formed
        into a train (``waiting.wagonload_formation_h``); a gauge break keeps the train."""
        from_layer = from_layer or row["from_layer"]
        to_layer = to_layer or row["to_layer"]
        cost = _per_unit(row, "cost_usd_per", self.unit, self.tonnes)
        waiting_h = 0.0
        wait_sources: tuple[str, ...] = ()
        if (
            self.cargo != "passenger"
            and to_layer.startswith("rail")
            and not from_layer.startswith("rail")
        ):
            leaf = self.param("waiting.wagonload_formation_h")
            if leaf is not None:
                waiting_h = float(leaf["value"])
                wait_sources = _sources(leaf)
        co2e = 0.0
        if not is_missing(row["co2e_kg_per_t"]):
            co2e = hub_emissions_kg(tonnes=self.tonnes, co2e_kg_per_t=float(row["co2e_kg_per_t"]))
        notes = (
            *(() if cost is not None else (f"no {self.unit} handling charge sourced: 0",)),
            *_dated_note(row),
        )
        return {
            "kind": "transfer",
            "mode": "transfer",
            "link_id": None,
            "border_id": None,
            "transfer_kind": row["kind"],
            "vehicle_class": None,
            "distance_km": 0.0,
            "moving_h": 0.0,
            "waiting_h": waiting_h,
            "dwell_h": float(row["dwell_h"]),
            "rest_h": 0.0,
            "freight_usd": 0.0,
            "charges_usd": cost or 0.0,
            "surcharge_usd": 0.0,
            "surcharges": (),
            "co2e_kg": co2e,
            "co2e_kg_ttw": 0.0,
            "source_ids": tuple(
                dict.fromkeys(
                    [
                        *(row["source_ids"] or ()),
                        *(self.tonnes_sources if co2e > 0 else ()),
                        *wait_sources,
                    ]
                )
            ),
            "expected": False,
            "project_id": None,
            "notes": notes,
            "price_years": _price_year(row) if cost is not None else (),
            "service_id": None,
        }

    def board_edge(self, service: Mapping[str, Any]) -> dict[str, Any]:
        """Boarding a liner at a call: the wait is half the headway of THAT service."""
        return {
            **_ZERO_EDGE,
            "kind": "link",
            "mode": "sea",
            "waiting_h": waiting_h_for_frequency(float(service["frequency_per_week"])),
            "source_ids": tuple(service["source_ids"] or ()),
            "service_id": service["service_id"],
        }

    def stay_edge(self, service_id: str, call: Mapping[str, Any]) -> dict[str, Any]:
        """Cargo staying aboard through an intermediate call: the ship's port stay."""
        stay = call["port_stay_h"]
        return {
            **_ZERO_EDGE,
            "kind": "link",
            "mode": "sea",
            "dwell_h": 0.0 if is_missing(stay) else float(stay),
            "source_ids": tuple(call["source_ids"] or ()),
            "service_id": service_id,
        }


def build_graph(
    network: Network, *, cargo: str = "container", tonnes_per_unit: float | None = None
) -> Graph:
    """Compile ``network`` for one cargo class (cached per network, cargo and tonnage).

    ``tonnes_per_unit`` overrides the tonnes in one TEU, truck or passenger
    (``cargo.tonnes_per_<unit>`` in parameters.toml); it scales emissions and per-tonne
    charges. Raises :class:`~instc._errors.UnknownNameError` for an unknown cargo class
    and :class:`~instc._errors.DataError` when a parameter the graph needs is missing.
    """
    if cargo not in CARGO_CLASSES:
        raise UnknownNameError("cargo class", cargo, closest(cargo, CARGO_CLASSES, 3, 0.3))
    if tonnes_per_unit is not None and not tonnes_per_unit > 0:
        raise DataError(f"tonnes per unit {tonnes_per_unit!r}: give a positive number of tonnes")
    if CARGO_UNITS[cargo] == "t":
        tonnes_per_unit = None  # bulk and liquid are counted in tonnes already
    per_network = _CACHE.setdefault(network, {})
    key = cargo if tonnes_per_unit is None else f"{cargo}@{tonnes_per_unit!r}"
    if key not in per_network:
        per_network[key] = _build(network, cargo, tonnes_per_unit)
    return per_network[key]


def _surcharge_item(row: Mapping[str, Any]) -> Surcharge:
    """A surcharges.csv row as the item a route lists (empty charge or time: 0)."""
    return Surcharge(
        surcharge_id=row["surcharge_id"],
        kind=row["kind"],
        name=row["name"],
        usd=0.0 if is_missing(row["usd_per_unit"]) else float(row["usd_per_unit"]),
        dwell_h=0.0 if is_missing(row["dwell_h"]) else float(row["dwell_h"]),
        source_ids=tuple(row["source_ids"] or ()),
    )


def _with_surcharges(edge: dict[str, Any], items: tuple[Surcharge, ...]) -> dict[str, Any]:
    """``edge`` (one direction of a link) charged with ``items``; itself when none."""
    if not items:
        return edge
    sources = [*edge["source_ids"], *(s for item in items for s in item.source_ids)]
    return {
        **edge,
        "dwell_h": edge["dwell_h"] + math.fsum(item.dwell_h for item in items),
        "surcharge_usd": math.fsum(item.usd for item in items),
        "surcharges": items,
        "source_ids": tuple(dict.fromkeys(sources)),
    }


def _build(network: Network, cargo: str, tonnes: float | None) -> Graph:
    b = _Builder(network, cargo, tonnes)
    node_index: dict[tuple[str, str], int] = {}

    def vnode(place: str, layer: str) -> int:
        key = (place, layer)
        if key not in node_index:
            node_index[key] = len(node_index)
        return node_index[key]

    tails: list[int] = []
    heads: list[int] = []
    rows: list[dict[str, Any]] = []
    ends: list[tuple[str, str]] = []

    transfers = [
        row
        for row in _records(network.transfers)
        if not (row["cargo"] or ()) or cargo in (row["cargo"] or ())
    ]
    # a transfer that keeps its layer (sea -> sea at a hub) splits the layer's node at
    # that place: links arrive on (place, layer) and leave from (place, layer>), so every
    # path through the place on that layer makes the transfer
    split = {(r["node_id"], r["from_layer"]) for r in transfers if r["from_layer"] == r["to_layer"]}
    # cargo rolled onto a ferry at a place sails from it: the ferry layer is split too
    # (transfers onto it reach only its departures, arrivals reach only the transfers
    # off it), so a wagon rolled on cannot roll off as a truck at the same berth without
    # sailing (rail -> ferry -> road would skip the rail terminal, USD 0)
    split |= {
        (r["node_id"], ROLL_ON_LAYER)
        for r in transfers
        if ROLL_ON_LAYER in (r["from_layer"], r["to_layer"])
    }

    def arrive(place: str, layer: str) -> int:
        return vnode(place, layer)

    def depart(place: str, layer: str) -> int:
        return vnode(place, layer + DEPARTURE) if (place, layer) in split else vnode(place, layer)

    def add(t: int, h: int, edge: dict[str, Any], pf: str, pt: str) -> None:
        tails.append(t)
        heads.append(h)
        rows.append(edge)
        ends.append((pf, pt))

    rotations = _rotations(network)
    lanes = {lid for calls in rotations.values() for c in calls for lid in c["lane_link_ids"]}
    lane_rows: dict[str, Mapping[str, Any]] = {}

    for link in _records(network.links):
        if cargo not in (link["cargo"] or ()):
            continue
        if link["link_id"] in lanes:  # sailed only as part of a liner's rotation
            lane_rows[link["link_id"]] = link
            continue
        if not b.usable(link):
            continue
        edge = b.link_edge(link)
        layer = edge["layer"]
        a, z = link["from_node"], link["to_node"]
        pairs = [(depart(a, layer), arrive(z, layer), a, z)]
        if link["bidirectional"] is not False:
            pairs.append((depart(z, layer), arrive(a, layer), z, a))
        for t, h, pf, pt in pairs:
            tails.append(t)
            heads.append(h)
            met = b.surcharges(link["mode"], pf, pt)
            rows.append(_with_surcharges(edge, met))
            ends.append((pf, pt))

    # place -> directed layer changes its transfers allow (for the door rule below)
    changes: dict[str, set[tuple[str, str]]] = {}
    from_sea: dict[str, list[tuple[Mapping[str, Any], str]]] = {}  # port -> landside rows
    for row in transfers:
        place = row["node_id"]
        frm, to = row["from_layer"], row["to_layer"]
        directions = [(frm, to)]
        if row["bidirectional"] is not False and frm != to:
            directions.append((to, frm))
        for lf, lt in directions:
            add(arrive(place, lf), depart(place, lt), b.transfer_edge(row, lf, lt), place, place)
            if lf != lt:
                changes.setdefault(place, set()).add((lf, lt))
            if lf == "sea" and lt != "sea":
                from_sea.setdefault(place, []).append((row, lt))

    # liners: cargo boards where the sea layer departs (from land, or after the hub's
    # transshipment), sails the lanes aboard, stays aboard through a call (port stay), and
    # alights at a hub onto the sea layer's arrival node (so another liner is reached only
    # through the transshipment) or, elsewhere, straight through the port's landside
    # transfers (a port without a hub has no liner-to-liner path)
    for sid, calls in rotations.items():
        service = b.rotation(sid, calls, lane_rows)
        if service is None:
            continue
        layers = [service_layer(sid, int(c["sequence"])) for c in calls]
        lane_edges: dict[str, dict[str, Any]] = {}
        for k, call in enumerate(calls):
            place = call["node_id"]
            if k < len(calls) - 1:  # board here and sail to the next call
                add(
                    depart(place, "sea"),
                    vnode(place, layers[k]),
                    b.board_edge(service),
                    place,
                    place,
                )
                at = place
                for lid in call["lane_link_ids"]:
                    lane = lane_rows[lid]
                    if lid not in lane_edges:
                        lane_edges[lid] = {
                            **b.link_edge(lane, service),
                            "waiting_h": 0.0,
                            "service_id": sid,
                        }
                    nxt = lane["to_node"] if lane["from_node"] == at else lane["from_node"]
                    sailed = _with_surcharges(lane_edges[lid], b.surcharges("sea", at, nxt))
                    add(vnode(at, layers[k]), vnode(nxt, layers[k]), sailed, at, nxt)
                    at = nxt
            if k == 0:
                continue
            arrived = vnode(place, layers[k - 1])
            if k < len(calls) - 1:  # stay aboard through this call
                add(arrived, vnode(place, layers[k]), b.stay_edge(sid, call), place, place)
            if (place, "sea") in split:  # a hub: onto the quay, transshipment next
                add(
                    arrived,
                    arrive(place, "sea"),
                    {**_ZERO_EDGE, "kind": "link", "mode": "sea", "service_id": sid},
                    place,
                    place,
                )
                continue
            for land, to_layer in from_sea.get(place, ()):  # alight and go inland
                alight = b.transfer_edge(land, "sea", to_layer)
                add(arrived, depart(place, to_layer), alight, place, place)

    order = np.argsort(np.asarray(tails, dtype=np.int64), kind="stable")
    n = len(node_index)
    edge_from = np.asarray(tails, dtype=np.int32)[order]
    edge_to = np.asarray(heads, dtype=np.int32)[order]
    indptr = row_pointer(edge_from, n, np.int32)
    rows = [rows[i] for i in order]
    ends = [ends[i] for i in order]

    def arr(name: str) -> np.ndarray:
        out = np.fromiter((r[name] for r in rows), dtype=np.float64, count=len(rows))
        out.setflags(write=False)
        return out

    distance_km, moving_h, waiting_h, dwell_h = (
        arr("distance_km"),
        arr("moving_h"),
        arr("waiting_h"),
        arr("dwell_h"),
    )
    freight_usd, charges_usd = arr("freight_usd"), arr("charges_usd")
    surcharge_usd = arr("surcharge_usd")
    time_h = moving_h + waiting_h + dwell_h
    cost_usd = freight_usd + charges_usd + surcharge_usd
    for a in (edge_from, edge_to, indptr, time_h, cost_usd):
        a.setflags(write=False)
    node_place = [""] * n
    node_layer = [""] * n
    for (place, layer), i in node_index.items():
        node_place[i] = place
        node_layer[i] = layer
    place_nodes: dict[str, list[int]] = {}
    for i, place in enumerate(node_place):
        place_nodes.setdefault(place, []).append(i)
    origins: dict[str, tuple[int, ...]] = {}
    destinations: dict[str, tuple[int, ...]] = {}
    for place, nodes in place_nodes.items():
        ground = {base_layer(node_layer[i]) for i in nodes if not is_service_layer(node_layer[i])}
        if DOOR_LAYER not in ground:
            # no door: start on any layer but aboard a liner (boarding carries the wait),
            # end on any (alighting at a port without landside transfers ends aboard)
            origins[place] = tuple(i for i in nodes if not is_service_layer(node_layer[i]))
            continue
        moves = changes.get(place, set())
        entered = _reach(DOOR_LAYER, moves)
        left = _reach(DOOR_LAYER, {(b, a) for a, b in moves})
        starts = {x for x in ground if x not in entered} | {DOOR_LAYER}
        stops = {x for x in ground if x not in left} | {DOOR_LAYER}
        origins[place] = tuple(
            sorted(
                node_index.get((place, x + DEPARTURE), node_index[(place, x)])
                for x in starts
                if (place, x) in node_index
            )
        )
        destinations[place] = tuple(
            sorted(node_index[(place, x)] for x in stops if (place, x) in node_index)
        )
    expected = np.fromiter((r["expected"] for r in rows), dtype=bool, count=len(rows))
    expected.setflags(write=False)
    drive_leaf = b.param("road.driving_h_per_day")
    drive_h = None if drive_leaf is None else float(drive_leaf["value"])
    rest_leaf = b.param("road.daily_rest_h")
    if rest_leaf is not None:
        daily_rest_h: float | None = float(rest_leaf["value"])
    else:  # without the key, only a stop as long as the rest counted resets the clock
        daily_rest_h = None if drive_h is None else HOURS_PER_DAY - drive_h
    return Graph(
        cargo=cargo,
        unit=b.unit,
        tonnes_per_unit=b.tonnes,
        as_of=network.as_of,
        node_place=tuple(node_place),
        node_layer=tuple(node_layer),
        node_index=dict(node_index),
        place_nodes={p: tuple(v) for p, v in place_nodes.items()},
        place_name=b.name,
        place_country=b.country,
        place_lonlat=b.lonlat,
        indptr=indptr,
        edge_from=edge_from,
        edge_to=edge_to,
        distance_km=distance_km,
        moving_h=moving_h,
        waiting_h=waiting_h,
        dwell_h=dwell_h,
        time_h=time_h,
        freight_usd=freight_usd,
        charges_usd=charges_usd,
        cost_usd=cost_usd,
        surcharge_usd=surcharge_usd,
        surcharges=tuple(r["surcharges"] for r in rows),
        destination_surcharges=b.destination_surcharges(),
        co2e_kg=arr("co2e_kg"),
        co2e_kg_ttw=arr("co2e_kg_ttw"),
        kind=tuple(r["kind"] for r in rows),
        mode=tuple(r["mode"] for r in rows),
        link_id=tuple(r["link_id"] for r in rows),
        border_id=tuple(r["border_id"] for r in rows),
        transfer_kind=tuple(r["transfer_kind"] for r in rows),
        vehicle_class=tuple(r["vehicle_class"] for r in rows),
        from_country=tuple(b.country[pf] for pf, _ in ends),
        to_country=tuple(b.country[pt] for _, pt in ends),
        source_ids=tuple(r["source_ids"] for r in rows),
        expected=expected,
        project_id=tuple(r["project_id"] for r in rows),
        notes=tuple(r["notes"] for r in rows),
        rest_h=arr("rest_h"),
        driving_h_per_day=drive_h,
        daily_rest_h=daily_rest_h,
        rest_source_ids=tuple(dict.fromkeys([*_sources(drive_leaf), *_sources(rest_leaf)])),
        service_id=tuple(r["service_id"] for r in rows),
        price_years=tuple(r["price_years"] for r in rows),
        origins=origins,
        destinations=destinations,
    )


def _rotations(network: Network) -> dict[str, list[Mapping[str, Any]]]:
    """The calls of each liner service, in sailing order (``service_calls.csv``)."""
    frame = network.tables.get("service_calls")
    if frame is None or len(frame) == 0:
        return {}
    out: dict[str, list[Mapping[str, Any]]] = {}
    for row in _records(frame):
        row["lane_link_ids"] = tuple(row["lane_link_ids"] or ())
        out.setdefault(row["service_id"], []).append(row)
    for calls in out.values():
        calls.sort(key=lambda c: int(c["sequence"]))
    return out
