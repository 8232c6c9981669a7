"""Apply a scenario to a network: ``apply_scenario(network, scenario) -> Network``.

The function is pure. It edits copies of the *full* tables (every link, whatever its
status: ``network.all_links``), then re-runs the loader's as-of filter
(:func:`instc.network.load.filter_links_as_of`) at the scenario's date, so a scenario
that opens a project or moves ``as_of`` gives the same network the loader would give
for data that said so. The input network and its DataFrames are never modified.

The date of the result is the ``as_of`` of the scenario (or of its nearest ancestor
that sets one), else the network's. An edit with a period (``start`` / ``end``) holds
only when that date falls in the period; with no date (``as_of=None``) every edit holds.

What each action does:

- ``open`` a project: its timeline gets an ``open`` row (``in_force`` for an agreement;
  basis ``expected``: a scenario is a hypothesis) from ``start`` (default: always),
  replacing the rows it overrides;
  ``close`` a project: likewise with ``closed`` (``suspended`` when the edit has an
  ``end``, after which the original timeline resumes).
- ``open`` other selections (links, nodes, borders, countries, modes, families, basins):
  the selected links become usable in the period, detached from their project.
- ``close`` them: the selected links become unusable (they stay in ``all_links`` with a
  ``close_date``). ``close`` with only ``service`` withdraws those services.
- ``scale`` / ``set`` a field (see :data:`instc.scenarios.schema.FIELDS`). Tariffs are
  written as link-specific rows (``tariff_id`` ``<scenario>:<link>:<cargo>``) holding
  the rate that applied to the link, scaled or set, so other links keep theirs.
- ``demand``: multiply the matching demand rows (volume and its range) by ``factor``.
- ``rule``: record the rule as the parameter ``rules.<name>`` (see
  :data:`instc.scenarios.schema.RULES`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from instc._errors import Problem, ScenarioError
from instc._values import is_missing
from instc.scenarios.parse import ScenarioFileError
from instc.scenarios.schema import Edit, Scenario
from instc.scenarios.select import families_of, node_table, select_links

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network

__all__ = ["TariffIndex", "apply_scenario", "scenario_chain"]

# "Always": the date an edit without a start takes effect from.
ALWAYS = dt.date(1900, 1, 1)

Resolver = Callable[[str, Scenario], Scenario]


def scenario_chain(scenario: Scenario, *, resolve: Resolver | None = None) -> list[Scenario]:
    """The scenario and its ancestors, oldest first; a cycle is a :class:`ScenarioError`.

    ``resolve(parent, child)`` finds a parent by name or path; the default looks in the
    bundled scenarios and beside the child's file
    (:func:`instc.scenarios.catalog.find_scenario`).
    """
    if resolve is None:
        from instc.scenarios.catalog import resolve_parent

        resolve = resolve_parent
    chain = [scenario]
    seen = {scenario.name}
    current = scenario
    while current.parent is not None:
        parent = resolve(current.parent, current)
        if parent.name in seen:
            names = " -> ".join([*(s.name for s in reversed(chain)), parent.name])
            line = current.key_lines.get("parent")
            raise ScenarioError(
                f"{current.file}:{line}: parent cycle {names} — remove one of the parent keys"
                if line
                else f"{current.file}: parent cycle {names} — remove one of the parent keys"
            )
        seen.add(parent.name)
        chain.append(parent)
        current = parent
    return list(reversed(chain))


def apply_scenario(
    network: Network, scenario: Scenario, *, resolve: Resolver | None = None
) -> Network:
    """The network as the scenario (after its parents) describes it.

    Raises :class:`ScenarioFileError` when the scenario names something the network
    lacks (with the TOML line), and :class:`ScenarioError` when the edits would make the
    data break the contract.
    """
    from instc.network.load import filter_links_as_of
    from instc.scenarios.check import check_scenario

    chain = scenario_chain(scenario, resolve=resolve)
    as_of = network.as_of
    for item in chain:
        if item.as_of is not None:
            as_of = item.as_of
    full_links = network.all_links if network.all_links is not None else network.links
    if "expected" in full_links.columns:
        full_links = full_links.drop(columns=["expected"])
    work = _Tables({**network.tables, "links": full_links}, dict(network.parameters), network)
    work.as_of = as_of
    for item in chain:
        problems = check_scenario(item, network)
        if problems:
            raise ScenarioFileError(problems)
        for number, edit in enumerate(item.edits, start=1):
            if not edit.active_at(as_of):
                continue
            try:
                _apply_edit(work, item, edit, as_of)
            except ScenarioError as exc:
                where = f"{item.file}:{edit.line}" if edit.line else item.file
                raise ScenarioError(f"{where}: edit {number}: {exc}") from None
    tables = dict(work.tables)
    full = tables["links"]
    _check_result(tables, work.parameters, scenario)
    usable = filter_links_as_of(full, tables, as_of)
    if as_of is None and work.closed_links:
        usable = usable.loc[~usable["link_id"].isin(work.closed_links)].reset_index(drop=True)
    tables["links"] = usable
    return dataclasses.replace(
        network, tables=tables, parameters=work.parameters, as_of=as_of, all_links=full
    )


class _Tables:
    """Copy-on-write access to the tables being edited."""

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        parameters: dict[str, Any],
        network: Network | None = None,
    ) -> None:
        self.network = network  # whose data folder the config files come from
        self.tables: dict[str, pd.DataFrame] = dict(tables)
        self.parameters = parameters
        self._copied: set[str] = set()
        self.closed_links: set[str] = set()
        self.as_of: dt.date | None = None  # the date the edits see dated rows at

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def writable(self, name: str) -> pd.DataFrame:
        if name not in self._copied:
            self.tables[name] = self.tables[name].copy()
            self._copied.add(name)
        return self.tables[name]

    def replace(self, name: str, frame: pd.DataFrame) -> None:
        self.tables[name] = frame.reset_index(drop=True)
        self._copied.add(name)


# -- selections ---------------------------------------------------------------------


# -- edits --------------------------------------------------------------------------


def _apply_edit(work: _Tables, scenario: Scenario, edit: Edit, as_of: dt.date | None) -> None:
    if edit.action in ("open", "close"):
        _open_close(work, scenario, edit)
    elif edit.action in ("scale", "set"):
        _change(work, scenario, edit)
    elif edit.action == "demand":
        _demand(work, edit)
    elif edit.action == "rule":
        _rule(work, scenario, edit)


def _open_close(work: _Tables, scenario: Scenario, edit: Edit) -> None:
    keys = edit.selection.names()
    if keys == ("project",):
        kinds = dict(zip(work["projects"]["project_id"], work["projects"]["kind"], strict=True))
        for project in edit.selection.project:
            # without a date nothing filters by status: closed_links drops them then
            links = work["links"]
            members = links.loc[links["project_id"] == project, "link_id"]
            if edit.action == "open":
                # an agreement does not open, it enters into force (and gates no link)
                status = "in_force" if kinds.get(project) == "agreement" else "open"
                work.closed_links.difference_update(members)
            else:
                status = "suspended" if edit.end else "closed"
                work.closed_links.update(members)
            _override_status(work, scenario, project, status, edit.start, edit.end)
        return
    if keys == ("service",) and edit.action == "close":
        services = work["services"]
        work.replace("services", services.loc[~services["service_id"].isin(edit.selection.service)])
        return
    links = work["links"]
    mask = select_links(
        work.tables, links, edit.selection, families=families_of(edit.selection, work.network)
    )
    links = work.writable("links")
    if edit.action == "open":
        links.loc[mask, "project_id"] = None
        links.loc[mask, "open_date"] = edit.start
        links.loc[mask, "close_date"] = edit.end
        work.closed_links.difference_update(links.loc[mask, "link_id"])
    else:
        start = edit.start or ALWAYS
        links.loc[mask, "close_date"] = [
            start if closed is None or closed > start else closed
            for closed in links.loc[mask, "close_date"]
        ]
        # a link closed before it would have opened never opens (close_date > open_date)
        links.loc[mask, "open_date"] = [
            None if opened is not None and opened >= closed else opened
            for opened, closed in zip(
                links.loc[mask, "open_date"], links.loc[mask, "close_date"], strict=True
            )
        ]
        work.closed_links.update(links.loc[mask, "link_id"])


def _override_status(
    work: _Tables,
    scenario: Scenario,
    project: str,
    status: str,
    start: dt.date | None,
    end: dt.date | None,
) -> None:
    """Make ``project`` hold ``status`` in ``[start, end)``; the rest of its timeline stays."""
    import pandas as pd

    from instc.network.timeline import project_status_as_of

    begin = start or ALWAYS
    timeline = work["project_status"]
    resume = None
    if end is not None:
        before = project_status_as_of(work.tables, end)
        row = before.loc[before["project_id"] == project]
        resume = (row["status"].iloc[0], row["basis"].iloc[0]) if len(row) else None
    overridden = (
        (timeline["project_id"] == project)
        & timeline["party"].isna()
        & timeline["date"].map(lambda d: d is not None and d >= begin and (end is None or d < end))
    )
    rows = [_status_row(scenario, project, status, begin, "expected")]
    if end is not None and resume is not None and resume[1] is not None:
        rows.append(_status_row(scenario, project, resume[0], end, resume[1]))
    added = pd.DataFrame(rows, columns=timeline.columns)
    kept = timeline.loc[~overridden]
    work.replace(
        "project_status", pd.concat([kept, added], ignore_index=True) if len(kept) else added
    )


def _status_row(
    scenario: Scenario, project: str, status: str, date: dt.date, basis: str
) -> dict[str, Any]:
    return {
        "project_id": project,
        "status": status,
        "date": date,
        "date_latest": None,
        "party": None,
        "basis": basis,
        "source_ids": tuple(scenario.sources),
        "estimated": (),
        "method": None,
        "notes": f"scenario {scenario.name}",
    }


def _scaled(value: Any, factor: float) -> float:
    return float("nan") if is_missing(value) else float(value) * factor


def _change(work: _Tables, scenario: Scenario, edit: Edit) -> None:
    name = edit.field
    if name in (
        "time_h",
        "speed_kmh",
        "capacity_per_year",
        "fixed_cost_usd_per_teu",
        "fixed_cost_usd_per_t",
    ):
        _change_links(work, edit)
    elif name in ("tariff_usd_per_unit_km", "tariff_usd_per_unit"):
        _change_tariffs(work, scenario, edit)
    elif name == "cost":
        _change_tariffs(work, scenario, edit)
        for money in ("fixed_cost_usd_per_teu", "fixed_cost_usd_per_t"):
            _change_links(work, dataclasses.replace(edit, field=money))
    elif name == "frequency_per_week":
        _change_services(work, edit)
    elif name in ("dwell_h", "border_cost", "border_capacity_per_day", "transfer_cost"):
        _change_hubs(work, edit)


def _selected_links(work: _Tables, edit: Edit) -> pd.Series:
    return select_links(
        work.tables,
        work["links"],
        edit.selection,
        families=families_of(edit.selection, work.network),
    )


def _rescale(frame: pd.DataFrame, mask: pd.Series, columns: Sequence[str], edit: Edit) -> None:
    """Scale ``columns`` by the edit's factor, or set the first and clear the others."""
    if not mask.any():
        return
    if edit.action != "set":  # scale, demand
        factor = float(edit.factor or 0.0)
        for column in columns:
            frame.loc[mask, column] = frame.loc[mask, column].astype(float) * factor
    else:
        frame.loc[mask, columns[0]] = float(edit.value or 0.0)
        for column in columns[1:]:
            frame.loc[mask, column] = float("nan")


