"""Backtest: the model against observed door-to-door and port-to-port runs.

A CSV of observed runs (trial trains, published transit times, freight quotes), one row
per run, is read by :func:`read_runs`; :func:`backtest` plans each run on the network as
of the run's date (by its corridor family, or through its via places, or the best route
when it names neither) and sets the model's days, cost and distance beside the observed
ones, with the error in percent. The backtest only reports: nothing it reads feeds a
parameter of the model (issue 10: never tune to an end-to-end figure).

Columns of the runs file (units in the names)::

    id, origin, destination, date          required; date YYYY, YYYY-MM or YYYY-MM-DD
    family | via                           optional: a family id of families.toml, or
                                           places to pass in order, separated by ';'
    cargo                                  optional: container (default), bulk, liquid, truck
    observed_days                          door-to-door days (blank: not observed)
    observed_cost_usd, cost_basis,         cost (blank: not observed); basis per_teu, per_feu,
    cost_year                              per_t or per_truck; the year of the price
    scope                                  optional: door_to_door (default) or port_to_port,
                                           what the observed days and cost cover
    source_ids                             ids of sources.csv, separated by ';' (required)
    note                                   optional free text

A ``door_to_door`` run is compared with the option's totals. A ``port_to_port`` run (a
published transit, a schedule's "~23 days Indian port-St Petersburg") is compared with
the option's port-to-port part (:func:`port_to_port_part`): from the departure from the
origin port to the arrival at the destination port. It starts at the option's first sea
or ferry leg and ends with its last one; inside it count the moving time, the port stays
of intermediate calls (a schedule's transit includes them), transshipments at hubs with
their dwell and handling, and the wait for each connecting sailing after the first (a
transshipped box waits for it at the hub, so a transit quoted via a hub includes it). Out
of it are the origin and destination terminals (export and import dwell, THC) and
anything before the first or after the last water leg (pre- and on-carriage), and the
wait for the FIRST sailing (half its headway): a published transit is counted from the
ship's departure, not from the day the box is ready. Its cost is the legs' cost inside
the same span (freight, canal dues, hub handling, surcharges met there), without the
terminals; its distance the legs' distance.

Error in percent is ``(model - observed) / observed * 100``. Costs are compared in the
currency of their year, not deflated; a cost per FEU is compared with two TEU of the
model (a stated simplification: carriers often charge less than twice the TEU rate).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, InstcError, NoRouteError, Problem, ValidationError
from instc._names import did_you_mean
from instc._values import parse_date

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.routing.compare import Family
    from instc.routing.results import RouteOption

__all__ = [
    "BacktestResult",
    "ObservedRun",
    "PortToPort",
    "RunResult",
    "backtest",
    "port_to_port_part",
    "read_runs",
]

REQUIRED = ("id", "origin", "destination", "date", "source_ids")
OPTIONAL = (
    "family",
    "via",
    "cargo",
    "observed_days",
    "observed_cost_usd",
    "cost_basis",
    "cost_year",
    "scope",
    "note",
)
COLUMNS = (*REQUIRED, *OPTIONAL)
# cost basis -> (cargo classes it applies to, model units per observed unit)
BASES: dict[str, tuple[tuple[str, ...], float]] = {
    "per_teu": (("container",), 1.0),
    "per_feu": (("container",), 2.0),  # one 40' box = 2 TEU of the model
    "per_t": (("bulk", "liquid"), 1.0),
    "per_truck": (("truck",), 1.0),
}
SCOPES = ("door_to_door", "port_to_port")
WATER_MODES = ("sea", "ferry")  # the modes a port-to-port part sails on


@dataclass(frozen=True)
class ObservedRun:
    """One observed door-to-door run (a row of the runs file)."""

    run_id: str
    origin: str
    destination: str
    as_of: dt.date
    family: str | None
    via: tuple[str, ...]
    cargo: str
    time_d: float | None
    cost_usd: float | None
    cost_basis: str | None
    cost_year: int | None
    source_ids: tuple[str, ...]
    note: str = ""
    scope: str = "door_to_door"  # what the observed figures cover: SCOPES
    file: str = ""
    row: int | None = None  # line in the file (header = 1)

    def where(self, column: str) -> str:
        """``file:row:column`` of one of this run's cells, for error messages."""
        return str(Problem(self.file or "runs", self.row, column, "")).removesuffix(": ")


