"""The service layer: one set of functions that the CLI, the HTTP API and Python call.

Each question is a frozen query object (:class:`RouteQuery` with its
:class:`Constraints`, :class:`CompareQuery`, :class:`ReliabilityQuery`, ...); each
function takes one and returns a frozen answer whose ``to_json()`` is exactly what
``instc ... --json`` prints and what the HTTP API sends. The CLI and the API add only
parsing and presentation.

Networks are cached by content: the SHA-256 of the dataset's files, the as-of date and
the hash of the scenario's resolved edits, so that two requests for the same network
share one (and its compiled graph) whatever path or name they used; answers to
deterministic queries are cached by (network key, query). Both caches are safe under
threads.

>>> import instc
>>> answer = instc.route("Nhava Sheva", "Bandar Abbas", as_of="2026-01-01")
>>> sorted({leg.mode for leg in answer.options[0].legs if leg.kind == "link"})
['sea']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.routing.compare import Comparison
    from instc.routing.results import RouteOption

__all__ = [
    "CompareAnswer",
    "CompareQuery",
    "Constraints",
    "CriticalityQuery",
    "NetworkKey",
    "ParetoAnswer",
    "ReliabilityAnswer",
    "ReliabilityQuery",
    "RouteAnswer",
    "RouteQuery",
    "ScenarioCheck",
    "ScenarioRunQuery",
    "SweepSummary",
    "appraise",
    "assign_corridor",
    "assign_corridor_json",
    "assign_tntp",
    "audit",
    "cached_answer",
    "clear_caches",
    "compare",
    "criticality",
    "dumps",
    "expected_projects",
    "get_network",
    "network_geojson",
    "network_key",
    "network_summary",
    "pareto",
    "place",
    "places",
    "reliability",
    "report_html",
    "route",
    "scenario_flows",
    "scenario_run",
    "scenario_show",
    "scenarios",
    "select_link",
    "source_titles",
    "sources",
    "sweep",
    "validate_scenarios",
    "wanted_flows",
    "write_report",
]

T = TypeVar("T")


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """The JSON text of ``data`` as the CLI prints it (and the API sends it)."""
    return json.dumps(data, indent=indent, ensure_ascii=False, default=str)


# ------------------------------------------------------------------ query objects


@dataclass(frozen=True)
class Constraints:
    """What a route must avoid or pass, and the carrier's flag.

    ``via`` items are places, ``PLACE@layer``, ``border:ID`` or ``link:ID``, in order.
    """

    avoid_country: tuple[str, ...] = ()
    avoid_mode: tuple[str, ...] = ()
    avoid_node: tuple[str, ...] = ()
    avoid_link: tuple[str, ...] = ()
    avoid_border: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    vessel_flag: str | None = None

    def avoid(self) -> dict[str, list[str]]:
        """The ``avoid`` mapping the routing engine takes (empty kinds left out)."""
        kinds = {
            "country": self.avoid_country,
            "mode": self.avoid_mode,
            "node": self.avoid_node,
            "link": self.avoid_link,
            "border": self.avoid_border,
        }
        return {k: list(v) for k, v in kinds.items() if v}


@dataclass(frozen=True)
class RouteQuery:
    """A door-to-door question: ``k`` really different routes by ``by``.

    ``as_of`` is a date (``YYYY[-MM[-DD]]``; ``None``: today); ``scenario`` a bundled
    scenario name or a TOML path applied first; ``data`` a dataset folder (``None``:
    the embedded dataset). ``units`` adds an ISO 14083 account of a shipment.
    """

    origin: str
    destination: str
    cargo: str = "container"
    by: str = "cost"
    as_of: str | None = None
    scenario: str | None = None
    constraints: Constraints = field(default_factory=Constraints)
    k: int = 1
    max_overlap: float = 0.9
    units: float | None = None
    value_of_time: float | None = None
    tonnes_per_unit: float | None = None
    data: str | None = None


@dataclass(frozen=True)
class CompareQuery:
    """The best option of each corridor family; ``percentile`` ranks by simulated time."""

    origin: str
    destination: str
    cargo: str = "container"
    by: str = "cost"
    as_of: str | None = None
    scenario: str | None = None
    constraints: Constraints = field(default_factory=Constraints)
    families: str | None = None
    max_detour: float | None = None
    tonnes_per_unit: float | None = None
    percentile: float | None = None
    samples: int = 20_000
    seed: int = 0
    data: str | None = None


@dataclass(frozen=True)
class ReliabilityQuery:
    """Door-to-door transit-time distribution per corridor family (Monte Carlo)."""

    origin: str
    destination: str
    families: tuple[str, ...] = ()
    samples: int = 100_000
    seed: int | None = None
    within_days: float | None = None
    month: int | None = None
    percentile: float = 90.0
    cargo: str = "container"
    by: str = "cost"
    as_of: str | None = None
    scenario: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class ScenarioRunQuery:
    """Scenarios' best option per OD pair and per route family, before and after
    (``instc scenario run``).

    ``same_date``: compare on the scenario's date with the baseline without the
    scenario's projects (``True``), or the baseline at ``as_of`` (``False``); ``None``:
    the same date for a scenario that opens a project, else each its own date.
    """

    names: tuple[str, ...]
    baseline: str | None = None
    pairs: str | None = None
    groups: tuple[str, ...] = ()
    by: str = "cost"
    as_of: str | None = None
    vessel_flag: str | None = None
    same_date: bool | None = None
    data: str | None = None


@dataclass(frozen=True)
class CriticalityQuery:
    """Remove each element in turn and rank by what the OD set loses."""

    elements: str = "links"
    top: int = 20
    by: str = "generalised"
    ods: str | None = None
    as_of: str | None = None
    scenario: str | None = None
    value_of_time: float | None = None
    transit_only: bool = False
    workers: int = 0
    scheduler: str | None = None
    data: str | None = None


# ------------------------------------------------------------------ caches


class _LRU:
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_NETWORKS = _LRU(16)
_ANSWERS = _LRU(512)
_DIGESTS: dict[tuple[Any, ...], str] = {}
# one network built at a time: a second request for the same key waits and reuses it
_BUILD_LOCK = threading.RLock()
# the dataset digests have a lock of their own: the API takes a digest on the event loop
# for every warm answer, which must not wait for a network being built in a thread
_DIGEST_LOCK = threading.Lock()


def clear_caches() -> None:
    """Forget every cached network and answer (tests; a dataset edited in place)."""
    _NETWORKS.clear()
    _ANSWERS.clear()
    with _DIGEST_LOCK:
        _DIGESTS.clear()


@dataclass(frozen=True)
class NetworkKey:
    """What a network is made of: dataset content, date and scenario content."""

    data_sha256: str
    as_of: dt.date | None
    scenario_sha256: str | None


def _data_digest(data: str | None) -> tuple[str, Path]:
    from instc.network.contract import config_files_in_subfolders, embedded_data_dir
    from instc.network.load import _fingerprint

    directory = (embedded_data_dir() if data is None else Path(data)).resolve()
    if not directory.is_dir():
        # load_network words the error; the key is never used
        return f"missing:{directory}", directory
    stamp = (str(directory), _fingerprint(directory))
    with _DIGEST_LOCK:
        digest = _DIGESTS.get(stamp)
        if digest is None:
            sha = hashlib.sha256()
            files = [
                (p.name, p) for p in sorted(directory.glob("*")) if p.suffix in (".csv", ".toml")
            ]
            for name, path in [*files, *config_files_in_subfolders(directory)]:
                if path.is_file():
                    sha.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
            digest = sha.hexdigest()
            _DIGESTS[stamp] = digest
    return digest, directory


def _when(as_of: str | None) -> dt.date:
    from instc.network.timeline import parse_as_of

    if as_of is None or as_of == "today":
        return dt.date.today()
    return parse_as_of(as_of)


def _scenario_digest(scenario: Any) -> str:
    from instc.scenarios import scenario_chain

    text = repr([(s.name, s.as_of, s.edits) for s in scenario_chain(scenario)])
    return hashlib.sha256(text.encode()).hexdigest()


def network_key(
    *, as_of: str | None = None, scenario: str | None = None, data: str | None = None
) -> NetworkKey:
    """The content key of the network these options give (see :func:`get_network`)."""
    digest, _ = _data_digest(data)
    scen = None
    if scenario is not None:
        from instc.scenarios import find_scenario

        scen = _scenario_digest(find_scenario(scenario))
    return NetworkKey(digest, _when(as_of), scen)


def get_network(
    *, as_of: str | None = None, scenario: str | None = None, data: str | None = None
) -> Network:
    """The network as of ``as_of`` (``None``: today) with ``scenario`` applied; cached.

    Treat it as read-only: the same object is handed to every caller with the same key.
    """
    key = network_key(as_of=as_of, scenario=scenario, data=data)
    cached = _NETWORKS.get(key)
    if cached is not None:
        return cached
    with _BUILD_LOCK:
        cached = _NETWORKS.get(key)
        if cached is not None:
            return cached
        from instc.network.load import load_network

        network = load_network(data, as_of=key.as_of)
        if scenario is not None:
            from instc.scenarios import apply_scenario, find_scenario

            network = apply_scenario(network, find_scenario(scenario))
        _NETWORKS.put(key, network)
        return network


def _answer_key(kind: str, query: Any) -> tuple[Any, ...]:
    """The answer cache's key of a query: its kind, its network's content key, itself."""
    return (kind, _net_key(query), query)


def cached_answer(kind: str, query: Any) -> Any:
    """The cached answer of ``query`` (``kind``: route, pareto, compare or reliability),
    or ``None``; never computes, so an async caller can answer warm queries without a
    thread."""
    return _ANSWERS.get(_answer_key(kind, query))


def _cached(key: Hashable, compute: Callable[[], T]) -> T:
    hit = _ANSWERS.get(key)
    if hit is not None:
        return hit
    value = compute()
    _ANSWERS.put(key, value)
    return value


def _net_key(q: Any) -> NetworkKey:
    return network_key(as_of=q.as_of, scenario=getattr(q, "scenario", None), data=q.data)


def _query(cls: type[T], query: T | str, destination: str | None, options: Mapping[str, Any]) -> T:
    """A query object from ``query`` itself or from ``(origin, destination, **options)``."""
    if isinstance(query, cls):
        if destination is not None or options:
            raise TypeError(f"give either a {cls.__name__} or origin, destination and options")
        return query
    if destination is None:
        raise TypeError("give the destination after the origin")
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    names = {f.name for f in dataclasses.fields(Constraints)}
    constraints = {k: v for k, v in options.items() if k in names and k not in fields}
    rest = {k: v for k, v in options.items() if k not in constraints}
    for k, v in list(constraints.items()):
        constraints[k] = v if k == "vessel_flag" or v is None else tuple(v)
    if constraints:
        rest["constraints"] = Constraints(**constraints)
    return cls(origin=query, destination=destination, **rest)  # type: ignore[call-arg]


# ------------------------------------------------------------------ routing


def _engine_kwargs(q: RouteQuery | CompareQuery) -> dict[str, Any]:
    """What every routing engine takes from a query: the cargo, the constraints that hide
    links (avoid, vessel flag) and the tonnes per unit (via is the caller's: compare has
    none)."""
    return {
        "cargo": q.cargo,
        "avoid": q.constraints.avoid(),
        "vessel_flag": q.constraints.vessel_flag,
        "tonnes_per_unit": q.tonnes_per_unit,
    }


def _drawn_geojson(options: Sequence[RouteOption], q: RouteQuery | CompareQuery) -> dict[str, Any]:
    """``options`` as GeoJSON drawn on the network they were found on: sea legs on
    water, land legs along their alignment (:func:`instc.network.geometry.options_geojson`)."""
    from instc.network.geometry import options_geojson

    return options_geojson(options, get_network(as_of=q.as_of, scenario=q.scenario, data=q.data))


class _Answer:
    """What every answer has: its ``--json`` data and that data's text, rendered once."""

    def to_json(self) -> Any:
        raise NotImplementedError

    @functools.cached_property
    def json_text(self) -> str:
        """``dumps(self.to_json())``: what the CLI prints and the API sends. Computed on
        first use and kept with the (cached, immutable) answer, so a warm query does not
        serialise its options again."""
        return dumps(self.to_json())


