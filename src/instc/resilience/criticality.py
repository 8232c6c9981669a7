"""Criticality: take each element out in turn and measure what the OD set loses.

For every element of one kind (a link, a place, a border crossing or a whole country)
the demand-weighted OD set is re-routed with that element avoided — the routing
constraint ``avoid`` of :func:`instc.routing.route`, which hides the element's graph
edges exactly as ``instc route --avoid`` does — and compared with the baseline: the
increase of the routing criterion (by default the generalised cost: USD + value of
time), of the generalised cost and of the time, and the demand left without a route.

Only the ODs whose baseline best route uses the element are re-routed. Hiding edges can
only remove paths; an OD whose best path survives keeps it and its cost, so the others
are unchanged (``only_affected=False`` re-routes every OD for every element; the tests
check that both agree).

Aggregates are demand-weighted over the ODs that have a baseline route (their total
weight ``W``): ``unserved_share`` is the weight left without a route over ``W``;
``*_increase_pct`` is ``100 × Σ w·Δ/baseline / W`` over the ODs still served (an OD
left without a route counts in ``unserved_share``, not here). Relative increases make
ODs in different units (USD per TEU, per t, per truck) comparable.
"""

from __future__ import annotations

import functools
import json
import pickle
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, NoRouteError, UnknownNameError
from instc._names import closest
from instc._values import is_missing
from instc.resilience.ods import WeightedOD, as_ods

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.routing.results import RouteOption

__all__ = [
    "ELEMENT_KINDS",
    "CriticalityResult",
    "Element",
    "ElementCriticality",
    "ODBaseline",
    "ODImpact",
    "criticality",
    "criticality_task",
    "list_elements",
]

Progress = Callable[[int, int], None]

# plural (CLI/API) -> the avoid kind of instc.routing
ELEMENT_KINDS = {"links": "link", "nodes": "node", "borders": "border", "countries": "country"}
_TOTAL_OF = {"cost": "cost_usd", "time": "time_h", "co2e": "co2e_kg", "distance": "distance_km"}
# A rerouted OD's criterion may come out a few ulps below its baseline when tied paths
# sum in another order; such differences are rounding, not an improvement.
_REL_TOL = 1e-9


@dataclass(frozen=True)
class Element:
    """An element that can be removed: ``kind`` link, node, border or country.

    ``lonlat`` locates it on a map: a link's two end places, a place's point, a border's
    crossing point (the middle of the places its links join), a country's places.
    """

    kind: str
    element_id: str
    name: str
    lonlat: tuple[tuple[float, float], ...] = ()

    def geometry(self) -> dict[str, Any] | None:
        """GeoJSON geometry: a LineString for a link, a Point for a place or border,
        a MultiPoint for a country."""
        if not self.lonlat:
            return None
        coords = [list(p) for p in self.lonlat]
        if self.kind == "link" and len(coords) == 2:
            return {"type": "LineString", "coordinates": coords}
        if self.kind == "country":
            return {"type": "MultiPoint", "coordinates": coords}
        return {"type": "Point", "coordinates": coords[0]}


@dataclass(frozen=True)
class ODBaseline:
    """The best route of one OD on the intact network (``no_route`` says why when none).

    ``objective`` is the routing criterion ``by`` (per cargo unit); ``links``, ``nodes``,
    ``borders`` and ``countries`` are what the route uses.
    """

    od: WeightedOD
    unit: str | None
    objective: float | None
    cost_usd: float | None
    time_h: float | None
    generalised_usd: float | None
    links: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    borders: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    no_route: str | None = None
    ends: tuple[str, str] | None = None  # the origin and destination node ids
    end_countries: tuple[str, str] | None = None

    @property
    def served(self) -> bool:
        return self.no_route is None

    def uses(self, kind: str, element_id: str) -> bool:
        """True when the route uses the element (``kind``: link, node, border, country)."""
        used = {
            "link": self.links,
            "node": self.nodes,
            "border": self.borders,
            "country": self.countries,
        }[kind]
        return element_id in used

    def ends_in(self, kind: str, element_id: str) -> bool:
        """True when the OD starts or ends at the place (``node``) or in the country."""
        if kind == "node" and self.ends is not None:
            return element_id in self.ends
        if kind == "country" and self.end_countries is not None:
            return element_id in self.end_countries
        return False


