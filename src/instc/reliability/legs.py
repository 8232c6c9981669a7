"""Build legs from numbers: a (low, mode, high) time, a service frequency, a closure.

The network adapter and sweep definitions both describe a leg by plain numbers; this
module turns them into the declared distributions.

>>> leg = make_leg("Baku–Aktau", time_h=(20.0, 22.0, 30.0), frequency_per_week=1.0)
>>> leg.describe()
'triangular(20, 22, 30) h + uniform wait 0–168 h'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from instc._errors import DataError
from instc.reliability.distributions import (
    MAX_LOGNORMAL_SKEW,
    AnyDistribution,
    Closure,
    Deterministic,
    Lognormal,
    TimedLeg,
    Triangular,
    UniformWait,
)

__all__ = ["DEFAULT_HIGH_QUANTILE", "SHAPES", "make_leg", "time_distribution"]

SHAPES = ("triangular", "lognormal", "deterministic")
# Estimate: the "high" of a sourced dwell range ("peak season", "up to") is read as its
# P95, not a hard maximum. Overridden by parameter reliability.high_quantile.
DEFAULT_HIGH_QUANTILE = 0.95


def _triple(what: str, value: float | Sequence[float]) -> tuple[float, float, float]:
    if isinstance(value, int | float):
        v = float(value)
        return v, v, v
    values = [float(v) for v in value]
    if len(values) == 1:
        return values[0], values[0], values[0]
    if len(values) != 3:
        raise DataError(
            f"{what}: give one number (fixed) or three (low, mode, high), got {len(values)}"
        )
    return values[0], values[1], values[2]


def time_distribution(
    low_h: float | None,
    mode_h: float,
    high_h: float | None,
    *,
    shape: str = "triangular",
    high_quantile: float = DEFAULT_HIGH_QUANTILE,
) -> Deterministic | Triangular | Lognormal:
    """The distribution of a time known as (low, mode, high); missing bounds = the mode.

    ``shape="lognormal"`` fits a shifted lognormal when ``low < mode < high`` and falls
    back to a triangular otherwise (a lognormal cannot peak at its minimum, and one whose
    mode hugs its minimum has an artefact tail: see ``MAX_LOGNORMAL_SKEW``).

    >>> time_distribution(None, 5.0, None)
    Deterministic(value_h=5.0)
    >>> time_distribution(4.0, 4.0, 9.0, shape="lognormal").kind
    'triangular'
    """
    if shape not in SHAPES:
        raise DataError(f"unknown time distribution {shape!r} — use one of {', '.join(SHAPES)}")
    low = mode_h if low_h is None or math.isnan(low_h) else low_h
    high = mode_h if high_h is None or math.isnan(high_h) else high_h
    if shape == "deterministic" or low == high == mode_h:
        return Deterministic(mode_h)
    if (
        shape == "lognormal"
        and low < mode_h < high
        and (high - low) / (mode_h - low) <= (MAX_LOGNORMAL_SKEW)
    ):
        return Lognormal.from_low_mode_high(low, mode_h, high, high_quantile=high_quantile)
    return Triangular(low, mode_h, high)


def make_leg(
    name: str,
    *,
    time_h: float | Sequence[float],
    kind: str = "link",
    shape: str | None = None,
    frequency_per_week: float | None = None,
    closure_probability: float | None = None,
    closure_delay_h: float | Sequence[float] | None = None,
    element_id: str | None = None,
    basis: str = "source",
    high_quantile: float = DEFAULT_HIGH_QUANTILE,
) -> TimedLeg:
    """A leg from plain numbers.

    ``time_h`` is one number (fixed) or ``(low, mode, high)``. ``shape`` defaults to
    triangular for links and lognormal for dwell legs (borders, transfers). A
    ``frequency_per_week`` adds the uniform wait for the next departure; a
    ``closure_probability`` adds a weather hold of ``closure_delay_h``.
    """
    low, mode, high = _triple(f"leg {name!r} time_h", time_h)
    if shape is None:
        shape = "triangular" if kind == "link" else "lognormal"
    components: list[AnyDistribution] = [
        time_distribution(low, mode, high, shape=shape, high_quantile=high_quantile)
    ]
    if frequency_per_week is not None:
        components.append(UniformWait.from_frequency(frequency_per_week))
    if closure_probability:
        if closure_delay_h is None:
            raise DataError(
                f"leg {name!r}: closure_probability needs closure_delay_h — give the delay "
                "as one number or (low, mode, high)"
            )
        d_low, d_mode, d_high = _triple(f"leg {name!r} closure_delay_h", closure_delay_h)
        delay = time_distribution(d_low, d_mode, d_high, shape="triangular")
        components.append(Closure(closure_probability, delay))
    return TimedLeg(name, tuple(components), kind=kind, element_id=element_id, basis=basis)