@dataclass(frozen=True)
class RouteAnswer(_Answer):
    """The options of a :class:`RouteQuery` (one unless ``k > 1``)."""

    query: RouteQuery
    options: tuple[RouteOption, ...]

    def to_json(self) -> Any:
        dicts = [o.to_dict() for o in self.options]
        if self.query.units is not None:
            from instc.emissions.accounting import account

            for d, o in zip(dicts, self.options, strict=True):
                d["emissions_account"] = account(o, units=self.query.units).to_dict()
        return dicts[0] if self.query.k == 1 else dicts

    def to_geojson(self) -> dict[str, Any]:
        return _drawn_geojson(self.options, self.query)


def route(
    query: RouteQuery | str, destination: str | None = None, /, **options: Any
) -> RouteAnswer:
    """Door-to-door route(s): ``route(RouteQuery(...))`` or ``route("A", "B", by="time")``.

    Constraint keywords (``avoid_country=("RU",)``, ``via=...``) may be given flat.
    """
    q = _query(RouteQuery, query, destination, options)

    def compute() -> RouteAnswer:
        from instc.routing.alternatives import alternatives
        from instc.routing.shortest import route as engine_route

        network = get_network(as_of=q.as_of, scenario=q.scenario, data=q.data)
        common: dict[str, Any] = {
            **_engine_kwargs(q),
            "by": q.by,
            "via": q.constraints.via,
            "value_of_time_usd_per_unit_day": q.value_of_time,
        }
        if q.k > 1:
            found = alternatives(
                network, q.origin, q.destination, k=q.k, max_overlap=q.max_overlap, **common
            )
            return RouteAnswer(q, tuple(found))
        return RouteAnswer(q, (engine_route(network, q.origin, q.destination, **common),))

    return _cached(_answer_key("route", q), compute)