def _range_columns(name: str) -> tuple[str, str, str]:
    return (name, f"{name}_low", f"{name}_high")


def _default_speed_kmh(
    parameters: Mapping[str, Any], mode: str, gauge: Any, country: Any = None
) -> float | None:
    """The default moving speed the graph would use (see :mod:`instc.network.graph`)."""
    speeds = parameters.get("speed", {})
    layer = mode
    if mode == "rail" and not is_missing(gauge):
        layer = f"rail{int(gauge)}"
    keys = [f"{layer}_{country.lower()}_kmh"] if isinstance(country, str) and country else []
    keys += [f"{layer}_kmh", f"{mode}_kmh"]
    for key in keys:
        leaf = speeds.get(key)
        if isinstance(leaf, Mapping) and isinstance(leaf.get("value"), int | float):
            return float(leaf["value"])
    return None


def _change_links(work: _Tables, edit: Edit) -> None:
    mask = _selected_links(work, edit)
    if not mask.any():
        return
    links = work.writable("links")
    name = edit.field or ""
    if name in ("time_h", "speed_kmh"):
        _change_time(work, links, mask, edit)
    elif name == "capacity_per_year":
        _rescale(links, mask, _range_columns(name), edit)
    else:
        _rescale(links, mask, (name,), edit)


