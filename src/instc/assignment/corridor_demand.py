"""OD demand for the corridor assignment, built from ``demand.csv`` and ``corridor.toml``.

The year's total (t/year) is read from the demand rows of one scope (``[demand] scope``
in ``corridor.toml``, the INSTC total): the row of that year, else a linear
interpolation between the nearest earlier and later rows, else the nearest row. Low and
high follow ``volume_low``/``volume_high`` (a missing bound is the row's mode value). The
total is split into cargo classes and each class into OD pairs by the shares in
``corridor.toml``, each of which states its basis and method.

A class with a ``scope`` instead of a ``share`` is freight outside that total (crude oil
by pipeline): its tonnes are read from the demand rows of its own scope the same way,
and added to the run's tonnes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError
from instc._values import is_missing
from instc.network.contract import SHARE_TOLERANCE
from instc.network.schema import CARGO_CLASSES, CARGO_UNITS

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network

__all__ = [
    "DEMAND_LEVELS",
    "ClassSpec",
    "CorridorDemand",
    "ODDemand",
    "YearVolume",
    "corridor_demand",
    "corridor_spec_from_toml",
    "load_corridor_spec",
    "year_volume",
]

DEMAND_LEVELS = ("low", "mode", "high")
_DEFAULT = Path(__file__).resolve().parents[1] / "data" / "corridor.toml"
_KIND_RANK = {"actual": 0, "forecast": 1, "target": 2, "agreement": 3}


@dataclass(frozen=True)
class ClassSpec:
    """One cargo class of ``corridor.toml``: its share of the total and its OD pairs."""

    name: str
    cargo: str
    share: float
    basis: str
    source_ids: tuple[str, ...]
    method: str
    od_basis: str
    od_method: str
    ods: tuple[tuple[str, str, float], ...]  # (origin, destination, share of the class)
    od_source_ids: tuple[str, ...] = ()
    demand_ids: tuple[str, ...] = ()  # demand.csv rows its share and OD split come from
    scope: str = ""  # own demand scope (its tonnes outside the total; share unused)

    def all_source_ids(self) -> tuple[str, ...]:
        """The sources of the class share and of its OD split, each once."""
        return tuple(dict.fromkeys([*self.source_ids, *self.od_source_ids]))


@dataclass(frozen=True)
class YearVolume:
    """The scope's volume for ``year`` (t/year) and how it was obtained."""

    scope: str
    year: int
    low_t: float
    mode_t: float
    high_t: float
    method: str
    demand_ids: tuple[str, ...]
    source_ids: tuple[str, ...]

    def level(self, name: str) -> float:
        """The volume at ``name`` ("low", "mode" or "high")."""
        return {"low": self.low_t, "mode": self.mode_t, "high": self.high_t}[name]


@dataclass(frozen=True)
class ODDemand:
    """Demand of one class between two places, per year, in the class's unit and in t."""

    class_name: str
    cargo: str
    unit: str
    origin: str
    destination: str
    volume: float
    volume_t: float


@dataclass(frozen=True)
class CorridorDemand:
    """The OD demand of a year at one demand level.

    ``corridor_t``: the total's tonnes (t/year, scope ``total.scope``) the share classes
    split; ``total_t``: every class's tonnes, the total's and those of classes with their
    own scope (``own``: their year volumes); ``class_t``: tonnes per class.
    """

    year: int
    level: str
    total: YearVolume
    total_t: float
    classes: tuple[ClassSpec, ...]
    ods: tuple[ODDemand, ...]
    corridor_t: float = math.nan
    class_t: Mapping[str, float] = field(default_factory=dict)
    own: Mapping[str, YearVolume] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per OD pair: class, origin, destination, unit, volume (units/year)
        and volume_t (t/year)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["ods"])

    def to_dict(self) -> dict[str, Any]:
        t = self.total
        return {
            "year": self.year,
            "level": self.level,
            "scope": t.scope,
            "total_t": self.total_t,
            "corridor_t": self.corridor_t,
            "low_t": t.low_t,
            "mode_t": t.mode_t,
            "high_t": t.high_t,
            "method": t.method,
            "demand_ids": list(t.demand_ids),
            "source_ids": list(t.source_ids),
            "classes": [
                {
                    "class": c.name,
                    "cargo": c.cargo,
                    "share": c.share,
                    "basis": c.basis,
                    "source_ids": list(c.source_ids),
                    "method": c.method,
                    "od_basis": c.od_basis,
                    "od_source_ids": list(c.od_source_ids),
                    "od_method": c.od_method,
                    "demand_ids": list(c.demand_ids),
                    "scope": c.scope or None,
                    "tonnes": self.class_t.get(c.name, math.nan),
                    "scope_method": self.own[c.name].method if c.name in self.own else None,
                }
                for c in self.classes
            ],
            "ods": [
                {
                    "class": o.class_name,
                    "origin": o.origin,
                    "destination": o.destination,
                    "unit": o.unit,
                    "volume": o.volume,
                    "volume_t": o.volume_t,
                }
                for o in self.ods
            ],
        }


