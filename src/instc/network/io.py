"""Write a network to other formats and read GMNS back; every write is atomic.

- :func:`write_tables` writes the instc tables (``<table>.csv`` + ``parameters.toml``),
  the format :func:`~instc.network.load.load_network` reads.
- :func:`export_gmns` writes a GMNS-style dataset: ``node.csv`` and ``link.csv`` with
  the GMNS core fields (``node_id, name, x_coord, y_coord, node_type`` and ``link_id,
  from_node_id, to_node_id, directed, length, facility_type``), every instc column as an
  extra freight field, a ``config.csv`` stating the units (``long_length = km``), and the
  other instc tables beside them unchanged. :func:`import_gmns` turns such a folder (or
  a plain GMNS one, whose missing freight fields then fail validation) back into
  instc tables.
- :func:`export_geojson` writes ``nodes.geojson`` (points) and ``links.geojson``
  (straight lines between the end nodes) in WGS 84; :func:`export_geoparquet` the same
  as GeoParquet and :func:`export_geopackage` as one GeoPackage, via GeoPandas.

Output goes to a hidden temporary folder beside ``out`` that is renamed into place when
complete, so a failure never leaves half-written output. ``out`` must be absent, empty,
or hold only files a previous export of the same kind wrote (they are replaced).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instc._errors import DataError, ValidationError
from instc._values import frame_records
from instc.network.schema import TABLES

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network

__all__ = [
    "EXPORT_FORMATS",
    "dumps_toml",
    "export_geojson",
    "export_geopackage",
    "export_geoparquet",
    "export_gmns",
    "export_network",
    "import_gmns",
    "to_json_value",
    "to_networkx",
    "write_tables",
]

EXPORT_FORMATS = ("gmns", "geojson", "geoparquet", "gpkg")
# GMNS core field -> instc column (nodes, links); the rest keep their instc names.
_GMNS_NODE = {"node_id": "node_id", "name": "name", "x_coord": "lon", "y_coord": "lat"}
_GMNS_LINK = {
    "link_id": "link_id",
    "from_node_id": "from_node",
    "to_node_id": "to_node",
    "length": "length_km",
    "facility_type": "mode",
}
_GMNS_CONFIG = {
    "dataset_name": "instc",
    "short_length": "m",
    "long_length": "km",
    "speed": "kmh",
    "crs": "EPSG:4326",
    "geometry_field_format": "WKT",
    "currency": "USD",
    "version_number": "0.96",
}
_TABLE_FILES = {f"{name}.csv" for name in TABLES} | {"parameters.toml"}


# ------------------------------------------------------------------- cell formatting


def _cell(value: Any) -> str:
    """A typed cell back in the CSV form the loader reads."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value).removesuffix(".0")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        import pandas as pd

        if value is pd.NA:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def to_json_value(value: Any) -> Any:
    """A typed cell as a JSON value (None for missing, lists for list cells)."""
    text = _cell(value)
    if text == "" and not isinstance(value, tuple | list):
        return None
    if isinstance(value, tuple | list):
        return list(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def _frame_rows(frame: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    return [[_cell(r[c]) for c in columns] for r in frame_records(frame)]


# ----------------------------------------------------------------------------- TOML


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise DataError(f"parameter value {value} cannot be written to TOML")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise DataError(f"parameter value {value!r} cannot be written to TOML")


def dumps_toml(data: Mapping[str, Any]) -> str:
    """Nested parameters as TOML: one ``[table]`` per branch, leaves as inline tables.

    >>> print(dumps_toml({"speed": {"rail_kmh": {"value": 40.0, "unit": "km/h"}}}))
    [speed]
    rail_kmh = { value = 40.0, unit = "km/h" }
    <BLANKLINE>
    """
    out: list[str] = []

    def is_leaf(node: Any) -> bool:
        return not isinstance(node, Mapping) or "value" in node or "unit" in node

    def walk(node: Mapping[str, Any], prefix: tuple[str, ...]) -> None:
        leaves = [(k, v) for k, v in node.items() if is_leaf(v)]
        if leaves:
            if prefix:
                out.append("[" + ".".join(_toml_key(p) for p in prefix) + "]")
            out.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in leaves)
            out.append("")
        for key, value in node.items():
            if not is_leaf(value):
                walk(value, (*prefix, key))

    walk(data, ())
    return "\n".join(out)


# ---------------------------------------------------------------------- atomic output


def _atomic_dir(out: str | Path, write: Callable[[Path], None], allowed: set[str]) -> Path:
    """Run ``write(tmp)`` in a temporary folder, then move it to ``out`` in one step."""
    target = Path(out)
    if target.exists():
        if not target.is_dir():
            raise DataError(f"{target}: exists and is not a folder — choose another --out")
        foreign = sorted(p.name for p in target.iterdir() if p.name not in allowed)
        if foreign:
            raise DataError(
                f"{target}: folder is not empty (it holds {', '.join(foreign[:3])}) — "
                "choose a new folder for --out or empty it"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result should not be
        write(tmp)
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _tables_of(network: Network) -> dict[str, pd.DataFrame]:
    """The schema tables of ``network``; rows that name links absent as of its date
    (tariffs, services) are left out so that the output validates on its own."""
    tables = dict(network.tables)
    links = tables["links"]
    if "expected" in links.columns:
        tables["links"] = links.drop(columns=["expected"])
    present = set(links["link_id"])
    services = tables["services"]
    keep = [all(i in present for i in ids) for ids in services["link_ids"]]
    tables["services"] = services = services.loc[keep].reset_index(drop=True)
    running = set(services["service_id"])
    tariffs = tables["tariffs"]
    served = tariffs["service_id"] if "service_id" in tariffs else [None] * len(tariffs)
    keep = [
        (link is None or link in present) and (sid is None or sid in running)
        for link, sid in zip(tariffs["link_id"], served, strict=True)
    ]
    tables["tariffs"] = tariffs.loc[keep].reset_index(drop=True)
    return tables


def _write_table_files(
    tables: Mapping[str, pd.DataFrame], parameters: Mapping[str, Any], folder: Path
) -> None:
    for name, table in TABLES.items():
        columns = list(table.column_names)
        _write_csv(folder / table.file, columns, _frame_rows(tables[name], columns))
    (folder / "parameters.toml").write_text(dumps_toml(parameters), encoding="utf-8")


def write_tables(network: Network, out: str | Path) -> Path:
    """Write ``network``'s tables as an instc dataset folder (CSV + TOML), atomically."""
    tables = _tables_of(network)
    return _atomic_dir(
        out, lambda d: _write_table_files(tables, network.parameters, d), _TABLE_FILES
    )


# ----------------------------------------------------------------------------- GMNS


def _gmns_frames(
    tables: Mapping[str, pd.DataFrame],
) -> tuple[list[str], list[list[str]], list[str], list[list[str]]]:
    nodes, links = tables["nodes"], tables["links"]
    node_extra = [
        c for c in TABLES["nodes"].column_names if c not in (*_GMNS_NODE.values(), "kinds")
    ]
    node_cols = [*list(_GMNS_NODE), "node_type", *node_extra]
    node_rows = []
    for r in frame_records(nodes):
        core = [_cell(r[c]) for c in _GMNS_NODE.values()]
        node_rows.append([*core, _cell(r["kinds"]), *(_cell(r[c]) for c in node_extra)])
    link_extra = [
        c for c in TABLES["links"].column_names if c not in (*_GMNS_LINK.values(), "bidirectional")
    ]
    link_cols = [*list(_GMNS_LINK), "directed", *link_extra]
    link_rows = []
    for r in frame_records(links):
        core = [_cell(r[c]) for c in _GMNS_LINK.values()]
        directed = "false" if r["bidirectional"] else "true"
        link_rows.append([*core, directed, *(_cell(r[c]) for c in link_extra)])
    return node_cols, node_rows, link_cols, link_rows


def export_gmns(network: Network, out: str | Path) -> Path:
    """Write ``network`` as GMNS ``node.csv``/``link.csv`` plus the other instc tables."""
    tables = _tables_of(network)

    def write(folder: Path) -> None:
        node_cols, node_rows, link_cols, link_rows = _gmns_frames(tables)
        _write_csv(folder / "node.csv", node_cols, node_rows)
        _write_csv(folder / "link.csv", link_cols, link_rows)
        _write_csv(folder / "config.csv", list(_GMNS_CONFIG), [list(_GMNS_CONFIG.values())])
        rest = {n: t for n, t in tables.items() if n not in ("nodes", "links")}
        for name, frame in rest.items():
            columns = list(TABLES[name].column_names)
            _write_csv(folder / TABLES[name].file, columns, _frame_rows(frame, columns))
        (folder / "parameters.toml").write_text(dumps_toml(network.parameters), encoding="utf-8")

    allowed = (_TABLE_FILES - {"nodes.csv", "links.csv"}) | {"node.csv", "link.csv", "config.csv"}
    return _atomic_dir(out, write, allowed)


def _read_gmns_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    import csv

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: the file is not UTF-8 — save it as UTF-8") from exc
    reader = csv.DictReader(text.splitlines())
    return [h.strip() for h in reader.fieldnames or []], list(reader)


def _gmns_length_factor(folder: Path) -> float:
    """km per unit of the GMNS ``length`` field, from ``config.csv`` (default: m)."""
    config = folder / "config.csv"
    unit = "m"
    if config.is_file():
        _, rows = _read_gmns_csv(config)
        if rows:
            unit = (rows[0].get("long_length") or "m").strip().lower()
    factors = {"km": 1.0, "m": 0.001, "mi": 1.609344, "mile": 1.609344, "ft": 0.0003048}
    if unit not in factors:
        raise DataError(f"{config}: unknown long_length unit {unit!r} — use km, m, mi or ft")
    return factors[unit]


def import_gmns(folder: str | Path, out: str | Path) -> Path:
    """Convert a GMNS folder to an instc dataset folder at ``out``; validated, atomic.

    ``node.csv``/``link.csv`` become ``nodes.csv``/``links.csv`` (``x_coord``/``y_coord``
    -> ``lon``/``lat``, ``node_type`` -> ``kinds``, ``directed`` -> ``bidirectional``,
    ``length`` -> ``length_km`` using ``config.csv``'s ``long_length``, ``facility_type``
    -> ``mode``); other instc tables found beside them are copied. Raises
    :class:`~instc._errors.ValidationError` (writing nothing) if the result is invalid.
    """
    from instc.network.validate import read_directory

    source = Path(folder)
    for name in ("node.csv", "link.csv"):
        if not (source / name).is_file():
            raise DataError(
                f"{source / name}: GMNS file not found — give a folder with node.csv and link.csv"
            )
    km_per_unit = _gmns_length_factor(source)
    node_header, node_rows = _read_gmns_csv(source / "node.csv")
    link_header, link_rows = _read_gmns_csv(source / "link.csv")
    node_map = {**{g: i for g, i in _GMNS_NODE.items()}, "node_type": "kinds"}
    link_map = {g: i for g, i in _GMNS_LINK.items() if g != "length"}

    def convert_nodes() -> tuple[list[str], list[list[str]]]:
        extra = [h for h in node_header if h not in node_map and h in TABLES["nodes"].column_names]
        cols = [*(node_map[h] for h in node_header if h in node_map), *extra]
        rows = []
        for r in node_rows:
            rows.append(
                [r.get(h) or "" for h in node_header if h in node_map]
                + [r.get(h) or "" for h in extra]
            )
        return cols, rows

    def convert_links() -> tuple[list[str], list[list[str]]]:
        known = TABLES["links"].column_names
        extra = [
            h for h in link_header if h not in (*link_map, "length", "directed") and h in known
        ]
        cols = [link_map[h] for h in link_header if h in link_map] + [
            "length_km",
            "bidirectional",
            *extra,
        ]
        rows = []
        for r in link_rows:
            length = (r.get("length") or "").strip()
            if length and km_per_unit != 1.0:
                # a non-number is left as written: validation reports it with its row
                with contextlib.suppress(ValueError):
                    length = repr(float(length) * km_per_unit)
            directed = (r.get("directed") or "").strip().lower()
            bidirectional = {"true": "false", "1": "false", "false": "true", "0": "true"}.get(
                directed, ""
            )
            rows.append(
                [r.get(h) or "" for h in link_header if h in link_map]
                + [length, bidirectional]
                + [r.get(h) or "" for h in extra]
            )
        return cols, rows

    def write(tmp: Path) -> None:
        cols, rows = convert_nodes()
        _write_csv(tmp / "nodes.csv", cols, rows)
        cols, rows = convert_links()
        _write_csv(tmp / "links.csv", cols, rows)
        for name in _TABLE_FILES - {"nodes.csv", "links.csv"}:
            if (source / name).is_file():
                shutil.copyfile(source / name, tmp / name)
        problems = read_directory(tmp).problems
        if problems:
            raise ValidationError(problems)

    return _atomic_dir(out, write, _TABLE_FILES)


# ------------------------------------------------------------------- GeoJSON/Parquet


def _features(network: Network) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = network.nodes
    where = {r["node_id"]: (r["lon"], r["lat"]) for r in frame_records(nodes)}
    node_features = []
    for r in frame_records(nodes):
        props = {k: to_json_value(v) for k, v in r.items() if k not in ("lat", "lon")}
        node_features.append(
            {
                "type": "Feature",
                "id": r["node_id"],
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": props,
            }
        )
    link_features = []
    for r in frame_records(network.links):
        props = {k: to_json_value(v) for k, v in r.items()}
        coords = [list(where[r["from_node"]]), list(where[r["to_node"]])]
        link_features.append(
            {
                "type": "Feature",
                "id": r["link_id"],
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": props,
            }
        )
    return node_features, link_features


def export_geojson(network: Network, out: str | Path) -> Path:
    """Write ``nodes.geojson`` and ``links.geojson`` (WGS 84) into ``out``, atomically."""
    node_features, link_features = _features(network)

    def write(folder: Path) -> None:
        for name, features in (("nodes", node_features), ("links", link_features)):
            collection = {"type": "FeatureCollection", "features": features}
            text = json.dumps(collection, ensure_ascii=False, allow_nan=False)
            (folder / f"{name}.geojson").write_text(text + "\n", encoding="utf-8")

    return _atomic_dir(out, write, {"nodes.geojson", "links.geojson"})


def export_geoparquet(network: Network, out: str | Path) -> Path:
    """Write ``nodes.parquet`` and ``links.parquet`` (GeoParquet, EPSG:4326), atomically."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    def frame(records: list[dict[Any, Any]], geometry: list[Any]) -> gpd.GeoDataFrame:
        import pandas as pd

        data = pd.DataFrame(records)
        for col in data.columns:
            if data[col].map(lambda v: isinstance(v, tuple)).any():
                data[col] = data[col].map(lambda v: [str(x) for x in v])
        return gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")

    nodes = frame_records(network.nodes)
    where = {r["node_id"]: (r["lon"], r["lat"]) for r in nodes}
    links = frame_records(network.links)
    node_frame = frame(nodes, [Point(r["lon"], r["lat"]) for r in nodes])
    link_frame = frame(
        links, [LineString([where[r["from_node"]], where[r["to_node"]]]) for r in links]
    )

    def write(folder: Path) -> None:
        node_frame.to_parquet(folder / "nodes.parquet")
        link_frame.to_parquet(folder / "links.parquet")

    return _atomic_dir(out, write, {"nodes.parquet", "links.parquet"})


def export_geopackage(network: Network, out: str | Path) -> Path:
    """Write ``instc.gpkg`` with layers ``nodes`` and ``links`` (EPSG:4326), atomically.

    GeoPackage has no list type: list cells are written ``;``-joined, as in the CSVs.
    """
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    def frame(records: list[dict[str, Any]], geometry: list[Any]) -> gpd.GeoDataFrame:
        import pandas as pd

        data = pd.DataFrame(
            [{k: _cell(v) if isinstance(v, tuple | dt.date) else v for k, v in r.items()}
             for r in records]
        )  # fmt: skip
        return gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")

    nodes = frame_records(network.nodes)
    where = {r["node_id"]: (r["lon"], r["lat"]) for r in nodes}
    links = frame_records(network.links)
    node_frame = frame(nodes, [Point(r["lon"], r["lat"]) for r in nodes])
    link_frame = frame(
        links, [LineString([where[r["from_node"]], where[r["to_node"]]]) for r in links]
    )

    def write(folder: Path) -> None:
        node_frame.to_file(folder / "instc.gpkg", layer="nodes", driver="GPKG")
        link_frame.to_file(folder / "instc.gpkg", layer="links", driver="GPKG")

    return _atomic_dir(out, write, {"instc.gpkg"})


def export_network(network: Network, out: str | Path, *, format: str) -> Path:
    """Export ``network`` to ``out`` in ``format`` (one of :data:`EXPORT_FORMATS`)."""
    writers = {
        "gmns": export_gmns,
        "geojson": export_geojson,
        "geoparquet": export_geoparquet,
        "gpkg": export_geopackage,
    }
    if format not in writers:
        from instc._errors import UnknownNameError

        raise UnknownNameError("export format", format, EXPORT_FORMATS)
    return writers[format](network, out)


def to_networkx(network: Network) -> Any:
    """``network`` as a ``networkx.MultiDiGraph``: one node per place, one edge per
    usable link and direction (keyed by ``link_id``), every column as an attribute.

    networkx is optional (``pip install networkx``); a missing install raises
    :class:`~instc._errors.InstcError`.
    """
    try:
        import networkx as nx
    except ImportError as exc:
        from instc._errors import InstcError

        raise InstcError("networkx is not installed — pip install networkx") from exc
    graph = nx.MultiDiGraph(as_of=network.as_of, origin=network.origin)
    for r in frame_records(network.nodes):
        graph.add_node(r["node_id"], **{str(k): to_json_value(v) for k, v in r.items()})
    for r in frame_records(network.links):
        attrs = {str(k): to_json_value(v) for k, v in r.items()}
        graph.add_edge(r["from_node"], r["to_node"], key=r["link_id"], **attrs)
        if r["bidirectional"]:
            graph.add_edge(r["to_node"], r["from_node"], key=r["link_id"], **attrs)
    return graph
