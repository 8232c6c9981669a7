"""The network as validated, frozen tables.

A :class:`Network` is what :func:`instc.network.load_network` returns and what every
engine takes first. Its tables are pandas DataFrames that follow
:mod:`instc.network.schema` exactly (list columns hold tuples, dates are
``datetime.date`` or ``None``, missing numbers are NaN). Treat them as read-only:
scenarios build a new ``Network`` with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Network"]


@dataclass(frozen=True, eq=False)
class Network:
    """The corridor network as of a date.

    Attributes
    ----------
    tables:
        One DataFrame per table name of :data:`instc.network.schema.TABLES`, indexed by
        position, with exactly the schema's columns. ``links`` only holds the links
        usable at ``as_of`` (the project timeline and open/close dates applied), plus a
        boolean column ``expected`` that is true where the link is usable only because
        a project is *expected* to be open by then (a forecast, not a fact).
    parameters:
        The parsed ``parameters.toml``: nested mappings whose leaves are
        ``{"value": ..., "unit": ..., "source_ids": [...], ...}``.
    as_of:
        The date the network describes, or ``None`` for "all links, ignoring status".
    origin:
        Where the tables were read from ("embedded" or a directory path).
    """

    tables: Mapping[str, pd.DataFrame]
    parameters: Mapping[str, Any]
    as_of: dt.date | None = None
    origin: str = "embedded"
    all_links: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def nodes(self) -> pd.DataFrame:
        return self.tables["nodes"]

    @property
    def links(self) -> pd.DataFrame:
        return self.tables["links"]

    @property
    def sources(self) -> pd.DataFrame:
        return self.tables["sources"]

    @property
    def borders(self) -> pd.DataFrame:
        return self.tables["borders"]

    @property
    def transfers(self) -> pd.DataFrame:
        return self.tables["transfers"]

    @property
    def tariffs(self) -> pd.DataFrame:
        return self.tables["tariffs"]

    @property
    def services(self) -> pd.DataFrame:
        return self.tables["services"]

    @property
    def projects(self) -> pd.DataFrame:
        return self.tables["projects"]

    @property
    def project_status(self) -> pd.DataFrame:
        return self.tables["project_status"]

    @property
    def demand(self) -> pd.DataFrame:
        return self.tables["demand"]

    def parameter(self, dotted: str) -> float:
        """The numeric ``value`` of a parameter, by dotted key.

        >>> net = Network(tables={}, parameters={"cargo": {"tonnes_per_teu": {"value": 10.0}}})
        >>> net.parameter("cargo.tonnes_per_teu")
        10.0
        """
        node: Any = self.parameters
        for part in dotted.split("."):
            node = node[part]
        return float(node["value"])
