"""Select-link analysis: which OD pairs' equilibrium flow uses a link, border or terminal.

On a :class:`~instc.assignment.corridor.CorridorAssignment` each OD pair is a user class
with its own link flows; the tonnes an OD sends through an element are its class flow
(cargo units) on the element's assignment links times its tonnes per unit. A border
is every gate of that border (``border:ID/rail``, ``border:ID/road``...), both
directions together, like the element table's two-way volume.

>>> element_matcher("AZ-IR-ASTARA", ["link:r-x", "border:AZ-IR-ASTARA/rail"])
('border:AZ-IR-ASTARA/rail',)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from instc._errors import UnknownNameError
from instc._names import closest

if TYPE_CHECKING:
    import pandas as pd

    from instc.assignment.corridor import CorridorAssignment

__all__ = ["SelectLink", "element_matcher", "select_link"]


def _base(element_id: str) -> str:
    """``border:ID/mode`` -> ``border:ID``; other ids unchanged."""
    return element_id.split("/", 1)[0] if element_id.startswith("border:") else element_id


def element_matcher(name: str, element_ids: Sequence[str]) -> tuple[str, ...]:
    """The element ids ``name`` selects: an element id (``link:r-rasht-astara``,
    ``border:AZ-IR-ASTARA``, ``border:AZ-IR-ASTARA/rail``, ``transfer:...``) or a bare
    link or border id (``r-rasht-astara``, ``AZ-IR-ASTARA``).

    Raises :class:`~instc._errors.UnknownNameError` with the closest ids when none match.
    """
    ids = [e for e in dict.fromkeys(element_ids) if e != "connector"]
    for candidate in (name, f"link:{name}", f"border:{name}"):
        found = tuple(e for e in ids if e == candidate or _base(e) == candidate)
        if found:
            return found
    full = ":" in name
    names = sorted({_base(e) if full else _base(e).split(":", 1)[1] for e in ids})
    raise UnknownNameError("link, border or terminal", name, closest(name, names, n=3))


@dataclass(frozen=True)
class SelectLink:
    """The OD pairs whose equilibrium flow passes ``elements`` (matched from ``query``).

    ``ods``: per class and OD pair the OD's ``volume_t`` (t/year), the tonnes through
    the element ``through_t`` and their ``share`` of the OD; only pairs with flow
    through it, largest first. ``total_t`` is the element's two-way volume. A share
    above 1 means the OD's route passes the element in both directions (a liner that
    sails into the Gulf to Jebel Ali and out again past Hormuz).
    """

    query: str
    elements: tuple[str, ...]
    year: int
    scenario: str | None
    total_t: float
    ods: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The OD table (a copy): one row per OD pair using the element."""
        return self.ods.copy()

    def to_dict(self) -> dict[str, Any]:
        rows = cast("list[dict[str, Any]]", self.ods.to_dict(orient="records"))
        return {
            "query": self.query,
            "elements": list(self.elements),
            "year": self.year,
            "scenario": self.scenario,
            "total_t_per_year": self.total_t,
            "ods": rows,
        }


# Flows below this (t/year) are convergence noise, not a user of the element.
_MIN_T = 1e-6


def select_link(run: CorridorAssignment, name: str) -> SelectLink:
    """Which OD pairs of ``run`` use the link, border or terminal ``name``, and how many
    tonnes each sends through it (t/year)."""
    import pandas as pd

    elements = element_matcher(name, run.link_elements)
    chosen = np.flatnonzero(np.isin(np.array(run.link_elements, dtype=object), elements))
    rows = []
    for od in run.demand.ods:
        flows = run.assignment.class_flows[f"{od.class_name}:{od.origin}>{od.destination}"]
        tonnes_per_unit = od.volume_t / od.volume if od.volume > 0 else 0.0
        through = float(np.sum(flows[chosen])) * tonnes_per_unit
        if through > _MIN_T:
            rows.append(
                {
                    "class": od.class_name,
                    "origin": od.origin,
                    "destination": od.destination,
                    "volume_t": od.volume_t,
                    "through_t": through,
                    "share": through / od.volume_t if od.volume_t > 0 else math.nan,
                }
            )
    columns = ["class", "origin", "destination", "volume_t", "through_t", "share"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values("through_t", ascending=False).reset_index(drop=True)
    return SelectLink(
        query=name,
        elements=elements,
        year=run.year,
        scenario=run.scenario,
        total_t=float(frame["through_t"].sum()),
        ods=frame,
    )