@dataclass(frozen=True)
class ODImpact:
    """One OD re-routed without one element: before and after, per cargo unit."""

    element_id: str
    origin: str
    destination: str
    cargo: str
    unit: str | None
    weight: float
    baseline_objective: float
    objective: float | None
    baseline_generalised_usd: float
    generalised_usd: float | None
    baseline_time_h: float
    time_h: float | None
    no_route: str | None = None

    @property
    def served(self) -> bool:
        return self.no_route is None

    @property
    def objective_increase(self) -> float | None:
        return None if self.objective is None else self.objective - self.baseline_objective

    def to_dict(self) -> dict[str, Any]:
        return {
            "element_id": self.element_id,
            "origin": self.origin,
            "destination": self.destination,
            "cargo": self.cargo,
            "unit": self.unit,
            "weight": self.weight,
            "served": self.served,
            "baseline_objective": self.baseline_objective,
            "objective": self.objective,
            "objective_increase": self.objective_increase,
            "baseline_generalised_usd": self.baseline_generalised_usd,
            "generalised_usd": self.generalised_usd,
            "baseline_time_h": self.baseline_time_h,
            "time_h": self.time_h,
            "no_route": self.no_route,
        }


@dataclass(frozen=True)
class ElementCriticality:
    """How much the OD set loses when one element is removed (see the module notes)."""

    rank: int
    element: Element
    n_ods_using: int
    weight_using: float
    n_ods_unserved: int
    unserved_weight: float
    unserved_share: float
    objective_increase_pct: float
    generalised_increase_pct: float
    time_increase_pct: float
    worst_od: str | None

    @property
    def critical(self) -> bool:
        """True when removing the element costs the OD set anything."""
        return self.unserved_weight > 0 or self.objective_increase_pct > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "kind": self.element.kind,
            "element_id": self.element.element_id,
            "name": self.element.name,
            "n_ods_using": self.n_ods_using,
            "weight_using": self.weight_using,
            "n_ods_unserved": self.n_ods_unserved,
            "unserved_weight": self.unserved_weight,
            "unserved_share": self.unserved_share,
            "objective_increase_pct": self.objective_increase_pct,
            "generalised_increase_pct": self.generalised_increase_pct,
            "time_increase_pct": self.time_increase_pct,
            "worst_od": self.worst_od,
        }


