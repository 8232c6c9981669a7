"""ISO 14083 accounting of a route option for a shipment: elements, totals, intensity.

ISO 14083:2023 splits a transport chain into *transport chain elements*: vehicle
operation elements (a leg: tonne-km × intensity of its vehicle class) and hub operation
elements (a transfer: tonnes handled × hub intensity). This module turns a
:class:`~instc.routing.results.RouteOption` (figures per cargo unit) into the account of
a shipment of ``units`` units, optionally with another tonnage per unit than the one the
option was computed with (every element is linear in tonnes, so it rescales exactly).
Border crossings are part of the vehicle element of their link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from instc._errors import DataError

if TYPE_CHECKING:
    import pandas as pd

    from instc.routing.results import RouteOption

__all__ = ["ChainElement", "EmissionsAccount", "account"]


@dataclass(frozen=True)
class ChainElement:
    """One transport chain element of ISO 14083 (a vehicle leg or a hub operation)."""

    kind: str  # "vehicle" or "hub"
    label: str
    mode: str
    vehicle_class: str | None
    distance_km: float
    tonnes: float
    tkm: float
    co2e_kg: float  # well-to-wheel
    co2e_kg_ttw: float
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class EmissionsAccount:
    """A shipment's emissions by element, with WTW and TTW totals and intensity."""

    units: float
    unit: str
    tonnes: float
    elements: tuple[ChainElement, ...]

    @property
    def co2e_kg(self) -> float:
        return sum(e.co2e_kg for e in self.elements)

    @property
    def co2e_kg_ttw(self) -> float:
        return sum(e.co2e_kg_ttw for e in self.elements)

    @property
    def hub_co2e_kg(self) -> float:
        return sum(e.co2e_kg for e in self.elements if e.kind == "hub")

    @property
    def tkm(self) -> float:
        return sum(e.tkm for e in self.elements)

    @property
    def intensity_g_per_tkm(self) -> float:
        """WTW grams CO2e per tonne-km of the whole chain (hubs included)."""
        return 1000.0 * self.co2e_kg / self.tkm if self.tkm else float("nan")

    def by_mode(self) -> dict[str, float]:
        """WTW kg CO2e per mode (``transfer`` for hub operations)."""
        out: dict[str, float] = {}
        for e in self.elements:
            out[e.mode] = out.get(e.mode, 0.0) + e.co2e_kg
        return out

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([e.__dict__ for e in self.elements])

    def to_dict(self) -> dict[str, Any]:
        """Totals, intensity, WTW by mode and every element (JSON-ready)."""
        return {
            "units": self.units,
            "unit": self.unit,
            "tonnes": self.tonnes,
            "tkm": self.tkm,
            "co2e_kg": self.co2e_kg,
            "co2e_kg_ttw": self.co2e_kg_ttw,
            "hub_co2e_kg": self.hub_co2e_kg,
            "intensity_g_per_tkm": self.intensity_g_per_tkm,
            "co2e_kg_by_mode": self.by_mode(),
            "elements": [{**e.__dict__, "source_ids": list(e.source_ids)} for e in self.elements],
        }


def account(
    option: RouteOption, *, units: float = 1.0, tonnes_per_unit: float | None = None
) -> EmissionsAccount:
    """The ISO 14083 account of shipping ``units`` cargo units along ``option``.

    >>> from instc.routing.results import Leg, RouteOption, Totals
    >>> leg = Leg("link", "rail", "A", "B", "A", "B", "IR", "IR", "rail1435", "rail1435",
    ...           "L1", None, None, "rail_diesel", 100.0, 2.0, 0.0, 0.0, 2.0, 10.0, 0.0,
    ...           10.0, 30.0, 24.0, ("S1",), False, None, (0.0, 0.0), (1.0, 0.0))
    >>> option = RouteOption("A", "B", "container", "teu", "cost", None, (leg,),
    ...                      Totals(10.0, 2.0, 30.0, 24.0, 100.0), (), tonnes_per_unit=10.0)
    >>> acc = account(option, units=2, tonnes_per_unit=12.0)
    >>> round(acc.co2e_kg, 6), acc.tkm, round(acc.intensity_g_per_tkm, 6)
    (72.0, 2400.0, 30.0)
    """
    if units <= 0:
        raise DataError(f"units = {units}: give a positive number of cargo units")
    tpu = option.tonnes_per_unit if tonnes_per_unit is None else float(tonnes_per_unit)
    if tpu <= 0:
        raise DataError(f"tonnes per unit {tpu}: give a positive number of tonnes")
    scale = units * tpu / option.tonnes_per_unit
    tonnes = units * tpu
    elements = []
    for leg in option.legs:
        hub = leg.kind == "transfer"
        elements.append(
            ChainElement(
                kind="hub" if hub else "vehicle",
                label=(
                    f"{leg.transfer_kind} at {leg.from_node}"
                    if hub
                    else f"{leg.link_id} {leg.from_node}→{leg.to_node}"
                ),
                mode=leg.mode,
                vehicle_class=leg.vehicle_class,
                distance_km=leg.distance_km,
                tonnes=tonnes,
                tkm=0.0 if hub else leg.distance_km * tonnes,
                co2e_kg=leg.co2e_kg * scale,
                co2e_kg_ttw=leg.co2e_kg_ttw * scale,
                source_ids=leg.source_ids,
            )
        )
    return EmissionsAccount(units=units, unit=option.unit, tonnes=tonnes, elements=tuple(elements))