def _change_time(work: _Tables, links: pd.DataFrame, mask: pd.Series, edit: Edit) -> None:
    """Time and speed edits: a link's moving time is ``time_h`` if given, else length/speed."""
    for index in links.index[mask]:
        row = links.loc[index]
        has_time = not is_missing(row["time_h"])
        speed = row["speed_kmh"]
        if is_missing(speed):
            nodes = work["nodes"]
            where = nodes.loc[nodes["node_id"] == row["from_node"], "country"]
            country = where.iloc[0] if len(where) else None
            speed = _default_speed_kmh(work.parameters, row["mode"], row["gauge_mm"], country)
        if edit.field == "time_h":
            if edit.action == "set":
                links.loc[index, _range_columns("time_h")] = [edit.value, math.nan, math.nan]
            elif has_time:
                links.loc[index, _range_columns("time_h")] = [
                    _scaled(row[c], edit.factor or 0.0) for c in _range_columns("time_h")
                ]
            else:
                if speed is None:
                    raise _no_speed(row)
                time_h = float(row["length_km"]) / float(speed) * (edit.factor or 0.0)
                links.loc[index, _range_columns("time_h")] = [time_h, math.nan, math.nan]
        elif edit.action == "set":
            links.loc[index, "speed_kmh"] = edit.value
            links.loc[index, _range_columns("time_h")] = [math.nan, math.nan, math.nan]
        elif has_time:
            factor = edit.factor or 0.0
            links.loc[index, _range_columns("time_h")] = [
                _scaled(row[c], 1.0 / factor) if factor else math.inf
                for c in _range_columns("time_h")
            ]
        else:
            if speed is None:
                raise _no_speed(row)
            links.loc[index, "speed_kmh"] = float(speed) * (edit.factor or 0.0)


