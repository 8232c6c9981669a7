"""Appraise a scenario year by year: what shippers save in time and money, and the
change in emissions.

For every year the corridor freight of that year is assigned
(:func:`instc.assignment.corridor.assign_corridor`, path-size logit route choice by
default) on two networks of 1 January of the
year: without the scenario (its projects held closed,
:func:`instc.scenarios.baseline.scenario_networks`) and with it (the scenario's edits
that hold on that date). Per OD pair, with its volume ``V`` (cargo units per year):

- money saving ``V x (money_without - money_with)`` (USD per year) and time saving
  ``V x (time_without - time_with)`` (unit-days), the time valued at the value of time
  of ``parameters.toml`` (``value_of_time.usd_per_<unit>_day``, the one the
  assignment's shippers trade money against). ``money`` and ``time`` are a shipper's
  expected money and time per unit: under logit route choice the routes' money and
  time weighted by the logit shares on the common route set of the logsum below;
  under a user equilibrium the OD's mean over the routes it uses (all equally costly);
- total saving: under logit route choice ``V x`` the change in the logsum, the
  expected lowest perceived generalised cost (:mod:`instc.assignment.logsum`: the union
  of both runs' route sets, path sizes over it and the without run's theta on both
  sides), in USD at the value of time; under a user equilibrium money + time value;
- choice value: total minus money saving minus time value (0 under a user
  equilibrium). Under logit a project draws some shippers onto a new route that is
  dearer in the model's cost but better for them in what the model does not see (the
  logit's random term): the expected money and time can rise while no shipper is worse
  off. This column is that part, so that money + time value + choice value = total;
- CO2e change ``V x (co2e_with - co2e_without)`` (t, well-to-wheel) on each OD's best
  route by generalised cost (:func:`instc.routing.route`, ``by="generalised"``).

An OD with no route on one side (a pipeline's oil before it opens) is not in the
savings; its tonnes are counted as ``newly_served_t`` (or ``lost_t``). Demand is fixed
(the same tonnes with and without): no induced traffic, no rule of half. Values are in
the prices of the dataset's rows, undiscounted; :attr:`Appraisal.assumptions` lists it all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from instc._errors import DataError, NoRouteError

if TYPE_CHECKING:
    import pandas as pd

    from instc.assignment.corridor import CorridorAssignment
    from instc.assignment.logsum import LogsumChange
    from instc.network.model import Network
    from instc.scenarios.schema import Scenario

__all__ = ["Appraisal", "appraise", "parse_years"]

_KG_PER_T = 1000.0
_HOURS_PER_DAY = 24.0
_MAX_YEARS = 30


def parse_years(text: str) -> tuple[int, int]:
    """``"2026-2035"`` -> ``(2026, 2035)``; ``"2030"`` -> ``(2030, 2030)``.

    >>> parse_years("2026-2035")
    (2026, 2035)
    """
    first, _, last = text.strip().partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise DataError(f"--years {text!r}: give FIRST-LAST, e.g. 2026-2035") from None
    if not (1990 <= years[0] <= years[1] <= 2100):
        raise DataError(f"--years {text!r}: give FIRST <= LAST between 1990 and 2100")
    if years[1] - years[0] + 1 > _MAX_YEARS:
        raise DataError(f"--years {text!r}: at most {_MAX_YEARS} years per appraisal")
    return years


@dataclass(frozen=True)
class Appraisal:
    """A scenario's yearly savings for shippers and emissions change.

    ``years``: one row per year with ``demand_t``, ``money_saving_usd``,
    ``time_saving_unit_days`` (cargo units x days, summed over classes),
    ``time_saving_usd``, ``choice_value_usd``, ``total_saving_usd`` (money + time +
    choice value: the logsum change under logit route choice), ``co2e_change_t``
    (with minus without; negative: less), ``newly_served_t`` and ``lost_t``.
    ``ods``: the same per year and OD pair. ``value_of_time``: the values used, with
    unit, basis, sources and method.
    """

    scenario: str
    baseline: str
    years: pd.DataFrame = field(repr=False)
    ods: pd.DataFrame = field(repr=False)
    value_of_time: dict[str, dict[str, Any]]
    assumptions: tuple[str, ...]

    def totals(self) -> dict[str, float]:
        """Sums over the years (undiscounted)."""
        columns = [c for c in self.years.columns if c != "year"]
        return {c: float(self.years[c].sum()) for c in columns}

    def to_frame(self) -> pd.DataFrame:
        """The yearly table (a copy): one row per year."""
        return self.years.copy()

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            rows = cast("list[dict[str, Any]]", frame.to_dict(orient="records"))
            for row in rows:
                for key, value in row.items():
                    if isinstance(value, float) and not math.isfinite(value):
                        row[key] = None
            return rows

        return {
            "scenario": self.scenario,
            "baseline": self.baseline,
            "years": records(self.years),
            "totals": self.totals(),
            "ods": records(self.ods),
            "value_of_time": self.value_of_time,
            "assumptions": list(self.assumptions),
        }


def _co2e_kg_per_unit(network: Network, origin: str, destination: str, cargo: str) -> float:
    """CO2e (kg WTW per cargo unit) of the best route by generalised cost (NaN: none)."""
    from instc.routing.shortest import route

    try:
        return float(route(network, origin, destination, cargo=cargo, by="generalised")
                     .totals.co2e_kg)  # fmt: skip
    except NoRouteError:
        return math.nan


def _logsum_change(
    without: CorridorAssignment, with_: CorridorAssignment, user_class: str, cost_class: str
) -> LogsumChange | None:
    """One OD's logsum change under logit route choice
    (:func:`instc.assignment.logsum.logsum_change`); None under a user equilibrium (no
    route sets)."""
    from instc.assignment.logsum import logsum_change

    choices = [
        next((c for c in run.assignment.route_choices if c.user_class == user_class), None)
        for run in (without, with_)
    ]
    links = [without.link_costs, with_.link_costs]
    if choices[0] is None or choices[1] is None or links[0] is None or links[1] is None:
        return None
    return logsum_change(choices[0], links[0], choices[1], links[1], cost_class)


_NO_SAVING = {
    "money_saving_usd": 0.0,
    "time_saving_unit_days": 0.0,
    "time_saving_usd": 0.0,
    "choice_value_usd": 0.0,
    "total_saving_usd": 0.0,
}


def _savings(
    volume: float, vot: float, mean: tuple[float, float], change: LogsumChange | None
) -> dict[str, float]:
    """One OD's savings (module docstring): under logit (``change``) a shipper's expected
    money and time and the logsum; under a user equilibrium (None) the ``mean`` money
    (USD) and time (h) per unit without minus with. ``vot``: USD per unit-day."""
    if change is not None:
        d_money, d_hours = change.money[0] - change.money[1], change.time[0] - change.time[1]
    else:
        d_money, d_hours = mean
    out = {
        "money_saving_usd": volume * d_money,
        "time_saving_unit_days": volume * d_hours / _HOURS_PER_DAY,
    }
    out["time_saving_usd"] = out["time_saving_unit_days"] * vot
    priced = out["money_saving_usd"] + out["time_saving_usd"]
    total = priced if change is None else volume * change.saving * vot / _HOURS_PER_DAY
    out["choice_value_usd"] = total - priced
    out["total_saving_usd"] = total
    return out


def _od_rows(
    year: int, without: CorridorAssignment, with_: CorridorAssignment, nets: Any
) -> list[dict[str, Any]]:
    keys = ["class", "origin", "destination"]
    time_h = [run.od_costs.set_index(keys)["eq_time_h"].to_dict() for run in (without, with_)]
    money = [run.od_costs.set_index(keys)["eq_money_usd"].to_dict() for run in (without, with_)]
    unrouted = {
        side: {p.user_class for p in run.assignment.unreachable_pairs}
        for side, run in (("without", without), ("with", with_))
    }
    rows = []
    for od in with_.demand.ods:
        name = f"{od.class_name}:{od.origin}>{od.destination}"
        key = (od.class_name, od.origin, od.destination)
        vot = float(with_.parameters[f"value_of_time.usd_per_{od.unit}_day"]["value"])
        served = (name not in unrouted["without"], name not in unrouted["with"])
        row: dict[str, Any] = {
            "year": year,
            "class": od.class_name,
            "origin": od.origin,
            "destination": od.destination,
            "unit": od.unit,
            "volume": od.volume,
            "volume_t": od.volume_t,
            "newly_served_t": od.volume_t if served == (False, True) else 0.0,
            "lost_t": od.volume_t if served == (True, False) else 0.0,
        }
        both = all(served)
        mean = (money[0][key] - money[1][key], time_h[0][key] - time_h[1][key])
        change = _logsum_change(without, with_, name, od.class_name) if both else None
        row.update(_savings(od.volume, vot, mean, change) if both else _NO_SAVING)
        co2e = [
            _co2e_kg_per_unit(n, od.origin, od.destination, od.cargo)
            for n in (nets.before, nets.after)
        ]
        co2e_t = od.volume * (co2e[1] - co2e[0]) / _KG_PER_T if both else 0.0
        row["co2e_change_t"] = co2e_t if math.isfinite(co2e_t) else 0.0
        rows.append(row)
    return rows


def appraise(
    network: Network,
    scenario: Scenario,
    *,
    years: tuple[int, int],
    baseline: Scenario | None = None,
    demand_level: str = "mode",
    method: str | None = None,
) -> Appraisal:
    """The scenario's savings and emissions change for each year of ``years`` (first,
    last; inclusive), each on the networks of 1 January of the year. ``method``: the
    assignment's route choice (None: the corridor default, path-size logit)."""
    import pandas as pd

    from instc.assignment.corridor import ROUTE_CHOICE, assign_corridor
    from instc.scenarios.baseline import scenario_networks

    method = method or ROUTE_CHOICE
    rows: list[dict[str, Any]] = []
    label = "baseline"
    vot: dict[str, dict[str, Any]] = {}
    demand_sources: set[str] = set()
    for year in range(years[0], years[1] + 1):
        dated = dataclasses.replace(scenario, as_of=dt.date(year, 1, 1))
        nets = scenario_networks(network, dated, baseline=baseline, same_date=True)
        label = nets.baseline
        runs = [
            assign_corridor(n, year=year, demand_level=demand_level, scenario=s, method=method)
            for n, s in ((nets.before, nets.baseline), (nets.after, scenario.name))
        ]
        rows += _od_rows(year, runs[0], runs[1], nets)
        vot.update(
            {k: dict(v) for k, v in runs[1].parameters.items() if k.startswith("value_of_time")}
        )
        demand_sources.update(runs[1].demand.total.source_ids)
    ods = pd.DataFrame(rows)
    sums = [
        "volume_t",
        "money_saving_usd",
        "time_saving_unit_days",
        "time_saving_usd",
        "choice_value_usd",
        "total_saving_usd",
        "co2e_change_t",
        "newly_served_t",
        "lost_t",
    ]
    by_year = (
        ods.groupby("year", as_index=False)[sums].sum().rename(columns={"volume_t": "demand_t"})
    )
    return Appraisal(
        scenario=scenario.name,
        baseline=label,
        years=by_year,
        ods=ods,
        value_of_time=vot,
        assumptions=_assumptions(
            scenario, label, vot, sorted(demand_sources), demand_level, method
        ),
    )