@dataclass(frozen=True)
class PortToPort:
    """The port-to-port part of a route option (see the module docstring): legs
    ``first``..``last`` (indices into ``option.legs``, inclusive), their time less the
    wait for the first sailing, their cost and distance."""

    first: int
    last: int
    from_node: str
    to_node: str
    time_h: float
    first_wait_h: float  # the wait for the first sailing, left out of time_h
    cost_usd: float
    distance_km: float

    @property
    def time_days(self) -> float:
        from instc.units import h_to_days

        return h_to_days(self.time_h)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_node,
            "to": self.to_node,
            "legs": [self.first, self.last],
            "time_h": self.time_h,
            "first_wait_excluded_h": self.first_wait_h,
            "cost_usd": self.cost_usd,
            "distance_km": self.distance_km,
        }


def port_to_port_part(option: RouteOption) -> PortToPort | None:
    """The part of ``option`` from the departure from its first port to the arrival at
    its last one (None when it has no sea or ferry leg).

    The span runs from the first to the last leg whose mode is sea or ferry. The wait
    for the first sailing is the waiting time of the span's legs up to and including
    the first one that moves (a liner's boarding leg, or a scheduled link that carries
    its own wait); it is left out. Every other leg of the span counts whole.
    """
    water = [i for i, leg in enumerate(option.legs) if leg.mode in WATER_MODES]
    if not water:
        return None
    first, last = water[0], water[-1]
    span = option.legs[first : last + 1]
    first_wait_h = 0.0
    for leg in span:
        first_wait_h += leg.waiting_h
        if leg.moving_h > 0:
            break
    return PortToPort(
        first=first,
        last=last,
        from_node=span[0].from_node,
        to_node=span[-1].to_node,
        time_h=math.fsum(leg.time_h for leg in span) - first_wait_h,
        first_wait_h=first_wait_h,
        cost_usd=math.fsum(leg.cost_usd for leg in span),
        distance_km=math.fsum(leg.distance_km for leg in span),
    )


@dataclass(frozen=True)
class RunResult:
    """The model's answer for one run, beside what was observed."""

    run: ObservedRun
    option: RouteOption | None
    reason: str = ""  # why the model has no route, when it has none

    @property
    def shared_sources(self) -> tuple[str, ...]:
        """The run's sources that the model's route itself cites (for a service frequency,
        a length...): shown, so a reader can judge whether the run checks the model or
        only a figure taken from the same document."""
        if self.option is None:
            return ()
        cited = {s for leg in self.option.legs for s in leg.source_ids}
        return tuple(s for s in self.run.source_ids if s in cited)

    @property
    def part(self) -> PortToPort | None:
        """The option's port-to-port part (None without an option or a water leg)."""
        return None if self.option is None else port_to_port_part(self.option)

    @property
    def scope_gap(self) -> str:
        """Why a port-to-port run has no model figures although it has a route ('')."""
        if self.run.scope == "port_to_port" and self.option is not None and self.part is None:
            return (
                "the model's route has no sea or ferry leg, so no port-to-port part to "
                "compare; give the run scope door_to_door, or via places on the water"
            )
        return ""

    @property
    def model_time_d(self) -> float | None:
        """The model's days on the run's scope: door to door, or port to port."""
        if self.option is None:
            return None
        if self.run.scope == "port_to_port":
            part = self.part
            return None if part is None else part.time_days
        return self.option.totals.time_days

    @property
    def model_cost_usd(self) -> float | None:
        """The model's cost on the observed basis (per FEU = 2 TEU) and scope."""
        if self.option is None:
            return None
        factor = BASES[self.run.cost_basis][1] if self.run.cost_basis else 1.0
        if self.run.scope == "port_to_port":
            part = self.part
            return None if part is None else part.cost_usd * factor
        return self.option.totals.cost_usd * factor

    @property
    def model_distance_km(self) -> float | None:
        if self.option is None:
            return None
        if self.run.scope == "port_to_port":
            part = self.part
            return None if part is None else part.distance_km
        return self.option.totals.distance_km

    @property
    def time_pct(self) -> float | None:
        return _pct(self.model_time_d, self.run.time_d)

    @property
    def cost_pct(self) -> float | None:
        return _pct(self.model_cost_usd, self.run.cost_usd)

    def to_dict(self) -> dict[str, Any]:
        """The run in the pinned JSON form (issue 10); :meth:`detail` has the rest.
        ``observed.scope`` says what the observed and model figures cover."""
        r = self.run
        return {
            "id": r.run_id,
            "origin": r.origin,
            "destination": r.destination,
            "as_of": r.as_of.isoformat(),
            "family": r.family,
            "observed": {"time_d": r.time_d, "cost_usd": r.cost_usd, "scope": r.scope},
            "model": {
                "time_d": self.model_time_d,
                "cost_usd": self.model_cost_usd,
                "distance_km": self.model_distance_km,
            },
            "error": {"time_pct": self.time_pct, "cost_pct": self.cost_pct},
        }

    def detail(self) -> dict[str, Any]:
        """What the pinned form leaves out: basis, via, the model's route or why none,
        and for a port-to-port run the part compared and the door-to-door days."""
        r = self.run
        part = self.part if r.scope == "port_to_port" else None
        return {
            "via": list(r.via),
            "cargo": r.cargo,
            "cost_basis": r.cost_basis,
            "cost_year": r.cost_year,
            "scope": r.scope,
            "route": None if self.option is None else self.option.stretches,
            "no_route_reason": self.reason or self.scope_gap or None,
            "port_to_port": None if part is None else part.to_dict(),
            "door_to_door_time_d": None if self.option is None else self.option.totals.time_days,
            "source_ids": list(r.source_ids),
            "shared_sources": list(self.shared_sources),
            "note": r.note,
        }


