"""Frozen results of the reliability model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PERCENTILES", "LegReliability", "ReliabilityResult"]

# The percentiles every result reports (P50, P80, P90, P95).
PERCENTILES = (50, 80, 90, 95)


@dataclass(frozen=True)
class LegReliability:
    """One leg's share of the door-to-door time and of its spread.

    ``variance_contribution_h2`` is the sampled covariance of the leg time with the
    total time, ``cov(X_i, T)``: these add up exactly to the variance of ``T`` and, for
    independent legs, each tends to the leg's own variance ``variance_h2`` (analytic).
    """

    name: str
    kind: str
    element_id: str | None
    basis: str
    distribution: str
    mean_h: float
    variance_h2: float
    variance_contribution_h2: float
    variance_share: float


@dataclass(frozen=True, eq=False)
class ReliabilityResult:
    """Monte Carlo distribution of a door-to-door time (hours).

    ``seed`` is the entropy of the :class:`numpy.random.SeedSequence` used (``None``
    when that was not a single integer): passing it back as ``seed=`` reproduces every
    number. ``time_h`` holds the sampled totals.
    """

    label: str
    samples: int
    seed: int | None
    mean_h: float
    std_h: float
    p50_h: float
    p80_h: float
    p90_h: float
    p95_h: float
    within_days: float | None
    p_within: float | None
    legs: tuple[LegReliability, ...]
    time_h: npt.NDArray[np.float64] = field(repr=False)

    @property
    def variance_h2(self) -> float:
        return self.std_h**2

    def quantile_h(self, q: float) -> float:
        """Any quantile of the door-to-door time, ``0 <= q <= 1``."""
        return float(np.quantile(self.time_h, q))

    def percentile_h(self, percentile: float) -> float:
        """The ``percentile`` (0–100) of the door-to-door time."""
        return self.quantile_h(percentile / 100.0)

    def probability_within_days(self, days: float) -> float:
        """Share of samples that arrive within ``days`` days."""
        return float(np.mean(self.time_h <= days * HOURS_PER_DAY))

    def summary(self) -> dict[str, Any]:
        """The headline numbers, in hours and days."""
        out: dict[str, Any] = {
            "label": self.label,
            "samples": self.samples,
            "seed": self.seed,
            "mean_h": self.mean_h,
            "std_h": self.std_h,
        }
        for p in PERCENTILES:
            out[f"p{p}_h"] = getattr(self, f"p{p}_h")
        out["mean_days"] = self.mean_h / HOURS_PER_DAY
        for p in PERCENTILES:
            out[f"p{p}_days"] = getattr(self, f"p{p}_h") / HOURS_PER_DAY
        out["within_days"] = self.within_days
        out["p_within"] = self.p_within
        return out

    def to_dict(self) -> dict[str, Any]:
        """Summary plus one entry per leg (JSON-ready; the samples are left out)."""
        out = self.summary()
        out["legs"] = [vars(leg).copy() for leg in self.legs]
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per leg: mean, analytic variance, variance contribution and share."""
        import pandas as pd

        columns = list(LegReliability.__dataclass_fields__)
        return pd.DataFrame([vars(leg) for leg in self.legs], columns=columns)
