"""Property tests of the Monte Carlo core on random chains of legs (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instc.reliability.distributions import (
    Closure,
    Deterministic,
    Lognormal,
    TimedLeg,
    Triangular,
    UniformWait,
)
from instc.reliability.montecarlo import simulate

# times to the 0.01 h (36 s), as the data give them: a subnormal width (1e-300 h) would
# sample a spread whose variance underflows to 0, an artefact of floats, not of the model
hours = st.integers(min_value=0, max_value=50_000).map(lambda centi_h: centi_h / 100.0)


@st.composite
def distributions(draw):
    kind = draw(st.sampled_from(["fixed", "tri", "logn", "wait", "hold"]))
    a, b, c = sorted(draw(st.tuples(hours, hours, hours)))
    if kind == "fixed":
        return Deterministic(b), a
    if kind == "tri":
        return Triangular(a, b, c), a
    if kind == "logn" and a < b < c and 1.001 < (c - a) / (b - a) <= 100.0:
        return Lognormal.from_low_mode_high(a, b, c), a
    if kind == "wait":
        return UniformWait(c), 0.0
    p = draw(st.floats(min_value=0.0, max_value=1.0))
    return Closure(p, Triangular(a, b, c)), 0.0


@st.composite
def chains(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    legs, floor = [], 0.0
    for i in range(n):
        parts = [draw(distributions()) for _ in range(draw(st.integers(1, 3)))]
        legs.append(TimedLeg(f"leg{i}", tuple(d for d, _ in parts)))
        floor += sum(lo for _, lo in parts)
    return legs, floor


@settings(max_examples=60, deadline=None)
@given(chain=chains(), seed=st.integers(min_value=0, max_value=2**32))
def test_random_chains_keep_the_invariants(chain, seed) -> None:
    legs, floor = chain
    r = simulate(legs, samples=3000, seed=seed)
    contributions = [leg.variance_contribution_h2 for leg in r.legs]
    assert sum(contributions) == pytest.approx(r.variance_h2, rel=1e-9, abs=1e-9)
    assert r.p50_h <= r.p80_h <= r.p90_h <= r.p95_h
    # no sample below the sum of the legs' lower bounds
    assert r.time_h.min() >= floor - 1e-9 * max(1.0, floor)
    for leg, out in zip(legs, r.legs, strict=True):
        if leg.is_deterministic:
            assert out.variance_contribution_h2 == 0.0
    if all(leg.is_deterministic for leg in legs):
        assert r.std_h == 0.0
        assert r.p50_h == pytest.approx(sum(leg.mean_h for leg in legs))
    # same seed, same numbers
    assert np.array_equal(simulate(legs, samples=3000, seed=seed).time_h, r.time_h)