def _need(file: Path, where: str, spec: Mapping[str, Any], key: str) -> Any:
    if key not in spec:
        raise DataError(f"{file}: [{where}] has no {key} — add it")
    return spec[key]


def load_corridor_spec(path: str | Path | None = None) -> tuple[str, tuple[ClassSpec, ...]]:
    """The demand scope and cargo classes of ``corridor.toml`` (default: the embedded one).

    >>> scope, classes = load_corridor_spec()
    >>> scope, round(sum(c.share for c in classes), 6)
    ('instc-total', 1.0)
    """
    from instc._files import read_toml

    file = _DEFAULT if path is None else Path(path)
    return corridor_spec_from_toml(read_toml(file, what="corridor TOML"), file)


def corridor_spec_from_toml(
    data: Mapping[str, Any], file: Path
) -> tuple[str, tuple[ClassSpec, ...]]:
    """The demand scope and cargo classes of a parsed corridor TOML read from ``file``."""
    scope = str(_need(file, "demand", data.get("demand", {}), "scope"))
    classes = []
    for name, spec in data.get("class", {}).items():
        where = f"class.{name}"
        cargo = str(_need(file, where, spec, "cargo"))
        if cargo not in CARGO_CLASSES or cargo == "passenger":
            raise DataError(
                f"{file}: [{where}] cargo {cargo!r} — use container, bulk, liquid or truck"
            )
        own = str(spec.get("scope", ""))
        if own and "share" in spec:
            raise DataError(
                f"{file}: [{where}] has both scope and share — a class is a share of the "
                "total or has its own demand scope, not both"
            )
        share = 0.0 if own else float(_need(file, where, spec, "share"))
        ods = []
        for i, od in enumerate(_need(file, where, spec, "ods")):
            for key in ("origin", "destination", "share"):
                _need(file, f"{where}.ods[{i}]", od, key)
            ods.append((str(od["origin"]), str(od["destination"]), float(od["share"])))
        pairs = [(o, d) for o, d, _ in ods]
        if len(set(pairs)) != len(pairs):
            dup = next(p for p in pairs if pairs.count(p) > 1)
            raise DataError(f"{file}: [{where}] lists {dup[0]} -> {dup[1]} twice — merge the rows")
        od_sum = sum(s for _, _, s in ods)
        if not ods or abs(od_sum - 1.0) > SHARE_TOLERANCE:
            raise DataError(f"{file}: [{where}] OD shares sum to {od_sum:g} — they must sum to 1")
        classes.append(
            ClassSpec(
                name=name,
                cargo=cargo,
                share=share,
                basis=str(_need(file, where, spec, "basis")),
                source_ids=tuple(spec.get("source_ids", ())),
                method=str(_need(file, where, spec, "method")),
                od_basis=str(spec.get("od_basis", "estimate")),
                od_method=str(_need(file, where, spec, "od_method")),
                ods=tuple(ods),
                od_source_ids=tuple(str(x) for x in spec.get("od_source_ids", ())),
                demand_ids=tuple(str(x) for x in spec.get("demand_ids", ())),
                scope=own,
            )
        )
    total = sum(c.share for c in classes if not c.scope)
    if not any(not c.scope for c in classes) or abs(total - 1.0) > SHARE_TOLERANCE:
        raise DataError(f"{file}: class shares sum to {total:g} — they must sum to 1")
    return scope, tuple(classes)


def _bound(value: Any, mode: float) -> float:
    return mode if is_missing(value) else value


