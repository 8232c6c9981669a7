"""Reader for the TNTP benchmark format (Transportation Networks for Research).

A TNTP folder holds ``<name>_net.tntp`` (links), ``<name>_trips.tntp`` (OD demand) and
optionally ``<name>_node.tntp`` (coordinates) and ``<name>_flow.tntp`` (a best-known
equilibrium). The format is summarised in ``shared/data/tntp/README.md``; this reader
follows it:

- fields are separated by any white space, link lines end with ``;``;
- a metadata block of ``<KEY> value`` lines ends with ``<END OF METADATA>``; lines that
  start with ``~`` are comments; blank lines are ignored;
- a link is identified by its row position (parallel links exist), never by its
  (from, to) pair;
- ``FIRST THRU NODE`` is kept so that engines can forbid paths through zones below it;
- generalized-cost weights that only a network's README states (ChicagoSketch:
  0.02 min/cent of toll and 0.04 min/mile of length) are in :data:`KNOWN_COST_FACTORS`.

Every malformed input raises :class:`~instc._errors.TNTPFormatError` whose message
starts with ``file:line:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from instc._errors import Problem, TNTPFormatError

__all__ = [
    "KNOWN_COST_FACTORS",
    "LINK_COLUMNS",
    "TNTPNetFile",
    "TNTPNetwork",
    "read_tntp",
    "read_tntp_flow",
    "read_tntp_net",
    "read_tntp_nodes",
    "read_tntp_trips",
]

# The ten columns of a net file, in order (the README's "File formats" section).
LINK_COLUMNS = (
    "init_node",
    "term_node",
    "capacity",
    "length",
    "free_flow_time",
    "b",
    "power",
    "speed",
    "toll",
    "link_type",
)

# Generalized cost = time + toll_factor * toll + distance_factor * length. The factors
# are not in the net files; the network READMEs state them. ChicagoSketch README:
# "0.02 min/cent" for toll and "0.04 min/mile" for length. Every other network: 0.
KNOWN_COST_FACTORS: dict[str, tuple[float, float]] = {"chicagosketch": (0.02, 0.04)}

_META_RE = re.compile(r"^<([^>]+)>(.*)$")
_TRIP_RE = re.compile(r"(\S+)\s*:\s*([^;]*);")


def _fail(path: Path | str, line: int | None, message: str, fix: str = "") -> TNTPFormatError:
    return TNTPFormatError(str(Problem(str(path), line, None, message, fix)))


def _read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise _fail(path, None, "file not found", "check the folder and file name") from None
    except OSError as exc:
        raise _fail(path, None, f"cannot read file ({exc.strerror})") from None
    if not text.strip():
        raise _fail(path, None, "file is empty", "use a TNTP file with data")
    return text.splitlines()


def _read_metadata(path: Path, lines: list[str]) -> tuple[dict[str, tuple[str, int]], int]:
    """Parse the metadata block; returns ``{KEY: (value, line)}`` and the first data index."""
    meta: dict[str, tuple[str, int]] = {}
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("~"):
            continue
        m = _META_RE.match(line)
        if m is None:
            raise _fail(
                path,
                i + 1,
                f"expected a metadata line '<KEY> value', found {line[:40]!r}",
                "end the metadata block with <END OF METADATA>",
            )
        key = m.group(1).strip().upper()
        if key == "END OF METADATA":
            return meta, i + 1
        meta[key] = (m.group(2).strip(), i + 1)
    raise _fail(path, len(lines), "no <END OF METADATA> line", "add it after the metadata block")


def _meta_int(
    path: Path, meta: dict[str, tuple[str, int]], key: str, *, default: int | None = None
) -> int:
    if key not in meta:
        if default is not None:
            return default
        raise _fail(path, None, f"metadata <{key}> is missing", f"add '<{key}> N' to the header")
    value, line = meta[key]
    try:
        number = int(value.split()[0]) if value else None
    except ValueError:
        number = None
    if number is None or number < 0:
        raise _fail(path, line, f"<{key}> must be a non-negative integer, found {value!r}")
    return number


@dataclass(frozen=True)
class TNTPNetFile:
    links: pd.DataFrame
    number_of_zones: int
    number_of_nodes: int
    first_thru_node: int


def read_tntp_net(path: str | Path) -> TNTPNetFile:
    """Read a ``_net.tntp`` file: links in file order and the header numbers.

    The returned ``links`` has the columns of :data:`LINK_COLUMNS` (node ids as int64,
    the rest float64 except ``link_type``) in file order.
    """
    path = Path(path)
    lines = _read_lines(path)
    meta, start = _read_metadata(path, lines)
    n_zones = _meta_int(path, meta, "NUMBER OF ZONES")
    n_nodes = _meta_int(path, meta, "NUMBER OF NODES")
    first_thru = _meta_int(path, meta, "FIRST THRU NODE", default=1)
    n_links = _meta_int(path, meta, "NUMBER OF LINKS")
    if n_zones > n_nodes:
        raise _fail(path, meta["NUMBER OF ZONES"][1], f"{n_zones} zones but only {n_nodes} nodes")
    rows: list[list[float]] = []
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line or line.startswith("~"):
            continue
        body = line.split(";", 1)[0]
        fields = body.split()
        if len(fields) != len(LINK_COLUMNS):
            raise _fail(
                path,
                i + 1,
                f"a link line needs {len(LINK_COLUMNS)} fields "
                f"({', '.join(LINK_COLUMNS)}), found {len(fields)}",
                "end each link line with ';'",
            )
        try:
            values = [float(f) for f in fields]
        except ValueError:
            bad = next(
                (c, f) for c, f in zip(LINK_COLUMNS, fields, strict=True) if not _is_number(f)
            )
            raise _fail(path, i + 1, f"{bad[0]} is not a number: {bad[1]!r}") from None
        a, b = values[0], values[1]
        for col, node in (("init_node", a), ("term_node", b)):
            if node != int(node) or not 1 <= node <= n_nodes:
                raise _fail(
                    path,
                    i + 1,
                    f"{col} {fields[LINK_COLUMNS.index(col)]} is not a node id in 1..{n_nodes}",
                    "fix the id or <NUMBER OF NODES>",
                )
        checks = (
            ("capacity", values[2] > 0 or (values[5] == 0), "must be > 0 when b > 0"),
            ("length", values[3] >= 0, "must be >= 0"),
            ("free_flow_time", values[4] >= 0, "must be >= 0"),
            ("b", values[5] >= 0, "must be >= 0"),
            ("power", values[6] >= 0, "must be >= 0"),
        )
        for col, ok, what in checks:
            if not ok or not np.isfinite(values[LINK_COLUMNS.index(col)]):
                raise _fail(path, i + 1, f"{col} {fields[LINK_COLUMNS.index(col)]} {what}")
        rows.append(values)
    if len(rows) != n_links:
        raise _fail(
            path,
            meta["NUMBER OF LINKS"][1],
            f"<NUMBER OF LINKS> says {n_links} but the file has {len(rows)} link lines",
            "fix the header or the missing/extra lines",
        )
    arr = np.asarray(rows, dtype=np.float64).reshape(-1, len(LINK_COLUMNS))
    links = pd.DataFrame(arr, columns=list(LINK_COLUMNS))
    for col in ("init_node", "term_node", "link_type"):
        links[col] = links[col].astype(np.int64)
    return TNTPNetFile(links, n_zones, n_nodes, first_thru)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_tntp_trips(path: str | Path, *, number_of_zones: int | None = None) -> np.ndarray:
    """Read a ``_trips.tntp`` file into a dense ``zones x zones`` demand matrix.

    Entry ``[o - 1, d - 1]`` is the demand from zone ``o`` to zone ``d``; intrazonal
    entries are kept (they never load a link). The sum must equal ``<TOTAL OD FLOW>``.
    """
    path = Path(path)
    lines = _read_lines(path)
    meta, start = _read_metadata(path, lines)
    n_zones = _meta_int(path, meta, "NUMBER OF ZONES")
    if number_of_zones is not None and n_zones != number_of_zones:
        raise _fail(
            path,
            meta["NUMBER OF ZONES"][1],
            f"<NUMBER OF ZONES> is {n_zones} but the net file has {number_of_zones}",
            "use the trips file of the same network",
        )
    demand = np.zeros((n_zones, n_zones), dtype=np.float64)
    origin: int | None = None
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line or line.startswith("~"):
            continue
        if line.startswith("Origin"):
            parts = line.split()
            try:
                origin = int(parts[1])
            except (IndexError, ValueError):
                raise _fail(
                    path, i + 1, f"bad origin line {line[:40]!r}", "write 'Origin <n>'"
                ) from None
            if not 1 <= origin <= n_zones:
                raise _fail(path, i + 1, f"origin {origin} is not a zone in 1..{n_zones}")
            continue
        if origin is None:
            raise _fail(path, i + 1, "demand entries before the first 'Origin <n>' line")
        entries = _TRIP_RE.findall(line)
        rest = _TRIP_RE.sub("", line).strip()
        if rest or not entries:
            raise _fail(
                path,
                i + 1,
                f"cannot read {(rest or line)[:40]!r}",
                "write entries as '<d> : <demand>;'",
            )
        for dest_text, value_text in entries:
            try:
                dest = int(dest_text)
                value = float(value_text)
            except ValueError:
                raise _fail(
                    path,
                    i + 1,
                    f"bad entry {dest_text} : {value_text.strip()!r}",
                    "write '<d> : <demand>;'",
                ) from None
            if not 1 <= dest <= n_zones:
                raise _fail(path, i + 1, f"destination {dest} is not a zone in 1..{n_zones}")
            if not np.isfinite(value) or value < 0:
                raise _fail(
                    path, i + 1, f"demand {value_text.strip()} must be a finite number >= 0"
                )
            demand[origin - 1, dest - 1] += value
    if "TOTAL OD FLOW" in meta:
        text, line_no = meta["TOTAL OD FLOW"]
        try:
            total = float(text.split()[0])
        except (IndexError, ValueError):
            raise _fail(path, line_no, f"<TOTAL OD FLOW> is not a number: {text!r}") from None
        found = float(demand.sum())
        if abs(found - total) > 1e-6 * max(1.0, abs(total)):
            raise _fail(
                path,
                line_no,
                f"<TOTAL OD FLOW> is {total} but the entries sum to {found:.6f}",
                "fix the header or the entries",
            )
    return demand


def read_tntp_flow(path: str | Path, *, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a ``_flow.tntp`` best-known solution: ``init_node, term_node, volume, cost``.

    With ``links`` (from :func:`read_tntp_net`) the rows must match the net file's link
    order, which is how flows are paired with links.
    """
    path = Path(path)
    lines = _read_lines(path)
    rows: list[tuple[int, int, float, float]] = []
    link_ends = None if links is None else links[["init_node", "term_node"]].to_numpy()
    for i, raw in enumerate(lines):
        line = raw.strip().rstrip(";").strip()
        if not line or line.startswith("~") or line.lower().startswith("from"):
            continue
        fields = line.split()
        if len(fields) != 4:
            raise _fail(
                path, i + 1, f"expected 4 fields (From To Volume Cost), found {len(fields)}"
            )
        try:
            a, b, v, c = int(fields[0]), int(fields[1]), float(fields[2]), float(fields[3])
        except ValueError:
            raise _fail(path, i + 1, f"non-numeric field in {line[:50]!r}") from None
        if link_ends is not None:
            k = len(rows)
            if k >= len(link_ends):
                raise _fail(
                    path, i + 1, f"more flow lines than the {len(link_ends)} links of the net file"
                )
            if (a, b) != (int(link_ends[k, 0]), int(link_ends[k, 1])):
                raise _fail(
                    path,
                    i + 1,
                    f"link {a}->{b} does not match link {k + 1} of the net file "
                    f"({link_ends[k, 0]}->{link_ends[k, 1]})",
                    "flow lines must follow the net file's order",
                )
        rows.append((a, b, v, c))
    if link_ends is not None and len(rows) != len(link_ends):
        raise _fail(path, len(lines), f"{len(rows)} flow lines for {len(link_ends)} links")
    return pd.DataFrame(rows, columns=["init_node", "term_node", "volume", "cost"])


