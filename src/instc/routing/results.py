"""Route results: frozen legs, totals and options, with JSON, DataFrame and GeoJSON forms.

The JSON form of an option is pinned by the CLI tests (issue "Route planner")::

    {"family", "family_label", "origin", "destination", "cargo", "unit", "by", "as_of", "expected",
     "totals": {"cost_usd", "time_h", "co2e_kg", "co2e_kg_ttw", "distance_km"},
     "legs": [{"mode", "from", "to", "distance_km", "time_h", "cost_usd", "co2e_kg",
               "source_ids", ...}],
     "assumptions": [...]}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.graph import Surcharge

__all__ = ["Leg", "RouteOption", "RouteOptions", "Totals", "options_to_geojson", "write_geojson"]


@dataclass(frozen=True)
class Leg:
    """One step of a route: a link (``kind`` link or border) or a transfer at a place.

    Figures are per cargo unit of the option (TEU, t, truck or pax). ``time_h`` is
    ``moving_h + waiting_h + dwell_h``; ``cost_usd`` is ``freight_usd + charges_usd +
    surcharges_usd``; ``surcharges`` lists the surcharges met entering or leaving a
    country on this leg (each paid once per route); ``co2e_kg`` is well-to-wheel,
    ``co2e_kg_ttw`` tank-to-wheel.
    """

    kind: str
    mode: str
    from_node: str
    to_node: str
    from_name: str
    to_name: str
    from_country: str
    to_country: str
    from_layer: str
    to_layer: str
    link_id: str | None
    border_id: str | None
    transfer_kind: str | None
    vehicle_class: str | None
    distance_km: float
    moving_h: float
    waiting_h: float
    dwell_h: float
    time_h: float
    freight_usd: float
    charges_usd: float
    cost_usd: float
    co2e_kg: float
    co2e_kg_ttw: float
    source_ids: tuple[str, ...]
    expected: bool
    project_id: str | None
    from_lonlat: tuple[float, float]
    to_lonlat: tuple[float, float]
    rules: tuple[str, ...] = ()  # ids of the carrier rules governing this leg
    # "origin" / "destination": the terminal at the start or end of the option (a
    # transfer between the door, the road layer, and the layer the option travels on)
    terminal: str | None = None
    # surcharges met on this leg (inside cost_usd; their clearance hours inside dwell_h)
    surcharges_usd: float = 0.0
    surcharges: tuple[Surcharge, ...] = ()
    service_id: str | None = None  # the liner service of a boarding, lane or port-stay leg

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "from": self.from_node,
            "to": self.to_node,
            "distance_km": self.distance_km,
            "time_h": self.time_h,
            "cost_usd": self.cost_usd,
            "co2e_kg": self.co2e_kg,
            "source_ids": list(self.source_ids),
            "kind": self.kind,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "from_country": self.from_country,
            "to_country": self.to_country,
            "from_layer": self.from_layer,
            "to_layer": self.to_layer,
            "link_id": self.link_id,
            "border_id": self.border_id,
            "transfer_kind": self.transfer_kind,
            "moving_h": self.moving_h,
            "waiting_h": self.waiting_h,
            "dwell_h": self.dwell_h,
            "freight_usd": self.freight_usd,
            "charges_usd": self.charges_usd,
            "co2e_kg_ttw": self.co2e_kg_ttw,
            "expected": self.expected,
            "project_id": self.project_id,
            "rules": list(self.rules),
            "terminal": self.terminal,
            "surcharges_usd": self.surcharges_usd,
            "surcharges": [
                {
                    "surcharge_id": s.surcharge_id,
                    "kind": s.kind,
                    "name": s.name,
                    "usd": s.usd,
                    "dwell_h": s.dwell_h,
                    "source_ids": list(s.source_ids),
                }
                for s in self.surcharges
            ],
            "service_id": self.service_id,
        }


@dataclass(frozen=True)
class Totals:
    """Door-to-door totals per cargo unit."""

    cost_usd: float
    time_h: float
    co2e_kg: float
    co2e_kg_ttw: float
    distance_km: float

    @property
    def time_days(self) -> float:
        from instc.units import h_to_days

        return h_to_days(self.time_h)

    def to_dict(self) -> dict[str, float]:
        return {
            "cost_usd": self.cost_usd,
            "time_h": self.time_h,
            "co2e_kg": self.co2e_kg,
            "co2e_kg_ttw": self.co2e_kg_ttw,
            "distance_km": self.distance_km,
        }


@dataclass(frozen=True)
class RouteOption:
    """One door-to-door option: its legs, totals, the assumptions it rests on.

    ``expected`` is true when a leg is usable only thanks to a project *expected* (not
    yet known) to be open at ``as_of``. ``family`` names the corridor family in
    :func:`~instc.routing.compare.compare` results (``None`` elsewhere).
    """

    origin: str
    destination: str
    cargo: str
    unit: str
    by: str
    as_of: str | None
    legs: tuple[Leg, ...]
    totals: Totals
    assumptions: tuple[str, ...]
    family: str | None = None
    family_label: str | None = None
    tonnes_per_unit: float = 1.0

    @property
    def expected(self) -> bool:
        return any(leg.expected for leg in self.legs)

    @property
    def link_ids(self) -> tuple[str, ...]:
        return tuple(leg.link_id for leg in self.legs if leg.link_id is not None)

    @property
    def countries(self) -> frozenset[str]:
        """ISO codes of the countries of every place the option passes."""
        return frozenset(c for leg in self.legs for c in (leg.from_country, leg.to_country))

    @property
    def stretches(self) -> str:
        """Where the option changes layer, e.g. 'INNSA sea ruscon-india › RUNVS rail1520 ›
        RU-MOSCOW': a liner reads as the sea and its service, boarding to alighting."""
        parts: list[str] = []
        last = None
        for leg in self.legs:
            if leg.kind == "transfer":
                continue
            stretch = f"sea {leg.service_id}" if leg.service_id else leg.from_layer
            if stretch != last:
                parts.append(f"{leg.from_node} {stretch}")
                last = stretch
        if self.legs:
            parts.append(self.legs[-1].to_node)
        return " › ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "family_label": self.family_label,
            "origin": self.origin,
            "destination": self.destination,
            "cargo": self.cargo,
            "unit": self.unit,
            "by": self.by,
            "as_of": self.as_of,
            "expected": self.expected,
            "totals": self.totals.to_dict(),
            "legs": [leg.to_dict() for leg in self.legs],
            "assumptions": list(self.assumptions),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per leg (the JSON leg fields as columns)."""
        import pandas as pd

        return pd.DataFrame([leg.to_dict() for leg in self.legs])

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON FeatureCollection: a LineString per link leg, a Point per transfer."""
        return options_to_geojson([self])