@dataclass(frozen=True)
class ParetoAnswer(_Answer):
    """Every option not beaten on all of cost, time and CO2e at once."""

    query: RouteQuery
    options: tuple[RouteOption, ...]

    def to_json(self) -> list[dict[str, Any]]:
        return [o.to_dict() for o in self.options]

    def to_geojson(self) -> dict[str, Any]:
        return _drawn_geojson(self.options, self.query)


def pareto(
    query: RouteQuery | str, destination: str | None = None, /, **options: Any
) -> ParetoAnswer:
    """The Pareto set over (cost, time, CO2e); ``by`` and ``k`` of the query are unused."""
    q = _query(RouteQuery, query, destination, options)

    def compute() -> ParetoAnswer:
        from instc.routing.pareto import pareto as engine_pareto

        network = get_network(as_of=q.as_of, scenario=q.scenario, data=q.data)
        found = engine_pareto(
            network,
            q.origin,
            q.destination,
            via=q.constraints.via,
            **_engine_kwargs(q),
        )
        return ParetoAnswer(q, tuple(found))

    return _cached(_answer_key("pareto", q), compute)


@dataclass(frozen=True)
class CompareAnswer(_Answer):
    """Each family's best option; ``ranked_h`` holds the percentile times when asked."""

    query: CompareQuery
    result: Comparison
    ranked_h: Mapping[str, float]

    @property
    def options(self) -> tuple[RouteOption, ...]:
        return tuple(self.result.options)

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        return tuple(self.result.missing)

    def to_json(self) -> dict[str, Any]:
        q = self.query
        out: dict[str, Any] = self.result.to_dict()
        for item in out["options"]:
            if item["family"] in self.ranked_h:
                item["reliability"] = {
                    "percentile": q.percentile,
                    "time_h": self.ranked_h[item["family"]],
                    "samples": q.samples,
                    "seed": q.seed,
                }
        return out

    def to_geojson(self) -> dict[str, Any]:
        return _drawn_geojson(self.options, self.query)


