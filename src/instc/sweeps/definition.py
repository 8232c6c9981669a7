"""Sweep definitions in TOML: what to run, over which parameter grid, with which seed.

A definition with an explicit chain of legs (no network needed)::

    [sweep]
    name = "border-delays"
    seed = 42
    samples = 100000
    within_days = 25
    replications = 1              # independent repeats of each grid point

    [[legs]]
    name = "Nhava Sheva–Bandar Abbas"
    kind = "link"                 # link | border | transfer | wait
    time_h = [96, 120, 168]       # one number (fixed) or [low, mode, high]
    frequency_per_week = 2        # optional: wait for the departure

    [[legs]]
    name = "Astara border"
    kind = "border"
    time_h = [10, 12, 72]         # borders/transfers: lognormal, high = P95

    [grid]
    border_delay_factor = [1.0, 1.5, 2.0]   # multiplies border legs
    transfer_delay_factor = [1.0]            # multiplies transfer legs
    link_time_factor = [1.0]                 # multiplies link legs
    frequency_factor = [1.0, 0.5]            # multiplies every frequency_per_week

A definition over the network: scenarios × grid, each run planning the fastest route
of every corridor family and simulating its transit time::

    [sweep]
    name = "corridor-risk"
    seed = 42
    samples = 20000
    within_days = 25

    [route]
    origin = "Nhava Sheva"
    destination = "Moscow"
    scenarios = ["baseline", "tariff-cut-50", "red-sea-closed"]  # bundled names or paths
    families = ["western_rail", "suez"]    # optional, default all
    as_of = "2026"                         # optional, default today
    month = 1                              # optional: month of the Caspian weather holds
    cargo = "container"                    # optional
    percentile = 90                        # optional: rank families by this percentile

    [grid]
    border_delay_factor = [1.0, 1.5, 2.0]  # every border dwell (low, mode, high)
    transfer_delay_factor = [1.0]          # every transfer dwell
    tariff_factor = [0.5, 1.0]             # every tariff (per unit-km and per unit)
    frequency_factor = [1.0, 0.5]          # every service frequency
    month = [1, 7]                         # month of departure (Caspian weather holds)

``baseline`` is the network without a scenario. Each grid point (the cartesian product
of the lists) × scenario × replication is one task. Replication ``r`` of every grid point
and scenario draws from the same random stream (child ``r`` of ``SeedSequence(seed)``):
common random numbers, so that the differences between grid points and scenarios are
their effect, not Monte Carlo noise.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError
from instc.limits import MAX_SAMPLES
from instc.reliability.distributions import TimedLeg
from instc.sweeps.runner import SweepTask, make_tasks

if TYPE_CHECKING:
    from instc.scenarios import Scenario

__all__ = ["GRID_KEYS", "ROUTE_GRID_KEYS", "SweepDefinition", "load_sweep", "parse_sweep"]

GRID_KEYS = {
    "border_delay_factor": "multiplies the time of legs of kind 'border'",
    "transfer_delay_factor": "multiplies the time of legs of kind 'transfer'",
    "link_time_factor": "multiplies the time of legs of kind 'link'",
    "frequency_factor": "multiplies every leg's frequency_per_week",
}
# the kinds of leg a grid factor scales (GRID_KEYS)
LEG_KINDS = ("link", "transfer", "border")
# the smallest time a leg may take, other than 0: finer is an artefact (1e-300 h), not data
MIN_LEG_TIME_H = 1.0 / 3600.0
ROUTE_GRID_KEYS = {
    "month": "month of departure, 1–12 (Caspian weather holds); overrides route.month",
    "border_delay_factor": "multiplies every border dwell",
    "transfer_delay_factor": "multiplies every transfer dwell",
    "tariff_factor": "multiplies every tariff",
    "frequency_factor": "multiplies every service frequency",
}
_ROUTE_KEYS = {
    "origin",
    "destination",
    "scenarios",
    "families",
    "as_of",
    "month",
    "cargo",
    "percentile",
    "data",
}
BASELINE = "baseline"
_LEG_KEYS = {
    "name",
    "kind",
    "time_h",
    "shape",
    "frequency_per_week",
    "closure_probability",
    "closure_delay_h",
    "element_id",
    "basis",
}
_SWEEP_KEYS = {"name", "seed", "samples", "within_days", "replications"}
# Bounds on the work one definition may ask for: an extra zero should not run for days.
MAX_REPLICATIONS = 1_000
MAX_TASKS = 100_000


@dataclass(frozen=True)
class SweepDefinition:
    """A parsed sweep file."""

    name: str
    seed: int
    samples: int
    within_days: float | None
    replications: int
    legs: tuple[Mapping[str, Any], ...]
    grid: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    origin: str = ""
    # the [route] table (kind "route"): origin, destination, families, as_of, ...
    route: Mapping[str, Any] = field(default_factory=dict)
    # (label, scenario or None for the baseline), in file order
    scenarios: tuple[tuple[str, Scenario | None], ...] = ()

    @property
    def kind(self) -> str:
        """ "route" (scenarios over the network) or "legs" (an explicit chain)."""
        return "route" if self.route else "legs"

    def points(self) -> list[dict[str, float]]:
        """Every grid point (cartesian product), in a stable order."""
        keys = sorted(self.grid)
        return [
            dict(zip(keys, values, strict=True))
            for values in itertools.product(*(self.grid[k] for k in keys))
        ]

    def legs_at(self, point: Mapping[str, float]) -> list[TimedLeg]:
        """The chain of legs with a grid point's factors applied."""
        from instc.reliability.legs import make_leg

        kind_factor = {
            "border": point.get("border_delay_factor", 1.0),
            "transfer": point.get("transfer_delay_factor", 1.0),
            "link": point.get("link_time_factor", 1.0),
        }
        legs = []
        for spec in self.legs:
            values = dict(spec)
            freq = values.get("frequency_per_week")
            if freq is not None:
                values["frequency_per_week"] = float(freq) * point.get("frequency_factor", 1.0)
            name = values.pop("name")
            leg = make_leg(name, **values)
            factor = kind_factor.get(leg.kind, 1.0)
            if factor != 1.0:
                # scale the leg's own time, not its wait for a departure
                own = leg.components[0].scaled(factor)
                leg = TimedLeg(
                    leg.name, (own, *leg.components[1:]), leg.kind, leg.element_id, leg.basis
                )
            legs.append(leg)
        return legs

    def tasks(self) -> list[SweepTask]:
        """One task per grid point (× scenario) and replication."""
        if self.kind == "route":
            return self._route_tasks()
        from instc.sweeps.tasks import legs_reliability

        grid: list[dict[str, Any]] = []
        labels: list[dict[str, Any]] = []
        for point in self.points():
            legs = self.legs_at(point)
            for rep in range(self.replications):
                grid.append({"legs": legs})
                labels.append({**point, "replication": rep})
        return make_tasks(
            legs_reliability,
            grid,
            seed=self.seed,
            common={"samples": self.samples, "within_days": self.within_days},
            labels=labels,
            streams=[label["replication"] for label in labels],
        )

    def _route_tasks(self) -> list[SweepTask]:
        from instc.sweeps.tasks import route_reliability

        grid: list[dict[str, Any]] = []
        labels: list[dict[str, Any]] = []
        for label, scenario in self.scenarios:
            for point in self.points():
                factors = {k: v for k, v in point.items() if k != "month"}
                inputs: dict[str, Any] = {"scenario": scenario, "factors": factors}
                if "month" in point:
                    inputs["month"] = int(point["month"])
                for rep in range(self.replications):
                    grid.append(inputs)
                    labels.append({"scenario": label, **point, "replication": rep})
        route = dict(self.route)
        route.pop("scenarios", None)
        if "month" in self.grid:
            route.pop("month", None)
        if "families" in route:
            route["families"] = tuple(route["families"])
        return make_tasks(
            route_reliability,
            grid,
            seed=self.seed,
            common={"samples": self.samples, "within_days": self.within_days, **route},
            labels=labels,
            streams=[label["replication"] for label in labels],
        )


