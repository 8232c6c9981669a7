"""Equilibrium assignment: VDFs, shortest paths, AON, MSA, FW, CFW, BFW and path-size logit.

Start with :func:`assign`; build networks with :meth:`AssignmentNetwork.from_arrays`
or from TNTP folders with :func:`load_tntp`. Importing this package compiles nothing:
the numba kernels load on the first shortest-path call.
"""

from __future__ import annotations

from instc.assignment.equilibrium import METHODS, assign, beckmann_objective, link_costs
from instc.assignment.logit import logit_assign
from instc.assignment.network import AssignmentNetwork, UserClass
from instc.assignment.paths import all_or_nothing, relative_gap, skim, skim_scipy
from instc.assignment.results import AssignmentResult, IterationRecord, UnreachablePair

__all__ = [
    "METHODS",
    "AssignmentNetwork",
    "AssignmentResult",
    "IterationRecord",
    "UnreachablePair",
    "UserClass",
    "all_or_nothing",
    "assign",
    "beckmann_objective",
    "link_costs",
    "load_tntp",
    "logit_assign",
    "relative_gap",
    "skim",
    "skim_scipy",
]


def __getattr__(name: str) -> object:
    # the TNTP adapter imports instc.network; load it only when asked for
    if name == "load_tntp":
        from instc.assignment.tntp import load_tntp

        return load_tntp
    raise AttributeError(name)