def compare(
    query: CompareQuery | str, destination: str | None = None, /, **options: Any
) -> CompareAnswer:
    """The best option of each corridor family side by side (INSTC vs Suez/Cape)."""
    q = _query(CompareQuery, query, destination, options)

    def compute() -> CompareAnswer:
        from instc.routing.compare import compare as engine_compare
        from instc.routing.compare import load_families

        network = get_network(as_of=q.as_of, scenario=q.scenario, data=q.data)
        result = engine_compare(
            network,
            q.origin,
            q.destination,
            by=q.by,
            families=None if q.families is None else load_families(q.families, network=network),
            max_detour=q.max_detour,
            **_engine_kwargs(q),
        )
        ranked_h: dict[str, float] = {}
        if q.percentile is not None:
            result, ranked_h = _rank_by_percentile(
                network, result, percentile=q.percentile, samples=q.samples, seed=q.seed
            )
        return CompareAnswer(q, result, ranked_h)

    return _cached(_answer_key("compare", q), compute)


def _rank_by_percentile(
    network: Any, result: Any, *, percentile: float, samples: int, seed: int
) -> tuple[Any, dict[str, float]]:
    """Simulate each option and re-sort the families by the percentile time (the
    unconstrained best stays first, as the yardstick)."""
    from instc._errors import DataError
    from instc.reliability import reliability as engine_reliability

    if not 0.0 < percentile < 100.0:
        raise DataError(f"--percentile {percentile:g} must lie between 0 and 100, e.g. 90")
    # the same seed for every family: common random numbers make the ranking less noisy
    times = {
        o.family: engine_reliability(network, o, samples=samples, seed=seed).percentile_h(
            percentile
        )
        for o in result.options
    }
    ranked = (result.options[0], *sorted(result.options[1:], key=lambda o: times[o.family]))
    return dataclasses.replace(result, options=ranked, by=f"P{percentile:g} time"), times


# ------------------------------------------------------------------ reliability


@dataclass(frozen=True)
class ReliabilityAnswer(_Answer):
    """Transit-time distributions per family, with the root seed actually used."""

    query: ReliabilityQuery
    result: Any
    seed: int

    def to_json(self) -> dict[str, Any]:
        q = self.query
        return {
            **self.result.to_dict(),
            "seed": self.seed,
            "samples": q.samples,
            "scenario": q.scenario,
        }


def reliability(
    query: ReliabilityQuery | str, destination: str | None = None, /, **options: Any
) -> ReliabilityAnswer:
    """Monte Carlo of the door-to-door time per family; ``seed=None`` draws a fresh one."""
    q = _query(ReliabilityQuery, query, destination, options)

    def compute() -> ReliabilityAnswer:
        from instc.reliability.compare import reliability_by_family
        from instc.reliability.montecarlo import root_seed

        network = get_network(as_of=q.as_of, scenario=q.scenario, data=q.data)
        root = root_seed(q.seed)
        result = reliability_by_family(
            network,
            q.origin,
            q.destination,
            families=list(q.families) or None,
            samples=q.samples,
            seed=root,
            within_days=q.within_days,
            month=q.month,
            percentile=q.percentile,
            cargo=q.cargo,
            by=q.by,
        )
        return ReliabilityAnswer(q, result, int(root.entropy))  # type: ignore[arg-type]

    if q.seed is None:
        return compute()  # a fresh seed each time: nothing to share
    return _cached(_answer_key("reliability", q), compute)


# ------------------------------------------------------------------ places and network


def places(
    text: str, *, limit: int = 10, as_of: str | None = None, data: str | None = None
) -> list[dict[str, Any]]:
    """Places whose id, name or alias matches ``text``, best first (for suggestions).

    A name that starts with the text ranks before one that only contains it; an exact
    id or name comes first.
    """
    from instc.network.places import normalise_name

    network = get_network(as_of=as_of, data=data)
    key = normalise_name(text)
    if not key:
        return []
    scored: list[tuple[int, str, dict[str, Any]]] = []
    records: list[dict[str, Any]] = network.nodes.to_dict("records")  # type: ignore[assignment]
    for r in records:
        names = (r["node_id"], r["name"], *(r["aliases"] or ()))
        spellings = [normalise_name(s) for s in names if isinstance(s, str) and s]
        if key in spellings:
            rank = 0
        elif any(s.startswith(key) for s in spellings):
            rank = 1
        elif any(key in s for s in spellings):
            rank = 2
        else:
            continue
        item = {
            "node_id": r["node_id"],
            "name": r["name"],
            "country": r["country"],
            "kinds": list(r["kinds"] or ()),
            "lat": float(r["lat"]),
            "lon": float(r["lon"]),
        }
        scored.append((rank, str(r["name"]), item))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [item for _, _, item in scored[:limit]]