# A sweep's name becomes a folder name: no separators, no "..", nothing hidden.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _fail(origin: str, key: str, message: str, fix: str) -> DataError:
    return DataError(f"{origin}:{key}: {message} — {fix}")


def parse_sweep(data: Mapping[str, Any], *, origin: str = "<sweep>") -> SweepDefinition:
    """Check a sweep mapping (as read from TOML) and return its definition."""
    from instc.reliability.legs import make_leg

    unknown = set(data) - {"sweep", "legs", "grid", "route"}
    if unknown:
        raise _fail(
            origin, sorted(unknown)[0], "unknown table", "use [sweep], [route] or [[legs]], [grid]"
        )
    sweep = data.get("sweep", {})
    bad = set(sweep) - _SWEEP_KEYS
    if bad:
        raise _fail(
            origin,
            f"sweep.{sorted(bad)[0]}",
            "unknown key",
            f"use {', '.join(sorted(_SWEEP_KEYS))}",
        )
    seed = sweep.get("seed", 0)
    samples = sweep.get("samples", 100_000)
    replications = sweep.get("replications", 1)
    for key, value in (("seed", seed), ("samples", samples), ("replications", replications)):
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or value < (0 if key == "seed" else 1)
        ):
            raise _fail(
                origin, f"sweep.{key}", f"{value!r} is not a valid count", "give an integer"
            )
    for key, value, most in (
        ("samples", samples, MAX_SAMPLES),
        ("replications", replications, MAX_REPLICATIONS),
    ):
        if value > most:
            raise _fail(
                origin, f"sweep.{key}", f"{value} is more than {most:,}", f"give at most {most:,}"
            )
    within = sweep.get("within_days")
    if within is not None and (
        not isinstance(within, int | float)
        or isinstance(within, bool)
        or not math.isfinite(within)
        or within < 0
    ):
        raise _fail(origin, "sweep.within_days", f"{within!r} is invalid", "give days >= 0")
    route_spec = data.get("route")
    legs = data.get("legs")
    if route_spec is not None and legs is not None:
        raise _fail(origin, "route", "both [route] and legs given", "keep one of the two")
    route: dict[str, Any] = {}
    scenarios: tuple[tuple[str, Scenario | None], ...] = ()
    allowed_grid = GRID_KEYS
    if route_spec is not None:
        route, scenarios = _parse_route(route_spec, origin)
        allowed_grid = ROUTE_GRID_KEYS
        legs = []
    elif not isinstance(legs, list) or not legs:
        raise _fail(origin, "legs", "no legs given", "add at least one legs table, or a [route]")
    for i, spec in enumerate(legs):
        where = f"legs[{i}]"
        if not isinstance(spec, dict) or "name" not in spec or "time_h" not in spec:
            raise _fail(origin, where, "a leg needs name and time_h", "add both keys")
        bad = set(spec) - _LEG_KEYS
        if bad:
            raise _fail(
                origin,
                f"{where}.{sorted(bad)[0]}",
                "unknown key",
                f"use {', '.join(sorted(_LEG_KEYS))}",
            )
        _check_leg(spec, origin, where)
        try:  # build once now so that errors point at the file
            values = dict(spec)
            make_leg(values.pop("name"), **values)
        except (DataError, TypeError, ValueError) as exc:
            raise _fail(origin, where, str(exc), "fix this leg") from exc
    grid_in = data.get("grid", {})
    grid: dict[str, tuple[float, ...]] = {}
    for key, values in grid_in.items():
        if key not in allowed_grid:
            raise _fail(
                origin,
                f"grid.{key}",
                "unknown grid parameter",
                f"use {', '.join(sorted(allowed_grid))}",
            )
        seq: Sequence[Any] = values if isinstance(values, list) else [values]
        if not seq:
            raise _fail(origin, f"grid.{key}", "no values", "give a list of numbers >= 0")
        invalid = [
            v
            for v in seq
            if not isinstance(v, int | float)
            or isinstance(v, bool)
            or not math.isfinite(v)
            or v < 0
            or (key == "month" and not (isinstance(v, int) and 1 <= v <= 12))
        ]
        if invalid:
            fix = "give months 1–12" if key == "month" else "give a list of numbers >= 0"
            raise _fail(origin, f"grid.{key}", f"{invalid[0]!r} is invalid", fix)
        twice = next((a for a, b in itertools.pairwise(sorted(seq)) if a == b), None)
        if twice is not None:
            raise _fail(
                origin,
                f"grid.{key}",
                f"{twice!r} is listed twice",
                "give each value once (replications repeat a grid point)",
            )
        grid[key] = tuple(float(v) for v in seq)
    n_tasks = math.prod(len(v) for v in grid.values()) * max(len(scenarios), 1) * replications
    if n_tasks > MAX_TASKS:
        raise _fail(
            origin,
            "grid",
            f"{n_tasks:,} tasks (grid points x scenarios x replications)",
            f"keep it at most {MAX_TASKS:,}: fewer grid values or replications",
        )
    name = sweep.get("name", Path(origin).stem)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise _fail(
            origin,
            "sweep.name",
            f"{name!r} is not a plain name (it names the folder sweep-NAME beside the file)",
            "use letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    return SweepDefinition(
        name=name,
        seed=seed,
        samples=samples,
        within_days=None if within is None else float(within),
        replications=replications,
        legs=tuple(dict(spec) for spec in legs),
        grid=grid,
        origin=origin,
        route=route,
        scenarios=scenarios,
    )


