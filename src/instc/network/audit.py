"""What ``instc network audit`` lists: estimates, ranges, gaps, unsourced rows and
plausibility flags (allowed but probably wrong); and which rows cite a source."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from instc._names import closest
from instc._values import frame_records, is_missing
from instc.network.schema import TABLES, Table

__all__ = ["audit_tables", "describe_source", "gap_clause"]


def _row_id(table: Table, row: Mapping[Any, Any]) -> str:
    return "/".join(str(row[k]) for k in table.key if not is_missing(row[k]))


def audit_tables(
    tables: Mapping[str, pd.DataFrame],
    parameters: Mapping[str, Any] | None = None,
    *,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """What is an estimate, what is a range and what is missing, per table.

    For each table: ``rows``; ``estimated`` (rows naming estimated columns),
    ``ranges`` (rows giving a low/high), ``unsourced`` (rows with no ``source_ids``),
    each as ``{"count", "rows": [{"id", "columns"}]}``; ``missing`` maps each
    optional value column that is sometimes empty to ``{"count", "ids"}``. Under
    ``parameters``: the dotted keys that are estimates, ranges or claims. Under
    ``checks``: what is allowed but probably wrong (links shorter than the great circle
    between their ends or than the way through their waypoints, transfers to a layer no
    link serves at that place (but road: a door behind its terminals), nodes without
    links, links whose project never has an ``open`` status, and forecasts whose latest
    date is before ``today`` — default: today's date — and so have slipped (a loaded
    network does not treat them as open) and should be confirmed or moved;
    ``gaps``: rows and parameters whose method or notes say no source gives a value;
    sources no row or parameter cites).
    """
    report: dict[str, Any] = {}
    for name, table in TABLES.items():
        frame = tables.get(name)
        if frame is None:
            continue
        records = frame_records(frame)
        estimated, ranged, unsourced = [], [], []
        companions = {c for lo, _, hi in table.ranges for c in (lo, hi)}
        value_cols = [
            c.name
            for c in table.columns
            if c.dtype in ("float", "int", "date") and not c.required and c.name not in companions
        ]
        missing: dict[str, list[str]] = {c: [] for c in value_cols}
        for row in records:
            rid = _row_id(table, row)
            if table.sourced and row["estimated"]:
                estimated.append({"id": rid, "columns": list(row["estimated"])})
            spans = [
                m for lo, m, hi in table.ranges if not (is_missing(row[lo]) and is_missing(row[hi]))
            ]
            if spans:
                ranged.append({"id": rid, "columns": spans})
            if table.sourced and not row["source_ids"]:
                unsourced.append({"id": rid, "columns": list(row["estimated"])})
            for c in value_cols:
                if is_missing(row[c]):
                    missing[c].append(rid)
        report[name] = {
            "rows": len(records),
            "estimated": {"count": len(estimated), "rows": estimated},
            "ranges": {"count": len(ranged), "rows": ranged},
            "unsourced": {"count": len(unsourced), "rows": unsourced},
            "missing": {c: {"count": len(ids), "ids": ids} for c, ids in missing.items() if ids},
        }
    leaves: dict[str, list[str]] = {"estimated": [], "ranges": [], "claims": []}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if not isinstance(value, Mapping):
                continue
            if "value" in value:
                if value.get("basis") in ("estimate", "derived"):
                    leaves["estimated"].append(dotted)
                if "low" in value or "high" in value:
                    leaves["ranges"].append(dotted)
                if value.get("basis") == "claim":
                    leaves["claims"].append(dotted)
            else:
                walk(value, dotted)

    walk(parameters or {}, "")
    report["parameters"] = {k: {"count": len(v), "keys": v} for k, v in leaves.items()}
    report["checks"] = _plausibility(tables, today or dt.date.today())
    report["checks"]["gaps"] = _gaps(tables, parameters or {})
    cited = {
        sid
        for name, table in TABLES.items()
        if table.sourced and name in tables
        for ids in tables[name]["source_ids"]
        for sid in ids
    }
    cited.update(_parameter_sources(parameters or {}))
    uncited = [s for s in tables["sources"]["source_id"] if s not in cited]
    report["checks"]["sources_never_cited"] = {"count": len(uncited), "ids": uncited}
    return report


# "gap" in a method or note marks a value no source gives (the value is an estimate or
# left empty); "gap filler" (a road leg bridging a missing railway) is not one
_GAP = re.compile(r"\bgap\b(?![ -]fill)", re.IGNORECASE)


def _gaps(tables: Mapping[str, pd.DataFrame], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Rows and parameters whose ``method`` or ``notes`` say a value is a gap."""
    found: list[dict[str, Any]] = []
    for name, table in TABLES.items():
        if not table.sourced or name not in tables:
            continue
        for row in frame_records(tables[name]):
            text = "; ".join(str(row.get(c) or "") for c in ("method", "notes"))
            if _GAP.search(text):
                found.append({"id": f"{name}/{_row_id(table, row)}", "reason": _gap_reason(text)})

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping) and "value" in value:
                method = str(value.get("method") or "")
                if _GAP.search(method):
                    found.append({"id": f"parameters/{dotted}", "reason": _gap_reason(method)})
            elif isinstance(value, Mapping):
                walk(value, dotted)

    walk(parameters, "")
    return {"count": len(found), "rows": found}


