"""instc.emissions: ISO 14083 / GLEC factors and the accounting of a transport chain."""

from __future__ import annotations

from instc.emissions.accounting import ChainElement, EmissionsAccount, account
from instc.emissions.iso14083 import (
    Intensity,
    default_vehicle_class,
    hub_emissions_kg,
    intensity_for,
    vehicle_emissions_kg,
)

__all__ = [
    "ChainElement",
    "EmissionsAccount",
    "Intensity",
    "account",
    "default_vehicle_class",
    "hub_emissions_kg",
    "intensity_for",
    "vehicle_emissions_kg",
]
