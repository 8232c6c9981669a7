"""Static user equilibrium: AON, MSA, Frank–Wolfe, conjugate and bi-conjugate FW.

All classes share link capacity. Internally each class's flow is kept in capacity
units (its demand times its PCE): every class then sees the same link cost
``c(v) = t(v) + fixed_cost`` of the total flow ``v``, so the equilibrium solves one
convex program, the multi-class Beckmann problem

    min  sum_a [ integral_0^{v_a} t_a(u) du + fixed_a * v_a ],   v = sum_k x_k,

over the class path flows that meet each class's demand on its permitted links, plus
``sum_k sum_a f_ka x_ka`` when class ``k`` pays its own per-link cost ``f_k`` (then
class ``k`` sees ``c(v) + f_k``; a linear term keeps the program convex).

Each iteration runs one all-or-nothing load per class at the current flows. Its
shortest-path costs give the relative gap of the *current* flows,
``(sum_a v_a c_a - sum_k sum_od d_od SP_od) / sum_a v_a c_a`` (fresh paths, not the
algorithm's bookkeeping), and its load is the Frank–Wolfe target. Directions:

- ``msa``: step 1 / (k + 1) towards the AON target;
- ``fw``: exact line search towards the AON target;
- ``cfw``: the target is mixed with the previous one so that the direction is
  conjugate to the previous direction w.r.t. the Hessian ``diag(c'(v))``;
- ``bfw``: conjugate to the two previous directions (Mitradjieva & Lindberg 2013,
  "The stiff is moving — conjugate direction Frank–Wolfe methods with applications to
  traffic assignment", Transportation Science 47(2), 280–293).

Conjugate directions fall back to FW when their coefficients are not admissible or do
not descend. The step is an exact line search on the Beckmann objective (safeguarded
Newton on its derivative, bracketed by bisection).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from instc._errors import DataError
from instc.assignment import vdf as _vdf
from instc.assignment.network import AssignmentNetwork, UserClass
from instc.assignment.paths import all_or_nothing
from instc.assignment.results import AssignmentResult, IterationRecord, UnreachablePair

__all__ = ["METHODS", "assign", "beckmann_objective", "link_costs"]

METHODS = ("aon", "msa", "fw", "cfw", "bfw")
_CONJUGATE_CAP = 1.0 - 1e-6  # CFW mixing weight below 1 (M&L 2013 use 1 - delta)

Progress = Callable[[IterationRecord], None]


def _params(network: AssignmentNetwork) -> tuple[np.ndarray, ...]:
    return (
        network.free_flow_time,
        network.capacity,
        network.alpha,
        network.beta,
        network.is_conical,
    )


def link_times(network: AssignmentNetwork, flows: np.ndarray) -> np.ndarray:
    """VDF time of every link at total ``flows``."""
    return _vdf.link_time(flows, *_params(network))


def link_costs(network: AssignmentNetwork, flows: np.ndarray) -> np.ndarray:
    """Generalized cost of every link at total ``flows``: time plus the fixed cost."""
    return link_times(network, flows) + network.fixed_cost


def _derivative(network: AssignmentNetwork, flows: np.ndarray) -> np.ndarray:
    return _vdf.link_derivative(flows, *_params(network))


def beckmann_objective(network: AssignmentNetwork, flows: np.ndarray) -> float:
    """The Beckmann function at total ``flows`` (fixed cost term included).

    >>> net = AssignmentNetwork.from_arrays(from_node=[0], to_node=[1],
    ...     free_flow_time=[10.0], capacity=[100.0], alpha=0.15, beta=4.0, zone_nodes=[0, 1])
    >>> round(beckmann_objective(net, np.array([100.0])), 6)  # 10 (100 + 0.15 * 100 / 5)
    1030.0
    """
    integral = _vdf.link_integral(flows, *_params(network))
    return float(np.sum(integral) + np.dot(network.fixed_cost, flows))


def _line_search(
    network: AssignmentNetwork, v: np.ndarray, dv: np.ndarray, extra_slope: float = 0.0
) -> float:
    """argmin over [0, 1] of the Beckmann objective along ``v + tau dv``.

    ``extra_slope`` is the constant derivative of the class-specific linear cost terms
    along the direction.
    """
    active = dv != 0
    if not np.any(active):
        return 0.0 if extra_slope >= 0 else 1.0
    params = [p[active] for p in _params(network)]
    fixed = network.fixed_cost[active]
    va, da = v[active], dv[active]

    def slope(tau: float) -> tuple[float, float]:
        x = np.maximum(va + tau * da, 0.0)
        t = _vdf.link_time(x, *params)
        dt = _vdf.link_derivative(x, *params)
        return float(np.dot(t + fixed, da)) + extra_slope, float(np.dot(dt, da * da))

    g0, _ = slope(0.0)
    if g0 >= 0:
        return 0.0
    g1, _ = slope(1.0)
    if g1 <= 0:
        return 1.0
    lo, hi = 0.0, 1.0
    tau = g0 / (g0 - g1)  # secant start inside the bracket
    scale = abs(g0)
    for _ in range(100):
        g, h = slope(tau)
        if g > 0:
            hi = tau
        else:
            lo = tau
        if abs(g) <= 1e-13 * scale or hi - lo <= 1e-15:
            break
        new = tau - g / h if h > 0 else 0.5 * (lo + hi)
        if not lo < new < hi:
            new = 0.5 * (lo + hi)
        tau = new
    return tau


def _as_classes(
    network: AssignmentNetwork, demand: np.ndarray | UserClass | Sequence[UserClass]
) -> list[UserClass]:
    if isinstance(demand, UserClass):
        classes = [demand]
    elif isinstance(demand, np.ndarray):
        classes = [UserClass("all", demand)]
    else:
        classes = list(demand)
        if not classes or not all(isinstance(c, UserClass) for c in classes):
            raise DataError("demand must be a matrix, a UserClass or a list of UserClass")
    names = [c.name for c in classes]
    if len(set(names)) != len(names):
        raise DataError(f"user class names must be unique, got {names}")
    return [c.checked(network) for c in classes]


@dataclass
class _State:
    """Per-class flows in capacity units and the previous conjugate targets."""

    x: list[np.ndarray]
    s1: list[np.ndarray] | None = None
    s2: list[np.ndarray] | None = None
    tau1: float = 0.0


def _total(parts: Sequence[np.ndarray]) -> np.ndarray:
    out = np.array(parts[0], copy=True)
    for p in parts[1:]:
        out += p
    return out


def _conjugate_target(
    method: str,
    state: _State,
    y: list[np.ndarray],
    v: np.ndarray,
    hess: np.ndarray,
) -> tuple[list[np.ndarray], str]:
    """The target point s_k of CFW/BFW (M&L 2013, section 3), or the AON point."""
    if method in ("fw", "msa") or state.s1 is None or state.tau1 <= 0.0:
        return y, "fw"
    y_t, s1_t = _total(y), _total(state.s1)
    d_fw = y_t - v
    if method == "bfw" and state.s2 is not None and state.tau1 < 1.0:
        s2_t = _total(state.s2)
        tau = state.tau1
        d_bar = s1_t - v
        dd_bar = tau * s1_t - v + (1.0 - tau) * s2_t
        den_mu = float(np.dot(dd_bar * hess, s2_t - s1_t))
        den_nu = float(np.dot(d_bar * hess, d_bar))
        if den_mu != 0.0 and den_nu != 0.0:
            mu = -float(np.dot(dd_bar * hess, d_fw)) / den_mu
            nu = -float(np.dot(d_bar * hess, d_fw)) / den_nu + mu * tau / (1.0 - tau)
            if np.isfinite(mu) and np.isfinite(nu) and mu >= 0.0 and nu >= 0.0:
                b0 = 1.0 / (1.0 + mu + nu)
                b1, b2 = nu * b0, mu * b0
                s = [
                    b0 * yk + b1 * s1k + b2 * s2k
                    for yk, s1k, s2k in zip(y, state.s1, state.s2, strict=True)
                ]
                return s, "bfw"
    # conjugate FW: s = a s1 + (1 - a) y with (s - x) H-conjugate to (s1 - x)
    d_prev = s1_t - v
    num = float(np.dot(d_prev * hess, d_fw))
    den = float(np.dot(d_prev * hess, y_t - s1_t))
    alpha = num / den if den != 0.0 else 0.0
    if not np.isfinite(alpha) or alpha < 0.0:
        alpha = 0.0
    alpha = min(alpha, _CONJUGATE_CAP)
    if alpha == 0.0:
        return y, "fw"
    return [alpha * s1k + (1.0 - alpha) * yk for s1k, yk in zip(state.s1, y, strict=True)], "cfw"


def assign(
    network: AssignmentNetwork,
    demand: np.ndarray | UserClass | Sequence[UserClass],
    *,
    method: str = "bfw",
    gap: float = 1e-4,
    max_iter: int = 1000,
    progress: Progress | None = None,
) -> AssignmentResult:
    """Static user equilibrium of ``demand`` on ``network``.

    ``demand`` is a zones x zones matrix (one class) or :class:`UserClass` objects
    sharing capacity. Stops when the relative gap reaches ``gap`` or after ``max_iter``
    flow updates; ``progress`` is called with each :class:`IterationRecord`.

    >>> net = AssignmentNetwork.from_arrays(from_node=[0, 0], to_node=[1, 1],
    ...     free_flow_time=[10.0, 10.0], capacity=[100.0, 50.0], zone_nodes=[0, 1])
    >>> res = assign(net, np.array([[0.0, 300.0], [0.0, 0.0]]), gap=1e-10)
    >>> res.flows.round(3).tolist()  # equal times: 200 and 100 (capacity ratio)
    [200.0, 100.0]
    """
    if method not in METHODS:
        raise DataError(f"unknown method {method!r} — use one of {', '.join(METHODS)}")
    if not gap >= 0:
        raise DataError(f"gap must be >= 0, got {gap}")
    if max_iter < 0:
        raise DataError(f"max_iter must be >= 0, got {max_iter}")
    classes = _as_classes(network, demand)
    start = time.perf_counter()

    loads = [uc.demand * uc.pce for uc in classes]
    for d in loads:
        np.fill_diagonal(d, 0.0)
    origins = [np.flatnonzero(d.sum(axis=1) > 0) for d in loads]
    intrazonal = float(sum(np.trace(uc.demand) * uc.pce for uc in classes))

    def masked(uc: UserClass, cost: np.ndarray) -> np.ndarray:
        if uc.fixed_cost is not None:
            cost = cost + uc.fixed_cost
        return cost if uc.permitted is None else np.where(uc.permitted, cost, np.inf)

    def class_linear(flows: Sequence[np.ndarray]) -> float:
        # the class-specific fixed costs, a linear term of the objective (PCE flows)
        return sum(
            (
                float(np.dot(uc.fixed_cost, f))
                for uc, f in zip(classes, flows, strict=True)
                if uc.fixed_cost is not None
            ),
            0.0,
        )

    def objective(flows: Sequence[np.ndarray]) -> float:
        return beckmann_objective(network, _total(flows)) + class_linear(flows)

    def aon(cost: np.ndarray) -> tuple[list[np.ndarray], float]:
        flows, best = [], 0.0
        for uc, d, orig in zip(classes, loads, origins, strict=True):
            f, sp = all_or_nothing(network, masked(uc, cost), d, origins=orig)
            flows.append(f)
            sub = d[orig]
            ok = np.isfinite(sp) & (sub > 0)
            best += float(np.sum(sub[ok] * sp[ok]))
        return flows, best

    # free-flow load; reachability does not depend on flows, so report it once here
    zero = np.zeros(network.n_links)
    free_cost = link_costs(network, zero)
    unreachable: list[UnreachablePair] = []
    unreachable_total = 0.0
    x: list[np.ndarray] = []
    for uc, d, orig in zip(classes, loads, origins, strict=True):
        f, sp = all_or_nothing(network, masked(uc, free_cost), d, origins=orig)
        x.append(f)
        sub = d[orig]
        bad = np.argwhere(~np.isfinite(sp) & (sub > 0))
        for k, j in bad:
            o = int(orig[k])
            unreachable.append(
                UnreachablePair(
                    uc.name,
                    network.label(int(network.zone_nodes[o])),
                    network.label(int(network.zone_nodes[j])),
                    float(uc.demand[o, j]),
                )
            )
            unreachable_total += float(sub[k, j])

    state = _State(x=x)

    def _move(target: list[np.ndarray], step: float) -> list[np.ndarray]:
        return [xk + step * (sk - xk) for xk, sk in zip(state.x, target, strict=True)]

    def _step(target: list[np.ndarray]) -> float:
        direction = [sk - xk for sk, xk in zip(target, state.x, strict=True)]
        return _line_search(network, _total(state.x), _total(direction), class_linear(direction))

    history: list[IterationRecord] = []
    k, step, direction = 0, float("nan"), "aon"
    while True:
        v = _total(state.x)
        cost = link_costs(network, v)
        y, best = aon(cost)
        total_cost = float(np.dot(v, cost)) + class_linear(state.x)
        rel_gap = (total_cost - best) / total_cost if total_cost > 0 else 0.0
        record = IterationRecord(
            iteration=k,
            relative_gap=rel_gap,
            objective=objective(state.x),
            total_cost=total_cost,
            step_size=step,
            direction=direction,
            seconds=time.perf_counter() - start,
        )
        history.append(record)
        if progress is not None:
            progress(record)
        if method == "aon" or rel_gap <= gap or k >= max_iter:
            break
        k += 1
        if method == "msa":
            target, direction = y, "msa"
            step = 1.0 / (k + 1)
        else:
            hess = _derivative(network, v) if method in ("cfw", "bfw") else zero
            target, direction = _conjugate_target(method, state, y, v, hess)
            step = _step(target)
            if direction != "fw":
                # safeguard: a conjugate target that has drifted next to the previous one
                # can jam (tiny steps, no progress); take the FW step when it does better
                step_fw = _step(y)
                if objective(_move(y, step_fw)) < objective(_move(target, step)):
                    target, direction, step = y, "fw", step_fw
        new_x = _move(target, step)
        if direction == "fw":
            state.s2 = None
        else:
            state.s2 = state.s1
        state.s1, state.tau1, state.x = target, step, new_x

    v = _total(state.x)
    times = link_times(network, v)
    return AssignmentResult(
        network=network.name,
        method=method,
        flows=v,
        class_flows={uc.name: xk / uc.pce for uc, xk in zip(classes, state.x, strict=True)},
        costs=times + network.fixed_cost,
        times=times,
        history=tuple(history),
        converged=history[-1].relative_gap <= gap,
        target_gap=gap,
        unreachable_demand=unreachable_total,
        unreachable_pairs=tuple(unreachable),
        intrazonal_demand=intrazonal,
        seconds=time.perf_counter() - start,
        link_frame=_link_frame(network),
    )


def _link_frame(network: AssignmentNetwork) -> pd.DataFrame:
    ids = network.node_ids
    a = network.from_node if ids is None else ids[network.from_node]
    b = network.to_node if ids is None else ids[network.to_node]
    return pd.DataFrame(
        {
            "from_node": a,
            "to_node": b,
            "free_flow_time": network.free_flow_time,
            "capacity": network.capacity,
            "fixed_cost": network.fixed_cost,
        }
    )
