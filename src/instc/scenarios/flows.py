"""What a scenario does to the flows: the corridor assignment without and with it.

:func:`flow_diff` sets two :class:`~instc.assignment.corridor.CorridorAssignment` runs
side by side: tonnes per route family (and the shift between families), volume,
volume/capacity and delay per link, border gate and terminal, and each OD's
equilibrium time and money. Both runs use the corridor's route choice (path-size logit
at stochastic user equilibrium, :func:`instc.assignment.corridor.assign_corridor`), so
a project that makes some routes cheaper draws part of each OD's flow onto them, not
only the ODs whose single cheapest route changes. :func:`scenario_flows` runs both
assignments on the networks a scenario run compares
(:func:`instc.scenarios.baseline.scenario_networks`: by default the same date, the
baseline without the scenario's projects), for the year of the scenario's date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pandas as pd

    from instc.assignment.corridor import CorridorAssignment
    from instc.network.model import Network
    from instc.scenarios.schema import Scenario

__all__ = ["FlowDiff", "flow_diff", "scenario_flows"]

# Volume changes below this (t/year), or below the runs' own convergence tolerance
# (target gap x tonnes: the logit's last step still moves that share of the demand),
# are convergence noise, not a shift.
_MIN_SHIFT_T = 1.0

_ELEMENT_KEYS = ["element_id", "kind", "name", "mode"]
_ELEMENT_VALUES = ["volume_t_per_year", "capacity_t_per_year", "volume_capacity", "delay_h"]
_OD_KEYS = ["class", "origin", "destination", "unit"]
_OD_VALUES = ["volume_t", "eq_time_h", "eq_money_usd", "eq_generalised_usd"]


@dataclass(frozen=True)
class FlowDiff:
    """The corridor assignment of ``year`` before and after a scenario.

    ``families``: per route family ``before_t`` / ``after_t`` (t/year) and ``shift_t``
    (after minus before). ``elements``: per link, border gate and terminal the
    ``*_before`` / ``*_after`` of volume (t/year), capacity (t/year, NaN: unbounded),
    volume/capacity and delay (h, busiest direction), and ``volume_change_t``.
    ``ods``: per class and OD the tonnes and the equilibrium time (h), money (USD per
    unit) and generalised cost before and after. ``unserved_*_t``: demand (t/year)
    with no path, not assigned (a pipeline's oil before the pipeline opens).
    ``route_choice``: the assignments' method (``psl``: path-size logit).
    ``noise_t``: volume changes smaller than this (t/year) are within the runs'
    convergence tolerance and are not listed as moved.
    """

    scenario: str
    baseline: str
    year: int
    families: pd.DataFrame = field(repr=False)
    elements: pd.DataFrame = field(repr=False)
    ods: pd.DataFrame = field(repr=False)
    unserved_before_t: float = 0.0
    unserved_after_t: float = 0.0
    route_choice: str = ""
    noise_t: float = _MIN_SHIFT_T

    def moved(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` elements whose volume changed most (either sign)."""
        frame = self.elements.loc[self.elements["volume_change_t"].abs() >= self.noise_t]
        order = frame["volume_change_t"].abs().sort_values(ascending=False).index
        return frame.loc[order].head(n).reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The element table (a copy): every link, border gate and terminal with its
        volume, capacity, V/C and delay before and after."""
        return self.elements.copy()

    def to_dict(self, *, top: int = 10) -> dict[str, Any]:
        """JSON-ready: family tonnes, the ``top`` elements that moved most, OD costs."""
        return {
            "scenario": self.scenario,
            "baseline": self.baseline,
            "year": self.year,
            "unserved_before_t": self.unserved_before_t,
            "unserved_after_t": self.unserved_after_t,
            "route_choice": self.route_choice,
            "noise_t": self.noise_t,
            "families": _records(self.families),
            "elements_moved": _records(self.moved(top)),
            "ods": _records(self.ods),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = cast("list[dict[str, Any]]", frame.to_dict(orient="records"))
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
    return rows


def _side_by_side(
    before: pd.DataFrame, after: pd.DataFrame, keys: list[str], values: list[str]
) -> pd.DataFrame:
    """``before`` and ``after`` joined on ``keys`` (outer), ``values`` suffixed
    ``_before`` / ``_after``."""
    return before[keys + values].merge(
        after[keys + values], on=keys, how="outer", suffixes=("_before", "_after")
    )


def flow_diff(
    before: CorridorAssignment,
    after: CorridorAssignment,
    *,
    scenario: str = "scenario",
    baseline: str = "baseline",
) -> FlowDiff:
    """Two corridor assignments side by side (``after`` minus ``before``).

    An element present in only one network (a link the scenario opens) carries no
    volume in the other.
    """
    fam = _side_by_side(
        before.family_totals(), after.family_totals(), ["family"], ["volume_t"]
    ).rename(columns={"volume_t_before": "before_t", "volume_t_after": "after_t"})
    fam[["before_t", "after_t"]] = fam[["before_t", "after_t"]].fillna(0.0)
    fam["shift_t"] = fam["after_t"] - fam["before_t"]
    elements = _side_by_side(before.elements, after.elements, _ELEMENT_KEYS, _ELEMENT_VALUES)
    volumes = ["volume_t_per_year_before", "volume_t_per_year_after"]
    elements[volumes] = elements[volumes].fillna(0.0)
    elements["volume_change_t"] = elements[volumes[1]] - elements[volumes[0]]
    ods = _side_by_side(before.od_costs, after.od_costs, _OD_KEYS, _OD_VALUES)
    return FlowDiff(
        scenario=scenario,
        baseline=baseline,
        year=after.year,
        families=fam,
        elements=elements.sort_values("element_id").reset_index(drop=True),
        ods=ods,
        unserved_before_t=_unserved_t(before),
        unserved_after_t=_unserved_t(after),
        route_choice=after.assignment.method,
        noise_t=max(
            _MIN_SHIFT_T,
            *(run.assignment.target_gap * run.demand.total_t for run in (before, after)),
        ),
    )


def _unserved_t(run: CorridorAssignment) -> float:
    """Tonnes of the OD pairs the assignment could not route (t/year)."""
    unrouted = {p.user_class for p in run.assignment.unreachable_pairs}
    return float(
        sum(
            od.volume_t
            for od in run.demand.ods
            if f"{od.class_name}:{od.origin}>{od.destination}" in unrouted
        )
    )


def scenario_flows(
    network: Network,
    scenario: Scenario,
    *,
    baseline: Scenario | None = None,
    same_date: bool | None = None,
    year: int | None = None,
) -> FlowDiff:
    """The corridor assignment without and with ``scenario`` (see
    :func:`~instc.scenarios.baseline.scenario_networks` for ``baseline`` and
    ``same_date``), for ``year`` (default: the year of the scenario's network).
    """
    from instc._errors import DataError
    from instc.assignment.corridor import assign_corridor
    from instc.scenarios.baseline import scenario_networks

    nets = scenario_networks(network, scenario, baseline=baseline, same_date=same_date)
    if year is None:
        if nets.after.as_of is None:
            raise DataError("give year= (the scenario's network has no date)")
        year = nets.after.as_of.year
    before = assign_corridor(nets.before, year=year, scenario=nets.baseline)
    after = assign_corridor(nets.after, year=year, scenario=scenario.name)
    return flow_diff(before, after, scenario=scenario.name, baseline=nets.baseline)
