"""The TOML half of the data contract: the files a dataset folder holds besides its tables.

``families.toml`` (corridor families of ``compare``), ``corridor.toml`` (OD demand of
the corridor assignment), ``criticality.toml`` (default OD set of ``criticality``),
``rules.toml`` (flag rules) and ``scenarios/_pairs.toml`` (default pairs) belong to the
dataset: a ``--data DIR`` folder that holds one is read instead of the embedded one
(:func:`data_file`), and :func:`check_config_files` checks all of them, and the
provenance of ``parameters.toml``, in the same ``file:row:column: what — fix`` form
as the CSV tables. ``instc validate`` and every load of a folder run it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, Problem
from instc._names import closest

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network

__all__ = [
    "CONFIG_FILES",
    "check_config_files",
    "config_files_in_subfolders",
    "data_file",
    "embedded_data_dir",
]

# Config files of a dataset folder, relative to it. rules.toml lives beside the routing
# code in the package; a data folder may hold its own.
CONFIG_FILES = (
    "families.toml",
    "corridor.toml",
    "criticality.toml",
    "rules.toml",
    "scenarios/_pairs.toml",
)

_MODES = ("sea", "rail", "road", "ferry", "inland_waterway", "pipeline")
_CARGO = ("container", "bulk", "liquid", "truck", "passenger")


def embedded_data_dir() -> Path:
    """The directory of the dataset shipped inside the package (``instc/data``)."""
    from importlib.resources import files

    return Path(str(files("instc.data")))


def config_files_in_subfolders(directory: Path) -> list[Path]:
    """The config files of ``directory`` that live in a subfolder and exist there
    (``scenarios/_pairs.toml``): part of what a data folder holds, like its top-level
    CSV and TOML files."""
    return [directory / n for n in CONFIG_FILES if "/" in n and (directory / n).is_file()]


def _embedded(name: str) -> Path:
    if name == "rules.toml":
        return Path(__file__).resolve().parents[1] / "routing" / "rules.toml"
    return embedded_data_dir() / name


def data_file(network: Network | str | Path | object | None, name: str) -> Path:
    """The config file ``name`` of the network's data folder, else the embedded one.

    ``network`` may be a :class:`Network` (its ``origin``), a folder, or ``None`` (the
    embedded data).
    """
    origin = getattr(network, "origin", network)
    if origin is not None and str(origin) != "embedded":
        own = Path(str(origin)) / name
        if own.is_file() or own.exists():
            return own
    return _embedded(name)


def _line(text: str, needle: str) -> int | None:
    """The 1-based line of the first occurrence of ``needle`` in ``text``."""
    index = text.find(needle)
    return None if index < 0 else text[:index].count("\n") + 1


def _close(word: str, options: Iterable[str]) -> str:
    found = closest(word, sorted(set(options)), n=3, cutoff=0.6)
    return "did you mean " + ", ".join(found) + "?" if found else ""


class _File:
    """One config file being checked: its text, and problems found in it."""

    def __init__(self, name: str, path: Path, problems: list[Problem]) -> None:
        self.name = name
        self.path = path
        self.problems = problems
        self.text = ""

    def read(self) -> dict[str, Any] | None:
        from instc._files import loads_toml, read_text

        try:
            self.text = read_text(self.path, what="TOML file")
            return loads_toml(self.text, file=self.name)
        except DataError as exc:
            message = (
                str(exc).split(": ", 1)[-1] if str(exc).startswith(str(self.path)) else str(exc)
            )
            self.problems.append(Problem(self.name, None, None, message))
            return None

    def add(self, key: str, column: str | None, message: str, fix: str = "") -> None:
        needle = key.rsplit(".", 1)[-1]
        row = _line(self.text, f"[{key}]") or _line(self.text, needle)
        self.problems.append(Problem(self.name, row, column, message, fix))


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value: Any, *, low: float = 0.0, high: float | None = None) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= low
        and (high is None or value <= high)
    )


def _ids(frame: pd.DataFrame | None, column: str) -> set[str]:
    if frame is None or column not in getattr(frame, "columns", ()):
        return set()
    return {str(v) for v in frame[column].dropna()}


def _check_families(f: _File, doc: Mapping[str, Any], known: Mapping[str, set[str]]) -> None:
    allowed = {
        "label",
        "short",
        "description",
        "via",
        "ordered",
        "max_detour_factor",
        "avoid_countries",
        "avoid_modes",
        "avoid_nodes",
        "avoid_links",
        "avoid_borders",
        "avoid_rules",
    }
    if not doc:
        f.add("", None, "no family defined", 'add a [family_id] table with label = "..."')
    for fid, spec in doc.items():
        if not isinstance(spec, dict):
            f.add(fid, None, f"{fid} is not a table", f'write [{fid}] with label = "..."')
            continue
        for key in sorted(set(spec) - allowed):
            f.add(fid, key, f"[{fid}] unknown key {key!r}", _close(key, allowed) or "remove it")
        for key in ("label", "short", "description"):
            if key in spec and not isinstance(spec[key], str):
                f.add(fid, key, f"[{fid}] {key} must be a string", 'write it in "quotes"')
        if "label" not in spec:
            f.add(fid, "label", f"[{fid}] has no label", 'add label = "..."')
        via = spec.get("via", [])
        groups = via if isinstance(via, list) else None
        if groups is None or not all(isinstance(g, str) or _strings(g) for g in groups):
            f.add(fid, "via", f"[{fid}] via must be a list of lists of ids", 'e.g. [["link:ID"]]')
            groups = []
        for group in groups:
            for item in [group] if isinstance(group, str) else group:
                kind, _, ident = item.partition(":") if ":" in item else ("place", "", item)
                ident = ident.split("@", 1)[0] if kind == "place" else ident
                pool = {
                    "link": known["links"],
                    "border": known["borders"],
                    "mode": set(_MODES),
                    "place": known["nodes"],
                }.get(kind)
                if pool is None:
                    f.add(
                        fid,
                        "via",
                        f"[{fid}] via item {item!r}: unknown kind {kind!r}",
                        "use a place id, link:ID, border:ID or mode:MODE",
                    )
                elif pool and ident not in pool:
                    f.add(
                        fid,
                        "via",
                        f"[{fid}] via item {item!r} does not exist",
                        _close(ident, pool) or f"see the {kind}s of the dataset",
                    )
        lists = {
            "avoid_countries": known["countries"],
            "avoid_modes": set(_MODES),
            "avoid_nodes": known["nodes"],
            "avoid_links": known["links"],
            "avoid_borders": known["borders"],
            "avoid_rules": known["rules"],
        }
        for key, pool in lists.items():
            if key not in spec:
                continue
            if not _strings(spec[key]):
                f.add(fid, key, f"[{fid}] {key} must be a list of strings", '["..."]')
                continue
            for item in spec[key]:
                if pool and item not in pool:
                    f.add(
                        fid,
                        key,
                        f"[{fid}] {key}: {item!r} does not exist",
                        _close(item, pool) or "remove it",
                    )
        if "ordered" in spec and not isinstance(spec["ordered"], bool):
            f.add(fid, "ordered", f"[{fid}] ordered must be true or false")


def _check_pairs(f: _File, doc: Mapping[str, Any], nodes: set[str]) -> None:
    pairs = doc.get("pair")
    if not isinstance(pairs, list) or not pairs or not all(isinstance(p, dict) for p in pairs):
        f.add(
            "pair",
            None,
            "no [[pair]] tables",
            "add [[pair]] tables with origin, destination, cargo",
        )
        return
    for i, pair in enumerate(pairs, 1):
        for key in ("origin", "destination"):
            value = pair.get(key)
            if not isinstance(value, str):
                f.add("pair", key, f"pair {i} has no {key}", "give a node id")
            elif nodes and value not in nodes:
                f.add(
                    "pair",
                    key,
                    f"pair {i}: {key} {value!r} is not a node id",
                    _close(value, nodes) or "see nodes.csv",
                )
        cargo = pair.get("cargo", "container")
        if cargo not in _CARGO:
            f.add("pair", "cargo", f"pair {i}: unknown cargo {cargo!r}", f"use {', '.join(_CARGO)}")
        if "weight" in pair and not _number(pair["weight"]):
            f.add("pair", "weight", f"pair {i}: weight {pair['weight']!r} is not a number >= 0")


def _check_criticality(f: _File, doc: Mapping[str, Any]) -> None:
    pairs = doc.get("pairs")
    file = pairs.get("file") if isinstance(pairs, dict) else None
    if not isinstance(file, str):
        f.add("pairs", "file", "[pairs] file is missing", 'add file = "scenarios/_pairs.toml"')
    elif not (f.path.parent / file).is_file():
        f.add(
            "pairs",
            "file",
            f"[pairs] file {file!r} does not exist",
            "give a path relative to this file",
        )
    weights = doc.get("weights")
    if not isinstance(weights, dict) or not _number(weights.get("default")):
        f.add("weights", "default", "[weights] default must be a number >= 0", "e.g. 1.0")
    elif not isinstance(weights.get("method"), str):
        f.add("weights", "method", "[weights] has no method", 'add method = "how"')


def _check_corridor(f: _File, doc: Mapping[str, Any], known: Mapping[str, set[str]]) -> None:
    demand = doc.get("demand")
    scope = demand.get("scope") if isinstance(demand, dict) else None
    if not isinstance(scope, str):
        f.add("demand", "scope", "[demand] has no scope", 'add scope = "instc-total"')
    elif known["scopes"] and scope not in known["scopes"]:
        f.add(
            "demand",
            "scope",
            f"[demand] scope {scope!r} is not in demand.csv",
            _close(scope, known["scopes"]) or "see demand.csv",
        )
    classes = doc.get("class")
    if not isinstance(classes, dict) or not classes:
        f.add("class", None, "no [class.NAME] tables", "add one per cargo class")
        return
    for name, spec in classes.items():
        where = f"class.{name}"
        if not isinstance(spec, dict):
            f.add(where, None, f"[{where}] is not a table")
            continue
        if spec.get("cargo") not in _CARGO or spec.get("cargo") == "passenger":
            f.add(
                where,
                "cargo",
                f"[{where}] cargo {spec.get('cargo')!r} is not a freight class",
                "use container, bulk, liquid or truck",
            )
        if not _number(spec.get("share"), high=1.0):
            f.add(
                where,
                "share",
                f"[{where}] share {spec.get('share')!r} is not in [0, 1]",
                "give a share of tonnes",
            )
        ods = spec.get("ods", [])
        if not isinstance(ods, list) or not all(isinstance(od, dict) for od in ods):
            f.add(where, "ods", f"[{where}] ods must be a list of tables")
            continue
        for od in ods:
            for key in ("origin", "destination"):
                value = od.get(key)
                if not isinstance(value, str) or (known["nodes"] and value not in known["nodes"]):
                    f.add(
                        where,
                        key,
                        f"[{where}] od {key} {value!r} is not a node id",
                        _close(str(value), known["nodes"]) or "see nodes.csv",
                    )
            if not _number(od.get("share"), high=1.0):
                f.add(where, "share", f"[{where}] od share {od.get('share')!r} is not in [0, 1]")


def _check_rules(f: _File, doc: Mapping[str, Any], sources: set[str]) -> None:
    for rid, spec in doc.items():
        if not isinstance(spec, dict):
            f.add(rid, None, f"{rid} is not a table")
            continue
        for key in ("lat_min", "lat_max", "lon_min", "lon_max"):
            value = spec.get(key)
            bound = 90.0 if key.startswith("lat") else 180.0
            if not _number(value, low=-bound, high=bound):
                f.add(
                    rid,
                    key,
                    f"[{rid}] {key} {value!r} is not a coordinate",
                    f"give degrees within ±{bound:g}",
                )
        for key in ("modes", "allowed_flags"):
            if not _strings(spec.get(key)):
                f.add(rid, key, f"[{rid}] {key} must be a list of strings")
        if not isinstance(spec.get("description"), str):
            f.add(rid, "description", f"[{rid}] has no description")
        for sid in spec.get("source_ids", []) if _strings(spec.get("source_ids", [])) else []:
            if sources and sid not in sources:
                f.add(
                    rid,
                    "source_ids",
                    f"[{rid}] source {sid!r} is not in sources.csv",
                    _close(sid, sources) or "add it to sources.csv",
                )


def _parameter_sources(parameters: Mapping[str, Any], sources: set[str]) -> list[tuple[str, str]]:
    """(dotted key, source id) of every parameter source id missing from sources.csv."""
    out: list[tuple[str, str]] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if not isinstance(value, Mapping):
                continue
            dotted = f"{prefix}.{key}" if prefix else key
            ids = value.get("source_ids")
            if isinstance(ids, list):
                out.extend((dotted, str(s)) for s in ids if str(s) not in sources)
            walk(value, dotted)

    walk(parameters, "")
    return out


def check_config_files(
    directory: str | Path | None,
    tables: Mapping[str, pd.DataFrame],
    parameters: Mapping[str, Any] | None,
) -> list[Problem]:
    """Every problem of the dataset's TOML files besides ``parameters.toml``'s syntax.

    ``directory`` is the data folder (``None``: the embedded one); a config file it does
    not hold is the embedded one and is checked there.
    """
    problems: list[Problem] = []
    sources = _ids(tables.get("sources"), "source_id")
    if parameters and sources:
        text = ""
        if directory is not None and (Path(directory) / "parameters.toml").is_file():
            text = (Path(directory) / "parameters.toml").read_text(encoding="utf-8-sig")
        for dotted, sid in _parameter_sources(parameters, sources):
            row = _line(text, dotted.rsplit(".", 1)[-1]) if text else None
            problems.append(
                Problem(
                    "parameters.toml",
                    row,
                    "source_ids",
                    f"parameter {dotted} cites {sid!r}, which is not in sources.csv",
                    _close(sid, sources) or "add the source to sources.csv or fix the id",
                )
            )
    if directory is None:
        return problems
    folder = Path(directory)
    nodes = _ids(tables.get("nodes"), "node_id")
    known = {
        "nodes": nodes,
        "links": _ids(tables.get("links"), "link_id"),
        "borders": _ids(tables.get("borders"), "border_id"),
        "countries": _ids(tables.get("nodes"), "country"),
        "scopes": _ids(tables.get("demand"), "scope"),
        "rules": set(),
    }
    docs: dict[str, tuple[_File, dict[str, Any]]] = {}
    for name in CONFIG_FILES:
        path = folder / name
        if not path.exists():
            continue
        f = _File(name, path, problems)
        doc = f.read()
        if doc is not None:
            docs[name] = (f, doc)
    rules_doc = docs["rules.toml"][1] if "rules.toml" in docs else None
    if rules_doc is None:
        from instc._files import read_toml

        try:
            rules_doc = read_toml(_embedded("rules.toml"))
        except DataError:
            rules_doc = {}
    known["rules"] = set(rules_doc)
    for name, (f, doc) in docs.items():
        if name == "families.toml":
            _check_families(f, doc, known)
        elif name == "scenarios/_pairs.toml":
            _check_pairs(f, doc, nodes)
        elif name == "criticality.toml":
            _check_criticality(f, doc)
        elif name == "corridor.toml":
            _check_corridor(f, doc, known)
        elif name == "rules.toml":
            _check_rules(f, doc, sources)
    return problems