def _no_speed(row: Any) -> ScenarioError:
    return ScenarioError(
        f"link {row['link_id']} has neither time_h nor speed_kmh and parameters.toml has no "
        f"speed.{row['mode']}_kmh — give the link a speed or set its time_h instead"
    )


class TariffIndex:
    """Which tariff row applies to a link and cargo class, most specific first: a liner's
    row for this lane (with ``service``), the link's own row, the liner's rate on its
    lanes (with ``service``), then its mode in the country of its start (then its end),
    then its mode anywhere; the first row wins on ties (as in
    :mod:`instc.network.graph`)."""

    def __init__(self, records: Sequence[Mapping[str, Any]]) -> None:
        self._keys: dict[tuple[str, ...], int] = {}
        for index, row in enumerate(records):
            self.add(index, row)

    def add(self, index: int, row: Mapping[str, Any]) -> None:
        cargo = row["cargo"]
        service = row.get("service_id")
        if row["link_id"] and service:
            key: tuple[str, ...] = ("lane", row["link_id"], service, cargo)
        elif row["link_id"]:
            key = ("link", row["link_id"], cargo)
        elif service:
            key = ("service", service, cargo)
        elif row["mode"] and row["country"]:
            key = ("country", row["mode"], row["country"], cargo)
        elif row["mode"]:
            key = ("mode", row["mode"], cargo)
        else:
            return
        self._keys.setdefault(key, index)

    def lookup(
        self,
        link: Mapping[str, Any],
        countries: Sequence[str],
        cargo: str,
        service: str | None = None,
    ) -> int | None:
        """Position of the row that applies (to the liner ``service`` sailing the link
        as a lane, when given), or None when no tariff does."""
        keys = [
            *([("lane", link["link_id"], service, cargo)] if service else []),
            ("link", link["link_id"], cargo),
            *([("service", service, cargo)] if service else []),
            *(("country", link["mode"], c, cargo) for c in countries),
            ("mode", link["mode"], cargo),
        ]
        for key in keys:
            if key in self._keys:
                return self._keys[key]
        return None


_TARIFF_MONEY = ("usd_per_unit_km", "usd_per_unit_km_low", "usd_per_unit_km_high", "usd_per_unit")


