"""Time distributions of the reliability model: a small declared set, all in hours.

Every distribution is a frozen dataclass with ``sample(rng, size)`` (vectorised numpy),
the analytic ``mean_h`` and ``variance_h2``, and ``quantile_h(q)``. A :class:`TimedLeg` is a
sum of independent components (moving time + waiting for a sailing + weather hold, or
a border dwell); legs of a route are independent of one another.

Fitting a right-skewed dwell from a sourced ``(low, mode, high)`` triple
----------------------------------------------------------------------------
:meth:`Lognormal.from_low_mode_high` uses a *shifted* lognormal
``X = low + exp(mu + sigma * Z)`` with ``Z ~ N(0, 1)``: ``low`` is the hard minimum, the
mode is ``low + exp(mu - sigma**2)`` and ``high`` is the ``high_quantile`` (P95 by
default) — sources quote a "normal" and a "peak" dwell, and a peak is exceeded now and
then, so ``high`` is not a maximum. Writing ``d = ln((high - low) / (mode - low))`` and
``z`` for the standard normal quantile, the two conditions give
``sigma**2 + z * sigma = d``, hence ``sigma = (-z + sqrt(z**2 + 4 d)) / 2`` and
``mu = ln(mode - low) + sigma**2``.

>>> d = Lognormal.from_low_mode_high(10.0, 12.0, 72.0)
>>> round(d.mode_h, 6), round(d.quantile_h(0.95), 6)
(12.0, 72.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from instc._errors import DataError
from instc.units import HOURS_PER_WEEK

__all__ = [
    "Closure",
    "Deterministic",
    "Distribution",
    "Lognormal",
    "ServiceWait",
    "TimedLeg",
    "Triangular",
    "UniformWait",
]

FloatArray = npt.NDArray[np.float64]
_STD_NORMAL = NormalDist()
# Largest (high - low) / (mode - low) a lognormal is fitted to: beyond it (sigma > 1.5
# with high = P95) the fitted tail is an artefact of a mode next to the minimum.
MAX_LOGNORMAL_SKEW = 100.0


@runtime_checkable
class Distribution(Protocol):
    """What the Monte Carlo engine needs from a time distribution (hours)."""

    kind: ClassVar[str]

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray: ...

    @property
    def mean_h(self) -> float: ...

    @property
    def variance_h2(self) -> float: ...

    def describe(self) -> str: ...

    def scaled(self, factor: float) -> Distribution: ...


def _check_finite(what: str, **values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value) or value < 0.0:
            raise DataError(
                f"{what}: {name}={value!r} must be a finite number >= 0 — "
                "fix the value in the data or the parameter"
            )


@dataclass(frozen=True)
class Deterministic:
    """A fixed time: no spread.

    >>> Deterministic(5.0).variance_h2
    0.0
    """

    value_h: float
    kind: ClassVar[str] = "deterministic"

    def __post_init__(self) -> None:
        _check_finite("deterministic time", value_h=self.value_h)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.full(size, self.value_h, dtype=np.float64)

    @property
    def mean_h(self) -> float:
        return self.value_h

    @property
    def variance_h2(self) -> float:
        return 0.0

    def quantile_h(self, q: float) -> float:
        return self.value_h

    def describe(self) -> str:
        return f"fixed {self.value_h:.4g} h"

    def scaled(self, factor: float) -> Deterministic:
        return Deterministic(self.value_h * factor)


@dataclass(frozen=True)
class Triangular:
    """Triangular on ``[low_h, high_h]`` with its peak at ``mode_h`` (bounded times).

    >>> round(Triangular(0.0, 0.0, 2.0).quantile_h(0.75), 6)
    1.0
    """

    low_h: float
    mode_h: float
    high_h: float
    kind: ClassVar[str] = "triangular"

    def __post_init__(self) -> None:
        _check_finite("triangular time", low_h=self.low_h, mode_h=self.mode_h, high_h=self.high_h)
        if not self.low_h <= self.mode_h <= self.high_h:
            raise DataError(
                f"triangular time: need low <= mode <= high, got "
                f"({self.low_h}, {self.mode_h}, {self.high_h}) — fix the _low/_high columns"
            )

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        if self.high_h == self.low_h:
            return np.full(size, self.mode_h, dtype=np.float64)
        return rng.triangular(self.low_h, self.mode_h, self.high_h, size)

    @property
    def mean_h(self) -> float:
        return (self.low_h + self.mode_h + self.high_h) / 3.0

    @property
    def variance_h2(self) -> float:
        a, c, b = self.low_h, self.mode_h, self.high_h
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0

    def quantile_h(self, q: float) -> float:
        a, c, b = self.low_h, self.mode_h, self.high_h
        if b == a:
            return c
        f = (c - a) / (b - a)
        if q < f:
            return a + math.sqrt(q * (b - a) * (c - a))
        return b - math.sqrt((1.0 - q) * (b - a) * (b - c))

    def describe(self) -> str:
        return f"triangular({self.low_h:.4g}, {self.mode_h:.4g}, {self.high_h:.4g}) h"

    def scaled(self, factor: float) -> Triangular:
        return Triangular(self.low_h * factor, self.mode_h * factor, self.high_h * factor)


@dataclass(frozen=True)
class Lognormal:
    """Shifted lognormal ``shift_h + exp(mu + sigma * Z)`` (right-skewed dwell, queues)."""

    shift_h: float
    mu: float
    sigma: float
    kind: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        _check_finite("lognormal time", shift_h=self.shift_h, sigma=self.sigma)
        if not math.isfinite(self.mu):
            raise DataError(f"lognormal time: mu={self.mu!r} must be finite")

    @classmethod
    def from_low_mode_high(
        cls, low_h: float, mode_h: float, high_h: float, *, high_quantile: float = 0.95
    ) -> Lognormal:
        """Fit to a minimum, a mode and the ``high_quantile`` (method in the module doc)."""
        _check_finite("lognormal time", low_h=low_h, mode_h=mode_h, high_h=high_h)
        if not low_h < mode_h < high_h:
            raise DataError(
                f"lognormal fit needs low < mode < high, got ({low_h}, {mode_h}, {high_h}) — "
                "use a triangular or fixed time when the range is degenerate"
            )
        if not 0.5 < high_quantile < 1.0:
            raise DataError(
                f"lognormal fit: high_quantile={high_quantile} must lie in (0.5, 1) — "
                "fix reliability.high_quantile"
            )
        if (high_h - low_h) / (mode_h - low_h) > MAX_LOGNORMAL_SKEW:
            raise DataError(
                f"lognormal fit: ({low_h}, {mode_h}, {high_h}) puts the mode too close to the "
                f"minimum ((high - low) / (mode - low) > {MAX_LOGNORMAL_SKEW:g}) — use a "
                "triangular time or check the range"
            )
        z = _STD_NORMAL.inv_cdf(high_quantile)
        d = math.log((high_h - low_h) / (mode_h - low_h))
        sigma = (-z + math.sqrt(z * z + 4.0 * d)) / 2.0
        mu = math.log(mode_h - low_h) + sigma * sigma
        return cls(low_h, mu, sigma)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        out = rng.standard_normal(size)
        out *= self.sigma
        out += self.mu
        np.exp(out, out=out)
        out += self.shift_h
        return out

    @property
    def mode_h(self) -> float:
        return self.shift_h + math.exp(self.mu - self.sigma**2)

    @property
    def mean_h(self) -> float:
        return self.shift_h + math.exp(self.mu + self.sigma**2 / 2.0)

    @property
    def variance_h2(self) -> float:
        s2 = self.sigma**2
        return math.expm1(s2) * math.exp(2.0 * self.mu + s2)

    def quantile_h(self, q: float) -> float:
        if q <= 0.0:
            return self.shift_h
        if q >= 1.0:
            return math.inf
        return self.shift_h + math.exp(self.mu + self.sigma * _STD_NORMAL.inv_cdf(q))

    def describe(self) -> str:
        return (
            f"lognormal(min {self.shift_h:.4g}, mode {self.mode_h:.4g}, "
            f"P95 {self.quantile_h(0.95):.4g}) h"
        )

    def scaled(self, factor: float) -> Lognormal | Deterministic:
        if factor == 0.0:
            return Deterministic(0.0)
        return Lognormal(self.shift_h * factor, self.mu + math.log(factor), self.sigma)


@dataclass(frozen=True)
class UniformWait:
    """Waiting for a scheduled departure when arriving at a random moment.

    Uniform on ``[0, headway_h]``; ``headway_h = 168 / frequency_per_week``.

    >>> UniformWait.from_frequency(2.0).mean_h
    42.0
    """

    headway_h: float
    kind: ClassVar[str] = "uniform_wait"

    def __post_init__(self) -> None:
        _check_finite("service headway", headway_h=self.headway_h)

    @classmethod
    def from_frequency(cls, frequency_per_week: float) -> UniformWait:
        if not (math.isfinite(frequency_per_week) and frequency_per_week > 0.0):
            raise DataError(
                f"service frequency_per_week={frequency_per_week!r} must be > 0 — "
                "fix the services row"
            )
        return cls(HOURS_PER_WEEK / frequency_per_week)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        out = rng.random(size)
        out *= self.headway_h
        return out

    @property
    def mean_h(self) -> float:
        return self.headway_h / 2.0

    @property
    def variance_h2(self) -> float:
        return self.headway_h**2 / 12.0

    def quantile_h(self, q: float) -> float:
        return q * self.headway_h

    def describe(self) -> str:
        return f"uniform wait 0–{self.headway_h:.4g} h"

    def scaled(self, factor: float) -> UniformWait:
        return UniformWait(self.headway_h * factor)


@dataclass(frozen=True)
class Closure:
    """A stoppage that happens with ``probability`` and then adds ``delay`` (hours).

    Used for weather holds of Caspian sailings: a Bernoulli draw per trip, then a draw
    of the delay for the trips that are held.

    >>> c = Closure(0.5, Deterministic(10.0))
    >>> c.mean_h, c.variance_h2
    (5.0, 25.0)
    """

    probability: float
    delay: Deterministic | Triangular | Lognormal | UniformWait
    kind: ClassVar[str] = "closure"

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise DataError(
                f"closure probability={self.probability!r} must lie in [0, 1] — "
                "fix reliability.caspian_closure"
            )

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        held = rng.random(size) < self.probability
        out = np.zeros(size, dtype=np.float64)
        n_held = int(held.sum())
        if n_held:
            out[held] = self.delay.sample(rng, n_held)
        return out

    @property
    def mean_h(self) -> float:
        return self.probability * self.delay.mean_h

    @property
    def variance_h2(self) -> float:
        p, m = self.probability, self.delay.mean_h
        return p * (self.delay.variance_h2 + m * m) - (p * m) ** 2

    def describe(self) -> str:
        return f"hold p={self.probability:.3g} × {self.delay.describe()}"

    def scaled(self, factor: float) -> Closure:
        """Scale the delay (not the probability)."""
        return Closure(self.probability, self.delay.scaled(factor))


@dataclass(frozen=True)
class ServiceWait:
    """Waiting for a departure when the frequency itself is uncertain.

    The frequency ``F`` (per week) is triangular on ``[low, high]`` with its peak at
    ``mode`` (a sourced range of ``frequency_per_week``); given ``F`` the wait is uniform
    on ``[0, 168 / F]``. Mean and variance come from Gauss–Legendre quadrature of
    ``E[1/F]`` and ``E[1/F**2]`` (``E[W] = 84 E[1/F]``, ``E[W**2] = 168**2 E[1/F**2] / 3``).

    >>> w = ServiceWait(1.0, 1.0, 1.0)
    >>> round(w.mean_h, 9), round(w.variance_h2, 6)
    (84.0, 2352.0)
    """

    low_per_week: float
    mode_per_week: float
    high_per_week: float
    kind: ClassVar[str] = "service_wait"

    def __post_init__(self) -> None:
        lo, mo, hi = self.low_per_week, self.mode_per_week, self.high_per_week
        if not (math.isfinite(lo) and 0.0 < lo <= mo <= hi and math.isfinite(hi)):
            raise DataError(
                f"service frequency range ({lo}, {mo}, {hi}) per week needs "
                "0 < low <= mode <= high — fix frequency_per_week_low/_high"
            )

    def _frequency(self) -> Triangular:
        return Triangular(self.low_per_week, self.mode_per_week, self.high_per_week)

    def _inverse_moment(self, power: int) -> float:
        """E[F**-power] of the triangular frequency, by quadrature on each side of the mode."""
        a, c, b = self.low_per_week, self.mode_per_week, self.high_per_week
        if a == b:
            return float(a ** (-power))
        nodes, weights = np.polynomial.legendre.leggauss(64)
        total = 0.0
        for lo, hi in ((a, c), (c, b)):
            if hi <= lo:
                continue
            x = 0.5 * (hi - lo) * nodes + 0.5 * (hi + lo)
            pdf = np.where(x < c, 2 * (x - a) / ((b - a) * (c - a or 1.0)), 0.0) + np.where(
                x >= c, 2 * (b - x) / ((b - a) * (b - c or 1.0)), 0.0
            )
            total += 0.5 * (hi - lo) * float(np.sum(weights * pdf * x ** (-power)))
        return total

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        frequency = self._frequency().sample(rng, size)
        out = rng.random(size)
        out *= HOURS_PER_WEEK
        out /= frequency
        return out

    @property
    def mean_h(self) -> float:
        return HOURS_PER_WEEK / 2.0 * self._inverse_moment(1)

    @property
    def variance_h2(self) -> float:
        second = HOURS_PER_WEEK**2 / 3.0 * self._inverse_moment(2)
        return second - self.mean_h**2

    def describe(self) -> str:
        return (
            f"wait for a departure, {self.low_per_week:.3g}–{self.high_per_week:.3g}/week "
            f"(mode {self.mode_per_week:.3g})"
        )

    def scaled(self, factor: float) -> ServiceWait | Deterministic:
        """Waits ``factor`` times as long: frequencies divided by ``factor``."""
        if factor == 0.0:
            return Deterministic(0.0)
        return ServiceWait(
            self.low_per_week / factor, self.mode_per_week / factor, self.high_per_week / factor
        )


AnyDistribution = Deterministic | Triangular | Lognormal | UniformWait | ServiceWait | Closure


@dataclass(frozen=True)
class TimedLeg:
    """One leg of a door-to-door chain: a sum of independent time components.

    ``kind`` says what the leg is ("link", "transfer", "border", "wait", ...),
    ``element_id`` which data row it comes from, and ``basis`` whether its spread is
    read in a source ("source"), derived from sourced numbers ("derived") or an
    estimate of this module ("estimate").

    >>> leg = TimedLeg("Baku–Aktau", (Deterministic(22.0), UniformWait(48.0)))
    >>> leg.mean_h, leg.variance_h2
    (46.0, 192.0)
    """

    name: str
    components: tuple[AnyDistribution, ...]
    kind: str = "link"
    element_id: str | None = None
    basis: str = "source"

    def __post_init__(self) -> None:
        if not self.components:
            raise DataError(f"leg {self.name!r} has no time components — give at least one")

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        first, *rest = self.components
        out = first.sample(rng, size)  # every sample() returns a fresh array
        for component in rest:
            out += component.sample(rng, size)
        return out

    @property
    def mean_h(self) -> float:
        return float(sum(c.mean_h for c in self.components))

    @property
    def variance_h2(self) -> float:
        return float(sum(c.variance_h2 for c in self.components))

    @property
    def is_deterministic(self) -> bool:
        return all(c.variance_h2 == 0.0 for c in self.components)

    def describe(self) -> str:
        return " + ".join(c.describe() for c in self.components)

    def scaled(self, factor: float) -> TimedLeg:
        """The same leg with every time multiplied by ``factor`` (>= 0).

        >>> TimedLeg("border", (Triangular(10.0, 12.0, 20.0),)).scaled(1.5).mean_h
        21.0
        """
        if not (math.isfinite(factor) and factor >= 0.0):
            raise DataError(f"time factor {factor!r} must be a finite number >= 0")
        return replace(self, components=tuple(c.scaled(factor) for c in self.components))
