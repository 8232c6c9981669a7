"""Frozen results of an assignment: link flows, costs and the convergence history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["AssignmentResult", "IterationRecord", "RouteChoice", "UnreachablePair"]


@dataclass(frozen=True)
class IterationRecord:
    """One iteration: the state *after* ``iteration`` updates of the flows.

    ``relative_gap`` comes from a fresh shortest-path computation at these flows
    (iteration 0 is the all-or-nothing load at free-flow costs). ``objective`` is the
    Beckmann function,
    ``total_cost`` the sum of flow x generalized cost, ``step_size`` the step that led
    here, ``direction`` the kind of step ("aon", "msa", "fw", "cfw", "bfw"),
    ``seconds`` the time since the start.
    """

    iteration: int
    relative_gap: float
    objective: float
    total_cost: float
    step_size: float
    direction: str
    seconds: float


@dataclass(frozen=True)
class UnreachablePair:
    """Demand that has no path: class, origin and destination zone labels, amount."""

    user_class: str
    origin: str
    destination: str
    demand: float


@dataclass(frozen=True, eq=False)
class RouteChoice:
    """The route set of one class and OD under logit route choice, at the end of the
    assignment: each route's link indices, its path size, the logit's ``theta`` (1 per
    unit of the network's cost) and the route's cost (the network's cost unit, at the
    final flows)."""

    user_class: str
    origin: int  # zone index
    destination: int
    routes: tuple[tuple[int, ...], ...]
    path_size: np.ndarray = field(repr=False)
    theta: float
    costs: np.ndarray = field(repr=False)


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """The outcome of :func:`instc.assignment.assign`.

    ``flows`` is the total link flow in capacity units (PCE-weighted);
    ``class_flows`` maps each class to its link flows in its own unit. ``costs`` is the
    generalized link cost (time + fixed cost) and ``times`` the VDF time at ``flows``.
    Unreachable demand is never loaded and never dropped silently: it is totalled in
    ``unreachable_demand`` (PCE-weighted) and listed in ``unreachable_pairs``.
    ``route_choices``: under logit route choice, each class and OD's route set
    (:class:`RouteChoice`); empty for a user equilibrium.
    """

    network: str
    method: str
    flows: np.ndarray = field(repr=False)
    class_flows: Mapping[str, np.ndarray] = field(repr=False)
    costs: np.ndarray = field(repr=False)
    times: np.ndarray = field(repr=False)
    history: tuple[IterationRecord, ...] = field(repr=False)
    converged: bool
    target_gap: float
    unreachable_demand: float
    unreachable_pairs: tuple[UnreachablePair, ...] = field(repr=False)
    intrazonal_demand: float
    seconds: float
    link_frame: pd.DataFrame | None = field(default=None, repr=False)
    route_choices: tuple[RouteChoice, ...] = field(default=(), repr=False)

    @property
    def iterations(self) -> int:
        """Number of flow updates after the initial all-or-nothing load."""
        return self.history[-1].iteration

    @property
    def relative_gap(self) -> float:
        return self.history[-1].relative_gap

    @property
    def objective(self) -> float:
        return self.history[-1].objective

    @property
    def total_cost(self) -> float:
        return self.history[-1].total_cost

    def history_frame(self) -> pd.DataFrame:
        """The convergence history, one row per iteration."""
        return pd.DataFrame([vars(r) for r in self.history])

    def to_frame(self) -> pd.DataFrame:
        """One row per link: endpoints, flow, per-class flows, time, cost, v/c ratio."""
        frame = (
            self.link_frame.copy()
            if self.link_frame is not None
            else pd.DataFrame(index=pd.RangeIndex(self.flows.shape[0]))
        )
        frame["flow"] = self.flows
        if len(self.class_flows) > 1:
            for name, values in self.class_flows.items():
                frame[f"flow_{name}"] = values
        frame["time"] = self.times
        frame["cost"] = self.costs
        if "capacity" in frame:
            with np.errstate(divide="ignore", invalid="ignore"):
                frame["volume_capacity_ratio"] = np.where(
                    frame["capacity"] > 0, self.flows / frame["capacity"], np.nan
                )
        return frame

    def to_dict(self) -> dict[str, object]:
        """The headline numbers (the CLI's ``--json``); per-link values: :meth:`to_frame`."""
        return {
            "network": self.network,
            "algorithm": self.method,
            "iterations": self.iterations,
            "relative_gap": self.relative_gap,
            "objective": self.objective,
            "total_cost": self.total_cost,
            "seconds": self.seconds,
            "converged": self.converged,
            "unreachable_demand": self.unreachable_demand,
            "unreachable_pairs": len(self.unreachable_pairs),
        }
