"""Resilience: how much the corridor loses when a link, place, border or country fails.

Importing this package loads nothing heavy; the routing engine is imported when
:func:`instc.resilience.criticality.criticality` runs.
"""

from __future__ import annotations

from instc.resilience.criticality import (
    ELEMENT_KINDS,
    CriticalityResult,
    Element,
    ElementCriticality,
    ODBaseline,
    ODImpact,
    list_elements,
)
from instc.resilience.ods import WeightedOD, default_ods, read_ods

__all__ = [
    "ELEMENT_KINDS",
    "CriticalityResult",
    "Element",
    "ElementCriticality",
    "ODBaseline",
    "ODImpact",
    "WeightedOD",
    "default_ods",
    "list_elements",
    "read_ods",
]
