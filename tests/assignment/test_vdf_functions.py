"""BPR and conical functions: known values, derivatives and integrals checked numerically."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from instc.assignment import vdf

FFT = np.array([10.0, 0.0, 3.0, 7.0])
CAP = np.array([100.0, 50.0, 1.0, 200.0])
ALPHA = np.array([0.15, 0.15, 7e-18, 0.0])
BETA = np.array([4.0, 4.0, 16.83, 0.0])


def test_bpr_known_values() -> None:
    flow = np.array([100.0, 80.0, 1000.0, 500.0])
    t = vdf.bpr_time(flow, FFT, CAP, ALPHA, BETA)
    assert t[0] == pytest.approx(11.5)  # t0 (1 + alpha) at capacity
    assert t[1] == 0.0  # zero free-flow time stays zero (ChicagoSketch connectors)
    assert t[2] == pytest.approx(3.0 * (1 + 7e-18 * 1000.0**16.83))  # Barcelona-style b
    assert t[3] == 7.0  # b = power = 0: constant (Barcelona connectors)


def test_bpr_derivative_and_integral_match_numerics() -> None:
    flow = np.array([130.0, 20.0, 900.0, 10.0])
    h = 1e-4
    numeric = (
        vdf.bpr_time(flow + h, FFT, CAP, ALPHA, BETA)
        - vdf.bpr_time(flow - h, FFT, CAP, ALPHA, BETA)
    ) / (2 * h)
    assert np.allclose(vdf.bpr_derivative(flow, FFT, CAP, ALPHA, BETA), numeric, rtol=1e-6)
    integral = vdf.bpr_integral(flow, FFT, CAP, ALPHA, BETA)
    for i in range(4):
        one = slice(i, i + 1)
        expected = quad(
            lambda u, one=one: vdf.bpr_time(
                np.array([u]), FFT[one], CAP[one], ALPHA[one], BETA[one]
            )[0],
            0.0,
            flow[i],
        )[0]
        assert integral[i] == pytest.approx(expected, rel=1e-8)
    assert vdf.bpr_derivative(np.zeros(4), FFT, CAP, ALPHA, BETA).tolist() == [0.0] * 4


@pytest.mark.parametrize("alpha", [1.5, 4.0, 10.0])
def test_conical_properties(alpha: float) -> None:
    t0, cap, a = np.array([5.0]), np.array([100.0]), np.array([alpha])
    # Spiess (1990): f(0) = 1 and f(1) = 2 in units of t0
    assert vdf.conical_time(np.array([0.0]), t0, cap, a)[0] == pytest.approx(5.0)
    assert vdf.conical_time(np.array([100.0]), t0, cap, a)[0] == pytest.approx(10.0)
    for v in (0.0, 40.0, 100.0, 180.0):
        x = np.array([v])
        h = 1e-4
        numeric = (vdf.conical_time(x + h, t0, cap, a) - vdf.conical_time(x - h, t0, cap, a)) / (
            2 * h
        )
        assert vdf.conical_derivative(x, t0, cap, a)[0] == pytest.approx(numeric[0], rel=1e-6)
        expected = quad(lambda u: vdf.conical_time(np.array([u]), t0, cap, a)[0], 0.0, v)[0]
        assert vdf.conical_integral(x, t0, cap, a)[0] == pytest.approx(expected, rel=1e-9, abs=1e-9)
