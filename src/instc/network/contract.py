"""The TOML half of the data contract: the files a dataset folder holds besides its tables.

``families.toml`` (corridor families of ``compare``), ``corridor.toml`` (OD demand and
branches of the corridor assignment), ``criticality.toml`` (default OD set of
``criticality``, naming its pairs file), ``rules.toml`` (flag rules) and
``scenarios/_pairs.toml`` (default pairs) belong to the dataset. They are read once,
with the tables, into a :class:`DataConfig` that the :class:`~instc.network.model.Network`
carries (``network.config``): a ``--data DIR`` folder that holds one has it read instead
of the embedded one, which fills in the rest. Engines take them from there
(:func:`config_of`), never from a path of their own. :func:`check_config_files` checks a
folder's own files, and the provenance of ``parameters.toml``, in the same
``file:row:column: what — fix`` form as the CSV tables; ``instc validate`` and every
load of a folder run it. A families or pairs file given directly (``--families``,
``--ods``, ``--pairs``) is checked by the same rules (:func:`read_given`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, Problem
from instc._names import closest, did_you_mean, hint
from instc._toml_lines import KeyPath, key_lines, line_of
from instc.network.schema import CARGO_CLASSES, MODES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONFIG_FILES",
    "ConfigFile",
    "DataConfig",
    "check_config_files",
    "config_files_in_subfolders",
    "config_of",
    "embedded_config",
    "embedded_data_dir",
    "finite_number",
    "read_config",
    "read_given",
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


# the keys of a [[pair]] table of a pairs file
PAIR_KEYS = ("origin", "destination", "cargo", "group", "weight")
# a place name of a config file -> None when the dataset has it, else (what, fix)
PlaceCheck = Callable[[str], "tuple[str, str] | None"]

# the family id of compare's unconstrained best option (instc.routing.compare.BEST)
_RESERVED_FAMILY = "best"
# how far shares that must sum to 1 may miss it (corridor.toml)
SHARE_TOLERANCE = 1e-3


def embedded_data_dir() -> Path:
    """The directory of the dataset shipped inside the package (``instc/data``)."""
    from importlib.resources import files

    return Path(str(files("instc.data")))


def config_files_in_subfolders(directory: Path) -> list[tuple[str, Path]]:
    """(name, path) of the config files of ``directory`` that live outside its top level
    and exist: ``scenarios/_pairs.toml`` and the pairs file its ``criticality.toml``
    names when that one is in a subfolder. Part of what a data folder holds (and of its
    cache key), like its top-level CSV and TOML files."""
    names = [n for n in CONFIG_FILES if "/" in n]
    named = _named_pairs_file(directory / "criticality.toml")
    if named is not None and named not in names and Path(named).name != named:
        names.append(named)
    return [(n, directory / n) for n in names if (directory / n).is_file()]


def _named_pairs_file(criticality: Path) -> str | None:
    """The pairs file a ``criticality.toml`` names, if it exists and parses (else the
    load reports it); read again only when the file's size or time changes."""
    try:
        stat = criticality.stat()
    except OSError:
        return None
    return _named_in(str(criticality), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _named_in(path: str, size: int, mtime_ns: int) -> str | None:
    """:func:`_named_pairs_file` of ``path`` at that size and time (the cache key)."""
    from instc._files import read_toml

    try:
        return _pairs_file_of(read_toml(path, what="criticality.toml"))
    except DataError:
        return None


def _embedded(name: str) -> Path:
    if name == "rules.toml":
        return Path(__file__).resolve().parents[1] / "routing" / "rules.toml"
    return embedded_data_dir() / name


@dataclass(frozen=True, eq=False)
class ConfigFile:
    """One config file of a dataset, read and parsed once (hashable by identity, so
    what is built from it can be cached per file)."""

    name: str  # relative to the data folder, e.g. "scenarios/_pairs.toml"
    path: Path  # where it was read from
    text: str
    doc: Mapping[str, Any]
    own: bool  # the data folder's own file; False: the embedded one in its place


@dataclass(frozen=True, eq=False)
class DataConfig:
    """The config files of a dataset by name (:data:`CONFIG_FILES`, plus the pairs file
    ``criticality.toml`` names when it is another one)."""

    files: Mapping[str, ConfigFile]

    def file(self, name: str) -> ConfigFile:
        """The config file ``name``; :class:`DataError` when the dataset has none."""
        found = self.files.get(name)
        if found is None:
            raise DataError(f"{name}: not in the dataset — add it to the data folder")
        return found


def _read_one(name: str, path: Path, own: bool, problems: list[Problem]) -> ConfigFile | None:
    f = _File(name if own else str(path), path, problems)
    doc = f.read()
    return None if doc is None else ConfigFile(name, path, f.text, doc, own)


def read_config(directory: str | Path | None, problems: list[Problem]) -> DataConfig:
    """The config files of the data folder ``directory`` (``None``: the embedded data),
    each the folder's own when it holds it, else the embedded one. A file that cannot be
    read or parsed is a problem appended to ``problems`` and left out."""
    fallback = None if directory is None else embedded_config()
    files: dict[str, ConfigFile] = {}
    for name in CONFIG_FILES:
        own = None if directory is None else Path(directory) / name
        if own is not None and own.exists():
            found = _read_one(name, own, True, problems)
        elif fallback is not None:
            found = fallback.files.get(name)
        else:
            found = _read_one(name, _embedded(name), False, problems)
        if found is not None:
            files[name] = found
    criticality = files.get("criticality.toml")
    named = None if criticality is None else _pairs_file_of(criticality.doc)
    if criticality is not None and named is not None and named not in files:
        path = criticality.path.parent / named
        if path.is_file():
            found = _read_one(named, path, criticality.own, problems)
            if found is not None:
                files[named] = found
    return DataConfig(files)


@functools.cache
def embedded_config() -> DataConfig:
    """The config files of the embedded dataset (read once)."""
    problems: list[Problem] = []
    config = read_config(None, problems)
    if problems:
        raise DataError(str(problems[0]))
    return config


def config_of(network: object) -> DataConfig:
    """The config files a network was loaded with (``network.config``), else the
    embedded ones (a network built in memory, or ``None``)."""
    config = getattr(network, "config", None)
    return config if isinstance(config, DataConfig) else embedded_config()


def _line(text: str, needle: str) -> int | None:
    """The 1-based line of the first occurrence of ``needle`` in ``text``."""
    index = text.find(needle)
    return None if index < 0 else text[:index].count("\n") + 1


def _close(word: str, options: Iterable[str]) -> str:
    """The closest of ``options`` as a hint (:func:`instc._names.hint`), else ''."""
    return hint(closest(word, sorted(set(options)), n=3, cutoff=0.6))


class _File:
    """One config file being checked: its text, and problems found in it."""

    def __init__(self, name: str, path: Path, problems: list[Problem]) -> None:
        self.name = name
        self.path = path
        self.problems = problems
        self.text = ""
        self._lines: dict[KeyPath, int] | None = None  # of text, once it is checked

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

    def add(self, key: str | KeyPath, column: str | None, message: str, fix: str = "") -> None:
        """A problem of the table ``key`` (dotted, e.g. ``"class.bulk"``, or a key path
        with the element of an array of tables, e.g. ``("pair", 2)``) and its ``column``,
        on the line of that key in that table, else of the table itself."""
        path: KeyPath = tuple(key.split(".")) if isinstance(key, str) and key else tuple(key)
        if self._lines is None:
            self._lines = key_lines(self.text)
        row = line_of(self._lines, (*path, column) if column else path)
        if row is None and path:
            row = _line(self.text, str(path[-1]))
        self.problems.append(Problem(self.name, row, column, message, fix))


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def finite_number(value: Any, *, low: float = 0.0, high: float | None = None) -> bool:
    """True for an int or float (not a bool), finite, within ``[low, high]``.

    >>> [finite_number(v) for v in (1.5, float("nan"), True, -1)]
    [True, False, False, False]
    """
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


def _check_families(
    f: _File, doc: Mapping[str, Any], known: Mapping[str, set[str]], place: PlaceCheck
) -> None:
    """The families of a families TOML: keys, via items and avoid lists that exist
    (``known`` ids; ``place`` for places), and :func:`_check_family_limits`."""
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
                    "mode": set(MODES),
                    "place": set(),
                }.get(kind)
                unknown = place(ident) if kind == "place" else None
                if pool is None:
                    f.add(
                        fid,
                        "via",
                        f"[{fid}] via item {item!r}: unknown kind {kind!r}",
                        "use a place id, link:ID, border:ID or mode:MODE",
                    )
                elif unknown is not None:
                    f.add(fid, "via", f"[{fid}] via item {item!r} {unknown[0]}", unknown[1])
                elif pool and ident not in pool:
                    f.add(
                        fid,
                        "via",
                        f"[{fid}] via item {item!r} does not exist",
                        _close(ident, pool) or f"see the {kind}s of the dataset",
                    )
        lists = {
            "avoid_countries": known["countries"],
            "avoid_modes": set(MODES),
            "avoid_nodes": set(),  # places: checked by place
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
                unknown = place(item) if key == "avoid_nodes" else None
                if unknown is not None:
                    f.add(fid, key, f"[{fid}] {key}: {item!r} {unknown[0]}", unknown[1])
                elif pool and item not in pool:
                    f.add(
                        fid,
                        key,
                        f"[{fid}] {key}: {item!r} does not exist",
                        _close(item, pool) or "remove it",
                    )
        if "ordered" in spec and not isinstance(spec["ordered"], bool):
            f.add(fid, "ordered", f"[{fid}] ordered must be true or false")
        _check_family_limits(f, fid, spec, groups)


def _check_family_limits(f: _File, fid: str, spec: Mapping[str, Any], groups: list[Any]) -> None:
    """What ``compare`` refuses besides the keys: the reserved id, the detour factor and
    the number of via orders it would search."""
    if fid == _RESERVED_FAMILY:
        f.add(
            fid,
            None,
            f"[{fid}] is reserved for the unconstrained best option",
            "rename the family",
        )
    factor = spec.get("max_detour_factor")
    if factor is not None and not finite_number(factor, low=1.0):
        f.add(
            fid,
            "max_detour_factor",
            f"[{fid}] max_detour_factor = {factor!r} is not a number >= 1",
            "give a number >= 1",
        )
    if len(groups) > 4 and spec.get("ordered") is not True:
        f.add(
            fid,
            "via",
            f"[{fid}] has {len(groups)} via groups in any order ({len(groups)}! searches)",
            "set ordered = true or use at most 4 groups",
        )


def _check_pairs(f: _File, doc: Mapping[str, Any], place: PlaceCheck) -> None:
    """The ``[[pair]]`` tables of a pairs file: origin and destination places
    (``place``), a cargo class, an optional group and a weight >= 0, no other key."""
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
        at = ("pair", i - 1)  # the i-th [[pair]] table
        for key in sorted(set(pair) - set(PAIR_KEYS)):
            f.add(at, key, f"pair {i}: unknown key {key!r}", _close(key, PAIR_KEYS) or "remove it")
        for key in ("origin", "destination"):
            value = pair.get(key)
            unknown = place(value) if isinstance(value, str) else None
            if not isinstance(value, str):
                f.add(at, key, f"pair {i} has no {key}", f'add {key} = "a place id"')
            elif unknown is not None:
                f.add(at, key, f"pair {i}: {key} {value!r} {unknown[0]}", unknown[1])
        cargo = pair.get("cargo")
        if not isinstance(cargo, str):
            f.add(at, "cargo", f"pair {i} has no cargo", f"give one of {', '.join(CARGO_CLASSES)}")
        elif cargo not in CARGO_CLASSES:
            f.add(
                at,
                "cargo",
                f"pair {i}: unknown cargo {cargo!r}",
                did_you_mean(cargo, CARGO_CLASSES),
            )
        if "group" in pair and not isinstance(pair["group"], str):
            f.add(at, "group", f"pair {i}: group must be a string", 'write it in "quotes"')
        if "weight" in pair and not finite_number(pair["weight"]):
            f.add(
                at,
                "weight",
                f"pair {i}: weight {pair['weight']!r} is not a number >= 0",
                "give a finite number >= 0",
            )


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
    if not isinstance(weights, dict) or not finite_number(weights.get("default")):
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
    total = 0.0
    for name, spec in classes.items():
        where = f"class.{name}"
        if not isinstance(spec, dict):
            f.add(where, None, f"[{where}] is not a table")
            continue
        if spec.get("cargo") not in CARGO_CLASSES or spec.get("cargo") == "passenger":
            f.add(
                where,
                "cargo",
                f"[{where}] cargo {spec.get('cargo')!r} is not a freight class",
                "use container, bulk, liquid or truck",
            )
        own = spec.get("scope")
        if own is not None and "share" in spec:
            f.add(where, "share", f"[{where}] has both scope and share", "keep one of them")
        elif own is not None:
            if not isinstance(own, str) or (known["scopes"] and own not in known["scopes"]):
                f.add(
                    where,
                    "scope",
                    f"[{where}] scope {own!r} is not a scope of demand.csv",
                    _close(str(own), known["scopes"]) or "see demand.csv",
                )
        elif not finite_number(spec.get("share"), high=1.0):
            f.add(
                where,
                "share",
                f"[{where}] share {spec.get('share')!r} is not in [0, 1]",
                "give a share of tonnes (or scope = a demand.csv scope of its own)",
            )
        else:
            total += spec["share"]
        for key in ("basis", "method", "od_method"):
            if not isinstance(spec.get(key), str):
                f.add(where, key, f"[{where}] has no {key}", f'add {key} = "..."')
        _check_class_ods(f, where, spec.get("ods"), known["nodes"])
    if abs(total - 1.0) > SHARE_TOLERANCE:
        f.add("class", "share", f"class shares sum to {total:g}", "they must sum to 1")


def _check_class_ods(f: _File, where: str, ods: Any, nodes: set[str]) -> None:
    """The ``ods`` of one ``[class.NAME]``: places that are nodes, shares summing to 1,
    no pair twice."""
    if not isinstance(ods, list) or not ods or not all(isinstance(od, dict) for od in ods):
        f.add(where, "ods", f"[{where}] ods must be a non-empty list of tables")
        return
    seen: set[tuple[str, str]] = set()
    od_sum = 0.0
    for od in ods:
        for key in ("origin", "destination"):
            value = od.get(key)
            if not isinstance(value, str) or (nodes and value not in nodes):
                f.add(
                    where,
                    key,
                    f"[{where}] od {key} {value!r} is not a node id",
                    _close(str(value), nodes) or "see nodes.csv",
                )
        if not finite_number(od.get("share"), high=1.0):
            f.add(where, "share", f"[{where}] od share {od.get('share')!r} is not in [0, 1]")
        else:
            od_sum += od["share"]
        pair = (str(od.get("origin")), str(od.get("destination")))
        if pair in seen:
            f.add(where, "ods", f"[{where}] lists {pair[0]} -> {pair[1]} twice", "merge the rows")
        seen.add(pair)
    if abs(od_sum - 1.0) > SHARE_TOLERANCE:
        f.add(where, "ods", f"[{where}] OD shares sum to {od_sum:g}", "they must sum to 1")


def _check_branches(f: _File, doc: Mapping[str, Any], families: set[str]) -> None:
    """The ``[branch.NAME]`` tables of ``corridor.toml``: route families of
    ``families.toml`` and a demand scope each."""
    branches = doc.get("branch", {})
    if not isinstance(branches, dict):
        f.add("branch", None, "branch must be [branch.NAME] tables")
        return
    for name, spec in branches.items():
        where = f"branch.{name}"
        if not isinstance(spec, dict):
            f.add(where, None, f"[{where}] is not a table")
            continue
        if not isinstance(spec.get("scope"), str):
            f.add(where, "scope", f"[{where}] has no scope", "name a scope of demand.csv")
        if not _strings(spec.get("families")):
            f.add(where, "families", f"[{where}] families must be a list of family ids")
            continue
        for fid in spec["families"]:
            if families and fid not in families:
                f.add(
                    where,
                    "families",
                    f"[{where}] family {fid!r} is not in families.toml",
                    _close(fid, families) or "see families.toml",
                )


def _pairs_file_of(criticality: Mapping[str, Any]) -> str | None:
    """The pairs file ``criticality.toml`` names (relative to the data folder), if any."""
    pairs = criticality.get("pairs")
    named = pairs.get("file") if isinstance(pairs, dict) else None
    return named if isinstance(named, str) else None


def _check_rules(f: _File, doc: Mapping[str, Any], sources: set[str]) -> None:
    for rid, spec in doc.items():
        if not isinstance(spec, dict):
            f.add(rid, None, f"{rid} is not a table")
            continue
        for key in ("lat_min", "lat_max", "lon_min", "lon_max"):
            value = spec.get(key)
            bound = 90.0 if key.startswith("lat") else 180.0
            if not finite_number(value, low=-bound, high=bound):
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


def _node_ids(nodes: set[str]) -> PlaceCheck:
    """Places of a data folder's own files: ids of its ``nodes.csv`` (any without one)."""

    def check(value: str) -> tuple[str, str] | None:
        if not nodes or value in nodes:
            return None
        return "is not a node id", _close(value, nodes) or "see nodes.csv"

    return check


def _known(tables: Mapping[str, pd.DataFrame], config: DataConfig) -> dict[str, set[str]]:
    """The ids a config file may name: links, borders, countries, demand scopes (of
    ``tables``) and flag rules (of ``config``'s ``rules.toml``)."""
    rules = config.files.get("rules.toml")
    return {
        "links": _ids(tables.get("links"), "link_id"),
        "borders": _ids(tables.get("borders"), "border_id"),
        "countries": _ids(tables.get("nodes"), "country"),
        "scopes": _ids(tables.get("demand"), "scope"),
        "rules": set() if rules is None else set(rules.doc),
    }


# what a file given directly holds -> what its errors call it
_GIVEN = {"families": "families TOML", "pairs": "pairs file"}


def read_given(
    path: str | Path, kind: str, network: Any = None, place: PlaceCheck | None = None
) -> ConfigFile:
    """A config file given directly (``compare --families FILE``, ``criticality --ods
    FILE``, ``scenario run --pairs FILE``), read and checked by the same rules as a data
    folder's own file of that ``kind`` ("families" or "pairs"), against the ids of
    ``network`` when given and its places by ``place``
    (:func:`instc.network.places.place_check`; default: any place). Raises
    :class:`DataError` with its first problem (``file:line:key: what — fix``).
    """
    place = place or (lambda value: None)
    from instc._files import loads_toml, read_text

    file = Path(path)
    text = read_text(file, what=_GIVEN[kind])
    doc = loads_toml(text, file=str(file))
    problems: list[Problem] = []
    f = _File(str(file), file, problems)
    f.text = text
    if kind == "families":
        tables: Mapping[str, Any] = {}
        if network is not None:
            tables = dict(network.tables)
            all_links = getattr(network, "all_links", None)
            if all_links is not None:
                tables["links"] = all_links
        _check_families(f, doc, _known(tables, config_of(network)), place)
    else:
        _check_pairs(f, doc, place)
    if problems:
        raise DataError(str(problems[0]))
    return ConfigFile(str(file), file, text, doc, own=True)


def check_config_files(
    directory: str | Path | None,
    tables: Mapping[str, pd.DataFrame],
    parameters: Mapping[str, Any] | None,
    config: DataConfig | None = None,
) -> list[Problem]:
    """Every problem of the dataset's TOML files besides ``parameters.toml``'s syntax.

    ``directory`` is the data folder (``None``: the embedded one); ``config`` its config
    files as :func:`read_config` read them (default: read them now). Only the folder's
    own files are checked: one it does not hold is the embedded one.
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
    if config is None:
        config = read_config(directory, problems)
    nodes = _ids(tables.get("nodes"), "node_id")
    known = {**_known(tables, config), "nodes": nodes}
    place = _node_ids(nodes)
    families = config.files.get("families.toml")
    family_ids = set() if families is None else set(families.doc)
    criticality = config.files.get("criticality.toml")
    for name, file in config.files.items():
        if not file.own:
            continue
        f = _File(name, file.path, problems)
        f.text = file.text
        if name == "families.toml":
            _check_families(f, file.doc, known, place)
        elif name == "corridor.toml":
            _check_corridor(f, file.doc, known)
            _check_branches(f, file.doc, family_ids)
        elif name == "criticality.toml":
            _check_criticality(f, file.doc)
        elif name == "rules.toml":
            _check_rules(f, file.doc, sources)
        elif name == "scenarios/_pairs.toml" or (
            criticality is not None and name == _pairs_file_of(criticality.doc)
        ):
            _check_pairs(f, file.doc, place)
    return problems
