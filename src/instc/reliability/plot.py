"""Histogram and CDF of door-to-door transit times, one curve per family (PNG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from instc._errors import DataError
from instc.units import HOURS_PER_DAY

if TYPE_CHECKING:
    from instc.reliability.results import ReliabilityResult

__all__ = ["plot_distributions"]


def plot_distributions(
    results: Sequence[ReliabilityResult],
    path: str | Path,
    *,
    title: str = "",
    within_days: float | None = None,
) -> Path:
    """Write a two-panel PNG: density histogram and CDF of each result, in days.

    P50 and P90 are marked on the CDF; ``within_days`` draws the promised date.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    out = Path(path)
    if out.suffix.lower() != ".png":
        raise DataError(f"{out}: the plot is written as PNG — give a file name ending in .png")
    if not results:
        raise DataError("nothing to plot — no reliability results")
    days = [r.time_h / HOURS_PER_DAY for r in results]
    lo = min(float(np.quantile(d, 0.001)) for d in days)
    hi = max(float(np.quantile(d, 0.999)) for d in days)
    bins = np.linspace(lo, hi if hi > lo else lo + 1.0, 120)
    fig, (ax_h, ax_c) = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    try:
        for r, d in zip(results, days, strict=True):
            (line,) = ax_c.plot(np.sort(d), np.linspace(0.0, 1.0, d.size), label=r.label)
            ax_h.hist(
                d, bins=bins, density=True, histtype="step", color=line.get_color(), label=r.label
            )
            for p, style in ((r.p50_h, ":"), (r.p90_h, "--")):
                ax_c.axvline(p / HOURS_PER_DAY, color=line.get_color(), ls=style, lw=0.8)
        if within_days is not None:
            for ax in (ax_h, ax_c):
                ax.axvline(within_days, color="black", lw=1.2)
        ax_h.set_xlabel("door-to-door time (days)")
        ax_h.set_ylabel("density")
        ax_c.set_xlabel("door-to-door time (days)  ·  dotted P50, dashed P90")
        ax_c.set_ylabel("probability of arriving within")
        ax_c.set_xlim(bins[0], bins[-1])
        ax_c.grid(alpha=0.3)
        ax_h.legend(fontsize="small")
        if title:
            fig.suptitle(title)
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, dpi=110)
    finally:
        plt.close(fig)
    return out
