"""Monte Carlo core: analytic quantiles, variance decomposition, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from instc._errors import DataError
from instc.reliability.distributions import (
    Closure,
    Deterministic,
    Lognormal,
    TimedLeg,
    Triangular,
    UniformWait,
)
from instc.reliability.montecarlo import (
    BATCH_SAMPLES,
    batch_plan,
    batch_seeds,
    combine_batches,
    root_seed,
    simulate,
    simulate_batch,
)

QS = (0.5, 0.8, 0.9, 0.95)


def _percentiles(result) -> list[float]:
    return [result.p50_h, result.p80_h, result.p90_h, result.p95_h]


def _mc_quantile_tolerance(dist, q: float, n: int) -> float:
    """4 standard errors of a sample quantile: sqrt(q(1-q)/n) / f(x_q)."""
    x = dist.ppf(q)
    return 4.0 * math.sqrt(q * (1 - q) / n) / dist.pdf(x)


@pytest.mark.parametrize(
    ("leg_dist", "scipy_dist"),
    [
        (Triangular(10.0, 30.0, 90.0), stats.triang(c=(30 - 10) / 80, loc=10, scale=80)),
        (UniformWait(84.0), stats.uniform(loc=0, scale=84.0)),
        (
            Lognormal.from_low_mode_high(10.0, 12.0, 72.0),
            None,  # built below from the fitted parameters
        ),
    ],
    ids=["triangular", "uniform-wait", "lognormal"],
)
def test_single_leg_percentiles_match_analytic_quantiles(leg_dist, scipy_dist) -> None:
    if scipy_dist is None:
        scipy_dist = stats.lognorm(
            s=leg_dist.sigma, loc=leg_dist.shift_h, scale=np.exp(leg_dist.mu)
        )
    n = 200_000
    result = simulate([TimedLeg("only", (leg_dist,))], samples=n, seed=7)
    for q, got in zip(QS, _percentiles(result), strict=True):
        assert got == pytest.approx(scipy_dist.ppf(q), abs=_mc_quantile_tolerance(scipy_dist, q, n))
        # the distribution's own quantile function agrees with scipy exactly
        assert leg_dist.quantile_h(q) == pytest.approx(scipy_dist.ppf(q), rel=1e-9)
    assert result.mean_h == pytest.approx(scipy_dist.mean(), abs=4 * scipy_dist.std() / n**0.5)
    assert leg_dist.mean_h == pytest.approx(scipy_dist.mean(), rel=1e-12)
    assert leg_dist.variance_h2 == pytest.approx(scipy_dist.var(), rel=1e-12)


def test_lognormal_fit_hits_mode_and_high_quantile() -> None:
    d = Lognormal.from_low_mode_high(24.0, 36.0, 96.0, high_quantile=0.9)
    assert d.mode_h == pytest.approx(36.0, rel=1e-12)
    assert d.quantile_h(0.9) == pytest.approx(96.0, rel=1e-12)
    assert d.quantile_h(0.0) == pytest.approx(24.0)
    with pytest.raises(DataError, match="low < mode < high"):
        Lognormal.from_low_mode_high(10.0, 10.0, 20.0)


def test_closure_moments_match_samples() -> None:
    c = Closure(0.1, Triangular(24.0, 48.0, 120.0))
    x = c.sample(np.random.default_rng(3), 400_000)
    assert np.mean(x > 0) == pytest.approx(0.1, abs=0.003)
    assert x.mean() == pytest.approx(c.mean_h, rel=0.03)
    assert x.var() == pytest.approx(c.variance_h2, rel=0.03)


def test_variance_contributions_add_up_and_match_leg_variances() -> None:
    legs = [
        TimedLeg("rail", (Triangular(50.0, 60.0, 90.0),)),
        TimedLeg("border", (Lognormal.from_low_mode_high(10.0, 12.0, 72.0),), kind="border"),
        TimedLeg(
            "ferry", (Deterministic(22.0), UniformWait(84.0), Closure(0.1, Deterministic(48.0)))
        ),
        TimedLeg("port", (Deterministic(24.0),), kind="transfer"),
    ]
    r = simulate(legs, samples=300_000, seed=11)
    contributions = [leg.variance_contribution_h2 for leg in r.legs]
    assert sum(contributions) == pytest.approx(r.variance_h2, rel=1e-9)
    assert sum(leg.variance_share for leg in r.legs) == pytest.approx(1.0, rel=1e-9)
    assert r.variance_h2 == pytest.approx(np.var(r.time_h), rel=1e-6)
    # independent legs: each contribution tends to the leg's own variance
    for leg in r.legs:
        assert leg.variance_contribution_h2 == pytest.approx(
            leg.variance_h2, abs=0.03 * r.variance_h2
        )
    assert r.legs[3].variance_contribution_h2 == 0.0
    assert r.mean_h == pytest.approx(sum(leg.mean_h for leg in legs), rel=0.005)


def test_deterministic_route_has_zero_spread() -> None:
    legs = [
        TimedLeg("a", (Deterministic(10.5),)),
        TimedLeg("b", (Deterministic(3.25), Deterministic(0.1))),
    ]
    r = simulate(legs, samples=1000, seed=0, within_days=0.5)
    assert r.std_h == 0.0
    assert r.p50_h == r.p95_h == pytest.approx(13.85)
    assert all(leg.variance_contribution_h2 == 0.0 for leg in r.legs)
    assert r.p_within == 0.0  # 13.85 h > 12 h
    assert simulate(legs, samples=10, seed=0, within_days=1).p_within == 1.0


def test_probability_within_days() -> None:
    # uniform 0..96 h: P(T <= 2 days) = 0.5
    r = simulate([TimedLeg("wait", (UniformWait(96.0),))], samples=200_000, seed=5, within_days=2)
    assert r.p_within == pytest.approx(0.5, abs=0.005)
    assert r.probability_within_days(3) == pytest.approx(0.75, abs=0.005)


def test_same_seed_same_numbers_different_seed_different() -> None:
    legs = [TimedLeg("x", (Triangular(1.0, 2.0, 9.0),)), TimedLeg("y", (UniformWait(10.0),))]
    a = simulate(legs, samples=150_000, seed=42)
    b = simulate(legs, samples=150_000, seed=42)
    c = simulate(legs, samples=150_000, seed=43)
    assert np.array_equal(a.time_h, b.time_h)
    assert a.to_dict() == b.to_dict()
    assert a.p90_h != c.p90_h
    assert a.seed == 42
    # seed=None records its entropy, which reproduces the run
    d = simulate(legs, samples=1000)
    assert d.seed is not None
    assert np.array_equal(simulate(legs, samples=1000, seed=d.seed).time_h, d.time_h)


def test_batches_in_any_grouping_give_identical_results() -> None:
    legs = [
        TimedLeg("x", (Lognormal.from_low_mode_high(1.0, 2.0, 9.0),)),
        TimedLeg("y", (UniformWait(10.0),)),
    ]
    samples = 2 * BATCH_SAMPLES + 1234
    whole = simulate(legs, samples=samples, seed=9)
    sizes = batch_plan(samples)
    seeds = batch_seeds(root_seed(9), len(sizes))
    # run the batches out of order, as separate workers would, then combine
    batches = [
        simulate_batch(legs, seed=seeds[i], index=i, size=sizes[i]) for i in reversed(range(3))
    ]
    split = combine_batches(legs, batches, seed=9)
    assert np.array_equal(split.time_h, whole.time_h)
    assert split.to_dict() == whole.to_dict()


def test_frames_and_dicts() -> None:
    legs = [TimedLeg("rail", (Triangular(5.0, 6.0, 9.0),), element_id="L1")]
    r = simulate(legs, samples=5000, seed=1, within_days=1, label="test")
    frame = r.to_frame()
    assert list(frame["name"]) == ["rail"]
    assert frame.loc[0, "element_id"] == "L1"
    d = r.to_dict()
    assert d["p90_days"] == pytest.approx(r.p90_h / 24)
    assert d["legs"][0]["variance_share"] == pytest.approx(1.0)
    # the 90th percentile by hand: linear interpolation between the order statistics
    # around position 0.9 (n - 1) of the sorted samples
    ordered = sorted(r.time_h)
    position = 0.9 * (len(ordered) - 1)
    low = int(position)
    by_hand = ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])
    assert r.percentile_h(90) == pytest.approx(by_hand, rel=1e-12)
    assert r.p90_h == pytest.approx(by_hand, rel=1e-12)


def test_bad_inputs_raise_actionable_errors() -> None:
    with pytest.raises(DataError, match="at least one sample"):
        simulate([TimedLeg("a", (Deterministic(1.0),))], samples=0)
    with pytest.raises(DataError, match="at least one leg"):
        simulate([], samples=10)
    with pytest.raises(DataError, match="low <= mode <= high"):
        Triangular(5.0, 4.0, 6.0)
    with pytest.raises(DataError, match="frequency_per_week"):
        UniformWait.from_frequency(0.0)
    with pytest.raises(DataError, match="seed"):
        simulate([TimedLeg("a", (Deterministic(1.0),))], samples=10, seed=-1)


def test_service_wait_moments_match_integration_and_samples() -> None:
    from scipy import integrate

    from instc.reliability.distributions import ServiceWait

    w = ServiceWait(0.5, 1.0, 2.0)
    freq = stats.triang(c=0.5 / 1.5, loc=0.5, scale=1.5)
    e1 = integrate.quad(lambda f: freq.pdf(f) / f, 0.5, 2.0, points=[1.0])[0]
    e2 = integrate.quad(lambda f: freq.pdf(f) / f**2, 0.5, 2.0, points=[1.0])[0]
    assert w.mean_h == pytest.approx(84.0 * e1, rel=1e-10)
    assert w.variance_h2 == pytest.approx(168.0**2 * e2 / 3 - (84.0 * e1) ** 2, rel=1e-10)
    x = w.sample(np.random.default_rng(4), 400_000)
    assert x.mean() == pytest.approx(w.mean_h, rel=0.01)
    assert x.var() == pytest.approx(w.variance_h2, rel=0.02)
    # Jensen: longer than the wait at the mean frequency
    assert w.mean_h > 84.0 / freq.mean()
    assert w.scaled(2.0).mean_h == pytest.approx(2 * w.mean_h)


def test_lognormal_refuses_a_mode_hugging_its_minimum() -> None:
    from instc.reliability.legs import time_distribution

    with pytest.raises(DataError, match="mode too close to the minimum"):
        Lognormal.from_low_mode_high(0.0, 0.01, 10.0)
    assert time_distribution(0.0, 0.01, 10.0, shape="lognormal").kind == "triangular"