def read_tntp_nodes(path: str | Path) -> pd.DataFrame:
    """Read a ``_node.tntp`` coordinate file: ``node, x, y`` (units vary by network)."""
    path = Path(path)
    lines = _read_lines(path)
    rows: list[tuple[int, float, float]] = []
    for i, raw in enumerate(lines):
        line = raw.strip().rstrip(";").strip()
        if not line or line.startswith("~") or line.lower().startswith("node"):
            continue
        fields = line.split()
        if len(fields) != 3:
            raise _fail(path, i + 1, f"expected 3 fields (Node X Y), found {len(fields)}")
        try:
            rows.append((int(fields[0]), float(fields[1]), float(fields[2])))
        except ValueError:
            raise _fail(path, i + 1, f"non-numeric field in {line[:50]!r}") from None
    return pd.DataFrame(rows, columns=["node", "x", "y"])


@dataclass(frozen=True)
class TNTPNetwork:
    """A TNTP instance: links in file order, demand, metadata and optional extras.

    ``demand[o - 1, d - 1]`` is the trips from zone ``o`` to zone ``d``. ``best_known``
    is the ``_flow.tntp`` table (or ``None``); ``nodes`` the coordinates (or ``None``).
    Generalized cost = time + ``toll_factor`` x toll + ``distance_factor`` x length.
    """

    name: str
    links: pd.DataFrame
    demand: np.ndarray = field(repr=False)
    number_of_zones: int
    number_of_nodes: int
    first_thru_node: int
    toll_factor: float = 0.0
    distance_factor: float = 0.0
    nodes: pd.DataFrame | None = field(default=None, repr=False)
    best_known: pd.DataFrame | None = field(default=None, repr=False)
    directory: str = ""

    @property
    def fixed_cost(self) -> np.ndarray:
        """Per-link constant cost term: toll and distance weighted by the factors."""
        return (
            self.toll_factor * self.links["toll"].to_numpy()
            + self.distance_factor * self.links["length"].to_numpy()
        )


def _find(directory: Path, suffix: str, *, required: bool) -> Path | None:
    found = sorted(p for p in directory.iterdir() if p.name.lower().endswith(suffix))
    if not found:
        if required:
            raise _fail(
                directory, None, f"no *{suffix} file in this folder", "point to a TNTP folder"
            )
        return None
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise _fail(
            directory, None, f"several *{suffix} files ({names})", "keep one network per folder"
        )
    return found[0]


def read_tntp(
    directory: str | Path,
    *,
    toll_factor: float | None = None,
    distance_factor: float | None = None,
) -> TNTPNetwork:
    """Read a TNTP folder (net + trips, and node/flow files when present).

    Cost factors default to :data:`KNOWN_COST_FACTORS` for the network's name (0 else).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise _fail(directory, None, "not a folder", "pass the folder that holds *_net.tntp")
    net_path = _find(directory, "_net.tntp", required=True)
    trips_path = _find(directory, "_trips.tntp", required=True)
    assert net_path is not None and trips_path is not None
    name = net_path.name[: -len("_net.tntp")]
    net = read_tntp_net(net_path)
    demand = read_tntp_trips(trips_path, number_of_zones=net.number_of_zones)
    flow_path = _find(directory, "_flow.tntp", required=False)
    node_path = _find(directory, "_node.tntp", required=False)
    best = read_tntp_flow(flow_path, links=net.links) if flow_path else None
    nodes = read_tntp_nodes(node_path) if node_path else None
    known_toll, known_dist = KNOWN_COST_FACTORS.get(name.lower().replace("-", ""), (0.0, 0.0))
    return TNTPNetwork(
        name=name,
        links=net.links,
        demand=demand,
        number_of_zones=net.number_of_zones,
        number_of_nodes=net.number_of_nodes,
        first_thru_node=net.first_thru_node,
        toll_factor=known_toll if toll_factor is None else toll_factor,
        distance_factor=known_dist if distance_factor is None else distance_factor,
        nodes=nodes,
        best_known=best,
        directory=str(directory),
    )