@dataclass(frozen=True)
class CriticalityResult:
    """Elements ranked by criticality: unserved share first, then the increase of the
    criterion ``by``, then how many ODs use them (ties by id)."""

    elements: str
    by: str
    as_of: str | None
    weights_method: str
    ods: tuple[ODBaseline, ...]
    ranking: tuple[ElementCriticality, ...]
    impacts: tuple[ODImpact, ...]
    n_rerouted: int
    transit_only: bool = False

    @property
    def total_weight(self) -> float:
        """Weight of the ODs with a baseline route (the denominator of the shares)."""
        return sum(b.od.weight for b in self.ods if b.served)

    def top(self, n: int | None = None) -> tuple[ElementCriticality, ...]:
        return self.ranking if n is None else self.ranking[: max(n, 0)]

    def impacts_of(self, element_id: str) -> tuple[ODImpact, ...]:
        return tuple(i for i in self.impacts if i.element_id == element_id)

    def to_frame(self, top: int | None = None) -> pd.DataFrame:
        """One row per element, in rank order."""
        import pandas as pd

        columns = list(ElementCriticality.__dataclass_fields__)
        columns = ["rank", "kind", "element_id", "name", *columns[2:]]
        rows = [e.to_dict() for e in self.top(top)]
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """JSON-ready: the ranking, the re-routed ODs of the listed elements, the
        baseline per OD and the method notes."""
        listed = self.top(top)
        ids = {e.element.element_id for e in listed}
        return {
            "elements": self.elements,
            "by": self.by,
            "as_of": self.as_of,
            "n_elements": len(self.ranking),
            "n_rerouted": self.n_rerouted,
            "transit_only": self.transit_only,
            "total_weight": self.total_weight,
            "weights_method": self.weights_method,
            "method": (
                "each element removed in turn (routing constraint avoid); ODs whose "
                "baseline route uses it re-routed by "
                f"{self.by}; unserved_share = weight left without a route / weight of "
                "the ODs with a baseline route; *_increase_pct = 100 x sum(weight x "
                "increase / baseline) / that weight, over the ODs still served"
                + (
                    "; ODs that start or end at the removed place or in the removed "
                    "country are left out of its measure (transit only)"
                    if self.transit_only
                    else ""
                )
            ),
            "ranking": [e.to_dict() for e in listed],
            "impacts": [i.to_dict() for i in self.impacts if i.element_id in ids],
            "baseline": [
                {
                    "origin": b.od.origin,
                    "destination": b.od.destination,
                    "cargo": b.od.cargo,
                    "group": b.od.group,
                    "weight": b.od.weight,
                    "unit": b.unit,
                    "objective": b.objective,
                    "cost_usd": b.cost_usd,
                    "time_h": b.time_h,
                    "generalised_usd": b.generalised_usd,
                    "no_route": b.no_route,
                }
                for b in self.ods
            ],
        }

    def to_geojson(self, top: int | None = None) -> dict[str, Any]:
        """A map layer: one feature per element (links as lines, places and borders as
        points, countries as their places), coloured by criticality (``color``, and the
        simplestyle ``stroke``/``marker-color``): grey where removing it costs nothing,
        yellow to dark red by rank among the others."""
        listed = self.top(top)
        critical = [e.element.element_id for e in self.ranking if e.critical]
        position = {element_id: i for i, element_id in enumerate(critical)}
        features = []
        for e in listed:
            colour = _colour(position.get(e.element.element_id), len(critical))
            props = {**e.to_dict(), "color": colour, "stroke": colour, "marker-color": colour}
            geometry = e.element.geometry()
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        return {"type": "FeatureCollection", "features": features}

    def write_geojson(self, path: str | Path, top: int | None = None) -> Path:
        out = Path(path)
        try:
            out.write_text(json.dumps(self.to_geojson(top), ensure_ascii=False, indent=1))
        except OSError as exc:
            raise DataError(
                f"{out}: cannot write the GeoJSON ({exc.strerror}) — pick a writable path"
            ) from None
        return out


# dark red (most critical) to yellow (least, but not zero); grey for no effect
_SCALE = ("#7f0000", "#b30000", "#d7301f", "#ef6548", "#fc8d59", "#fdbb84", "#fee08b")
_NO_EFFECT = "#9e9e9e"


def _colour(position: int | None, n: int) -> str:
    if position is None or n == 0:
        return _NO_EFFECT
    step = position * len(_SCALE) // n
    return _SCALE[min(step, len(_SCALE) - 1)]


# --- elements -----------------------------------------------------------------------------
def _kind(elements: str) -> str:
    key = elements.strip().lower()
    if key in ELEMENT_KINDS.values():
        return key
    if key in ELEMENT_KINDS:
        return ELEMENT_KINDS[key]

    raise UnknownNameError("element kind", elements, closest(key, list(ELEMENT_KINDS), 3, 0.3))


