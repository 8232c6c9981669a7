"""Corridor families side by side: the best option of each, and its gap to the best.

A *family* is a set of routes defined by data (``instc/data/families.toml``): via
groups (each a list of alternatives: a place, ``PLACE@layer``, ``border:ID``,
``link:ID``, ``mode:MODE``), and the countries, modes, places, links and borders it
avoids. Adding a family is a data edit. Via groups are visited in any order unless the
family says ``ordered = true`` (so one definition serves both directions).
"""

from __future__ import annotations

import dataclasses
import itertools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, NoRouteError, UnknownNameError
from instc.routing.costs import normalise_by

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.routing.results import RouteOption
    from instc.routing.rules import FlagRule

__all__ = ["Comparison", "Family", "compare", "load_families"]

_DEFAULT = Path(__file__).resolve().parents[1] / "data" / "families.toml"
_AVOID_KEYS = {
    "avoid_countries": "country",
    "avoid_modes": "mode",
    "avoid_nodes": "node",
    "avoid_links": "link",
    "avoid_borders": "border",
    "avoid_rules": "rule",
}


@dataclass(frozen=True)
class Family:
    """A corridor family: what its routes must pass and what they must avoid."""

    family_id: str
    label: str
    short: str
    description: str
    via: tuple[tuple[str, ...], ...]
    ordered: bool
    avoid: Mapping[str, tuple[str, ...]]

    def via_orders(self) -> list[tuple[tuple[str, ...], ...]]:
        if self.ordered or len(self.via) < 2:
            return [self.via]
        return list(itertools.permutations(self.via))


def load_families(path: str | Path | None = None) -> tuple[Family, ...]:
    """The families defined in ``path`` (default: the embedded ``families.toml``)."""
    file = _DEFAULT if path is None else Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{file}: no such file — give an existing families TOML") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{file}: invalid TOML ({exc}) — fix the syntax") from exc
    families = []
    for fid, spec in data.items():
        if not isinstance(spec, dict) or "label" not in spec:
            raise DataError(f'{file}: [{fid}] needs a table with at least label = "..."')
        unknown = set(spec) - {"label", "short", "description", "via", "ordered", *_AVOID_KEYS}
        if unknown:
            raise DataError(
                f"{file}: [{fid}] unknown key(s) {sorted(unknown)} — allowed: label, short, "
                f"description, via, ordered, {', '.join(_AVOID_KEYS)}"
            )
        via = tuple(
            (group,) if isinstance(group, str) else tuple(group) for group in spec.get("via", ())
        )
        if len(via) > 4 and not spec.get("ordered", False):
            raise DataError(
                f"{file}: [{fid}] has {len(via)} via groups in any order ({len(via)}! "
                "searches) — set ordered = true or use at most 4 groups"
            )
        avoid = {kind: tuple(spec.get(key, ())) for key, kind in _AVOID_KEYS.items()}
        families.append(
            Family(
                family_id=fid,
                label=str(spec["label"]),
                short=str(spec.get("short", spec["label"])),
                description=str(spec.get("description", "")),
                via=via,
                ordered=bool(spec.get("ordered", False)),
                avoid={k: v for k, v in avoid.items() if v},
            )
        )
    return tuple(families)


@dataclass(frozen=True)
class Comparison:
    """The best option per family (sorted by ``by``) and the families with none."""

    by: str
    options: tuple[RouteOption, ...]
    missing: tuple[tuple[str, str], ...]  # (family id, why no option)
    short_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def best(self) -> RouteOption:
        return self.options[0]

    def to_frame(self) -> pd.DataFrame:
        """One row per family: totals and the difference to the best option."""
        import pandas as pd

        rows = []
        best = self.options[0].totals if self.options else None
        for o in self.options:
            row: dict[str, Any] = {"family": o.family, "label": o.family_label}
            row.update(o.totals.to_dict())
            row["time_days"] = o.totals.time_days
            if best is not None:
                row["delta_cost_usd"] = o.totals.cost_usd - best.cost_usd
                row["delta_time_h"] = o.totals.time_h - best.time_h
                row["delta_co2e_kg"] = o.totals.co2e_kg - best.co2e_kg
            row["expected"] = o.expected
            row["legs"] = len(o.legs)
            rows.append(row)
        return pd.DataFrame(rows)

    def to_list(self) -> list[dict[str, Any]]:
        """The options as JSON dicts, each with ``delta_to_best`` (its totals minus the
        first option's)."""
        if not self.options:
            return []
        best = self.options[0].totals.to_dict()
        out = []
        for o in self.options:
            d = o.to_dict()
            d["delta_to_best"] = {k: v - best[k] for k, v in d["totals"].items()}
            out.append(d)
        return out


