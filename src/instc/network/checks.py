"""Cross-row and cross-table checks of a dataset's typed tables (what ``validate`` rejects).

:func:`validate_directory` never raises for bad data: it returns one
:class:`~instc._errors.Problem` per finding, each with the file, the 1-based CSV line
(the header is line 1, so the first data row is line 2), the column, what is wrong and
how to fix it. :func:`read_directory` does the same work and also returns the typed
tables, which :func:`instc.network.load.load_network` turns into a ``Network``.

Tables that may be absent from a directory: every table except ``sources``, ``nodes``
and ``links`` (a missing optional table is read as empty). ``parameters.toml`` may be
absent too (then no parameters, and any ``vehicle_class`` is unknown).

Rules beyond the per-column schema (types, required, allowed values, bounds, keys and
references):

- ranges: ``x_low <= x <= x_high`` where given;
- provenance: a row of a sourced table lists ``source_ids``, or names in ``estimated``
  the columns it computed and says how in ``method``; ``estimated`` names real columns;
- links: rail links carry ``gauge_mm`` and other modes do not; a rail gauge is listed in
  both end nodes' ``gauges_mm``; each end node serves the link's mode (see
  :data:`MODE_NODE_KINDS`); rail and road links between countries carry a ``border_id``
  whose ``borders.csv`` row for that mode exists and whose countries include both
  ends'; ``from_node != to_node``; ``close_date > open_date``; pipelines carry only
  ``liquid``; ``vehicle_class`` is a key of ``[emissions]`` in ``parameters.toml``;
- capacities carry a ``capacity_unit``; dates ranges are ordered (``date_latest >=
  date``);
- dated tables (tariffs, transfers, borders: ``valid_from``/``valid_to``; services:
  ``start_date``/``end_date``): the end is after the start, and two rows of one series
  (the key; for tariffs link, mode, country and cargo) are never valid on the same day;
  a key may repeat with another ``valid_from``;
- transfers change layer, except transshipment, port and handling transfers, which may
  keep it (sea -> sea at a hub); tariffs name a ``link_id`` or a ``mode`` and a rate;
  surcharges carry a charge or a clearance time, a charge per one cargo unit (the
  classes listed share it), and ``valid_to > valid_from``;
  services run more than zero times a week and run somewhere (``link_ids`` or a
  rotation); a rotation in ``service_calls.csv`` has calls numbered 1, 2, ... whose
  lanes chain from each call's port to the next one's, and a port stay at every
  intermediate call; demand units fit the cargo (``t`` for any
  cargo, ``teu``/``container`` only for container or "all", ``truck`` for truck,
  ``pax`` for passenger);
- sources: ids are short tokens (:data:`SOURCE_ID_PATTERN`), urls are http(s);
- nodes: ids are UN/LOCODEs (``RUMCX``) or ``CC-SLUG`` whose country prefix is the
  node's country;
- parameters.toml: every leaf is a table with ``value``, ``unit``, and ``source_ids``
  or (``basis`` estimate/derived and ``method``); ``basis`` is one of ``source``,
  ``estimate``, ``derived``, ``claim``; ``low <= value <= high``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from instc._errors import Problem
from instc._names import closest, did_you_mean, hint
from instc._values import frame_records, is_missing
from instc.network.read import SOURCE_ID_PATTERN
from instc.network.schema import CARGO_UNITS, COUNTRIES, TABLES, Table

__all__ = ["MODE_NODE_KINDS", "check_tables"]

# UN/LOCODE (2-letter country + 3 letters/digits 2-9) or CC-SLUG.
_NODE_ID_PATTERN = re.compile(r"^([A-Z]{2})(?:[A-Z2-9]{3}|-[A-Z0-9][A-Z0-9\-]*)$")
# Which node kinds may sit at the end of a link of each mode: a ship calls at a port or
# a sea waypoint, a train at a rail station, border point, terminal or rail-served port.
MODE_NODE_KINDS: dict[str, frozenset[str]] = {
    "sea": frozenset({"port", "sea"}),
    "ferry": frozenset({"port", "sea"}),
    "rail": frozenset({"rail", "border", "terminal", "port"}),
    "road": frozenset({"road", "border", "terminal", "port"}),
    "inland_waterway": frozenset({"port", "waterway", "sea"}),
    "pipeline": frozenset({"pipeline", "terminal", "port", "border"}),
}
_DEMAND_UNIT_CARGO = {
    "t": None,  # any cargo may be counted in tonnes
    "teu": ("container", "all"),
    "container": ("container", "all"),
    "truck": ("truck",),
    "pax": ("passenger",),
}
_CAPACITY_COLUMNS = {
    "links": "capacity_per_year",
    "transfers": "capacity_per_year",
    "borders": "capacity_per_day",
    "services": "capacity_per_departure",
}


class _Checker:
    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        lines: Mapping[str, Sequence[int]],
        parameters: Mapping[str, Any] | None,
        reported: set[tuple[str, int | None, str | None]] | None = None,
    ) -> None:
        self.tables = tables
        self.lines = lines
        self.parameters = parameters
        self.reported = reported or set()
        self.problems: list[Problem] = []
        self._records: dict[str, list[dict[str, Any]]] = {}

    def line(self, table: str, i: int) -> int | None:
        rows = self.lines.get(table, ())
        return rows[i] if i < len(rows) else None

    def unreadable(self, table: Table, i: int) -> bool:
        """Whether a validity cell of row ``i`` was already reported unreadable."""
        return table.validity is not None and any(
            (table.file, self.line(table.name, i), c) in self.reported for c in table.validity
        )

    def add(self, table: str, i: int, column: str | None, message: str, fix: str = "") -> None:
        self.problems.append(Problem(f"{table}.csv", self.line(table, i), column, message, fix))

    def rows(self, table: str) -> Iterable[tuple[int, dict[Any, Any]]]:
        frame = self.tables.get(table)
        if frame is None:
            return
        # tables built in memory (scenarios, imports) may hold NaN where the loader
        # puts None or (): read every empty cell the loader's way
        empty = {
            c.name: (() if c.dtype in ("list", "int_list") else None)
            for c in TABLES[table].columns
            if c.dtype not in ("float", "bool")
        }
        cached = self._records.get(table)
        if cached is None:
            cached = frame_records(frame)
            for row in cached:
                for name, blank in empty.items():
                    if name in row and not isinstance(row[name], tuple) and is_missing(row[name]):
                        row[name] = blank
            self._records[table] = cached
        yield from enumerate(cached)

    def run(self) -> list[Problem]:
        for table in TABLES.values():
            self.keys(table)
            self.references(table)
            self.ranges(table)
            if table.sourced:
                self.provenance(table)
            self.capacity_unit(table)
            self.validity(table)
        self.sources()
        self.nodes()
        self.links()
        self.transfers()
        self.borders()
        self.tariffs()
        self.surcharges()
        self.services()
        self.service_calls()
        self.project_status()
        self.demand()
        return self.problems

    # -- generic

    def keys(self, table: Table) -> None:
        seen: dict[tuple[Any, ...], int] = {}
        # a dated table may repeat a key for another validity period
        columns = (*table.key, table.validity[0]) if table.validity else table.key
        for i, row in self.rows(table.name):
            key = tuple("" if is_missing(row.get(k)) else row[k] for k in columns)
            if any(
                k == "" for k, c in zip(key, columns, strict=True) if table.column(c).required
            ) or self.unreadable(table, i):
                continue  # already reported as an empty required field or a bad date
            if key in seen:
                shown = ", ".join(f"{c}={v}" for c, v in zip(columns, key, strict=True) if v != "")
                self.add(
                    table.name,
                    i,
                    table.key[0],
                    f"duplicate key ({shown}), first on line {self.line(table.name, seen[key])}",
                    "remove one of the rows or give it another id",
                )
            else:
                seen[key] = i

    def validity(self, table: Table) -> None:
        """Dated rows: ``valid_to`` after ``valid_from``; no two rows of one series valid
        on the same day."""
        if table.validity is None:
            return
        from instc.network.dated import period_text

        start_col, end_col = table.validity
        series: dict[tuple[Any, ...], list[tuple[int, tuple[Any, ...], dt.date, dt.date]]] = {}
        for i, row in self.rows(table.name):
            if self.unreadable(table, i):
                continue
            start, end = row.get(start_col), row.get(end_col)
            start = start if isinstance(start, dt.date) else None
            end = end if isinstance(end, dt.date) else None
            if start and end and end <= start:
                self.add(
                    table.name,
                    i,
                    end_col,
                    f"{end_col} {end} is not after {start_col} {start}",
                    f"make {end_col} later than {start_col} (the row holds from {start_col} "
                    f"until the day before {end_col})",
                )
                continue
            key = tuple("" if is_missing(row.get(c)) else row[c] for c in table.series_key)
            ident = tuple("" if is_missing(row.get(c)) else row[c] for c in table.key)
            lo, hi = start or dt.date.min, end or dt.date.max
            for j, other_ident, other_lo, other_hi in series.get(key, ()):
                if (ident, lo) == (other_ident, other_lo):
                    break  # the same key from the same day: reported as a duplicate key
                if lo < other_hi and other_lo < hi:
                    shown = ", ".join(
                        f"{c}={v}" for c, v in zip(table.series_key, key, strict=True) if v != ""
                    )
                    other = period_text(
                        None if other_lo == dt.date.min else other_lo,
                        None if other_hi == dt.date.max else other_hi,
                    )
                    self.add(
                        table.name,
                        i,
                        start_col,
                        f"validity {period_text(start, end)} overlaps line "
                        f"{self.line(table.name, j)} ({shown}, valid {other})",
                        f"end one row ({end_col}) on or before the day the other starts "
                        f"({start_col})",
                    )
                    break
            else:
                series.setdefault(key, []).append((i, ident, lo, hi))

    def references(self, table: Table) -> None:
        for col in table.columns:
            if col.ref is None:
                continue
            target_table, target_col = col.ref
            target = self.tables.get(target_table)
            valid = set() if target is None else {v for v in target[target_col] if v is not None}
            options = sorted(valid)
            for i, row in self.rows(table.name):
                value = row[col.name]
                values = value if isinstance(value, tuple) else ((value,) if value else ())
                for v in values:
                    if v not in valid:
                        close = closest(str(v), options, n=1, cutoff=0.5)
                        suggestion = f"{hint(close)} " if close else ""
                        self.add(
                            table.name,
                            i,
                            col.name,
                            f"unknown {target_col} {v!r} (not in {target_table}.csv)",
                            f"{suggestion}or add it to {target_table}.csv",
                        )

    def ranges(self, table: Table) -> None:
        for low, mode, high in table.ranges:
            for i, row in self.rows(table.name):
                lo, mo, hi = row[low], row[mode], row[high]
                if not is_missing(lo) and not is_missing(mo) and lo > mo:
                    self.add(
                        table.name, i, low, f"{low} {lo:g} > {mode} {mo:g}", f"make {low} <= {mode}"
                    )
                if not is_missing(hi) and not is_missing(mo) and mo > hi:
                    self.add(
                        table.name,
                        i,
                        high,
                        f"{mode} {mo:g} > {high} {hi:g}",
                        f"make {mode} <= {high}",
                    )
                if not is_missing(lo) and not is_missing(hi) and is_missing(mo):
                    self.add(
                        table.name,
                        i,
                        mode,
                        f"{low}/{high} given without {mode}",
                        f"fill in {mode} (the most likely value)",
                    )

    def provenance(self, table: Table) -> None:
        names = set(table.column_names)
        for i, row in self.rows(table.name):
            estimated: tuple[str, ...] = row["estimated"]
            for name in estimated:
                if name not in names:
                    self.add(
                        table.name,
                        i,
                        "estimated",
                        f"estimated names {name!r}, which is not a column of {table.file}",
                        did_you_mean(name, table.column_names, f"the header of {table.file}"),
                    )
            if estimated and not row["method"]:
                self.add(
                    table.name,
                    i,
                    "method",
                    "estimated values without a method",
                    "say in method how they were computed",
                )
            if not row["source_ids"] and not (estimated and row["method"]):
                self.add(
                    table.name,
                    i,
                    "source_ids",
                    "the row has no source",
                    "list source_ids from sources.csv, or name the estimated columns in "
                    "estimated and say how in method",
                )

    def capacity_unit(self, table: Table) -> None:
        col = _CAPACITY_COLUMNS.get(table.name)
        if col is None:
            return
        for i, row in self.rows(table.name):
            if not is_missing(row[col]) and not row["capacity_unit"]:
                self.add(
                    table.name,
                    i,
                    "capacity_unit",
                    f"{col} given without capacity_unit",
                    "fill in capacity_unit (t, teu, truck, pax, wagon, train)",
                )

    # -- per table

    def sources(self) -> None:
        for i, row in self.rows("sources"):
            sid = row["source_id"]
            if sid and not SOURCE_ID_PATTERN.match(sid):
                self.add(
                    "sources",
                    i,
                    "source_id",
                    f"{sid!r} is not a valid source id",
                    "use letters, digits, '.', '_' or '-', starting with a letter (e.g. F068)",
                )
            url = row["url"]
            if url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
                self.add(
                    "sources",
                    i,
                    "url",
                    f"{url!r} is not an http(s) address",
                    "give the public address starting with https://",
                )

    def nodes(self) -> None:
        for i, row in self.rows("nodes"):
            nid, country = row["node_id"], row["country"]
            if not nid:
                continue
            m = _NODE_ID_PATTERN.match(nid)
            if m is None:
                self.add(
                    "nodes",
                    i,
                    "node_id",
                    f"{nid!r} is neither a UN/LOCODE nor CC-SLUG",
                    "use the UN/LOCODE (e.g. RUMCX) or COUNTRY-NAME in capitals (e.g. AZ-ASTARA)",
                )
            elif country in COUNTRIES and m.group(1) != country:
                self.add(
                    "nodes",
                    i,
                    "node_id",
                    f"{nid!r} starts with {m.group(1)} but the node's country is {country}",
                    "make the id's country prefix match the country column",
                )

    def links(self) -> None:
        nodes = {r["node_id"]: r for _, r in self.rows("nodes") if r["node_id"]}
        borders = {(r["border_id"], r["mode"]): r for _, r in self.rows("borders")}
        border_ids = {b for b, _ in borders}
        classes = self.vehicle_classes()
        for i, row in self.rows("links"):
            mode, gauge = row["mode"], row["gauge_mm"]
            ends = [(c, nodes.get(row[c])) for c in ("from_node", "to_node")]
            if row["from_node"] and row["from_node"] == row["to_node"]:
                self.add(
                    "links",
                    i,
                    "to_node",
                    "the link starts and ends at the same node",
                    "give two different nodes",
                )
            if mode == "rail" and is_missing(gauge):
                self.add(
                    "links",
                    i,
                    "gauge_mm",
                    "rail link without gauge_mm",
                    "fill in gauge_mm (1520, 1435 or 1676)",
                )
            if mode and mode != "rail" and not is_missing(gauge):
                self.add(
                    "links",
                    i,
                    "gauge_mm",
                    f"{mode} link with gauge_mm",
                    "leave gauge_mm empty for non-rail links",
                )
            for column, node in ends:
                if node is None or not mode:
                    continue
                serving = MODE_NODE_KINDS.get(mode, frozenset())
                if not serving & set(node["kinds"]):
                    self.add(
                        "links",
                        i,
                        column,
                        f"node {node['node_id']} (kinds {';'.join(node['kinds'])}) "
                        f"does not serve {mode} links",
                        f"add one of {', '.join(sorted(serving))} to its kinds, "
                        "or fix the link's mode",
                    )
                if mode == "rail" and not is_missing(gauge) and int(gauge) not in node["gauges_mm"]:
                    self.add(
                        "links",
                        i,
                        "gauge_mm",
                        f"gauge {int(gauge)} is not in the gauges_mm of node "
                        f"{node['node_id']} ({_joined(node['gauges_mm'])})",
                        f"add {int(gauge)} to the node's gauges_mm or fix the link's gauge",
                    )
            if mode == "pipeline" and set(row["cargo"]) - {"liquid"}:
                self.add(
                    "links", i, "cargo", "a pipeline carries only liquid", "set cargo to liquid"
                )
            countries = {n["country"] for _, n in ends if n is not None and n["country"]}
            border = row["border_id"]
            if mode in ("rail", "road") and len(countries) > 1 and not border:
                self.add(
                    "links",
                    i,
                    "border_id",
                    f"{mode} link between {' and '.join(sorted(countries))} without border_id",
                    "fill in the border_id of the crossing (borders.csv)",
                )
            if border and mode in ("sea", "ferry", "inland_waterway"):
                self.add(
                    "links",
                    i,
                    "border_id",
                    f"a {mode} link with border_id {border}",
                    "only rail, road and pipeline links cross a land border; leave it empty",
                )
            elif border and border in border_ids:
                brow = borders.get((border, mode))
                if brow is None and mode in ("rail", "road", "pipeline"):
                    self.add(
                        "links",
                        i,
                        "border_id",
                        f"border {border} has no {mode} row in borders.csv",
                        f"add a borders.csv row ({border}, {mode}) with its dwell",
                    )
                any_row = brow or next(b for (bid, _), b in borders.items() if bid == border)
                if countries and not countries <= set(any_row["countries"]):
                    self.add(
                        "links",
                        i,
                        "border_id",
                        f"border {border} is between {_joined(any_row['countries'])} "
                        f"but the link joins {_joined(sorted(countries))}",
                        "use the border between the link's countries",
                    )
            if row["open_date"] and row["close_date"] and row["close_date"] <= row["open_date"]:
                self.add(
                    "links",
                    i,
                    "close_date",
                    "close_date is not after open_date",
                    "make close_date later than open_date",
                )
            self.link_defaults(i, row, classes)
            vclass = row["vehicle_class"]
            if classes is not None and vclass and vclass not in classes:
                fix = (
                    did_you_mean(vclass, sorted(classes), "[emissions] in parameters.toml")
                    if classes
                    else "define [emissions." + vclass + "] in parameters.toml"
                )
                self.add(
                    "links",
                    i,
                    "vehicle_class",
                    f"unknown vehicle_class {vclass!r} (not under [emissions] in parameters.toml)",
                    fix,
                )

    def link_defaults(self, i: int, row: Mapping[str, Any], classes: set[str] | None) -> None:
        """A link that leaves speed or vehicle class empty needs the mode's default."""
        mode = row["mode"]
        if classes is None or mode not in MODE_NODE_KINDS:
            return  # no parameters to check against, or the mode is already reported
        speeds = self.parameters.get("speed", {}) if self.parameters else {}
        gauge = row["gauge_mm"]
        layer = f"rail{int(gauge)}" if mode == "rail" and not is_missing(gauge) else mode
        if (
            is_missing(row["speed_kmh"])
            and is_missing(row["time_h"])
            and not ({f"{layer}_kmh", f"{mode}_kmh"} & set(speeds))
        ):
            self.add(
                "links",
                i,
                "speed_kmh",
                f"no speed_kmh or time_h, and parameters.toml has no speed.{mode}_kmh",
                f"give speed_kmh or time_h, or add [speed] {mode}_kmh to parameters.toml",
            )
        emissions = self.parameters.get("emissions", {}) if self.parameters else {}
        defaults = emissions.get("default_class", {}) if isinstance(emissions, Mapping) else {}
        if not row["vehicle_class"] and mode not in defaults:
            self.add(
                "links",
                i,
                "vehicle_class",
                f"no vehicle_class, and parameters.toml has no emissions.default_class.{mode}",
                f'give vehicle_class, or add {mode} = {{ value = "<class>", ... }} '
                "under [emissions.default_class]",
            )

    def vehicle_classes(self) -> set[str] | None:
        if not self.parameters:
            return None  # no parameters.toml (or unreadable): nothing to check against
        emissions = self.parameters.get("emissions", {})
        if not isinstance(emissions, Mapping):
            return set()
        return {k for k, v in emissions.items() if k != "default_class" and isinstance(v, Mapping)}

    def transfers(self) -> None:
        for i, row in self.rows("transfers"):
            # a transshipment or handling may keep its layer (sea -> sea at a hub: every
            # path through the place on that layer makes it); a gauge break may not
            if (
                row["from_layer"]
                and row["from_layer"] == row["to_layer"]
                and row["kind"] in ("gauge_break", "pipeline")
            ):
                self.add(
                    "transfers",
                    i,
                    "to_layer",
                    f"a {row['kind']} transfer must change layer (from_layer == to_layer)",
                    "use two different layers, e.g. rail1520 -> rail1435 (only a "
                    "transshipment, port or handling transfer may keep its layer)",
                )

    def borders(self) -> None:
        for i, row in self.rows("borders"):
            if 0 < len(set(row["countries"])) < 2:
                self.add(
                    "borders",
                    i,
                    "countries",
                    "a border needs the two countries it separates",
                    "list both, e.g. AZ;IR",
                )

    def tariffs(self) -> None:
        link_modes = {r["link_id"]: r["mode"] for _, r in self.rows("links")}
        lanes: dict[str, set[str]] = {}
        for _, call in self.rows("service_calls"):
            lanes.setdefault(call["service_id"], set()).update(call["lane_link_ids"] or ())
        rotations = set(lanes)
        for i, row in self.rows("tariffs"):
            linked = link_modes.get(row["link_id"])
            if row["mode"] and linked and linked != row["mode"]:
                self.add(
                    "tariffs",
                    i,
                    "mode",
                    f"mode {row['mode']} but link {row['link_id']} is a {linked} link",
                    f"set mode to {linked} or leave it empty",
                )
            service = row.get("service_id")
            if not row["link_id"] and not row["mode"] and not service:
                self.add(
                    "tariffs",
                    i,
                    "link_id",
                    "the tariff names neither link_id, service_id nor mode",
                    "fill in link_id, service_id, or mode (and country)",
                )
            if service and row["country"]:
                self.add(
                    "tariffs",
                    i,
                    "service_id",
                    "a liner's rate prices the lanes of its rotation, not a country",
                    "leave country empty, or service_id",
                )
            if service and row["link_id"] and row["link_id"] not in lanes.get(service, ()):
                self.add(
                    "tariffs",
                    i,
                    "link_id",
                    f"link {row['link_id']} is not a lane of service {service} "
                    "(service_calls.csv lane_link_ids)",
                    "name one of the liner's lanes, or leave link_id empty",
                )
            if service and service not in rotations:
                self.add(
                    "tariffs",
                    i,
                    "service_id",
                    f"service {service} has no port calls in service_calls.csv: the rate "
                    "prices no lane",
                    "add its calls, or price its links with link_id",
                )
            if is_missing(row["usd_per_unit_km"]) and is_missing(row["usd_per_unit"]):
                self.add(
                    "tariffs",
                    i,
                    "usd_per_unit_km",
                    "the tariff has no rate",
                    "fill in usd_per_unit_km or usd_per_unit",
                )

    def surcharges(self) -> None:
        for i, row in self.rows("surcharges"):
            if is_missing(row["usd_per_unit"]) and is_missing(row["dwell_h"]):
                self.add(
                    "surcharges",
                    i,
                    "usd_per_unit",
                    "the surcharge has neither a charge nor a clearance time",
                    "fill in usd_per_unit or dwell_h (or both)",
                )
            units = sorted({CARGO_UNITS[c] for c in row["cargo"] or () if c in CARGO_UNITS})
            if not is_missing(row["usd_per_unit"]) and len(units) != 1:
                listed = f"classes counted in {_joined(units)}" if units else "no cargo class"
                self.add(
                    "surcharges",
                    i,
                    "cargo",
                    f"usd_per_unit is per cargo unit, but the row lists {listed}",
                    "list cargo classes counted in one unit (e.g. container, or bulk;liquid), "
                    "one row per unit",
                )
            if row["at"] == "destination" and row["node_id"]:
                self.add(
                    "surcharges",
                    i,
                    "node_id",
                    "a surcharge at the destination is paid wherever the box enters the country",
                    "leave node_id empty, or use at = entry for a charge at one place",
                )
            start, end = row["valid_from"], row["valid_to"]
            if start and end and end <= start:
                self.add(
                    "surcharges",
                    i,
                    "valid_to",
                    "valid_to is not after valid_from",
                    "make valid_to later than valid_from (valid_to is exclusive)",
                )

    def services(self) -> None:
        rotations = {r["service_id"] for _, r in self.rows("service_calls")}
        classes = self.vehicle_classes()
        for i, row in self.rows("services"):
            vclass = row.get("vehicle_class")
            if classes is not None and vclass and vclass not in classes:
                self.add(
                    "services",
                    i,
                    "vehicle_class",
                    f"unknown vehicle_class {vclass!r} (not under [emissions] in parameters.toml)",
                    did_you_mean(vclass, sorted(classes), "[emissions] in parameters.toml"),
                )
            if not row["link_ids"] and row["service_id"] not in rotations:
                self.add(
                    "services",
                    i,
                    "link_ids",
                    "the service runs nowhere: no link_ids and no calls in service_calls.csv",
                    "list the links where cargo boards it, or its port rotation in "
                    "service_calls.csv",
                )
            freq = row["frequency_per_week"]
            if not is_missing(freq) and freq <= 0:
                self.add(
                    "services",
                    i,
                    "frequency_per_week",
                    f"frequency_per_week is {freq:g}",
                    "a service runs more than 0 times a week; remove it or give its frequency",
                )

    def service_calls(self) -> None:
        """A rotation has two calls or more, numbered without gaps; each call but the last
        lists the sea lanes to the next call, a chain from this port to the next one;
        every intermediate call has a port stay."""
        links = {r["link_id"]: r for _, r in self.rows("links")}
        services = {r["service_id"] for _, r in self.rows("services")}
        calls: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for i, row in self.rows("service_calls"):
            calls.setdefault(row["service_id"], []).append((i, row))
        for sid, rows in calls.items():
            rows.sort(key=lambda x: x[1]["sequence"] if x[1]["sequence"] is not None else 0)
            if sid in services and len(rows) < 2:
                self.add(
                    "service_calls",
                    rows[0][0],
                    "service_id",
                    f"service {sid} has one call",
                    "a rotation needs two calls or more (board at one, alight at another)",
                )
            for k, (i, row) in enumerate(rows):
                if row["sequence"] is not None and row["sequence"] != k + 1:
                    self.add(
                        "service_calls",
                        i,
                        "sequence",
                        f"service {sid}: call {row['sequence']} found where {k + 1} was expected",
                        "number the calls of a service 1, 2, 3 ... without gaps or repeats",
                    )
                    break
                last = k == len(rows) - 1
                lanes = row["lane_link_ids"] or ()
                if last:
                    if lanes:
                        self.add(
                            "service_calls",
                            i,
                            "lane_link_ids",
                            f"service {sid}: the last call lists lanes",
                            "leave lane_link_ids empty on the last call",
                        )
                    continue
                if k > 0 and is_missing(row["port_stay_h"]):
                    self.add(
                        "service_calls",
                        i,
                        "port_stay_h",
                        f"service {sid}: intermediate call at {row['node_id']} has no port stay",
                        "give port_stay_h (hours the ship stays), with its source or method",
                    )
                self._lane_chain(sid, i, row, rows[k + 1][1]["node_id"], lanes, links)

    def _lane_chain(
        self,
        sid: str,
        i: int,
        row: Mapping[str, Any],
        next_node: str,
        lanes: Sequence[str],
        links: Mapping[str, Mapping[str, Any]],
    ) -> None:
        at = row["node_id"]
        if not lanes:
            self.add(
                "service_calls",
                i,
                "lane_link_ids",
                f"service {sid}: no lanes from {at} to the next call {next_node}",
                "list the sea links the ship sails to the next call, separated by ';'",
            )
            return
        for lid in lanes:
            link = links.get(lid)
            if link is None:
                return  # the reference check reports it
            if link["mode"] != "sea":
                self.add(
                    "service_calls",
                    i,
                    "lane_link_ids",
                    f"service {sid}: lane {lid} is a {link['mode']} link",
                    "a liner sails sea links only",
                )
                return
            if link["from_node"] == at:
                at = link["to_node"]
            elif link["to_node"] == at and link["bidirectional"] is not False:
                at = link["from_node"]
            else:
                self.add(
                    "service_calls",
                    i,
                    "lane_link_ids",
                    f"service {sid}: lane {lid} does not start at {at}",
                    "list the lanes in sailing order, each starting where the previous ends",
                )
                return
        if at != next_node:
            self.add(
                "service_calls",
                i,
                "lane_link_ids",
                f"service {sid}: the lanes end at {at}, not at the next call {next_node}",
                "extend the lanes to the next call's port",
            )

    def project_status(self) -> None:
        for i, row in self.rows("project_status"):
            if row["date"] and row["date_latest"] and row["date_latest"] < row["date"]:
                self.add(
                    "project_status",
                    i,
                    "date_latest",
                    "date_latest is before date",
                    "date is the earliest and date_latest the latest date; swap them",
                )

    def demand(self) -> None:
        for i, row in self.rows("demand"):
            unit, cargo = row["unit"], row["cargo"]
            if unit in _DEMAND_UNIT_CARGO and cargo:
                fits = _DEMAND_UNIT_CARGO[unit]
                if fits is not None and cargo not in fits:
                    self.add(
                        "demand",
                        i,
                        "unit",
                        f"unit {unit} does not fit cargo {cargo}",
                        _demand_unit_fix(cargo),
                    )


def _demand_unit_fix(cargo: str) -> str:
    unit = CARGO_UNITS.get(cargo, "t")
    return f"count {cargo} in t" + (f" or {unit}" if unit != "t" else "")


def _joined(values: Iterable[Any]) -> str:
    return ";".join(map(str, values)) or "none"


def check_tables(
    tables: Mapping[str, pd.DataFrame],
    lines: Mapping[str, Sequence[int]] | None = None,
    parameters: Mapping[str, Any] | None = None,
    *,
    reported: Iterable[tuple[str, int | None, str | None]] = (),
) -> list[Problem]:
    """Cross-row and cross-table checks on typed tables (keys, references, rules).

    ``lines`` maps each table to the CSV line of each row (default: row ``i`` is line
    ``i + 2``); ``parameters=None`` skips the checks that need ``parameters.toml``.
    ``reported``: (file, line, column) cells already reported as unreadable, whose
    consequences (an unreadable validity date) are not reported again.
    Used by :func:`read_directory`, by imports and by scenarios.
    """
    if lines is None:
        lines = {name: tuple(range(2, len(frame) + 2)) for name, frame in tables.items()}
    return _Checker(tables, lines, parameters, set(reported)).run()


# ---------------------------------------------------------------------------- audit
