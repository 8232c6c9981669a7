"""Unit names and conversions. Every conversion factor in instc lives here.

Names in the code carry their unit (``length_km``, ``time_h``, ``cost_usd``,
``co2e_kg``); a function here turns one unit into another.

>>> round(nm_to_km(100.0), 3)
185.2
>>> kn_to_kmh(10.0)
18.52
"""

from __future__ import annotations

__all__ = [
    "HOURS_PER_DAY",
    "HOURS_PER_WEEK",
    "KM_PER_NM",
    "days_to_h",
    "g_to_kg",
    "h_to_days",
    "km_to_nm",
    "kn_to_kmh",
    "nm_to_km",
    "waiting_h_for_frequency",
]

KM_PER_NM = 1.852  # international nautical mile, exact by definition
HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 168.0


def nm_to_km(length_nm: float) -> float:
    """Nautical miles to kilometres."""
    return length_nm * KM_PER_NM


def km_to_nm(length_km: float) -> float:
    """Kilometres to nautical miles."""
    return length_km / KM_PER_NM


def kn_to_kmh(speed_kn: float) -> float:
    """Knots to km/h."""
    return speed_kn * KM_PER_NM


def h_to_days(time_h: float) -> float:
    """Hours to days."""
    return time_h / HOURS_PER_DAY


def days_to_h(time_days: float) -> float:
    """Days to hours."""
    return time_days * HOURS_PER_DAY


def g_to_kg(mass_g: float) -> float:
    """Grams to kilograms."""
    return mass_g / 1000.0


def waiting_h_for_frequency(frequency_per_week: float) -> float:
    """Mean wait for a service with random arrival: half the headway.

    >>> waiting_h_for_frequency(2.0)
    42.0
    """
    return 0.5 * HOURS_PER_WEEK / frequency_per_week
