"""Task functions a sweep can run (module-level, so Dask workers import them by name)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from instc.reliability.distributions import Leg

__all__ = ["legs_reliability"]


def legs_reliability(
    *,
    legs: Sequence[Leg],
    samples: int,
    seed: np.random.SeedSequence,
    within_days: float | None = None,
) -> dict[str, Any]:
    """Monte Carlo of one chain of legs; the summary row of its ReliabilityResult.

    >>> from instc.reliability.distributions import Deterministic
    >>> row = legs_reliability(legs=[Leg("a", (Deterministic(48.0),))], samples=10,
    ...                        seed=np.random.SeedSequence(1), within_days=2)
    >>> row["p95_days"], row["p_within"]
    (2.0, 1.0)
    """
    from instc.reliability.montecarlo import simulate

    result = simulate(legs, samples=samples, seed=seed, within_days=within_days)
    row = result.summary()
    del row["label"], row["seed"]
    return row
