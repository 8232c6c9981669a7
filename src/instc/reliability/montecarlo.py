"""Vectorised Monte Carlo of a door-to-door time from independent legs.

Randomness is explicit and independent of how the work is split: the samples are cut
into fixed batches of :data:`BATCH_SAMPLES`, and batch ``i`` draws from its own
generator seeded by ``SeedSequence(seed).spawn(n_batches)[i]``. Running the batches in
one process, on one Dask worker or on many gives the same numbers, bit for bit.

>>> from instc.reliability.distributions import Deterministic, TimedLeg, Triangular
>>> legs = [TimedLeg("sea", (Triangular(100.0, 120.0, 170.0),)),
...         TimedLeg("port", (Deterministic(24.0),))]
>>> r = simulate(legs, samples=20_000, seed=1)
>>> round(r.mean_h)  # analytic mean 130 + 24
154
>>> r.legs[1].variance_contribution_h2
0.0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from instc._errors import DataError
from instc.reliability.distributions import TimedLeg
from instc.reliability.results import PERCENTILES, LegReliability, ReliabilityResult
from instc.units import HOURS_PER_DAY

__all__ = [
    "BATCH_SAMPLES",
    "BatchSums",
    "SeedLike",
    "batch_plan",
    "batch_seeds",
    "combine_batches",
    "root_seed",
    "simulate",
    "simulate_batch",
]

# Fixed batch size: part of the definition of the random stream, do not tune per run.
BATCH_SAMPLES = 1 << 16

SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def root_seed(seed: SeedLike) -> np.random.SeedSequence:
    """A SeedSequence for ``seed`` (an int, a SeedSequence, a Generator or None).

    ``None`` draws fresh entropy from the OS; the result records it, so a run can always
    be repeated. A Generator gives one draw of 63 bits as the entropy.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    if seed is None or isinstance(seed, int | np.integer):
        if seed is not None and int(seed) < 0:
            raise DataError(f"seed={seed} must be >= 0 — pass a non-negative integer")
        return np.random.SeedSequence(None if seed is None else int(seed))
    raise DataError(f"seed={seed!r} is not an int, SeedSequence or Generator — pass an integer")


def batch_seeds(root: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """The seeds of batches ``0..n-1``: ``root.spawn(n)`` without mutating ``root``.

    Built from the spawn key directly, so that asking twice (or from another process)
    gives the same children.
    """
    return [
        np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, i), pool_size=root.pool_size
        )
        for i in range(n)
    ]


def batch_plan(samples: int) -> list[int]:
    """Sizes of the fixed batches that make up ``samples`` draws.

    >>> batch_plan(150_000)
    [65536, 65536, 18928]
    """
    if samples < 1:
        raise DataError(f"samples={samples} must be >= 1 — ask for at least one sample")
    full, rest = divmod(samples, BATCH_SAMPLES)
    return [BATCH_SAMPLES] * full + ([rest] if rest else [])


@dataclass(frozen=True, eq=False)
class BatchSums:
    """What one batch contributes: its totals and centred sums per leg.

    Legs are centred on their analytic means ``m_i`` (``dx_i = X_i - m_i``,
    ``dt = sum_i dx_i``) so that sums stay accurate and a deterministic leg contributes
    exactly zero.
    """

    index: int
    time_h: npt.NDArray[np.float64]
    sum_dx: npt.NDArray[np.float64]
    sum_dx_dt: npt.NDArray[np.float64]