def year_volume(network: Network, *, scope: str, year: int) -> YearVolume:
    """The volume (t/year) of demand ``scope`` in ``year`` from the network's demand rows.

    Several rows in one year: an actual beats a forecast, a forecast a target, a target
    an agreement. Between two years the values are interpolated linearly; outside the
    rows' years the nearest row is taken and the method says so.
    """
    demand = network.tables["demand"]
    rows = demand.loc[(demand["scope"] == scope) & (demand["unit"] == "t")]
    rows = rows.loc[rows["volume"].notna()]
    if rows.empty:
        raise DataError(
            f"demand.csv: no rows with scope {scope!r} in t — add them or change "
            "[demand] scope in corridor.toml"
        )
    points: dict[int, Any] = {}
    for _, row in rows.iterrows():
        y = int(row["year"])
        best = points.get(y)
        if best is None or _KIND_RANK.get(row["kind"], 9) < _KIND_RANK.get(best["kind"], 9):
            points[y] = row

    def values(row: Any) -> tuple[float, float, float]:
        mode = float(row["volume"])
        return (
            float(_bound(row["volume_low"], mode)),
            mode,
            float(_bound(row["volume_high"], mode)),
        )

    def ids(*picked: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
        srcs: list[str] = []
        for r in picked:
            srcs.extend(r["source_ids"] or ())
        return tuple(r["demand_id"] for r in picked), tuple(dict.fromkeys(srcs))

    years = sorted(points)
    if year in points:
        row = points[year]
        low, mode, high = values(row)
        method = f"{row['demand_id']} ({row['kind']} {year})"
        d_ids, s_ids = ids(row)
    elif year < years[0] or year > years[-1]:
        near = years[0] if year < years[0] else years[-1]
        row = points[near]
        low, mode, high = values(row)
        method = f"nearest row {row['demand_id']} ({row['kind']} {near}); no row for {year}"
        d_ids, s_ids = ids(row)
    else:
        y0 = max(y for y in years if y < year)
        y1 = min(y for y in years if y > year)
        w = (year - y0) / (y1 - y0)
        a, b = values(points[y0]), values(points[y1])
        low, mode, high = ((1 - w) * p + w * q for p, q in zip(a, b, strict=True))
        method = (
            f"linear interpolation {points[y0]['demand_id']} ({points[y0]['kind']} {y0}) -> "
            f"{points[y1]['demand_id']} ({points[y1]['kind']} {y1})"
        )
        d_ids, s_ids = ids(points[y0], points[y1])
    return YearVolume(scope, year, low, mode, high, method, d_ids, s_ids)


def _check_references(network: Network, classes: tuple[ClassSpec, ...]) -> None:
    """Every demand row and source a class names exists in the network's tables."""
    demand_ids = set(network.tables["demand"]["demand_id"])
    sources = network.tables.get("sources")
    source_ids = set(sources["source_id"]) if sources is not None else None
    for c in classes:
        for d in c.demand_ids:
            if d not in demand_ids:
                raise DataError(
                    f"corridor.toml: [class.{c.name}] demand_ids names {d!r}, not a row of "
                    "demand.csv — use a demand_id"
                )
        for s in c.all_source_ids():
            if source_ids is not None and s not in source_ids:
                raise DataError(
                    f"corridor.toml: [class.{c.name}] cites {s!r}, not in sources.csv — add "
                    "the source or fix the id"
                )


def corridor_demand(
    network: Network,
    *,
    year: int,
    level: str = "mode",
    scale: float = 1.0,
    spec_path: str | Path | None = None,
) -> CorridorDemand:
    """The OD demand of ``year`` at demand ``level`` (low, mode, high), times ``scale``.

    Places must be nodes of ``network``; class volumes are converted from tonnes with
    ``cargo.tonnes_per_<unit>`` of parameters.toml.
    """
    from instc.network.graph import tonnes_per_unit

    if level not in DEMAND_LEVELS:
        raise DataError(f"demand level {level!r} — use low, mode or high")
    if not (math.isfinite(scale) and scale > 0):
        raise DataError(f"demand scale must be a positive number, got {scale}")
    if spec_path is None:
        from instc.network.contract import config_of

        spec = config_of(network).file("corridor.toml")
        scope, classes = corridor_spec_from_toml(spec.doc, spec.path)
    else:
        scope, classes = load_corridor_spec(spec_path)
    _check_references(network, classes)
    total = year_volume(network, scope=scope, year=year)
    corridor_t = total.level(level) * scale
    own = {c.name: year_volume(network, scope=c.scope, year=year) for c in classes if c.scope}
    class_t = {
        c.name: own[c.name].level(level) * scale if c.scope else corridor_t * c.share
        for c in classes
    }
    known = set(network.nodes["node_id"])
    ods = []
    for c in classes:
        tonnes, _ = tonnes_per_unit(network, c.cargo)
        for origin, destination, share in c.ods:
            for place in (origin, destination):
                if place not in known:
                    raise DataError(
                        f"corridor.toml: [class.{c.name}] place {place!r} is not a node "
                        "of nodes.csv — use a node_id"
                    )
            volume_t = class_t[c.name] * share
            ods.append(
                ODDemand(
                    class_name=c.name,
                    cargo=c.cargo,
                    unit=CARGO_UNITS[c.cargo],
                    origin=origin,
                    destination=destination,
                    volume=volume_t / tonnes,
                    volume_t=volume_t,
                )
            )
    return CorridorDemand(
        year,
        level,
        total,
        sum(class_t.values()),
        classes,
        tuple(ods),
        corridor_t=corridor_t,
        class_t=class_t,
        own=own,
    )
