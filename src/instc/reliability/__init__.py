"""instc.reliability: Monte Carlo distributions of door-to-door transit time.

The generic core (:func:`simulate`) runs on a list of :class:`TimedLeg` objects, each a sum of
declared time distributions; :func:`reliability` builds those legs from a network and a
route. Importing this package loads numpy only.
"""

from __future__ import annotations

from instc.reliability.compare import (
    FamilyReliability,
    ReliabilityComparison,
    reliability_by_family,
)
from instc.reliability.distributions import (
    Closure,
    Deterministic,
    Distribution,
    Lognormal,
    ServiceWait,
    TimedLeg,
    Triangular,
    UniformWait,
)
from instc.reliability.legs import make_leg, time_distribution
from instc.reliability.montecarlo import simulate
from instc.reliability.parameters import ReliabilityParameters, reliability_parameters
from instc.reliability.results import LegReliability, ReliabilityResult
from instc.reliability.route import legs_from_route, reliability

__all__ = [
    "Closure",
    "Deterministic",
    "Distribution",
    "FamilyReliability",
    "LegReliability",
    "Lognormal",
    "ReliabilityComparison",
    "ReliabilityParameters",
    "ReliabilityResult",
    "ServiceWait",
    "TimedLeg",
    "Triangular",
    "UniformWait",
    "legs_from_route",
    "make_leg",
    "reliability",
    "reliability_by_family",
    "reliability_parameters",
    "simulate",
    "time_distribution",
]