def _assumptions(
    scenario: Scenario,
    baseline: str,
    vot: dict[str, dict[str, Any]],
    demand_sources: list[str],
    demand_level: str,
    method: str,
) -> tuple[str, ...]:
    values = "; ".join(
        f"{k} = {v['value']:g} {v.get('unit', '')} ({v.get('basis', '')}"
        + (f", {', '.join(v['source_ids'])}" if v.get("source_ids") else "")
        + ")"
        for k, v in vot.items()
    )
    from instc.assignment.corridor import ROUTE_CHOICE

    choice = (
        "path-size logit route choice at stochastic user equilibrium (route_choice.* of "
        "parameters.toml)"
        if method == ROUTE_CHOICE
        else f"user equilibrium ({method})"
    )
    return (
        f"Each year: the corridor freight of the year ({demand_level} level; sources "
        f"{', '.join(demand_sources) or '-'}) assigned by {choice} on the network of "
        f"1 January, with {scenario.name} against {baseline}.",
        "Fixed demand: the same tonnes with and without the scenario (no induced or "
        "diverted demand, so no rule of half); an OD pair routed on one side only counts "
        "as newly served or lost tonnes, not as a saving.",
        f"Value of time: {values}; the same values the assignment's shippers use.",
        (
            "Total saving: the change in the logsum (expected lowest perceived generalised "
            "cost) per OD pair x its volume, on one route set for both sides (the union of "
            "the two runs' sets; a route using a link one side lacks is not available "
            "there), path sizes over that union and the theta (mu / cheapest free-flow "
            "cost) of the run without the scenario. Money and time: a shipper's expected "
            "money and time per unit, the routes' weighted by the logit shares on that set; "
            "the choice value is the total minus those savings (a new route some shippers "
            "prefer can raise the expected money and time and still leave nobody worse off)."
            if method == ROUTE_CHOICE
            else "Money and time per unit are the OD pair's means over the routes it uses "
            "(at a user equilibrium all equally costly); total = money + time value."
        ),
        "CO2e (well-to-wheel) is that of each OD pair's best route by generalised cost.",
        "Undiscounted, in the price years of the dataset's tariffs and charges.",
        *scenario.assumptions,
    )