def _sort_key(option: RouteOption, by: str, vot_usd_per_h: float = 0.0) -> tuple[float, ...]:
    t = option.totals
    main = {
        "cost": t.cost_usd,
        "time": t.time_h,
        "co2e": t.co2e_kg,
        "distance": t.distance_km,
        "generalised": t.cost_usd + vot_usd_per_h * t.time_h,
    }
    return (main[by], t.cost_usd, t.time_h)


def compare(
    network: Network,
    origin: str,
    destination: str,
    *,
    cargo: str = "container",
    by: str = "cost",
    as_of: Any = None,
    avoid: Mapping[str, Iterable[str]] | None = None,
    families: Sequence[Family] | None = None,
    vessel_flag: str | None = None,
    rules: Sequence[FlagRule] | None = None,
    value_of_time_usd_per_unit_day: float | None = None,
    tonnes_per_unit: float | None = None,
) -> Comparison:
    """The best option of each family by ``by``, sorted best first.

    ``avoid`` applies to every family on top of the family's own. A family with no
    route is listed in ``Comparison.missing`` with the reason; when no family has one,
    :class:`~instc._errors.NoRouteError` is raised.
    """
    from instc.routing._search import make_request
    from instc.routing.shortest import route

    key = normalise_by(by)
    fams = load_families() if families is None else tuple(families)
    # the caller's own input is checked once, so its errors are not blamed on a family
    req = make_request(
        network,
        origin,
        destination,
        cargo=cargo,
        as_of=as_of,
        avoid=avoid,
        via=(),
        vessel_flag=vessel_flag,
        rules=rules,
        tonnes_per_unit=tonnes_per_unit,
    )
    vot_usd_per_h = 0.0
    if key == "generalised":
        from instc.routing.costs import value_of_time
        from instc.units import HOURS_PER_DAY

        vot = value_of_time(
            req.network, req.graph, override_usd_per_unit_day=value_of_time_usd_per_unit_day
        )
        vot_usd_per_h = vot.usd_per_unit_day / HOURS_PER_DAY
    user_avoid = {k: tuple(v) for k, v in (avoid or {}).items()}
    options: list[RouteOption] = []
    missing: list[tuple[str, str]] = []
    for fam in fams:
        merged: dict[str, tuple[str, ...]] = dict(fam.avoid)
        for kind, values in user_avoid.items():
            k = kind.rstrip("s") if kind != "countries" else "country"
            merged[k] = merged.get(k, ()) + tuple(values)
        best: RouteOption | None = None
        reason = ""
        for order in fam.via_orders():
            try:
                option = route(
                    network,
                    origin,
                    destination,
                    cargo=cargo,
                    by=key,
                    as_of=as_of,
                    avoid=merged,
                    via=order,
                    vessel_flag=vessel_flag,
                    rules=rules,
                    value_of_time_usd_per_unit_day=value_of_time_usd_per_unit_day,
                    tonnes_per_unit=tonnes_per_unit,
                )
            except NoRouteError as exc:
                reason = exc.reason
                continue
            except UnknownNameError as exc:
                raise DataError(
                    f"families.toml: [{fam.family_id}] {exc} — fix the family definition"
                ) from exc
            if best is None or _sort_key(option, key, vot_usd_per_h) < _sort_key(
                best, key, vot_usd_per_h
            ):
                best = option
        if best is None:
            missing.append((fam.family_id, reason))
            continue
        options.append(dataclasses.replace(best, family=fam.family_id, family_label=fam.label))
    if not options:
        from instc.routing._search import find_place, network_as_of

        net = network_as_of(network, as_of)
        why = "; ".join(f"{f}: {r}" for f, r in missing) or "no family is defined"
        raise NoRouteError(
            find_place(net, origin), find_place(net, destination), f"no family has a route ({why})"
        )
    options.sort(key=lambda o: _sort_key(o, key, vot_usd_per_h))
    return Comparison(
        by=key,
        options=tuple(options),
        missing=tuple(missing),
        short_labels={f.family_id: f.short for f in fams},
    )