def _change_tariffs(work: _Tables, scenario: Scenario, edit: Edit) -> None:
    import pandas as pd

    mask = _selected_links(work, edit)
    if not mask.any():
        return
    columns = {
        "tariff_usd_per_unit_km": (
            "usd_per_unit_km",
            "usd_per_unit_km_low",
            "usd_per_unit_km_high",
        ),
        "tariff_usd_per_unit": ("usd_per_unit",),
        "cost": _TARIFF_MONEY,
    }[edit.field or ""]
    country_of = {n: c for n, (c, _, _) in node_table(work.tables).items()}
    original = work["tariffs"]
    rows: list[dict[str, Any]] = original.to_dict("records")  # type: ignore[assignment]
    # only the rows in force at the scenario's date are edited and copied: a dated
    # tariff's other periods (e.g. Turkmen rail before 2023, in 2023, from 2024) keep
    # theirs, and a link's new row takes the period's rate, not the file's first row
    index = TariffIndex(())
    for position in _tariffs_in_force(original, work.as_of):
        index.add(position, rows[position])
    liners = _liners_by_lane(work, {str(r["service_id"]) for r in rows if r.get("service_id")})
    links: list[dict[str, Any]] = work["links"].loc[mask].to_dict("records")  # type: ignore[assignment]
    for link in links:
        countries = [country_of[link["from_node"]], country_of[link["to_node"]]]
        for cargo in edit.cargo or link["cargo"]:
            if cargo not in link["cargo"]:
                continue
            # a liner sailing the link pays its own rate there: its lane is edited too
            # (before the link's row, whose new scenario row a liner must not inherit)
            for service in (*liners.get(link["link_id"], ()), None):
                found = index.lookup(link, countries, cargo, service)
                priced_by = None if found is None else rows[found].get("service_id")
                if service is not None and found is not None and priced_by != service:
                    continue  # the liner pays the link's or a general rate: edited below
                row = _edited_tariff(rows, found, original.columns, edit, columns)
                if row is None:
                    continue
                own = (link["link_id"], service)
                if found is not None and (rows[found]["link_id"], priced_by) == own:
                    rows[found] = row  # the lane's or the link's own row is edited in place
                    continue
                lane = "" if service is None else f":{service}"
                row.update(
                    {
                        "tariff_id": f"{scenario.name}:{link['link_id']}{lane}:{cargo}",
                        "link_id": link["link_id"],
                        "service_id": service,
                        "mode": link["mode"],
                        "country": None,
                        "cargo": cargo,
                        "source_ids": tuple(row.get("source_ids") or ()) or tuple(scenario.sources),
                        "notes": f"scenario {scenario.name}",
                    }
                )
                rows.append(row)
                index.add(len(rows) - 1, row)  # later edits find it as the own row
    frame = pd.DataFrame(rows, columns=original.columns).astype(original.dtypes.to_dict())
    for column in original.columns:
        if original[column].dtype == object:  # the contract's empty str is None, not NaN
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    work.replace("tariffs", frame)


def _tariffs_in_force(tariffs: pd.DataFrame, as_of: dt.date | None) -> list[int]:
    """Positions (in file order) of the tariff rows the network uses at ``as_of``: one
    per tariff series, as :func:`instc.network.dated.rows_valid_at` picks them (the row
    valid then, else the nearest in time)."""
    from instc.network.dated import rows_valid_at

    probe = tariffs.assign(_position=range(len(tariffs)))
    return [int(p) for p in rows_valid_at(probe, "tariffs", as_of)["_position"]]


def _liners_by_lane(work: _Tables, priced: set[str]) -> dict[str, tuple[str, ...]]:
    """Per link, the liners with a rate of their own (``priced``) that sail it as a lane
    of their rotation (service_calls.csv)."""
    calls = work.tables.get("service_calls")
    out: dict[str, list[str]] = {}
    if calls is None:
        return {}
    for sid, lanes in zip(calls["service_id"], calls["lane_link_ids"], strict=True):
        if sid not in priced:
            continue
        for lid in lanes or ():
            if sid not in out.setdefault(lid, []):
                out[lid].append(sid)
    return {lid: tuple(v) for lid, v in out.items()}


def _edited_tariff(
    rows: Sequence[Mapping[str, Any]],
    found: int | None,
    all_columns: Any,
    edit: Edit,
    columns: Sequence[str],
) -> dict[str, Any] | None:
    """The tariff row at ``found`` scaled or set by ``edit`` (a fresh row when none
    applies and the edit sets a value); None when there is nothing to scale."""
    if found is None:
        if edit.action == "scale":
            return None  # no tariff to scale: the cost of this leg is not in the data
        row: dict[str, Any] = {c: None for c in all_columns}
        row.update({c: math.nan for c in _TARIFF_MONEY})
        row.update({"source_ids": (), "estimated": ()})
    else:
        row = dict(rows[found])
    if edit.action == "scale":
        for column in columns:
            row[column] = _scaled(row[column], edit.factor or 0.0)
    else:
        row[columns[0]] = edit.value
        for column in columns[1:]:
            row[column] = math.nan
    return row