def list_elements(network: Network, elements: str = "links") -> tuple[Element, ...]:
    """The elements of one kind (``links``, ``nodes``, ``borders``, ``countries``) of
    the network, in id order: the links usable at ``network.as_of``, every place, every
    border crossing, every country that has a place."""
    from instc.network.schema import COUNTRIES

    kind = _kind(elements)
    nodes = network.nodes
    lonlat = {
        n: (float(lon), float(lat))
        for n, lon, lat in zip(nodes["node_id"], nodes["lon"], nodes["lat"], strict=True)
    }
    if kind == "link":
        links = network.links
        names = dict(zip(nodes["node_id"], nodes["name"], strict=True))
        return tuple(
            Element(
                "link",
                str(link_id),
                f"{names.get(f, f)} – {names.get(t, t)} ({mode})",
                (lonlat[f], lonlat[t]),
            )
            for link_id, f, t, mode in sorted(
                zip(
                    links["link_id"],
                    links["from_node"],
                    links["to_node"],
                    links["mode"],
                    strict=True,
                )
            )
        )
    if kind == "node":
        return tuple(
            Element("node", str(n), str(name), (lonlat[n],))
            for n, name in sorted(zip(nodes["node_id"], nodes["name"], strict=True))
        )
    if kind == "border":
        every = network.all_links if network.all_links is not None else network.links
        out = []
        modes: dict[str, list[str]] = {}
        titles: dict[str, str] = {}
        for border_id, mode, name in zip(
            network.borders["border_id"],
            network.borders["mode"],
            network.borders["name"],
            strict=True,
        ):
            modes.setdefault(border_id, []).append(str(mode))
            titles.setdefault(border_id, str(name))  # the first row's name, its modes listed
        for border_id in sorted(modes):
            title = titles[border_id]
            if len(modes[border_id]) > 1:
                title += f" [{', '.join(sorted(modes[border_id]))}]"
            crossing = every[every["border_id"] == border_id]
            places = sorted(set(crossing["from_node"]) | set(crossing["to_node"]))
            points = [lonlat[p] for p in places if p in lonlat]
            where: tuple[tuple[float, float], ...] = ()
            if points:
                where = (
                    (
                        sum(p[0] for p in points) / len(points),
                        sum(p[1] for p in points) / len(points),
                    ),
                )
            out.append(Element("border", str(border_id), title, where))
        return tuple(out)
    by_country: dict[str, list[tuple[float, float]]] = {}
    for n, country in sorted(zip(nodes["node_id"], nodes["country"], strict=True)):
        by_country.setdefault(str(country), []).append(lonlat[n])
    return tuple(
        Element("country", c, COUNTRIES.get(c, c), tuple(points))
        for c, points in sorted(by_country.items())
    )


# --- routing ------------------------------------------------------------------------------
def _objective(option: RouteOption, by: str, generalised_usd: float) -> float:
    if by == "generalised":
        return generalised_usd
    return float(getattr(option.totals, _TOTAL_OF[by]))


def _generalised(network: Network, option: RouteOption, vot_usd: float | None) -> float:
    from instc.network.graph import build_graph
    from instc.routing.costs import value_of_time
    from instc.units import h_to_days

    graph = build_graph(network, cargo=option.cargo)
    vot = value_of_time(network, graph, override_usd_per_unit_day=vot_usd)
    return option.totals.cost_usd + vot.usd_per_unit_day * h_to_days(option.totals.time_h)


def _best(
    network: Network,
    od: WeightedOD,
    by: str,
    avoid: Mapping[str, Iterable[str]] | None,
    vot_usd: float | None,
) -> RouteOption:
    from instc.routing.shortest import route

    return route(
        network,
        od.origin,
        od.destination,
        cargo=od.cargo,
        by=by,
        avoid=avoid,
        value_of_time_usd_per_unit_day=vot_usd,
    )


def _baseline(network: Network, od: WeightedOD, by: str, vot_usd: float | None) -> ODBaseline:
    try:
        option = _best(network, od, by, None, vot_usd)
    except NoRouteError as exc:
        return ODBaseline(od, None, None, None, None, None, no_route=exc.reason)
    gen = _generalised(network, option, vot_usd)
    legs = option.legs
    return ODBaseline(
        od=od,
        unit=option.unit,
        objective=_objective(option, by, gen),
        cost_usd=option.totals.cost_usd,
        time_h=option.totals.time_h,
        generalised_usd=gen,
        links=frozenset(option.link_ids),
        nodes=frozenset(n for leg in legs for n in (leg.from_node, leg.to_node)),
        borders=frozenset(leg.border_id for leg in legs if leg.border_id),
        countries=option.countries,
        ends=(legs[0].from_node, legs[-1].to_node),
        end_countries=(legs[0].from_country, legs[-1].to_country),
    )


