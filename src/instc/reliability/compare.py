"""Transit-time distributions of the corridor families side by side.

:func:`reliability_by_family` takes the options of
:func:`instc.routing.compare.compare` (the unconstrained best, then the best route of each
family by the same criterion, cost by default, with the same detour and U-turn filters, so
``instc compare`` and ``instc reliability`` simulate the same routes), runs the Monte
Carlo of each, and ranks the
families by a percentile of the door-to-door time (P90 by default): the family a
shipper should pick to keep a promise most of the time. Each family draws from its own
random stream, keyed by the family id, so adding or removing a family does not change
the numbers of the others.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._errors import UnknownNameError
from instc._names import closest
from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.reliability.montecarlo import SeedLike
    from instc.reliability.results import ReliabilityResult
    from instc.routing.compare import Family
    from instc.routing.results import RouteOption

__all__ = ["FamilyReliability", "ReliabilityComparison", "family_seed", "reliability_by_family"]


@dataclass(frozen=True, eq=False)
class FamilyReliability:
    """One family's planned route and its simulated transit time."""

    family: str
    label: str
    option: RouteOption
    result: ReliabilityResult

    def row(self, percentile: float) -> dict[str, Any]:
        r = self.result
        t = self.option.totals
        out: dict[str, Any] = {
            "family": self.family,
            "label": self.label,
            "planned_time_h": t.time_h,
            "mean_h": r.mean_h,
            "std_h": r.std_h,
            "p50_h": r.p50_h,
            "p80_h": r.p80_h,
            "p90_h": r.p90_h,
            "p95_h": r.p95_h,
            f"ranked_p{percentile:g}_h": r.percentile_h(percentile),
        }
        for key in ("planned_time", "mean", "p50", "p80", "p90", "p95"):
            out[f"{key}_days"] = out[f"{key}_h"] / HOURS_PER_DAY
        out["within_days"] = r.within_days
        out["p_within"] = r.p_within
        out["cost_usd"] = t.cost_usd
        out["co2e_kg"] = t.co2e_kg
        out["unit"] = self.option.unit
        out["expected"] = self.option.expected
        return out


@dataclass(frozen=True, eq=False)
class ReliabilityComparison:
    """Families ranked by the ``percentile`` of their door-to-door time, best first."""

    origin: str
    destination: str
    percentile: float
    families: tuple[FamilyReliability, ...]
    missing: tuple[tuple[str, str], ...]
    by: str = "cost"
    not_shown: tuple[tuple[str, str], ...] = ()  # (family id, why not shown)

    @property
    def criterion(self) -> str:
        """How each family's route was picked, in words."""
        return (
            f"each family's route is its best by {self.by}, as instc compare --by {self.by} "
            "picks it"
        )

    @property
    def best(self) -> FamilyReliability:
        return self.families[0]

    def to_frame(self) -> pd.DataFrame:
        """One row per family: planned time, mean, P50–P95 (h and days), cost, CO2e."""
        import pandas as pd

        return pd.DataFrame([f.row(self.percentile) for f in self.families])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the ranking, each family's result with legs, the missing families."""
        return {
            "origin": self.origin,
            "destination": self.destination,
            "ranked_by_percentile": self.percentile,
            "option_by": self.by,
            "criterion": self.criterion,
            "families": [
                {**f.row(self.percentile), "reliability": f.result.to_dict()} for f in self.families
            ],
            "missing": [{"family": fam, "reason": why} for fam, why in self.missing],
            "not_shown": [{"family": fam, "reason": why} for fam, why in self.not_shown],
        }


def family_seed(root: np.random.SeedSequence, family: str) -> np.random.SeedSequence:
    """The random stream of ``family``: a child of ``root`` keyed by the family id.

    >>> a = family_seed(np.random.SeedSequence(1), "suez").generate_state(1)
    >>> b = family_seed(np.random.SeedSequence(1), "suez").generate_state(1)
    >>> bool((a == b).all())
    True
    """
    key = zlib.crc32(family.encode("utf-8"))
    return np.random.SeedSequence(
        root.entropy, spawn_key=(*root.spawn_key, key), pool_size=root.pool_size
    )


def reliability_by_family(
    network: Network,
    origin: str,
    destination: str,
    *,
    families: Sequence[str | Family] | None = None,
    samples: int = 100_000,
    seed: SeedLike = None,
    within_days: float | None = None,
    month: int | None = None,
    percentile: float = 90.0,
    cargo: str = "container",
    as_of: Any = None,
    by: str = "cost",
) -> ReliabilityComparison:
    """Simulate the transit time of the options :func:`~instc.routing.compare.compare`
    picks by ``by``: the unconstrained best (family ``best``) and each family's best.

    ``families`` selects family ids of the network's ``families.toml`` (default: all) or
    gives :class:`~instc.routing.compare.Family` objects. Families are ranked by the
    ``percentile`` (0–100) of their simulated door-to-door time.
    """

    from instc._errors import DataError
    from instc.reliability.montecarlo import root_seed
    from instc.reliability.route import reliability
    from instc.routing.compare import BEST, compare, network_families

    if not 0.0 < percentile < 100.0:
        raise DataError(f"percentile={percentile} must lie in (0, 100) — e.g. 90")
    chosen: list[Family] = []
    if not families:
        chosen = list(network_families(network))
    else:
        known = (
            {f.family_id: f for f in network_families(network)}
            if any(isinstance(f, str) for f in families)
            else {}
        )
        for fam in families:
            if not isinstance(fam, str):
                chosen.append(fam)
            elif fam in known:
                chosen.append(known[fam])
            else:
                ids = sorted(known)
                raise UnknownNameError("family", fam, closest(fam, ids, n=3, cutoff=0.3))
    comparison = compare(
        network, origin, destination, cargo=cargo, by=by, as_of=as_of, families=chosen
    )
    root = root_seed(seed)
    out = []
    same = comparison.same_as_best()
    for option in comparison.options:
        fid = option.family or "route"
        # the best route, when it is a family's route, draws that family's numbers
        stream = same[0] if fid == BEST and same else fid
        result = reliability(
            network,
            option,
            samples=samples,
            seed=family_seed(root, stream),
            within_days=within_days,
            month=month,
            label=fid,
        )
        label = option.family_label or fid
        if fid == BEST and same:
            label += " = " + ", ".join(same)
        out.append(FamilyReliability(fid, label, option, result))
    out.sort(key=lambda f: (f.result.percentile_h(percentile), f.result.mean_h))
    first = comparison.options[0]
    return ReliabilityComparison(
        origin=first.origin,
        destination=first.destination,
        percentile=percentile,
        families=tuple(out),
        missing=comparison.missing,
        by=comparison.by,
        not_shown=tuple((n.family, n.reason) for n in comparison.not_shown),
    )