def _change_services(work: _Tables, edit: Edit) -> None:
    services = work["services"]
    wanted = set(edit.selection.service)
    link_keys = [k for k in edit.selection.names() if k != "service"]
    if link_keys:
        only_links = dataclasses.replace(edit.selection, service=())
        mask = select_links(
            work.tables, work["links"], only_links, families=families_of(only_links, work.network)
        )
        link_ids = set(work["links"].loc[mask, "link_id"])
        runs = services["link_ids"].map(lambda ids: bool(link_ids.intersection(ids)))
    else:
        runs = services["link_ids"].map(lambda ids: True)
    chosen = runs & (services["service_id"].isin(wanted) if wanted else True)
    if chosen.any():
        _rescale(work.writable("services"), chosen, _range_columns("frequency_per_week"), edit)


def _change_hubs(work: _Tables, edit: Edit) -> None:
    sel = edit.selection
    keys = set(sel.names())
    name = edit.field or ""
    if name != "transfer_cost" and keys <= {"border", "mode", "country"}:
        borders = work["borders"]
        mask = borders["border_id"].map(lambda b: not sel.border or b in sel.border)
        mask &= borders["mode"].map(lambda m: not sel.mode or m in sel.mode)
        mask &= borders["countries"].map(
            lambda cs: not sel.country or bool(set(cs) & set(sel.country))
        )
        if mask.any():
            frame = work.writable("borders")
            if name == "dwell_h":
                _rescale(frame, mask, _range_columns("dwell_h"), edit)
            elif name == "border_capacity_per_day":
                _rescale(frame, mask, ("capacity_per_day",), edit)
            elif name == "border_cost":
                for column in ("cost_usd_per_teu", "cost_usd_per_t", "cost_usd_per_truck"):
                    _rescale(frame, mask, (column,), edit)
    if name in ("dwell_h", "transfer_cost") and keys <= {"node", "country"}:
        transfers = work["transfers"]
        country_of = {n: c for n, (c, _, _) in node_table(work.tables).items()}
        mask = transfers["node_id"].map(
            lambda n: (
                (not sel.node or n in sel.node)
                and (not sel.country or country_of.get(n) in sel.country)
            )
        )
        if mask.any():
            frame = work.writable("transfers")
            if name == "dwell_h":
                _rescale(frame, mask, _range_columns("dwell_h"), edit)
            else:
                for column in ("cost_usd_per_teu", "cost_usd_per_t", "cost_usd_per_truck"):
                    _rescale(frame, mask, (column,), edit)


def _demand(work: _Tables, edit: Edit) -> None:
    demand = work["demand"]
    mask = demand["demand_id"].map(lambda _: True)
    for key, values in edit.demand.items():
        mask &= demand[key].isin(values)
    if mask.any():
        _rescale(work.writable("demand"), mask, _range_columns("volume"), edit)


def _rule(work: _Tables, scenario: Scenario, edit: Edit) -> None:
    rules = dict(work.parameters.get("rules", {}))
    for name, value in edit.rules.items():
        rules[name] = {
            "value": value,
            "unit": "rule",
            "source_ids": list(scenario.sources),
            "basis": "claim",
            "method": f"set by scenario {scenario.name}",
        }
    work.parameters = {**work.parameters, "rules": rules}


def _check_result(
    tables: Mapping[str, pd.DataFrame], parameters: Mapping[str, Any], scenario: Scenario
) -> None:
    """The edited tables must still follow the data contract."""
    from instc.network.checks import check_tables
    from instc.network.schema import TABLES

    problems: list[Problem] = check_tables(tables, parameters=parameters)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        name = first.file.removesuffix(".csv")
        row = f"row {first.row}"
        if name in TABLES and first.row is not None and 0 <= first.row - 2 < len(tables[name]):
            record = tables[name].iloc[first.row - 2]
            row = " ".join(str(record[k]) for k in TABLES[name].key)
        raise ScenarioError(
            f"{scenario.file}: scenario {scenario.name!r} makes the network invalid: "
            f"{name} {row}, {first.column}: {first.message}{more} — "
            "check the values its edits set"
        )
