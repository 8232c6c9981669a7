"""Where a land link runs between its two ends: through the places it passes.

The dataset holds no drawn alignment, so a link is drawn through intermediate points
only where those points are places of the dataset (nodes, each with its own sources):

- ``via-notes``: the link's ``notes`` say ``via NAME`` (its sources cite that way),
  every such name is a node's name or alias and one is not an end of the link (e.g.
  the Makhachkala–Astrakhan road via Kizlyar);
- ``node-chain``: other links of the same mode (and, for rail, the same gauge) join
  the two ends through at least one other place, and that chain's length is within
  :data:`CHAIN_TOLERANCE` of the link's own ``length_km`` — the link runs along those
  lines (e.g. a passenger service over the freight line's stations);
- ``straight``: neither; the line is drawn straight between the ends and the map's
  feature properties say so.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Alignment:
    """The places a link is drawn through (its ends included) and on what basis."""

    nodes: tuple[str, ...]
    basis: str
    note: str


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
) -> Alignment | None:
    """The shortest chain of other same-kind links between the link's ends, if it is
    as long as the link (see the module text)."""
    start, goal = link["from_node"], link["to_node"]
    best = {start: 0.0}
    back: dict[str, str] = {}
    queue = [(0.0, start)]
    while queue:
        dist, node = heapq.heappop(queue)
        if node == goal or dist > best[node]:
            continue
        for other, km, link_id in graph[node]:
            if link_id == link["link_id"] or dist + km >= best.get(other, math.inf):
                continue
            best[other] = dist + km
            back[other] = node
            heapq.heappush(queue, (dist + km, other))
    if goal not in back:
        return None
    path = [goal]
    while path[-1] != start:
        path.append(back[path[-1]])
    path.reverse()
    length = float(link["length_km"])
    if len(path) < 3 or abs(best[goal] - length) > CHAIN_TOLERANCE * length:
        return None
    via = tuple(path[1:-1])
    return Alignment(
        tuple(path),
        "node-chain",
        f"drawn through {', '.join(via)}: the {link['mode']} links joining them are "
        f"{best[goal]:.0f} km against this link's {length:.0f} km",
    )


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
    records: list[dict[str, Any]] = network.links.to_dict("records")  # type: ignore[assignment]
    links = [r for r in records if r["mode"] in LAND_MODES]
    graphs = _graph(links)
    out = {}
    for r in links:
        gauge = r.get("gauge_mm") if r["mode"] == "rail" else None
        found = _via_notes(r, spellings) or _chain(r, graphs[(r["mode"], gauge)])
        out[r["link_id"]] = found or Alignment(
            (r["from_node"], r["to_node"]),
            "straight",
            "no alignment data: drawn straight between its ends",
        )
    return out


def apply_alignments(collection: dict[str, Any], network: Network) -> dict[str, Any]:
    """A copy of a FeatureCollection whose land-link LineStrings (properties
    ``link_id``, ``from_node``, ``mode``) run through their alignment; each such feature
    gets the properties ``alignment`` (its basis) and ``alignment_note``."""
    found = alignments(network)
    nodes = network.nodes.set_index("node_id")
    features = []
    for f in collection["features"]:
        props = f["properties"]
        align = found.get(props.get("link_id") or "")
        if f["geometry"]["type"] == "LineString" and align is not None:
            f = _aligned(f, align, nodes)
        features.append(f)
    return {**collection, "features": features}


def _aligned(feature: dict[str, Any], align: Alignment, nodes: Any) -> dict[str, Any]:
    props = feature["properties"]
    coords = feature["geometry"]["coordinates"]
    chain = align.nodes if props.get("from_node") != align.nodes[-1] else align.nodes[::-1]
    middle = [[float(nodes.at[n, "lon"]), float(nodes.at[n, "lat"])] for n in chain[1:-1]]
    geometry = {"type": "LineString", "coordinates": [coords[0], *middle, coords[-1]]}
    props = {**props, "alignment": align.basis, "alignment_note": align.note}
    return {**feature, "geometry": geometry, "properties": props}