class RouteOptions(tuple[RouteOption, ...]):
    """Several options of one question (:func:`~instc.routing.pareto.pareto`,
    :func:`~instc.routing.alternatives.alternatives`): a tuple, with the methods every
    result has."""

    __slots__ = ()

    def to_dict(self) -> list[dict[str, Any]]:
        """Each option's :meth:`RouteOption.to_dict`, in order."""
        return [option.to_dict() for option in self]

    def to_frame(self) -> pd.DataFrame:
        """One row per leg of each option: ``option`` (its index), ``family``, then the
        JSON leg fields."""
        import pandas as pd

        return pd.DataFrame(
            [
                {"option": i, "family": option.family, **leg.to_dict()}
                for i, option in enumerate(self)
                for leg in option.legs
            ]
        )

    def to_geojson(self) -> dict[str, Any]:
        """All options as one FeatureCollection (see :func:`options_to_geojson`)."""
        return options_to_geojson(self)


def options_to_geojson(
    options: Sequence[Any], *, line: Callable[..., list[list[float]]] | None = None
) -> dict[str, Any]:
    """Several options as one FeatureCollection (properties: option index, family, leg).

    ``line(mode, from_lonlat, to_lonlat)`` draws a link leg (None: a straight segment;
    :func:`instc.network.geometry.leg_line` follows water and alignments)."""
    features: list[dict[str, Any]] = []
    for i, option in enumerate(options):
        for j, leg in enumerate(option.legs):
            if leg.kind == "transfer":
                geometry: dict[str, Any] = {"type": "Point", "coordinates": list(leg.from_lonlat)}
            else:
                coordinates = (
                    [list(leg.from_lonlat), list(leg.to_lonlat)]
                    if line is None
                    else line(leg.mode, leg.from_lonlat, leg.to_lonlat)
                )
                geometry = {"type": "LineString", "coordinates": coordinates}
            props = {"option": i, "family": option.family, "leg": j, **leg.to_dict()}
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(options: Sequence[RouteOption], path: str | Path) -> Path:
    """Write ``options`` to ``path`` as a GeoJSON FeatureCollection; returns the path."""
    out = Path(path)
    out.write_text(json.dumps(options_to_geojson(options), ensure_ascii=False, indent=1))
    return out