def _pct(model: float | None, observed: float | None) -> float | None:
    if model is None or observed is None:
        return None
    return (model - observed) / observed * 100.0


def _errors_summary(values: Iterable[float | None]) -> dict[str, Any]:
    got = [v for v in values if v is not None]
    if not got:
        return dict.fromkeys(
            ("mean_pct", "mean_abs_pct", "median_abs_pct", "max_abs_pct"), None
        ) | {"n": 0}
    absolute = [abs(v) for v in got]
    return {
        "n": len(got),
        "mean_pct": statistics.fmean(got),  # the bias: > 0 the model is slower/dearer
        "mean_abs_pct": statistics.fmean(absolute),
        "median_abs_pct": statistics.median(absolute),
        "max_abs_pct": max(absolute),
    }


@dataclass(frozen=True)
class BacktestResult:
    """Every run's model-vs-observed figures and a summary of the errors."""

    runs: tuple[RunResult, ...]
    by: str = "cost"

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "runs": len(self.runs),
            "modelled": sum(r.option is not None for r in self.runs),
            "no_route": [r.run.run_id for r in self.runs if r.option is None],
            "sharing_sources": [r.run.run_id for r in self.runs if r.shared_sources],
            "time": _errors_summary(r.time_pct for r in self.runs),
            "cost": _errors_summary(r.cost_pct for r in self.runs),
            "route_by": self.by,
            "detail": {r.run.run_id: r.detail() for r in self.runs},
            "note": "error % = (model - observed) / observed x 100; costs not deflated; "
            "the backtest reports and never sets a parameter",
        }

    def to_dict(self) -> dict[str, Any]:
        return {"runs": [r.to_dict() for r in self.runs], "summary": self.summary}

    def to_frame(self) -> pd.DataFrame:
        """One row per run: observed, model and error columns (units in the names)."""
        import pandas as pd

        rows = []
        for r in self.runs:
            d, more = r.to_dict(), r.detail()
            rows.append(
                {
                    "id": d["id"],
                    "origin": d["origin"],
                    "destination": d["destination"],
                    "as_of": d["as_of"],
                    "family": d["family"],
                    "scope": d["observed"]["scope"],
                    "observed_time_d": d["observed"]["time_d"],
                    "model_time_d": d["model"]["time_d"],
                    "time_error_pct": d["error"]["time_pct"],
                    "observed_cost_usd": d["observed"]["cost_usd"],
                    "model_cost_usd": d["model"]["cost_usd"],
                    "cost_error_pct": d["error"]["cost_pct"],
                    "cost_basis": more["cost_basis"],
                    "cost_year": more["cost_year"],
                    "model_distance_km": d["model"]["distance_km"],
                    "no_route_reason": more["no_route_reason"],
                }
            )
        return pd.DataFrame(rows)


