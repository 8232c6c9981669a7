"""ISO 14083 / GLEC emission factors and accounting for one transport chain.

ISO 14083:2023 counts a chain as the sum of its *transport chain elements*: vehicle
operations (tonne-km on the leg times an intensity per tonne-km of the vehicle class)
and hub operations (tonnes handled times an intensity per tonne). Intensities come from
``parameters.toml`` (GLEC v3 defaults where published, UK DESNZ where GLEC is a gap):

- ``emissions.<vehicle_class>.wtw_g_per_tkm`` and ``.ttw_g_per_tkm``;
- ``emissions.default_class.<mode>``: the class of a link that names none.

Well-to-wheel (WTW) is the headline figure of ISO 14083 and GLEC; tank-to-wheel (TTW) is
reported beside it. GLEC default intensities already include average load factors and
empty running, so nothing is added on top (parameters.md, "Distance basis").

>>> intensity = Intensity("rail_diesel", wtw_g_per_tkm=30.0, ttw_g_per_tkm=24.0)
>>> vehicle_emissions_kg(length_km=1000.0, tonnes=10.0, intensity=intensity)
(300.0, 240.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from instc._errors import DataError
from instc.units import g_to_kg

__all__ = [
    "Intensity",
    "default_vehicle_class",
    "hub_emissions_kg",
    "intensity_for",
    "vehicle_emissions_kg",
]

_FILE = "parameters.toml"


@dataclass(frozen=True)
class Intensity:
    """Emission intensity of one vehicle class, g CO2e per tonne-km, with its sources."""

    vehicle_class: str
    wtw_g_per_tkm: float
    ttw_g_per_tkm: float
    source_ids: tuple[str, ...] = ()


def _leaf(parameters: Mapping[str, Any], dotted: str) -> Mapping[str, Any] | None:
    node: Any = parameters
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    if isinstance(node, Mapping) and "value" in node:
        return node
    return None


def default_vehicle_class(parameters: Mapping[str, Any], mode: str) -> str:
    """The vehicle class used for a link of ``mode`` that names none.

    >>> default_vehicle_class({"emissions": {"default_class": {"rail": {"value": "rail_diesel"}}}},
    ...                       "rail")
    'rail_diesel'
    """
    leaf = _leaf(parameters, f"emissions.default_class.{mode}")
    if leaf is None:
        raise DataError(
            f"{_FILE}: no key emissions.default_class.{mode} — add "
            f'[emissions.default_class.{mode}] value = "<vehicle class>" or set '
            "vehicle_class on every such link"
        )
    return str(leaf["value"])


def intensity_for(parameters: Mapping[str, Any], vehicle_class: str) -> Intensity:
    """WTW and TTW intensity of ``vehicle_class`` from ``parameters`` (a DataError if absent)."""
    wtw = _leaf(parameters, f"emissions.{vehicle_class}.wtw_g_per_tkm")
    ttw = _leaf(parameters, f"emissions.{vehicle_class}.ttw_g_per_tkm")
    if wtw is None or ttw is None:
        missing = "wtw_g_per_tkm" if wtw is None else "ttw_g_per_tkm"
        raise DataError(
            f"{_FILE}: no key emissions.{vehicle_class}.{missing} — add it (g CO2e per "
            "tonne-km with source_ids) or use another vehicle_class"
        )
    sources: list[str] = []
    for leaf in (wtw, ttw):
        for sid in leaf.get("source_ids", ()) or ():
            if sid not in sources:
                sources.append(str(sid))
    return Intensity(vehicle_class, float(wtw["value"]), float(ttw["value"]), tuple(sources))


def vehicle_emissions_kg(
    *, length_km: float, tonnes: float, intensity: Intensity
) -> tuple[float, float]:
    """(WTW, TTW) kg CO2e of moving ``tonnes`` over ``length_km`` (ISO 14083 vehicle ops)."""
    tkm = length_km * tonnes
    return g_to_kg(tkm * intensity.wtw_g_per_tkm), g_to_kg(tkm * intensity.ttw_g_per_tkm)


def hub_emissions_kg(*, tonnes: float, co2e_kg_per_t: float) -> float:
    """WTW kg CO2e of handling ``tonnes`` at a hub (ISO 14083 hub operations).

    Hub intensities (GLEC hub defaults) are WTW figures; their TTW share is not in the
    dataset, so hub operations appear in the WTW total only.

    >>> hub_emissions_kg(tonnes=10.0, co2e_kg_per_t=1.5)
    15.0
    """
    return tonnes * co2e_kg_per_t