def network_geojson(
    *, as_of: str | None = None, scenario: str | None = None, data: str | None = None
) -> dict[str, Any]:
    """The network usable at ``as_of`` (with ``scenario``) as one FeatureCollection.

    Nodes are Points (``feature_type: node``), links LineStrings (``feature_type:
    link``); properties are the table columns.
    """
    network = get_network(as_of=as_of, scenario=scenario, data=data)
    key = ("network_geojson", network_key(as_of=as_of, scenario=scenario, data=data))

    def compute() -> dict[str, Any]:
        from instc.network.io import _features

        nodes, links = _features(network)
        for f in nodes:
            f["properties"]["feature_type"] = "node"
        for f in links:
            f["properties"]["feature_type"] = "link"
        return {
            "type": "FeatureCollection",
            "as_of": None if network.as_of is None else network.as_of.isoformat(),
            "scenario": scenario,
            "features": [*links, *nodes],
        }

    return _cached(key, compute)


# ------------------------------------------------------------------ scenarios


def source_titles() -> dict[str, str]:
    """Titles of the embedded sources by id (empty when the dataset cannot be read)."""
    import csv

    from instc.network.contract import embedded_data_dir

    path = embedded_data_dir() / "sources.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["source_id"]: row.get("title") or "" for row in csv.DictReader(handle)}


def scenarios() -> list[dict[str, Any]]:
    """The bundled scenarios (``instc scenario list --json``)."""
    from instc.scenarios import bundled_names, load_bundled

    out = []
    for name in bundled_names():
        s = load_bundled(name)
        out.append(
            {
                "name": s.name,
                "title": s.title,
                "as_of": s.as_of,
                "parent": s.parent,
                "edits": len(s.edits),
            }
        )
    return out


def scenario_show(
    name: str, *, changes: bool = False, as_of: str | None = None, data: str | None = None
) -> tuple[Any, dict[str, Any], Any]:
    """A scenario, its JSON (``instc scenario show --json``) and its table changes."""
    from instc.scenarios import apply_scenario, find_scenario

    scenario = find_scenario(name)
    titles = source_titles()
    shown: dict[str, Any] = {
        "name": scenario.name,
        "title": scenario.title,
        "description": scenario.description,
        "parent": scenario.parent,
        "as_of": scenario.as_of,
        "assumptions": list(scenario.assumptions),
        "sources": [{"source_id": s, "title": titles.get(s)} for s in scenario.sources],
        "edits": [
            {"action": e.action, "describe": e.describe(), "note": e.note} for e in scenario.edits
        ],
    }
    found = None
    if changes:
        from instc.scenarios.changes import table_changes

        network = get_network(as_of=as_of, data=data)
        found = table_changes(network, apply_scenario(network, scenario))
        shown["changes"] = found.to_dict()
    return scenario, shown, found


def scenario_run(query: ScenarioRunQuery) -> tuple[Any, ...]:
    """The :class:`~instc.scenarios.diff.ScenarioDiff` of each scenario of the query.

    JSON: ``diffs[0].to_dict()`` for one scenario, a list for several (see
    :func:`scenario_run_json`).
    """
    q = query

    def compute() -> tuple[Any, ...]:
        from instc.scenarios import find_scenario
        from instc.scenarios.diff import (
            default_pairs,
            family_planner,
            read_pairs,
            route_planner,
            run_scenario,
        )

        network = get_network(as_of=q.as_of, data=q.data)
        base = find_scenario(q.baseline) if q.baseline else None
        od = read_pairs(q.pairs, network) if q.pairs else default_pairs(network)
        if q.groups:
            from instc._errors import ScenarioError
            from instc._names import did_you_mean

            groups = sorted({p.group for p in od})
            for name in q.groups:
                if name not in groups:
                    raise ScenarioError(
                        f"unknown pair group {name!r} — {did_you_mean(name, groups)}"
                    )
            od = tuple(p for p in od if p.group in q.groups)
        planner = route_planner(by=q.by, vessel_flag=q.vessel_flag)
        families = family_planner(by=q.by, vessel_flag=q.vessel_flag)
        return tuple(
            run_scenario(
                network,
                find_scenario(name),
                pairs=od,
                baseline=base,
                planner=planner,
                family_plan=families,
                same_date=q.same_date,
            )
            for name in q.names
        )

    if q.pairs is not None:
        return compute()  # a file may change between calls
    digests = tuple(network_key(scenario=n).scenario_sha256 for n in (*q.names, q.baseline) if n)
    return _cached(("scenario_run", network_key(as_of=q.as_of, data=q.data), digests, q), compute)


def scenario_flows(query: ScenarioRunQuery) -> tuple[Any, ...]:
    """The :class:`~instc.scenarios.flows.FlowDiff` of each scenario of the query: the
    corridor assignment of the scenario's year without and with it, on the networks
    :func:`scenario_run` compares (``pairs``, ``groups``, ``by`` and ``vessel_flag`` do not
    apply: the assignment routes the year's whole demand)."""
    q = query

    def compute() -> tuple[Any, ...]:
        from instc.scenarios import find_scenario
        from instc.scenarios.flows import scenario_flows as engine_flows

        network = get_network(as_of=q.as_of, data=q.data)
        base = find_scenario(q.baseline) if q.baseline else None
        return tuple(
            engine_flows(network, find_scenario(name), baseline=base, same_date=q.same_date)
            for name in q.names
        )

    digests = tuple(network_key(scenario=n).scenario_sha256 for n in (*q.names, q.baseline) if n)
    key = (q.names, q.baseline, q.as_of, q.same_date)
    return _cached(
        ("scenario_flows", network_key(as_of=q.as_of, data=q.data), digests, key), compute
    )


def wanted_flows(query: ScenarioRunQuery, flows: bool) -> tuple[Any, ...] | None:
    """:func:`scenario_flows` when asked for on the embedded dataset, else ``None`` (the
    corridor demand is the embedded dataset's: another dataset folder gets the diffs
    only). ``instc scenario run --flows``, its endpoint and its job all decide here."""
    return scenario_flows(query) if flows and query.data is None else None


def scenario_run_json(diffs: tuple[Any, ...], flows: tuple[Any, ...] | None = None) -> Any:
    """The ``--json`` of ``instc scenario run``: each diff's ``to_dict()``, with its
    ``flows`` (:func:`scenario_flows`) when given."""
    out = [d.to_dict() for d in diffs]
    for data, flow in zip(out, flows or (), strict=False):
        data["flows"] = flow.to_dict()
    return out[0] if len(out) == 1 else out


# ------------------------------------------------------------------ long work


def criticality(
    query: CriticalityQuery, *, progress: Callable[[int, int], None] | None = None
) -> Any:
    """The criticality ranking (a :class:`~instc.resilience.criticality` result)."""
    from instc.resilience.criticality import criticality as engine_criticality

    q = query
    network = get_network(as_of=q.as_of, scenario=q.scenario, data=q.data)
    return engine_criticality(
        network,
        ods=q.ods,
        elements=q.elements,
        by=q.by,
        workers=q.workers,
        scheduler=q.scheduler,
        progress=progress,
        value_of_time_usd_per_unit_day=q.value_of_time,
        transit_only=q.transit_only,
    )


def assign_corridor(
    *,
    year: int = 2030,
    scenario: str | None = None,
    demand_level: str = "mode",
    algorithm: str = "psl",
    gap: float | None = None,
    max_iter: int = 500,
    progress: Callable[[Any], None] | None = None,
    data: str | None = None,
) -> Any:
    """A year's corridor freight assigned (``instc assign corridor``): path-size logit
    route choice by default, or a user-equilibrium ``algorithm``; ``gap=None`` is the
    method's default (:func:`instc.assignment.corridor.default_gap`)."""
    from instc.assignment.corridor import assign_corridor as engine_assign

    network = get_network(as_of=str(year), scenario=scenario, data=data)
    return engine_assign(
        network,
        year=year,
        demand_level=demand_level,
        scenario=scenario,
        method=algorithm,
        gap=gap,
        max_iter=max_iter,
        progress=progress,
    )


def assign_corridor_json(
    result: Any, *, top: int, scenario: str | None = None, data: str | None = None
) -> dict[str, Any]:
    """``instc assign corridor --json`` of an :func:`assign_corridor` result: its
    ``to_dict(top=top)`` with the model's branch shares beside the observed ones
    (``branch_check``, and ``branch_check_other`` for observation sets of another scope)."""
    from instc.assignment.branches import branch_check, other_observations

    network = get_network(as_of=str(result.year), scenario=scenario, data=data)
    checks = branch_check(network, result)
    out: dict[str, Any] = result.to_dict(top=top)
    out["branch_check"] = checks.astype(object).where(checks.notna(), None).to_dict("records")
    out["branch_check_other"] = other_observations(network, checks, result.year).to_dict("records")
    return out


def assign_tntp(
    directory: str | Path,
    *,
    algorithm: str = "bfw",
    gap: float = 1e-5,
    max_iter: int = 1000,
    toll_factor: float | None = None,
    distance_factor: float | None = None,
    progress: Callable[[Any], None] | None = None,
) -> Any:
    """A TNTP benchmark folder at user equilibrium (``instc assign tntp DIR``).

    Returns the :class:`~instc.assignment.AssignmentResult`; its ``summary()`` is the
    ``--json``. ``gap`` is the target relative gap (dimensionless), the factors convert
    toll and length units into minutes (default: the network README's values).
    """
    from instc._errors import DataError
    from instc.assignment import METHODS, assign
    from instc.assignment.tntp import load_tntp

    if algorithm not in METHODS:
        raise DataError(f"unknown algorithm {algorithm!r} — use one of {', '.join(METHODS)}")
    network, demand, _ = load_tntp(
        directory, toll_factor=toll_factor, distance_factor=distance_factor
    )
    return assign(network, demand, method=algorithm, gap=gap, max_iter=max_iter, progress=progress)