def _parse_route(
    spec: Any, origin: str
) -> tuple[dict[str, Any], tuple[tuple[str, Scenario | None], ...]]:
    from instc._errors import InstcError
    from instc.scenarios import find_scenario

    if not isinstance(spec, dict):
        raise _fail(origin, "route", "must be a table", "write [route] with origin, destination")
    bad = set(spec) - _ROUTE_KEYS
    if bad:
        raise _fail(
            origin,
            f"route.{sorted(bad)[0]}",
            "unknown key",
            f"use {', '.join(sorted(_ROUTE_KEYS))}",
        )
    for key in ("origin", "destination"):
        if not isinstance(spec.get(key), str) or not spec[key]:
            raise _fail(origin, f"route.{key}", "missing", "give a place name or id")
    route = {k: v for k, v in spec.items() if k != "scenarios"}
    families = route.get("families")
    if families is not None and (
        not isinstance(families, list) or not all(isinstance(f, str) for f in families)
    ):
        raise _fail(origin, "route.families", "must be a list of family ids", "fix the list")
    month = route.get("month")
    if month is not None and (not isinstance(month, int) or not 1 <= month <= 12):
        raise _fail(origin, "route.month", f"{month!r} is not a month", "give 1–12")
    percentile = route.get("percentile")
    if percentile is not None and not (
        isinstance(percentile, int | float)
        and not isinstance(percentile, bool)
        and 0 < percentile < 100
    ):
        raise _fail(origin, "route.percentile", f"{percentile!r} is invalid", "give 0 < p < 100")
    cargo = route.get("cargo", "container")
    from instc.network.schema import CARGO_CLASSES

    if cargo not in CARGO_CLASSES:
        raise _fail(
            origin, "route.cargo", f"unknown cargo {cargo!r}", f"use {', '.join(CARGO_CLASSES)}"
        )
    if "as_of" in route:
        route["as_of"] = str(route["as_of"])
        from instc.network.timeline import parse_as_of

        try:
            parse_as_of(route["as_of"])
        except (DataError, ValueError) as exc:
            raise _fail(
                origin, "route.as_of", str(exc), "give YYYY, YYYY-MM or YYYY-MM-DD"
            ) from exc
    names = spec.get("scenarios", [BASELINE])
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise _fail(origin, "route.scenarios", "must be a list of names", 'e.g. ["baseline"]')
    base = Path(origin).parent if not origin.startswith("<") else None
    scenarios: list[tuple[str, Scenario | None]] = []
    for name in names:
        if name == BASELINE:
            scenarios.append((name, None))
            continue
        try:
            scenario = find_scenario(name, relative_to=base)
        except InstcError as exc:
            raise _fail(origin, "route.scenarios", f"{name!r}: {exc}", "fix the name") from exc
        scenarios.append((scenario.name if name.endswith(".toml") else name, scenario))
    return route, tuple(scenarios)


