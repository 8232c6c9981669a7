"""Build small :class:`Network` objects by hand, following the in-memory conventions
(schema columns in order, None/NaN for empty cells, tuples for lists)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from instc.network.model import Network
from instc.network.schema import TABLES

PARAMETERS: dict[str, Any] = {
    "cargo": {
        "tonnes_per_teu": {"value": 10.0, "unit": "t/teu", "source_ids": ["P1"]},
        "tonnes_per_truck": {"value": 20.0, "unit": "t/truck", "source_ids": ["P1"]},
    },
    "speed": {
        "sea_kmh": {"value": 30.0, "unit": "km/h", "source_ids": ["P2"]},
        "rail1520_kmh": {"value": 40.0, "unit": "km/h", "source_ids": ["P2"]},
        "rail1435_kmh": {"value": 50.0, "unit": "km/h", "source_ids": ["P2"]},
        "road_kmh": {"value": 60.0, "unit": "km/h", "source_ids": ["P2"]},
        "ferry_kmh": {"value": 20.0, "unit": "km/h", "source_ids": ["P2"]},
    },
    "road": {"driving_h_per_day": {"value": 9.0, "unit": "h", "source_ids": ["P3"]}},
    "value_of_time": {
        "usd_per_teu_day": {"value": 24.0, "unit": "usd/teu/day", "source_ids": ["P4"]},
        "usd_per_t_day": {"value": 2.4, "unit": "usd/t/day", "source_ids": ["P4"]},
    },
    "emissions": {
        "default_class": {
            "sea": {"value": "ship", "unit": ""},
            "rail": {"value": "train", "unit": ""},
            "road": {"value": "lorry", "unit": ""},
            "ferry": {"value": "ropax", "unit": ""},
        },
        "ship": {
            "wtw_g_per_tkm": {"value": 20.0, "unit": "g/tkm", "source_ids": ["E1"]},
            "ttw_g_per_tkm": {"value": 17.0, "unit": "g/tkm", "source_ids": ["E1"]},
        },
        "train": {
            "wtw_g_per_tkm": {"value": 30.0, "unit": "g/tkm", "source_ids": ["E2"]},
            "ttw_g_per_tkm": {"value": 24.0, "unit": "g/tkm", "source_ids": ["E2"]},
        },
        "lorry": {
            "wtw_g_per_tkm": {"value": 100.0, "unit": "g/tkm", "source_ids": ["E3"]},
            "ttw_g_per_tkm": {"value": 80.0, "unit": "g/tkm", "source_ids": ["E3"]},
        },
        "ropax": {
            "wtw_g_per_tkm": {"value": 125.0, "unit": "g/tkm", "source_ids": ["E4"]},
            "ttw_g_per_tkm": {"value": 106.0, "unit": "g/tkm", "source_ids": ["E4"]},
        },
    },
}

_DEFAULTS = {"links": {"bidirectional": True, "cargo": ("container", "bulk", "truck")}}


def _cell(dtype: str, value: Any) -> Any:
    if dtype == "list":
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)
    if dtype == "int_list":
        return () if value is None else tuple(value)
    if dtype == "bool":
        return True if value is None else bool(value)
    if dtype == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def frame(name: str, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    table = TABLES[name]
    data: dict[str, list[Any]] = {}
    defaults = _DEFAULTS.get(name, {})
    for col in table.columns:
        values = [_cell(col.dtype, r.get(col.name, defaults.get(col.name))) for r in rows]
        data[col.name] = values
    df = pd.DataFrame(data, columns=list(table.column_names))
    for col in table.columns:
        if col.dtype == "float":
            df[col.name] = pd.to_numeric(df[col.name], errors="coerce").astype("float64")
        elif col.dtype == "int":
            df[col.name] = pd.array(
                [None if v is None else int(v) for v in data[col.name]], dtype="Int64"
            )
        elif col.dtype in ("str", "list", "int_list", "date", "bool"):
            df[col.name] = pd.Series(data[col.name], dtype=object)
    return df


def make_network(
    *,
    nodes: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]] = (),
    transfers: Sequence[Mapping[str, Any]] = (),
    borders: Sequence[Mapping[str, Any]] = (),
    tariffs: Sequence[Mapping[str, Any]] = (),
    services: Sequence[Mapping[str, Any]] = (),
    surcharges: Sequence[Mapping[str, Any]] = (),
    parameters: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
) -> Network:
    tables = {name: frame(name, ()) for name in TABLES}
    tables["nodes"] = frame(
        "nodes",
        [{"kinds": ("rail",), "lat": 0.0, "lon": 0.0, "name": n["node_id"], **n} for n in nodes],
    )
    tables["links"] = frame("links", links)
    tables["links"]["expected"] = [bool(r.get("expected", False)) for r in links]
    tables["transfers"] = frame("transfers", transfers)
    tables["borders"] = frame("borders", borders)
    tables["tariffs"] = frame("tariffs", tariffs)
    tables["services"] = frame("services", services)
    tables["surcharges"] = frame("surcharges", surcharges)
    return Network(
        tables=tables,
        parameters=PARAMETERS if parameters is None else parameters,
        as_of=as_of,
        origin="test",
        all_links=tables["links"],
    )


# Road/rail rates of the random road-and-rail networks of the driver-rest tests.
ROAD_RAIL_TARIFFS = (
    {"tariff_id": "r", "mode": "rail", "cargo": "container", "usd_per_unit_km": 0.4},
    {"tariff_id": "d", "mode": "road", "cargo": "container", "usd_per_unit_km": 0.5},
)


def road_rail_transfers(draw: Any, places: Sequence[str]) -> list[dict[str, Any]]:
    """A road<->rail1520 handling transfer, with a drawn dwell, at a drawn subset of places
    (``draw`` is a hypothesis ``@composite`` draw function)."""
    from hypothesis import strategies as st

    return [
        {"node_id": p, "from_layer": "road", "to_layer": "rail1520", "kind": "handling",
         "dwell_h": float(draw(st.integers(0, 6))), "cost_usd_per_teu": 10.0,
         "source_ids": ("T",)}
        for p in places
        if draw(st.booleans())
    ]  # fmt: skip
