"""instc.reliability: Monte Carlo distributions of door-to-door transit time.

The generic core (:func:`simulate`) runs on a list of :class:`Leg` objects, each a sum of
declared time distributions; :func:`reliability` builds those legs from a network and a
route. Importing this package loads numpy only.
"""

from __future__ import annotations

from instc.reliability.distributions import (
    Closure,
    Deterministic,
    Distribution,
    Leg,
    Lognormal,
    Triangular,
    UniformWait,
)
from instc.reliability.montecarlo import simulate
from instc.reliability.results import LegReliability, ReliabilityResult

__all__ = [
    "Closure",
    "Deterministic",
    "Distribution",
    "Leg",
    "LegReliability",
    "Lognormal",
    "ReliabilityResult",
    "Triangular",
    "UniformWait",
    "simulate",
]