def _check_leg(spec: Mapping[str, Any], origin: str, where: str) -> None:
    """Reject a leg kind no grid factor knows and times that mean nothing (all 0 h, or a
    positive time below one second)."""
    kind = spec.get("kind", "link")
    if kind not in LEG_KINDS:
        raise _fail(
            origin, f"{where}.kind", f"unknown kind {kind!r}", f"use {', '.join(LEG_KINDS)}"
        )
    times = spec["time_h"] if isinstance(spec["time_h"], list) else [spec["time_h"]]
    numbers = [t for t in times if isinstance(t, int | float) and not isinstance(t, bool)]
    if numbers and all(t == 0 for t in numbers):
        raise _fail(origin, f"{where}.time_h", "the leg always takes 0 h", "remove the leg")
    tiny = [t for t in numbers if 0 < t < MIN_LEG_TIME_H]
    if tiny:
        raise _fail(
            origin,
            f"{where}.time_h",
            f"{tiny[0]!r} h is below one second",
            "give hours (0.5 is 30 minutes), or 0",
        )


def load_sweep(path: str | Path) -> SweepDefinition:
    """Read and check a sweep TOML file."""
    from instc._files import read_toml

    p = Path(path)
    return parse_sweep(read_toml(p, what="sweep file"), origin=str(p))