def _reroute(
    network: Network,
    kind: str,
    element_id: str,
    ods: Sequence[WeightedOD],
    by: str,
    vot_usd: float | None = None,
) -> list[dict[str, Any]]:
    """Each OD's best route with the element avoided (one row per OD, in order)."""
    rows: list[dict[str, Any]] = []
    avoid = {kind: [element_id]}
    for od in ods:
        try:
            option = _best(network, od, by, avoid, vot_usd)
        except NoRouteError as exc:
            rows.append(
                {"objective": None, "generalised_usd": None, "time_h": None, "no_route": exc.reason}
            )
            continue
        gen = _generalised(network, option, vot_usd)
        rows.append(
            {
                "objective": _objective(option, by, gen),
                "generalised_usd": gen,
                "time_h": option.totals.time_h,
                "no_route": None,
            }
        )
    return rows


@functools.lru_cache(maxsize=2)
def _network_from(pickled: bytes) -> Network:
    # one copy per worker process (its graph cache then serves every task)
    network: Network = pickle.loads(pickled)
    return network


def criticality_task(
    *,
    network_pickle: bytes,
    kind: str,
    element_id: str,
    ods: Sequence[WeightedOD],
    by: str,
    od_index: Sequence[int],
    value_of_time_usd_per_unit_day: float | None = None,
) -> pd.DataFrame:
    """One element's re-routing as a sweep task (module level, so Dask workers can
    import it): a row per OD with ``od_index``, objective, generalised_usd, time_h,
    no_route.

    The network travels pickled: its bytes, unlike a DataFrame's pickle, are the same
    after a round trip, so the sweep runner's task fingerprint (of the pickled inputs)
    is the same in the client and on the worker.
    """
    import pandas as pd

    network = _network_from(network_pickle)
    rows = _reroute(network, kind, element_id, ods, by, value_of_time_usd_per_unit_day)
    frame = pd.DataFrame(rows, columns=["objective", "generalised_usd", "time_h", "no_route"])
    frame.insert(0, "od_index", list(od_index))
    frame["no_route"] = frame["no_route"].astype(object)
    return frame


def _run_dask(
    network: Network,
    jobs: Sequence[tuple[Element, list[int]]],
    baselines: Sequence[ODBaseline],
    by: str,
    *,
    workers: int | None,
    scheduler: str | None,
    progress: Progress | None,
    vot_usd: float | None,
) -> list[list[dict[str, Any]]]:
    from instc.sweeps.runner import SweepTask, run_sweep

    width = max(4, len(str(len(jobs))))
    pickled = pickle.dumps(network, protocol=pickle.HIGHEST_PROTOCOL)
    tasks = [
        SweepTask(
            task_id=f"element{i:0{width}d}",
            function=criticality_task,
            inputs={
                "network_pickle": pickled,
                "kind": element.kind,
                "element_id": element.element_id,
                "ods": [baselines[j].od for j in idx],
                "by": by,
                "od_index": idx,
                "value_of_time_usd_per_unit_day": vot_usd,
            },
            labels={"job": i},
        )
        for i, (element, idx) in enumerate(jobs)
    ]
    # a fresh directory per run: the runner's resume-by-file is not wanted here
    with tempfile.TemporaryDirectory(prefix="instc-criticality-") as tmp:
        result = run_sweep(
            tasks, workers=workers, scheduler=scheduler, out_dir=tmp, progress=progress
        )
        frame = result.to_frame()
    out: list[list[dict[str, Any]]] = [[] for _ in jobs]
    for row in frame.sort_values(["job", "od_index"], kind="stable").to_dict("records"):
        out[int(row["job"])].append(
            {
                "objective": _float_or_none(row["objective"]),
                "generalised_usd": _float_or_none(row["generalised_usd"]),
                "time_h": _float_or_none(row["time_h"]),
                "no_route": row["no_route"] if isinstance(row["no_route"], str) else None,
            }
        )
    return out