def appraise(
    scenario: str,
    *,
    years: str = "2026-2035",
    baseline: str | None = None,
    demand_level: str = "mode",
) -> Any:
    """A scenario's yearly time and money savings for shippers and CO2e change
    (``instc appraise``; an :class:`~instc.scenarios.appraise.Appraisal` whose
    ``to_dict()`` is the ``--json``). ``years``: ``FIRST-LAST``."""
    from instc.scenarios import find_scenario
    from instc.scenarios.appraise import appraise as engine_appraise
    from instc.scenarios.appraise import parse_years

    span = parse_years(years)
    chosen = find_scenario(scenario)
    base = find_scenario(baseline) if baseline else None

    def compute() -> Any:
        return engine_appraise(
            get_network(), chosen, years=span, baseline=base, demand_level=demand_level
        )

    digests = tuple(network_key(scenario=n).scenario_sha256 for n in (scenario, baseline) if n)
    return _cached(("appraise", network_key(), digests, span, demand_level), compute)


def select_link(
    *,
    year: int = 2030,
    element: str,
    scenario: str | None = None,
    demand_level: str = "mode",
    algorithm: str = "psl",
    gap: float | None = None,
    max_iter: int = 500,
    data: str | None = None,
) -> Any:
    """Select-link analysis (``instc assign corridor --select-link``): the OD pairs whose
    equilibrium flow of ``year`` uses the link, border or terminal ``element``, and the
    tonnes each sends through it (a :class:`~instc.assignment.select_link.SelectLink`;
    ``to_dict()`` is the ``--json``)."""
    from instc.assignment.select_link import select_link as engine_select_link

    run = assign_corridor(
        year=year,
        scenario=scenario,
        demand_level=demand_level,
        algorithm=algorithm,
        gap=gap,
        max_iter=max_iter,
        data=data,
    )
    return engine_select_link(run, element)


def report_html(
    *,
    scenarios: tuple[str, ...] = (),
    origin: str = "INNSA",
    destination: str = "RU-MOSCOW",
    cargo: str = "container",
    by: str = "cost",
    title: str = "INSTC corridor report",
    as_of: str | None = None,
    data: str | None = None,
) -> str:
    """The self-contained HTML report as text (``instc report`` writes it to a file)."""
    from instc.reports.build import render_report
    from instc.reports.content import collect_report
    from instc.scenarios import find_scenario

    resolved = [find_scenario(name) for name in scenarios]
    network = get_network(as_of=as_of, data=data)
    content = collect_report(
        network,
        scenarios=resolved,
        origin=origin,
        destination=destination,
        cargo=cargo,
        by=by,
    )
    return render_report(content, title=title)


# ------------------------------------------------------------------ network inspection


def network_summary(*, as_of: str | None = None, data: str | None = None) -> dict[str, Any]:
    """``instc network summary --json``: counts, length by mode (km), countries and
    project status of the network as of ``as_of`` (``None``: today)."""
    from instc.network.timeline import summarize_network

    return summarize_network(get_network(as_of=as_of, data=data))


def expected_projects(*, as_of: str | None = None, data: str | None = None) -> set[str]:
    """Ids of projects whose opening by ``as_of`` is a forecast, not a fact."""
    from instc.network.timeline import project_status_as_of

    network = get_network(as_of=as_of, data=data)
    if network.as_of is None:
        return set()
    status = project_status_as_of(network, network.as_of)
    return set(status.loc[status["expected"], "project_id"])


def place(node: str, *, as_of: str | None = None, data: str | None = None) -> dict[str, Any]:
    """``instc network show NODE --json``: a place with its links, transfers, borders,
    services and sources."""
    from instc.network.places import describe_node

    return describe_node(get_network(as_of=as_of, data=data), node)


def audit(*, data: str | None = None) -> dict[str, Any]:
    """``instc network audit --json``: estimates, ranges and gaps per table, read from
    the tables as written (a loaded network leaves slipped forecasts out)."""
    from instc.network.audit import audit_tables
    from instc.network.load import load_tables

    parsed = load_tables(data)
    return audit_tables(parsed.tables, parsed.parameters)


def sources(source_id: str | None = None, *, data: str | None = None) -> Any:
    """``instc sources [ID] --json``: every source the data cites (a list), or one with
    the rows that cite it (a dict)."""
    from instc._values import frame_records
    from instc.network.audit import describe_source
    from instc.network.io import to_json_value

    network = get_network(data=data)
    if source_id is not None:
        return describe_source(network, source_id)
    return [{k: to_json_value(v) for k, v in r.items()} for r in frame_records(network.sources)]


# ------------------------------------------------------------------ files


