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

Each grid point (the cartesian product of the lists) × replication is one task, seeded
by its position from ``SeedSequence(seed)``.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from instc._errors import DataError
from instc.reliability.distributions import Leg
from instc.sweeps.runner import SweepTask, make_tasks

__all__ = ["GRID_KEYS", "SweepDefinition", "load_sweep", "parse_sweep"]

GRID_KEYS = {
    "border_delay_factor": "multiplies the time of legs of kind 'border'",
    "transfer_delay_factor": "multiplies the time of legs of kind 'transfer'",
    "link_time_factor": "multiplies the time of legs of kind 'link'",
    "frequency_factor": "multiplies every leg's frequency_per_week",
}
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

    def points(self) -> list[dict[str, float]]:
        """Every grid point (cartesian product), in a stable order."""
        keys = sorted(self.grid)
        return [
            dict(zip(keys, values, strict=True))
            for values in itertools.product(*(self.grid[k] for k in keys))
        ]

    def legs_at(self, point: Mapping[str, float]) -> list[Leg]:
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
                leg = Leg(leg.name, (own, *leg.components[1:]), leg.kind, leg.element_id, leg.basis)
            legs.append(leg)
        return legs

    def tasks(self) -> list[SweepTask]:
        """One task per grid point and replication."""
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
        )


def _fail(origin: str, key: str, message: str, fix: str) -> DataError:
    return DataError(f"{origin}:{key}: {message} — {fix}")


def parse_sweep(data: Mapping[str, Any], *, origin: str = "<sweep>") -> SweepDefinition:
    """Check a sweep mapping (as read from TOML) and return its definition."""
    from instc.reliability.legs import make_leg

    unknown = set(data) - {"sweep", "legs", "grid"}
    if unknown:
        raise _fail(origin, sorted(unknown)[0], "unknown table", "use [sweep], [[legs]], [grid]")
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
    within = sweep.get("within_days")
    if within is not None and (not isinstance(within, int | float) or within < 0):
        raise _fail(origin, "sweep.within_days", f"{within!r} is invalid", "give days >= 0")
    legs = data.get("legs")
    if not isinstance(legs, list) or not legs:
        raise _fail(origin, "legs", "no legs given", "add at least one legs table")
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
        try:  # build once now so that errors point at the file
            values = dict(spec)
            make_leg(values.pop("name"), **values)
        except (DataError, TypeError, ValueError) as exc:
            raise _fail(origin, where, str(exc), "fix this leg") from exc
    grid_in = data.get("grid", {})
    grid: dict[str, tuple[float, ...]] = {}
    for key, values in grid_in.items():
        if key not in GRID_KEYS:
            raise _fail(
                origin,
                f"grid.{key}",
                "unknown grid parameter",
                f"use {', '.join(sorted(GRID_KEYS))}",
            )
        seq: Sequence[Any] = values if isinstance(values, list) else [values]
        if not seq or not all(isinstance(v, int | float) and v >= 0 for v in seq):
            raise _fail(
                origin, f"grid.{key}", f"{values!r} is invalid", "give a list of numbers >= 0"
            )
        grid[key] = tuple(float(v) for v in seq)
    return SweepDefinition(
        name=str(sweep.get("name", Path(origin).stem)),
        seed=seed,
        samples=samples,
        within_days=None if within is None else float(within),
        replications=replications,
        legs=tuple(dict(spec) for spec in legs),
        grid=grid,
        origin=origin,
    )


def load_sweep(path: str | Path) -> SweepDefinition:
    """Read and check a sweep TOML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            f"{p}: cannot read the sweep file ({exc.strerror}) — check the path"
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{p}: not valid TOML ({exc}) — fix the syntax") from exc
    return parse_sweep(data, origin=str(p))