def simulate_batch(
    legs: Sequence[TimedLeg], *, seed: np.random.SeedSequence, index: int, size: int
) -> BatchSums:
    """Draw one batch: ``size`` door-to-door times from the batch's own generator."""
    rng = np.random.Generator(np.random.PCG64(seed))
    means = [leg.mean_h for leg in legs]
    dxs = []
    dt = np.zeros(size, dtype=np.float64)
    for leg, mean in zip(legs, means, strict=True):
        dx = leg.sample(rng, size)
        dx -= mean
        dt += dx
        dxs.append(dx)
    sum_dx = np.array([dx.sum() for dx in dxs], dtype=np.float64)
    # einsum, not ``dx @ dt``: a BLAS dot may start threads, which on a busy machine (or
    # next to other Dask workers) is a hundred times slower than this plain loop
    sum_dx_dt = np.array([np.einsum("i,i->", dx, dt) for dx in dxs], dtype=np.float64)
    return BatchSums(index, dt + float(sum(means)), sum_dx, sum_dx_dt)


def combine_batches(
    legs: Sequence[TimedLeg],
    batches: Iterable[BatchSums],
    *,
    seed: int | None,
    within_days: float | None = None,
    label: str = "",
) -> ReliabilityResult:
    """Combine batches (in any order) into a :class:`ReliabilityResult`."""
    ordered = sorted(batches, key=lambda b: b.index)
    if not ordered:
        raise DataError("no Monte Carlo batches to combine — ask for at least one sample")
    time_h = np.concatenate([b.time_h for b in ordered])
    n = time_h.size
    mean_total = float(sum(leg.mean_h for leg in legs))
    sum_dx = np.sum([b.sum_dx for b in ordered], axis=0)
    sum_dx_dt = np.sum([b.sum_dx_dt for b in ordered], axis=0)
    mean_dx = sum_dx / n
    mean_dt = float(mean_dx.sum())
    # cov(X_i, T) with population normalisation; they sum to var(T) by construction
    contributions = sum_dx_dt / n - mean_dx * mean_dt
    variance = float(contributions.sum())
    if np.ptp(time_h) == 0.0:
        variance = 0.0
        contributions = np.zeros_like(contributions)
    variance = max(variance, 0.0)
    quantiles = np.quantile(time_h, [p / 100.0 for p in PERCENTILES])
    leg_results = tuple(
        LegReliability(
            name=leg.name,
            kind=leg.kind,
            element_id=leg.element_id,
            basis=leg.basis,
            distribution=leg.describe(),
            mean_h=leg.mean_h,
            variance_h2=leg.variance_h2,
            variance_contribution_h2=float(c),
            variance_share=float(c / variance) if variance > 0.0 else 0.0,
        )
        for leg, c in zip(legs, contributions, strict=True)
    )
    p_within = None
    if within_days is not None:
        p_within = float(np.mean(time_h <= within_days * HOURS_PER_DAY))
    return ReliabilityResult(
        label=label,
        samples=n,
        seed=seed,
        mean_h=mean_total + mean_dt,
        std_h=float(np.sqrt(variance)),
        p50_h=float(quantiles[0]),
        p80_h=float(quantiles[1]),
        p90_h=float(quantiles[2]),
        p95_h=float(quantiles[3]),
        within_days=within_days,
        p_within=p_within,
        legs=leg_results,
        time_h=time_h,
    )


def simulate(
    legs: Sequence[TimedLeg],
    *,
    samples: int = 100_000,
    seed: SeedLike = None,
    within_days: float | None = None,
    label: str = "",
) -> ReliabilityResult:
    """Monte Carlo of the sum of independent ``legs`` (the generic core of reliability).

    Same ``seed``, same numbers, however the batches are later distributed.
    """
    if not legs:
        raise DataError("a route needs at least one leg to simulate — check the route")
    if within_days is not None and not within_days >= 0.0:
        raise DataError(f"within_days={within_days} must be >= 0 — give a number of days")
    root = root_seed(seed)
    sizes = batch_plan(samples)
    children = batch_seeds(root, len(sizes))
    batches = [
        simulate_batch(legs, seed=child, index=i, size=size)
        for i, (child, size) in enumerate(zip(children, sizes, strict=True))
    ]
    return combine_batches(
        legs,
        batches,
        seed=root.entropy if isinstance(root.entropy, int) else None,
        within_days=within_days,
        label=label,
    )