def _float_or_none(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


# --- the measure ---------------------------------------------------------------------------
def _increase(after: float, before: float) -> float:
    delta = after - before
    if delta < 0 and -delta <= _REL_TOL * max(1.0, abs(before)):
        return 0.0
    return delta


def _relative(delta: float, before: float) -> float:
    # a zero baseline (a free, instant route) can only stay zero or grow; a growth from
    # zero has no relative size, so it is measured against 1 unit
    return delta / before if before > 0 else delta


def _score(
    element: Element,
    impacts: Sequence[ODImpact],
    n_using: int,
    weight_using: float,
    total_weight: float,
) -> ElementCriticality:
    unserved = [i for i in impacts if not i.served]
    served = [i for i in impacts if i.served]
    unserved_weight = sum(i.weight for i in unserved)
    obj = gen = time = 0.0
    worst: tuple[float, str] | None = None
    for i in served:
        assert i.objective is not None and i.generalised_usd is not None and i.time_h is not None
        d_obj = _relative(_increase(i.objective, i.baseline_objective), i.baseline_objective)
        obj += i.weight * d_obj
        gen += i.weight * _relative(
            _increase(i.generalised_usd, i.baseline_generalised_usd), i.baseline_generalised_usd
        )
        time += i.weight * _relative(_increase(i.time_h, i.baseline_time_h), i.baseline_time_h)
        if d_obj > 0 and (worst is None or d_obj > worst[0]):
            worst = (d_obj, f"{i.origin}→{i.destination} +{100 * d_obj:.1f}%")
    worst_text = worst[1] if worst else None
    if unserved:
        top = max(unserved, key=lambda i: i.weight)
        worst_text = f"{top.origin}→{top.destination} unserved"
    share = 100.0 / total_weight if total_weight > 0 else 0.0
    return ElementCriticality(
        rank=0,
        element=element,
        n_ods_using=n_using,
        weight_using=weight_using,
        n_ods_unserved=len(unserved),
        unserved_weight=unserved_weight,
        unserved_share=unserved_weight / total_weight if total_weight > 0 else 0.0,
        objective_increase_pct=obj * share,
        generalised_increase_pct=gen * share,
        time_increase_pct=time * share,
        worst_od=worst_text,
    )


def criticality(
    network: Network,
    *,
    ods: str | Path | Iterable[WeightedOD | Sequence[Any]] | None = None,
    elements: str = "links",
    by: str = "generalised",
    only_affected: bool = True,
    transit_only: bool = False,
    workers: int | None = 0,
    scheduler: str | None = None,
    progress: Progress | None = None,
    value_of_time_usd_per_unit_day: float | None = None,
) -> CriticalityResult:
    """Rank the elements of one kind by what removing each costs the OD set.

    Parameters
    ----------
    ods:
        ``None``: the bundled OD set (``instc/data/criticality.toml``); a TOML file of
        ``[[pair]]`` tables (optional ``weight``); or pairs as
        :class:`~instc.resilience.ods.WeightedOD` or ``(origin, destination[, cargo[,
        weight]])`` tuples.
    elements:
        ``links``, ``nodes``, ``borders`` or ``countries``.
    by:
        The routing criterion (``generalised``, ``cost``, ``time``, ``co2e``,
        ``distance``); the ranking uses its increase.
    only_affected:
        Re-route only the ODs whose baseline route uses the element (exact; ``False``
        re-routes every OD, for checking).
    transit_only:
        For ``nodes`` and ``countries``: leave out of an element's measure the ODs that
        start or end at that place or in that country (whose loss is trivially total),
        so the ranking shows what the corridor loses as a transit path.
    workers, scheduler:
        ``workers=0`` (default) runs in this process; ``workers=N`` runs the
        per-element jobs on a Dask LocalCluster of N processes (``None``: one per core),
        ``scheduler="tcp://host:port"`` on an existing cluster (via
        :func:`instc.sweeps.run_sweep`).
    progress:
        ``progress(done, total)`` over the elements that are re-routed.
    value_of_time_usd_per_unit_day:
        Overrides the sourced value of time in the generalised cost.

    An OD without a baseline route is listed with its reason in ``result.ods`` and left
    out of the measure.
    """
    from instc.routing.costs import normalise_by

    kind = _kind(elements)
    key = normalise_by(by)
    od_set, weights_method = as_ods(ods, network=network)
    vot = value_of_time_usd_per_unit_day
    baselines = tuple(_baseline(network, od, key, vot) for od in od_set)
    served = [j for j, b in enumerate(baselines) if b.served]
    total_weight = sum(baselines[j].od.weight for j in served)
    items = list_elements(network, kind)

    jobs: list[tuple[Element, list[int]]] = []
    using: dict[str, list[int]] = {}
    for element in items:
        users = [
            j
            for j in served
            if baselines[j].uses(kind, element.element_id)
            and not (transit_only and baselines[j].ends_in(kind, element.element_id))
        ]
        using[element.element_id] = users
        chosen = users
        if not only_affected:
            chosen = [
                j
                for j in served
                if not (transit_only and baselines[j].ends_in(kind, element.element_id))
            ]
        if chosen:
            jobs.append((element, chosen))

    if workers == 0 and scheduler is None:
        results: list[list[dict[str, Any]]] = []
        if progress is not None:
            progress(0, len(jobs))
        for done, (element, idx) in enumerate(jobs, start=1):
            results.append(
                _reroute(
                    network, kind, element.element_id, [baselines[j].od for j in idx], key, vot
                )
            )
            if progress is not None:
                progress(done, len(jobs))
    else:
        results = _run_dask(
            network,
            jobs,
            baselines,
            key,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            vot_usd=vot,
        )

    impacts_of: dict[str, list[ODImpact]] = {}
    all_impacts: list[ODImpact] = []
    for (element, idx), rows in zip(jobs, results, strict=True):
        for j, row in zip(idx, rows, strict=True):
            b = baselines[j]
            assert b.objective is not None and b.generalised_usd is not None
            assert b.time_h is not None
            impact = ODImpact(
                element_id=element.element_id,
                origin=b.od.origin,
                destination=b.od.destination,
                cargo=b.od.cargo,
                unit=b.unit,
                weight=b.od.weight,
                baseline_objective=b.objective,
                objective=row["objective"],
                baseline_generalised_usd=b.generalised_usd,
                generalised_usd=row["generalised_usd"],
                baseline_time_h=b.time_h,
                time_h=row["time_h"],
                no_route=row["no_route"],
            )
            impacts_of.setdefault(element.element_id, []).append(impact)
            all_impacts.append(impact)

    scored = [
        _score(
            element,
            impacts_of.get(element.element_id, []),
            len(using[element.element_id]),
            sum(baselines[j].od.weight for j in using[element.element_id]),
            total_weight,
        )
        for element in items
    ]
    scored.sort(
        key=lambda e: (
            -e.unserved_share,
            -e.objective_increase_pct,
            -e.n_ods_using,
            e.element.element_id,
        )
    )
    from dataclasses import replace

    ranking = tuple(replace(e, rank=r) for r, e in enumerate(scored, start=1))
    return CriticalityResult(
        elements=f"{kind}s" if kind != "country" else "countries",
        by=key,
        as_of=None if network.as_of is None else network.as_of.isoformat(),
        weights_method=weights_method,
        ods=baselines,
        ranking=ranking,
        impacts=tuple(all_impacts),
        n_rerouted=sum(len(idx) for _, idx in jobs),
        transit_only=transit_only,
    )