# a gap's reason: the clause of the method or notes that names it (clauses end at ';',
# '. ' or a line break), cut to a readable length
_REASON_CHARS = 240


def gap_clause(text: str) -> str | None:
    """The clause of a row's ``method`` / ``notes`` text that names a gap (what no source
    gives), as ``instc network audit`` lists it; None when the text names none.

    >>> gap_clause("weekly (estimate); start: not in the sources (gap)")
    'start: not in the sources (gap)'
    >>> gap_clause("weekly (estimate)") is None
    True
    """
    return _gap_reason(text) if _GAP.search(text) else None


def _gap_reason(text: str) -> str:
    """The clause of ``text`` that says a value is a gap (``text`` must contain one)."""
    clauses = [c.strip(" ;.\n") for c in re.split(r";|\.\s|\n", text)]
    reason = next((c for c in clauses if _GAP.search(c)), text.strip())
    if len(reason) > _REASON_CHARS:
        reason = reason[: _REASON_CHARS - 1].rstrip() + "…"
    return reason


def _parameter_sources(node: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for value in node.values():
        if isinstance(value, Mapping):
            if "value" in value:
                found.update(str(s) for s in value.get("source_ids") or ())
            else:
                found |= _parameter_sources(value)
    return found


# A link shorter than 90 % of the great circle between its ends, less 5 km, is
# suspicious (the slack absorbs approximate coordinates of nearby places).
_SHORT_LINK_TOLERANCE = 0.9
_SHORT_LINK_SLACK_KM = 5.0


# the layer of the shipper's door (instc.network.graph.DOOR_LAYER; not imported: the graph
# module pulls in numpy and the emission tables, the audit reads tables only)
_DOOR_LAYER = "road"


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the mean Earth radius (6371.0088 km, IUGG)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _too_short(link: Mapping[str, Any], km: float) -> bool:
    """Whether the link's ``length_km`` is shorter than :data:`_SHORT_LINK_TOLERANCE`
    of ``km`` less :data:`_SHORT_LINK_SLACK_KM`."""
    length = link["length_km"]
    return not is_missing(length) and length < _SHORT_LINK_TOLERANCE * km - _SHORT_LINK_SLACK_KM


def _waypoints_by_link(tables: Mapping[str, pd.DataFrame]) -> dict[str, list[tuple[float, float]]]:
    """(lat, lon) of each link's waypoints (``waypoints.csv``) in order."""
    frame = tables.get("waypoints")
    if frame is None or frame.empty:
        return {}
    out: dict[str, list[tuple[float, float]]] = {}
    for r in frame_records(frame.sort_values(["link_id", "sequence"])):
        out.setdefault(r["link_id"], []).append((float(r["lat"]), float(r["lon"])))
    return out


def _plausibility(tables: Mapping[str, pd.DataFrame], today: dt.date) -> dict[str, Any]:
    """Things that are allowed but probably wrong, for a human to look at."""
    from instc.network.schema import layer_of

    nodes = {r["node_id"]: r for r in frame_records(tables["nodes"])}
    links = frame_records(tables["links"])
    short: list[dict[str, Any]] = []
    short_of_waypoints: list[dict[str, Any]] = []
    waypoints = _waypoints_by_link(tables)
    served: dict[str, set[str]] = {}
    for r in links:
        a, b = nodes.get(r["from_node"]), nodes.get(r["to_node"])
        if a is None or b is None:
            continue
        gc_km = _great_circle_km(a["lat"], a["lon"], b["lat"], b["lon"])
        if _too_short(r, gc_km):
            short.append(
                {
                    "id": r["link_id"],
                    "length_km": r["length_km"],
                    "great_circle_km": round(gc_km, 1),
                }
            )
        if r["link_id"] in waypoints:
            path = [(a["lat"], a["lon"]), *waypoints[r["link_id"]], (b["lat"], b["lon"])]
            path_km = math.fsum(_great_circle_km(*p, *q) for p, q in itertools.pairwise(path))
            if _too_short(r, path_km):
                short_of_waypoints.append(
                    {
                        "id": r["link_id"],
                        "length_km": r["length_km"],
                        "through_waypoints_km": round(path_km, 1),
                    }
                )
        gauge = None if is_missing(r["gauge_mm"]) else int(r["gauge_mm"])
        if r["mode"] and (r["mode"] != "rail" or gauge is not None):
            layer = layer_of(r["mode"], gauge)
            served.setdefault(r["from_node"], set()).add(layer)
            served.setdefault(r["to_node"], set()).add(layer)
    unserved = [
        {"id": f"{t['node_id']}/{t['from_layer']}/{t['to_layer']}", "layer": layer}
        for t in frame_records(tables["transfers"])
        for layer in (t["from_layer"], t["to_layer"])
        # the road layer behind a terminal is the place's door (the shipper's truck), no
        # road link needed: a place without one is entered through the terminal only
        if layer not in served.get(t["node_id"], set()) and layer != _DOOR_LAYER
    ]
    isolated = sorted(n for n in nodes if n not in served)
    stale = []
    for r in frame_records(tables["project_status"]):
        latest = r["date_latest"] or r["date"]
        if r["basis"] == "expected" and latest is not None and latest < today:
            stale.append(
                {"id": f"{r['project_id']}/{r['status']}", "expected_by": latest.isoformat()}
            )
    opens = {
        r["project_id"]
        for r in frame_records(tables["project_status"])
        if r["status"] == "open" and not r["party"]
    }
    never = [r["link_id"] for r in links if r["project_id"] and r["project_id"] not in opens]
    return {
        "links_never_usable": {"count": len(never), "ids": never},
        "forecasts_overdue": {"count": len(stale), "rows": stale},
        "shorter_than_great_circle": {"count": len(short), "rows": short},
        "shorter_than_its_waypoints": {
            "count": len(short_of_waypoints),
            "rows": short_of_waypoints,
        },
        "transfers_to_unserved_layers": {"count": len(unserved), "rows": unserved},
        "isolated_nodes": {"count": len(isolated), "ids": isolated},
    }


def describe_source(network: Any, source_id: str) -> dict[str, Any]:
    """One source's row plus ``cited_by``: for each table (and ``parameters``), the keys
    of the rows that cite it. Every link counts, whatever its status at ``as_of``.

    Raises :class:`~instc._errors.UnknownNameError` with the closest ids.
    """
    from instc._errors import UnknownNameError
    from instc.network.io import to_json_value

    sources = network.sources
    match = sources[sources["source_id"] == source_id]
    if match.empty:
        raise UnknownNameError(
            "source", source_id, closest(source_id, sources["source_id"], 3, cutoff=0.5)
        )
    record: dict[str, Any] = {str(k): to_json_value(v) for k, v in frame_records(match)[0].items()}
    tables = dict(network.tables)
    if network.all_links is not None:
        tables["links"] = network.all_links
    cited_by: dict[str, list[str]] = {}
    for name, table in TABLES.items():
        if not table.sourced:
            continue
        for row in frame_records(tables[name]):
            if source_id in row["source_ids"]:
                cited_by.setdefault(name, []).append(_row_id(table, row))
    keys: list[str] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping):
                if "value" in value:
                    if source_id in (value.get("source_ids") or ()):
                        keys.append(dotted)
                else:
                    walk(value, dotted)

    walk(network.parameters, "")
    if keys:
        cited_by["parameters"] = keys
    record["cited_by"] = cited_by
    return record
