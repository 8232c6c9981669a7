"""Bounds on the numbers a user may give, shared by the command line and the HTTP API.

Beyond them a number means nothing (a negative tonnage, a percentile of 150) or a typo
(an extra zero) would run for hours or exhaust memory. The CLI checks them with
:func:`instc.cli._common.check_number` before any work; the API models
(:mod:`instc.api.models`) give the same constants to pydantic. A web request answers at
once, so its Monte Carlo runs are smaller (:data:`MAX_SAMPLES_REQUEST`, or a job of
:data:`MAX_SAMPLES_JOB`); every other bound is the same on both.
"""

from __future__ import annotations

MAX_K = 10  # really different routes of one query
MAX_UNITS = 1e7  # cargo units of one shipment (TEU, trucks, t ...)
MAX_VALUE_OF_TIME = 1e6  # USD per cargo unit-day
MAX_TONNES_PER_UNIT = 1e3  # tonnes in one TEU or truck
MIN_DETOUR, MAX_DETOUR = 1.0, 10.0  # times the best option's distance
MAX_WITHIN_DAYS = 365.0  # days door to door
MIN_SAMPLES = 100  # Monte Carlo draws: fewer make a P95 meaningless
MAX_SAMPLES = 10_000_000  # Monte Carlo draws of a CLI run or a sweep
MAX_SAMPLES_REQUEST = 50_000  # Monte Carlo draws answered within one web request
MAX_SAMPLES_JOB = 1_000_000  # Monte Carlo draws of one API job
MAX_SEED = 2**32 - 1  # the largest seed every random generator accepts
MAX_ITERATIONS = 100_000  # equilibrium iterations of a CLI run
MAX_ITERATIONS_JOB = 2_000  # equilibrium iterations of one API job
MIN_YEAR, MAX_YEAR = 2000, 2060  # demand years of a corridor assignment
MAX_WORKERS = 256  # Dask worker processes
MAX_TOP = 500  # ranked elements listed

__all__ = [
    "MAX_DETOUR",
    "MAX_ITERATIONS",
    "MAX_ITERATIONS_JOB",
    "MAX_K",
    "MAX_SAMPLES",
    "MAX_SAMPLES_JOB",
    "MAX_SAMPLES_REQUEST",
    "MAX_SEED",
    "MAX_TONNES_PER_UNIT",
    "MAX_TOP",
    "MAX_UNITS",
    "MAX_VALUE_OF_TIME",
    "MAX_WITHIN_DAYS",
    "MAX_WORKERS",
    "MAX_YEAR",
    "MIN_DETOUR",
    "MIN_SAMPLES",
    "MIN_YEAR",
]