# --- reading and checking the runs file -------------------------------------------------
def _number(text: str, problems: list[Problem], file: str, row: int, column: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        problems.append(
            Problem(file, row, column, f"{text!r} is not a positive number", "write e.g. 24.5")
        )
        return None
    return value


def read_runs(path: str | Path) -> tuple[ObservedRun, ...]:
    """The observed runs of the CSV at ``path``, checked.

    Raises :class:`~instc._errors.ValidationError` listing every problem, each located
    (``file:row:column: what — fix``); the message is the first one.
    """
    from instc.network.schema import CARGO_CLASSES

    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DataError(f"{file}: no such file — give the path of a runs CSV") from exc
    except IsADirectoryError as exc:
        raise DataError(f"{file}: is a directory — give the path of a runs CSV") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{file}: not UTF-8 text — save the CSV as UTF-8") from exc
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValidationError(
            [
                Problem(
                    file,
                    None,
                    None,
                    "the file is empty",
                    f"start with the header {','.join(COLUMNS)}",
                )
            ]
        )
    reader = csv.reader(text.splitlines())
    header = [h.strip() for h in next(reader)]
    problems: list[Problem] = []
    for name in header:
        if name not in COLUMNS:
            fix = did_you_mean(name, COLUMNS)
            problems.append(Problem(file, 1, name, f"unknown column {name!r}", fix))
    for name in REQUIRED:
        if name not in header:
            problems.append(
                Problem(file, 1, name, "required column missing", f"add a {name} column")
            )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        problems.append(Problem(file, 1, dup, "column given twice", "keep one"))
    if problems:
        raise ValidationError(problems)
    runs: list[ObservedRun] = []
    seen: dict[str, int] = {}
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(
                Problem(
                    file,
                    line_no,
                    None,
                    f"{len(values)} fields for {len(header)} columns",
                    "quote a value that holds a comma",
                )
            )
            continue
        cell = {h: v.strip() for h, v in zip(header, values, strict=True)}
        n_before = len(problems)

        def need(column: str, fix: str, cell: dict[str, str] = cell, row: int = line_no) -> str:
            value = cell.get(column, "")
            if not value:
                problems.append(Problem(file, row, column, "empty", fix))
            return value

        run_id = need("id", "give each run an id, e.g. rzd-2022-chekhov-sarakhs")
        if run_id and run_id in seen:
            problems.append(
                Problem(
                    file,
                    line_no,
                    "id",
                    f"{run_id!r} already used on line {seen[run_id]}",
                    "give each run its own id",
                )
            )
        seen.setdefault(run_id, line_no)
        origin = need("origin", "name the place the run started (id, LOCODE or name)")
        destination = need("destination", "name the place the run ended")
        date_text = need("date", "give the departure date, YYYY, YYYY-MM or YYYY-MM-DD")
        when = dt.date(1900, 1, 1)
        if date_text:
            try:
                when = parse_date(date_text)
            except ValueError:
                problems.append(
                    Problem(
                        file,
                        line_no,
                        "date",
                        f"{date_text!r} is not a date",
                        "write YYYY, YYYY-MM or YYYY-MM-DD",
                    )
                )
        family = cell.get("family", "") or None
        via = tuple(v.strip() for v in cell.get("via", "").split(";") if v.strip())
        if family and via:
            problems.append(
                Problem(
                    file,
                    line_no,
                    "via",
                    "both a family and via places",
                    "give one: the family, or the places the run passed",
                )
            )
        cargo = cell.get("cargo", "") or "container"
        if cargo not in CARGO_CLASSES:
            problems.append(
                Problem(
                    file,
                    line_no,
                    "cargo",
                    f"unknown cargo class {cargo!r}",
                    f"use one of {', '.join(CARGO_CLASSES)}",
                )
            )
        time_d = _number(cell.get("observed_days", ""), problems, file, line_no, "observed_days")
        cost = _number(
            cell.get("observed_cost_usd", ""), problems, file, line_no, "observed_cost_usd"
        )
        basis = cell.get("cost_basis", "") or None
        year_text = cell.get("cost_year", "")
        year: int | None = None
        if cost is not None or basis or year_text:
            if basis is None:
                problems.append(
                    Problem(
                        file,
                        line_no,
                        "cost_basis",
                        "empty for a cost",
                        f"give one of {', '.join(BASES)}",
                    )
                )
            elif basis not in BASES:
                problems.append(
                    Problem(
                        file,
                        line_no,
                        "cost_basis",
                        f"unknown basis {basis!r}",
                        f"use one of {', '.join(BASES)}",
                    )
                )
            elif cargo not in BASES[basis][0]:
                problems.append(
                    Problem(
                        file,
                        line_no,
                        "cost_basis",
                        f"{basis} does not fit cargo {cargo}",
                        f"for {cargo} use "
                        + " or ".join(b for b, (c, _) in BASES.items() if cargo in c)
                        or "no cost",
                    )
                )
            if not year_text:
                problems.append(
                    Problem(
                        file,
                        line_no,
                        "cost_year",
                        "empty for a cost",
                        "give the year the price was quoted, e.g. 2023",
                    )
                )
            elif not (year_text.isdigit() and 1950 <= int(year_text) <= 2100):
                problems.append(
                    Problem(
                        file,
                        line_no,
                        "cost_year",
                        f"{year_text!r} is not a year",
                        "write a four-digit year, e.g. 2023",
                    )
                )
            else:
                year = int(year_text)
            if cost is None and not cell.get("observed_cost_usd", ""):
                problems.append(
                    Problem(
                        file,
                        line_no,
                        "observed_cost_usd",
                        "empty but a basis or year is given",
                        "give the cost, or clear cost_basis and cost_year",
                    )
                )
        if (
            time_d is None
            and cost is None
            and not cell.get("observed_days")
            and not cell.get("observed_cost_usd")
        ):
            problems.append(
                Problem(
                    file,
                    line_no,
                    "observed_days",
                    "neither days nor a cost observed",
                    "give observed_days, observed_cost_usd or both",
                )
            )
        scope = cell.get("scope", "") or "door_to_door"
        if scope not in SCOPES:
            problems.append(
                Problem(
                    file, line_no, "scope", f"unknown scope {scope!r}", did_you_mean(scope, SCOPES)
                )
            )
        source_ids = tuple(s.strip() for s in cell.get("source_ids", "").split(";") if s.strip())
        if not source_ids:
            problems.append(
                Problem(
                    file,
                    line_no,
                    "source_ids",
                    "empty",
                    "name the source of the run (an id of sources.csv)",
                )
            )
        if len(problems) > n_before:
            continue
        runs.append(
            ObservedRun(
                run_id=run_id,
                origin=origin,
                destination=destination,
                as_of=when,
                family=family,
                via=via,
                cargo=cargo,
                time_d=time_d,
                cost_usd=cost,
                cost_basis=basis,
                cost_year=year,
                source_ids=source_ids,
                note=cell.get("note", ""),
                scope=scope,
                file=file,
                row=line_no,
            )
        )
    if problems:
        raise ValidationError(problems)
    if not runs:
        raise ValidationError([Problem(file, None, None, "no runs", "add one row per run")])
    return tuple(runs)


# --- planning the runs --------------------------------------------------------------------
def _check_against(
    network: Network, runs: Sequence[ObservedRun], families: dict[str, Family]
) -> None:
    """Places, families and source ids of the runs exist (one located error, else none)."""
    from instc.routing._lookup import find_place

    sources = set(network.sources["source_id"]) if "sources" in network.tables else set()
    problems: list[Problem] = []
    for run in runs:
        for column, place in (("origin", run.origin), ("destination", run.destination)):
            try:
                find_place(network, place)
            except InstcError as exc:
                problems.append(Problem(run.file, run.row, column, str(exc).rstrip(".")))
        if run.family is not None and run.family not in families:
            fix = did_you_mean(run.family, families, "the families: instc compare", cutoff=0.5)
            problems.append(
                Problem(run.file, run.row, "family", f"unknown family {run.family!r}", fix)
            )
        unknown = [s for s in run.source_ids if s not in sources]
        if sources and unknown:
            problems.append(
                Problem(
                    run.file,
                    run.row,
                    "source_ids",
                    f"unknown source id(s) {', '.join(unknown)}",
                    "add the source to sources.csv first (title, publisher, date, URL)",
                )
            )
    if problems:
        raise ValidationError(problems)


def backtest(
    network: Network,
    runs: Sequence[ObservedRun],
    *,
    by: str = "cost",
    families: Sequence[Family] | None = None,
) -> BacktestResult:
    """Plan every run on ``network`` as of its date and compare with what was observed.

    A run with a family takes that family's best route by ``by`` (the option
    ``instc compare`` shows for it, without the detour and U-turn display filters: the
    run did take that family); a run with via places the best route through them, in
    order; a run with neither the best route. A run the model cannot route is kept, with
    the reason and no model figures. Unknown places, families and source ids raise one
    located :class:`~instc._errors.ValidationError`.
    """
    from instc.routing.compare import family_route, network_families
    from instc.routing.shortest import route

    fams = {f.family_id: f for f in (network_families(network) if families is None else families)}
    _check_against(network, runs, fams)
    out: list[RunResult] = []
    for run in runs:
        common: dict[str, Any] = {"cargo": run.cargo, "by": by, "as_of": run.as_of}
        try:
            if run.family is not None:
                option = family_route(
                    network, run.origin, run.destination, fams[run.family], **common
                )
            else:
                option = route(network, run.origin, run.destination, via=run.via, **common)
        except NoRouteError as exc:
            out.append(RunResult(run, None, exc.reason))
            continue
        except InstcError as exc:
            column = "via" if run.via else "family" if run.family else "origin"
            raise DataError(f"{run.where(column)}: {exc}") from exc
        out.append(RunResult(run, option))
    return BacktestResult(tuple(out), by=by)
