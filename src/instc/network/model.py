"""The network as validated, frozen tables.

A :class:`Network` is what :func:`instc.network.load_network` returns and what every
engine takes first. Its tables are pandas DataFrames that follow
:mod:`instc.network.schema` exactly (list columns hold tuples, dates are
``datetime.date`` or ``None``, missing numbers are NaN). Treat them as read-only:
scenarios build a new ``Network`` with :func:`dataclasses.replace`.

Dated tables (tariffs, transfers, borders, services) keep every row in ``tables``; the
properties :attr:`Network.tariffs`, :attr:`~Network.transfers`, :attr:`~Network.borders`
and :attr:`~Network.services` give the rows valid at ``as_of``
(:func:`instc.network.dated.rows_valid_at`), which is what the engines use.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from instc.network.contract import DataConfig

__all__ = ["Network"]

# per network: table name -> (the frame it was computed from, its rows valid at as_of)
_DATED: weakref.WeakKeyDictionary[Any, dict[str, tuple[pd.DataFrame, pd.DataFrame]]] = (
    weakref.WeakKeyDictionary()
)


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
    config:
        The dataset's TOML config files (families, corridor, criticality, rules, default
        pairs) read with the tables; ``None`` (a network built in memory): the embedded
        ones. Read them with :func:`instc.network.contract.config_of`.
    """

    tables: Mapping[str, pd.DataFrame]
    parameters: Mapping[str, Any]
    as_of: dt.date | None = None
    origin: str = "embedded"
    all_links: pd.DataFrame | None = field(default=None, repr=False)
    config: DataConfig | None = field(default=None, repr=False)

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
        """The borders rows valid at ``as_of`` (all rows: ``tables["borders"]``)."""
        return self.dated("borders")

    @property
    def transfers(self) -> pd.DataFrame:
        """The transfers rows valid at ``as_of`` (all rows: ``tables["transfers"]``)."""
        return self.dated("transfers")

    @property
    def tariffs(self) -> pd.DataFrame:
        """The tariffs rows valid at ``as_of`` (all rows: ``tables["tariffs"]``)."""
        return self.dated("tariffs")

    @property
    def services(self) -> pd.DataFrame:
        """The services rows valid at ``as_of`` (all rows: ``tables["services"]``)."""
        return self.dated("services")

    @property
    def projects(self) -> pd.DataFrame:
        return self.tables["projects"]

    @property
    def project_status(self) -> pd.DataFrame:
        return self.tables["project_status"]

    @property
    def demand(self) -> pd.DataFrame:
        return self.tables["demand"]

    def dated(self, name: str) -> pd.DataFrame:
        """The rows of table ``name`` valid at ``as_of``, one per series, with the column
        ``as_of_note`` (see :mod:`instc.network.dated`); cached per network and table."""
        from instc.network.dated import rows_valid_at

        frame = self.tables[name]
        per = _DATED.setdefault(self, {})
        hit = per.get(name)
        if hit is None or hit[0] is not frame:
            hit = (frame, rows_valid_at(frame, name, self.as_of))
            per[name] = hit
        return hit[1]

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
