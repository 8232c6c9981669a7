"""The CLI and the HTTP API reject the same numbers (one set of bounds: instc.limits)."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from instc import limits
from instc._errors import DataError
from instc.api.models import CompareRequest, CriticalityRequest, RouteRequest
from instc.cli._common import check_options

# option, API model, the largest value allowed, the smallest value allowed
SHARED = [
    ("k", RouteRequest, limits.MAX_K, 1),
    ("units", RouteRequest, limits.MAX_UNITS, 1e-9),
    ("value_of_time", RouteRequest, limits.MAX_VALUE_OF_TIME, 0.0),
    ("tonnes_per_unit", RouteRequest, limits.MAX_TONNES_PER_UNIT, 1e-9),
    ("max_overlap", RouteRequest, 1.0, 0.0),
    ("max_detour", CompareRequest, limits.MAX_DETOUR, limits.MIN_DETOUR),
    ("seed", CompareRequest, limits.MAX_SEED, 0),
    ("top", CriticalityRequest, limits.MAX_TOP, 1),
]


def _api_accepts(model, name, value) -> bool:
    places = {"origin": "a", "destination": "b"} if model is not CriticalityRequest else {}
    try:
        model(**places, **{name: value})
    except ValidationError:
        return False
    return True


def _cli_accepts(name, value) -> bool:
    try:
        check_options(**{name: value})
    except DataError:
        return False
    return True


@pytest.mark.parametrize(("name", "model", "high", "low"), SHARED, ids=[s[0] for s in SHARED])
def test_the_cli_and_the_api_draw_the_same_line(name, model, high, low):
    step = 1 if isinstance(high, int) else high * 1e-9
    down = 1 if isinstance(low, int) else max(low, 1e-9)
    cases = {
        high: True,
        low: True,
        high + step: False,
        low - down: False,
        math.nan: False,
        math.inf: False,
    }
    for value, allowed in cases.items():
        if isinstance(high, int) and not (isinstance(value, int) or math.isnan(value)):
            continue  # an int option given inf: both parsers refuse the type itself
        assert _api_accepts(model, name, value) is allowed, (name, value)
        assert _cli_accepts(name, value) is allowed, (name, value)


def test_a_web_request_samples_fewer_than_the_cli():
    assert _api_accepts(CompareRequest, "samples", limits.MAX_SAMPLES_REQUEST)
    assert not _api_accepts(CompareRequest, "samples", limits.MAX_SAMPLES_REQUEST + 1)
    assert _cli_accepts("samples", limits.MAX_SAMPLES)
    assert not _cli_accepts("samples", limits.MAX_SAMPLES + 1)
    assert not _cli_accepts("samples", limits.MIN_SAMPLES - 1)
    assert not _api_accepts(CompareRequest, "samples", limits.MIN_SAMPLES - 1)