@dataclass(frozen=True)
class ScenarioCheck:
    """The outcome of checking one scenario file or name (``instc scenario validate``)."""

    file: str
    problems: tuple[str, ...]
    edits: int

    def to_dict(self) -> dict[str, Any]:
        return {"ok": not self.problems, **dataclasses.asdict(self)}

    def to_frame(self) -> pd.DataFrame:
        """One row per problem (file, problem, edits); a file without problems is
        one row with an empty problem."""
        import pandas as pd

        problems = self.problems or ("",)
        return pd.DataFrame({"file": self.file, "problem": list(problems), "edits": self.edits})


def validate_scenarios(files: tuple[str, ...], *, data: str | None = None) -> list[ScenarioCheck]:
    """Check scenario files (or bundled names): schema, ids against the dataset (every
    link and project, whatever its date) and a trial apply. Each problem is one line:
    file:line: what — fix."""
    from instc._errors import ScenarioError
    from instc.network.load import load_network
    from instc.scenarios import ScenarioFileError, apply_scenario, find_scenario, read_scenario

    network = None
    checks = []
    for file in files:
        problems: list[str] = []
        edits = 0
        try:
            scenario = read_scenario(file) if Path(file).exists() else find_scenario(file)
            edits = len(scenario.edits)
            if network is None:
                network = load_network(data, as_of=None)
            apply_scenario(network, scenario)
        except ScenarioFileError as exc:
            problems.extend(str(p) for p in exc.problems)
        except ScenarioError as exc:
            problems.append(str(exc))
        checks.append(ScenarioCheck(file, tuple(problems), edits))
    return checks


def write_report(
    out: Path,
    *,
    scenarios: tuple[str, ...] = (),
    fmt: str = "html",
    origin: str = "INNSA",
    destination: str = "RU-MOSCOW",
    cargo: str = "container",
    by: str = "cost",
    pairs: Path | None = None,
    title: str = "INSTC corridor report",
    as_of: str | None = None,
    data: str | None = None,
) -> tuple[Path, ...]:
    """``instc report``: the HTML report written atomically to ``out``, or with ``fmt``
    ``png`` the charts into the folder ``out``; returns the files written. A bad path,
    format or scenario fails before the slow part."""
    from instc._errors import DataError
    from instc.reports.build import check_output_dir, check_output_file, write_charts
    from instc.reports.build import write_report as engine_write_report
    from instc.scenarios import find_scenario
    from instc.scenarios.diff import read_pairs

    fmt = fmt.lower()
    if fmt not in ("html", "png"):
        raise DataError(f"unknown --format {fmt!r} — use html or png")
    if fmt == "png" and (scenarios or pairs):
        raise DataError(
            "--scenario and --pairs apply to the HTML report — drop them with --format png"
        )
    if fmt == "html":
        check_output_file(out)
    else:
        check_output_dir(out)
    resolved = [find_scenario(name) for name in scenarios]
    network = get_network(as_of=as_of, data=data)
    od_pairs = read_pairs(pairs, network) if pairs is not None else None
    if fmt == "png":
        return write_charts(
            network, out, origin=origin, destination=destination, cargo=cargo, by=by
        )
    written = engine_write_report(
        network,
        out,
        scenarios=resolved,
        origin=origin,
        destination=destination,
        cargo=cargo,
        by=by,
        pairs=od_pairs,
        title=title,
    )
    return (written,)


SWEEP_PERCENTILES = (50, 80, 90, 95)


@dataclass(frozen=True)
class SweepSummary:
    """A finished sweep: ``info`` (run counts, workers, elapsed s, summary file) and
    ``frame``, the mean over replications per grid point: ``keys`` columns, then
    ``values`` (days; ``p_within`` a probability)."""

    info: dict[str, Any]
    frame: Any
    keys: tuple[str, ...]
    values: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """``instc sweep --json``."""
        return {**self.info, "summary": self.frame.to_dict("records")}


def sweep(
    file: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    out: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepSummary:
    """``instc sweep FILE``: run a sweep (resumable; results per task in Parquet under
    ``out``, default ``sweep-<name>`` beside the file); ``progress(done, total)`` counts
    tasks."""
    from instc._files import check_output_dir
    from instc.sweeps import load_sweep, run_sweep

    if out is not None:  # a bad folder fails before the file is read
        check_output_dir(out, option="--out")
    definition = load_sweep(file)
    out_dir = out if out is not None else file.resolve().parent / f"sweep-{definition.name}"
    check_output_dir(out_dir, option="--out")
    result = run_sweep(
        definition.tasks(), workers=workers, scheduler=scheduler, out_dir=out_dir, progress=progress
    )
    frame = result.to_frame()
    keys = [k for k in ("scenario", *sorted(definition.grid), "family") if k in frame.columns]
    if "reason" in frame.columns:
        frame = frame[frame["reason"].isna()]
    value_cols = ["mean_days"] + [f"p{p}_days" for p in SWEEP_PERCENTILES]
    if definition.within_days is not None:
        value_cols.append("p_within")
    if keys:
        summary = frame.groupby(keys, sort=False)[value_cols].mean().reset_index()
    else:
        summary = frame[value_cols].mean().to_frame().T
    info: dict[str, Any] = {"name": definition.name, **result.to_dict()}
    return SweepSummary(info, summary, tuple(keys), tuple(value_cols))
