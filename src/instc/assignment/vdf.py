"""Link performance (volume-delay) functions: BPR and conical.

Each function is vectorised over links and comes with its derivative (for the
conjugate Frank–Wolfe directions and Newton line search) and its integral from 0 to
the flow (for the Beckmann objective). Time units are those of ``free_flow_time``.

BPR (Bureau of Public Roads 1964): ``t(v) = t0 (1 + alpha (v / cap) ** beta)``.
With ``alpha = 0`` or ``beta = 0`` the time is constant (TNTP Barcelona connectors use
``b = power = 0``; ChicagoSketch connectors have ``t0 = 0``).

Conical (Spiess 1990, Transportation Science 24(2)): with ``x = v / cap`` and
``b = (2 alpha - 1) / (2 alpha - 2)``,
``t(v) = t0 (2 + sqrt(alpha^2 (1 - x)^2 + b^2) - alpha (1 - x) - b)``; ``alpha > 1``.

>>> import numpy as np
>>> t0, cap = np.array([10.0]), np.array([100.0])
>>> float(bpr_time(np.array([100.0]), t0, cap, np.array([0.15]), np.array([4.0]))[0])
11.5
>>> round(float(conical_time(np.array([100.0]), t0, cap, np.array([4.0]))[0]), 12)
20.0
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "VDF_NAMES",
    "bpr_derivative",
    "bpr_integral",
    "bpr_time",
    "conical_derivative",
    "conical_integral",
    "conical_time",
    "link_derivative",
    "link_integral",
    "link_time",
]

VDF_NAMES = ("bpr", "conical")

FloatArray = np.ndarray


def _ratio_power(flow: FloatArray, capacity: FloatArray, beta: FloatArray) -> FloatArray:
    # (v / cap) ** beta with 0 ** 0 = 1 (numpy's convention) and no 0-capacity division
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.power(np.where(capacity > 0, flow / capacity, 0.0), beta)


def bpr_time(
    flow: FloatArray,
    free_flow_time: FloatArray,
    capacity: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
) -> FloatArray:
    """BPR link time at ``flow``."""
    return free_flow_time * (1.0 + alpha * _ratio_power(flow, capacity, beta))


def bpr_derivative(
    flow: FloatArray,
    free_flow_time: FloatArray,
    capacity: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
) -> FloatArray:
    """d t / d v of BPR; 0 where the time is constant (``alpha * beta == 0``)."""
    active = (alpha * beta > 0) & (capacity > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (
            free_flow_time
            * alpha
            * beta
            / capacity
            * np.power(np.maximum(flow, 0.0) / capacity, beta - 1.0)
        )
    return np.where(active, value, 0.0)


def bpr_integral(
    flow: FloatArray,
    free_flow_time: FloatArray,
    capacity: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
) -> FloatArray:
    """Integral of BPR time from 0 to ``flow`` (one link's Beckmann term)."""
    return free_flow_time * (
        flow + alpha * capacity * _ratio_power(flow, capacity, beta + 1.0) / (beta + 1.0)
    )


def _conical_b(alpha: FloatArray) -> FloatArray:
    return (2.0 * alpha - 1.0) / (2.0 * alpha - 2.0)


def conical_time(
    flow: FloatArray, free_flow_time: FloatArray, capacity: FloatArray, alpha: FloatArray
) -> FloatArray:
    """Conical link time at ``flow`` (Spiess 1990); ``alpha`` must exceed 1."""
    b = _conical_b(alpha)
    s = 1.0 - flow / capacity
    return free_flow_time * (2.0 + np.sqrt(alpha**2 * s**2 + b**2) - alpha * s - b)


def conical_derivative(
    flow: FloatArray, free_flow_time: FloatArray, capacity: FloatArray, alpha: FloatArray
) -> FloatArray:
    """d t / d v of the conical function."""
    b = _conical_b(alpha)
    s = 1.0 - flow / capacity
    return free_flow_time / capacity * (alpha - alpha**2 * s / np.sqrt(alpha**2 * s**2 + b**2))


def conical_integral(
    flow: FloatArray, free_flow_time: FloatArray, capacity: FloatArray, alpha: FloatArray
) -> FloatArray:
    """Integral of the conical time from 0 to ``flow``.

    With ``s = 1 - u / cap``: the integral of ``sqrt(a^2 s^2 + b^2)`` is
    ``s/2 sqrt(a^2 s^2 + b^2) + b^2 / (2a) asinh(a s / b)``.
    """
    b = _conical_b(alpha)

    def root_integral(s: FloatArray) -> FloatArray:
        return 0.5 * s * np.sqrt(alpha**2 * s**2 + b**2) + b**2 / (2.0 * alpha) * np.arcsinh(
            alpha * s / b
        )

    s1 = 1.0 - flow / capacity
    # u from 0 to v  <=>  s from 1 to s1, du = -cap ds
    root = capacity * (root_integral(np.ones_like(s1)) - root_integral(s1))
    linear = (2.0 - b) * flow - alpha * (flow - flow**2 / (2.0 * capacity))
    return free_flow_time * (linear + root)


def _mixed(
    bpr: Callable[..., FloatArray],
    conical: Callable[..., FloatArray],
    flow: FloatArray,
    free_flow_time: FloatArray,
    capacity: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
    is_conical: FloatArray,
) -> FloatArray:
    out = bpr(flow, free_flow_time, capacity, alpha, beta)
    if is_conical.any():
        m = is_conical
        out[m] = conical(flow[m], free_flow_time[m], capacity[m], alpha[m])
    return out


def link_time(
    flow: FloatArray,
    free_flow_time: FloatArray,
    capacity: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
    is_conical: FloatArray,
) -> FloatArray:
    """Time of each link with its own function: conical where ``is_conical``, else BPR."""
    return _mixed(bpr_time, conical_time, flow, free_flow_time, capacity, alpha, beta, is_conical)


def link_derivative(
    flow: FloatArray,
    free_flow_time: FloatArray,
    capacity: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
    is_conical: FloatArray,
) -> FloatArray:
    """d t / d v of each link (conical where ``is_conical``, else BPR)."""
    return _mixed(
        bpr_derivative,
        conical_derivative,
        flow,
        free_flow_time,
        capacity,
        alpha,
        beta,
        is_conical,
    )


def link_integral(
    flow: FloatArray,
    free_flow_time: FloatArray,
    capacity: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
    is_conical: FloatArray,
) -> FloatArray:
    """Integral from 0 to ``flow`` of each link's time (its Beckmann term)."""
    return _mixed(
        bpr_integral, conical_integral, flow, free_flow_time, capacity, alpha, beta, is_conical
    )
