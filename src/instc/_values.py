"""Cell values shared by readers, checks and models: missing cells, ISO dates, frame rows."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pandas as pd

__all__ = ["frame_records", "is_missing", "parse_date"]


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts of Python values (missing: None, NaN or pd.NA).

    Much faster than ``DataFrame.to_dict("records")``, which goes row by row.
    """
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def parse_date(text: str) -> dt.date:
    """An ISO date ``YYYY-MM-DD``, ``YYYY-MM`` (day 1) or ``YYYY`` (1 January).

    >>> parse_date("2024-06")
    datetime.date(2024, 6, 1)
    >>> parse_date("2030")
    datetime.date(2030, 1, 1)
    """
    text = text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if m is None:
        raise ValueError(f"{text!r} is not an ISO date")
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    return dt.date(year, month, day)  # raises ValueError for impossible dates


def is_missing(value: Any) -> bool:
    """Whether a cell is empty: None, a float NaN or ``pd.NA``."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA
