"""Where a land link runs between its two ends: through the places it passes.

A link is drawn through intermediate points, on the first of these bases that applies:

- ``waypoints``: the link's rows of ``waypoints.csv`` (stations, towns and junctions of
  its line or road, each with its position and provenance), in order from its
  ``from_node``;
- ``via-notes``: the link's ``notes`` say ``via NAME`` (its sources cite that way),
  every such name is a node's name or alias and one is not an end of the link (e.g.
  the Makhachkala–Astrakhan road via Kizlyar, were it without waypoints);
- ``node-chain``: other links of the same mode (and, for rail, the same gauge) join
  the two ends through at least one other place, and that chain's length is within
  :data:`CHAIN_TOLERANCE` of the link's own ``length_km`` — the link runs along those
  lines (e.g. a passenger service over the freight line's stations), and is drawn as
  they are, through their own waypoints;
- ``straight``: neither; the line is drawn straight between the ends and the map's
  feature properties say so.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instc.network.model import Network

__all__ = ["CHAIN_TOLERANCE", "LAND_MODES", "Alignment", "alignments", "apply_alignments"]

LAND_MODES = ("rail", "road", "pipeline", "inland_waterway")
# a chain of links may be this much longer or shorter (fraction of length_km) than the
# link it draws: both come from node coordinates times the same detour factor
# (parameters.toml detour.*), so a link along the chain differs from it by the
# corners its straight line cuts, not by more
CHAIN_TOLERANCE = 0.15
_VIA = re.compile(r"\bvia ([^;,.()]+)")

LonLat = tuple[float, float]


@dataclass(frozen=True)
class Alignment:
    """How a link is drawn: the nodes it passes (its ends included), the points (lon,
    lat, degrees) between its ends in order from ``nodes[0]``, and on what basis."""

    nodes: tuple[str, ...]
    basis: str
    note: str
    points: tuple[LonLat, ...] = ()


def _waypoints(link: dict[str, Any], rows: Any) -> Alignment | None:
    """The link's rows of ``waypoints.csv`` (``rows``: that table grouped by link)."""
    if link["link_id"] not in rows:
        return None
    ordered = rows[link["link_id"]].sort_values("sequence")
    names = ", ".join(str(n) for n in ordered["name"])
    points = tuple(
        (float(x), float(y)) for x, y in zip(ordered["lon"], ordered["lat"], strict=True)
    )
    return Alignment(
        (link["from_node"], link["to_node"]),
        "waypoints",
        f"drawn through {names} (waypoints.csv)",
        points,
    )


def _via_notes(link: dict[str, Any], spellings: dict[str, str]) -> Alignment | None:
    from instc.network.places import normalise_name

    notes = link.get("notes")
    if not isinstance(notes, str):
        return None
    ends = (link["from_node"], link["to_node"])
    found = [spellings.get(normalise_name(m.group(1).strip())) for m in _VIA.finditer(notes)]
    via = tuple(str(f) for f in found if f not in ends)
    if not via or None in found:
        return None
    return Alignment(
        (link["from_node"], *via, link["to_node"]),
        "via-notes",
        f"drawn through {', '.join(via)}, named in the link's notes",
    )


def _chain(
    link: dict[str, Any], graph: dict[str, list[tuple[str, float, str]]]
) -> tuple[Alignment, tuple[str, ...]] | None:
    """The shortest chain of other same-kind links between the link's ends, if it is
    as long as the link (see the module text), and the ids of those links in order."""
    start, goal = link["from_node"], link["to_node"]
    best = {start: 0.0}
    back: dict[str, tuple[str, str]] = {}
    queue = [(0.0, start)]
    while queue:
        dist, node = heapq.heappop(queue)
        if node == goal or dist > best[node]:
            continue
        for other, km, link_id in graph[node]:
            if link_id == link["link_id"] or dist + km >= best.get(other, math.inf):
                continue
            best[other] = dist + km
            back[other] = (node, link_id)
            heapq.heappush(queue, (dist + km, other))
    if goal not in back:
        return None
    path, used = [goal], []
    while path[-1] != start:
        previous, link_id = back[path[-1]]
        path.append(previous)
        used.append(link_id)
    path.reverse()
    used.reverse()
    length = float(link["length_km"])
    if len(path) < 3 or abs(best[goal] - length) > CHAIN_TOLERANCE * length:
        return None
    via = tuple(path[1:-1])
    found = Alignment(
        tuple(path),
        "node-chain",
        f"drawn through {', '.join(via)}: the {link['mode']} links joining them are "
        f"{best[goal]:.0f} km against this link's {length:.0f} km",
    )
    return found, tuple(used)


def _graph(links: list[dict[str, Any]]) -> dict[tuple[str, Any], Any]:
    """Adjacency per (mode, gauge): node -> [(other node, length_km, link_id)]."""
    graphs: dict[tuple[str, Any], Any] = defaultdict(lambda: defaultdict(list))
    for r in links:
        key = (r["mode"], r.get("gauge_mm") if r["mode"] == "rail" else None)
        km = float(r["length_km"])
        graphs[key][r["from_node"]].append((r["to_node"], km, r["link_id"]))
        graphs[key][r["to_node"]].append((r["from_node"], km, r["link_id"]))
    return graphs


def alignments(network: Network) -> dict[str, Alignment]:
    """The alignment of every land link of ``network`` (:data:`LAND_MODES`), by id."""
    from instc.network.places import normalise_name

    spellings: dict[str, str] = {}
    for node in network.nodes.to_dict("records"):
        for name in (node["name"], *(node["aliases"] or ())):
            if isinstance(name, str) and name:
                spellings.setdefault(normalise_name(name), str(node["node_id"]))
    where = {
        str(n): (float(x), float(y))
        for n, x, y in zip(
            network.nodes["node_id"], network.nodes["lon"], network.nodes["lat"], strict=True
        )
    }
    table = network.tables.get("waypoints")
    rows = {} if table is None else dict(tuple(table.groupby("link_id")))
    records: list[dict[str, Any]] = network.links.to_dict("records")  # type: ignore[assignment]
    links = [r for r in records if r["mode"] in LAND_MODES]
    graphs = _graph(links)
    out: dict[str, Alignment] = {}
    chains: dict[str, tuple[Alignment, tuple[str, ...]]] = {}
    for r in links:
        found = _waypoints(r, rows) or _via_notes(r, spellings)
        if found is not None and found.basis == "via-notes":
            found = replace(found, points=tuple(where[n] for n in found.nodes[1:-1]))
        if found is None:
            gauge = r.get("gauge_mm") if r["mode"] == "rail" else None
            along = _chain(r, graphs[(r["mode"], gauge)])
            if along is not None:
                chains[r["link_id"]] = along
                continue
        out[r["link_id"]] = found or Alignment(
            (r["from_node"], r["to_node"]),
            "straight",
            "no alignment data: drawn straight between its ends",
        )
    for link_id, (found_chain, used) in chains.items():
        points = _chain_points(found_chain.nodes, used, out, where)
        out[link_id] = replace(found_chain, points=points)
    return out


def _chain_points(
    nodes: tuple[str, ...],
    used: tuple[str, ...],
    drawn: dict[str, Alignment],
    where: dict[str, LonLat],
) -> tuple[LonLat, ...]:
    """The points between the ends of a chain: each step's own points (in the chain's
    direction) and the nodes the steps meet at."""
    points: list[LonLat] = []
    for i, link_id in enumerate(used):
        step = drawn.get(link_id)
        if step is not None:
            ahead = step.nodes[0] == nodes[i]
            points.extend(step.points if ahead else step.points[::-1])
        if i + 1 < len(used):
            points.append(where[nodes[i + 1]])
    return tuple(points)


def apply_alignments(collection: dict[str, Any], network: Network) -> dict[str, Any]:
    """A copy of a FeatureCollection whose land-link LineStrings (properties
    ``link_id``, ``from_node``, ``mode``) run through their alignment; each such feature
    gets the properties ``alignment`` (its basis) and ``alignment_note``."""
    found = alignments(network)
    features = []
    for f in collection["features"]:
        props = f["properties"]
        align = found.get(props.get("link_id") or "")
        if f["geometry"]["type"] == "LineString" and align is not None:
            f = _aligned(f, align)
        features.append(f)
    return {**collection, "features": features}


def _aligned(feature: dict[str, Any], align: Alignment) -> dict[str, Any]:
    props = feature["properties"]
    coords = feature["geometry"]["coordinates"]
    ahead = props.get("from_node") != align.nodes[-1]
    middle = [list(p) for p in (align.points if ahead else align.points[::-1])]
    geometry = {"type": "LineString", "coordinates": [coords[0], *middle, coords[-1]]}
    props = {**props, "alignment": align.basis, "alignment_note": align.note}
    return {**feature, "geometry": geometry, "properties": props}
