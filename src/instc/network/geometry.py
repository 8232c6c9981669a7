"""Where links run on the map: sea legs on water, land legs through their places.

Sea and ferry legs outside the Caspian follow the shipping lanes of the ``searoute``
package (the Eurostat/ORNL marnet lane network, shipped with the package: no download).
The Caspian is closed water that lane networks draw coarsely, so a leg with both ends
in it takes the shortest way over water through the open-water points of
:data:`CASPIAN_SPINE` (chosen on the Natural Earth coastline; the northern one is the
sea end of the Volga–Caspian ship canal, node ``RU-VCSC-SEA`` of the dataset, sources
F107/F108): a straight step between two points is allowed when it stays off the
shipped 1:110m land (:func:`land_crossing`). A port up a river or canal (Astrakhan,
Olya) lies on land at that scale; its leg may cross land only within
:func:`approach_radius` of it, on its way to the open water. Land legs (rail, road,
pipeline, inland waterway) run through the places of their alignment, or straight and
marked so (:mod:`instc.network.alignment`), when the caller gives the network.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instc.network.model import Network

__all__ = [
    "CASPIAN_BBOX",
    "CASPIAN_SPINE",
    "COAST_TOLERANCE_DEG",
    "approach_radius",
    "basemap_geojson",
    "land_crossing",
    "leg_line",
    "network_with_geometry",
    "options_geojson",
    "sea_line",
]

LonLat = tuple[float, float]

# (west, south, east, north) of the Caspian Sea, degrees
CASPIAN_BBOX = (46.5, 36.5, 55.0, 47.5)
# open-water points north to south (lon, lat): the sea end of the Volga–Caspian ship
# canal (node RU-VCSC-SEA; the channel from Astrakhan and Olya meets the sea there), the
# middle Caspian off Makhachkala and Aktau, east of the Absheron peninsula, the
# southern basin off Astara and Anzali
CASPIAN_SPINE: tuple[LonLat, ...] = (
    (47.7, 45.35),
    (49.4, 43.6),
    (50.3, 42.0),
    (50.9, 40.6),
    (50.6, 39.2),
    (50.5, 38.0),
)
# degrees by which the 1:110m land is shrunk before a line is tested against it: its
# coast is rounded to 0.1 degree, so a line along a real coast may graze it
COAST_TOLERANCE_DEG = 0.05
_WATER = ("sea", "ferry")


def _in_caspian(p: LonLat) -> bool:
    w, s, e, n = CASPIAN_BBOX
    return w <= p[0] <= e and s <= p[1] <= n


@functools.cache
def _land() -> tuple[Any, Any, Any]:
    """The shipped Natural Earth land (union of the country outlines), that land shrunk
    by :data:`COAST_TOLERANCE_DEG`, and its coast (shapely geometries)."""
    from shapely import make_valid, prepare
    from shapely.geometry import Polygon
    from shapely.ops import unary_union

    from instc.reports.basemap import load_basemap

    land = unary_union(
        [make_valid(Polygon(ring)) for c in load_basemap() for ring in c.rings if len(ring) > 2]
    )
    shrunk = land.buffer(-COAST_TOLERANCE_DEG)
    prepare(land)
    prepare(shrunk)
    return land, shrunk, land.boundary


def approach_radius(p: LonLat) -> float:
    """How far (degrees) a water leg may cross land around its end ``p``: 0 for a point
    in the water of the 1:110m outlines, else its distance to the coast plus 0.1 (a
    port up a river or canal, or on a coast the outlines simplify away)."""
    from shapely.geometry import Point

    point = Point(p)
    land, _, coast = _land()
    if not land.contains(point):
        return 0.0
    return float(coast.distance(point)) + 0.1


def land_crossing(coords: Sequence[LonLat]) -> Any:
    """The part (shapely geometry, degrees) of the line ``coords`` over land, leaving out
    the approach to each end (:func:`approach_radius`) and a
    :data:`COAST_TOLERANCE_DEG` strip along the coast; of length 0 when it stays on water."""
    from shapely.geometry import LineString, Point

    line = LineString(coords)
    shrunk = _land()[1]
    if not shrunk.intersects(line):
        return LineString()
    over = line.intersection(shrunk)
    for end in (coords[0], coords[-1]):
        radius = approach_radius(end)
        if radius > 0:
            over = over.difference(Point(end).buffer(radius))
    return over


def _caspian_line(a: LonLat, b: LonLat) -> list[LonLat]:
    """The shortest way from ``a`` to ``b`` through spine points whose every step stays
    off land (``[a, b]`` when no such way exists)."""
    import heapq
    import math

    points = [a, b, *CASPIAN_SPINE]
    best = {0: 0.0}
    back: dict[int, int] = {}
    queue = [(0.0, 0)]
    while queue:
        dist, i = heapq.heappop(queue)
        if i == 1:
            break
        if dist > best[i]:
            continue
        for j in range(1, len(points)):
            step = math.dist(points[i], points[j])
            if j == i or dist + step >= best.get(j, math.inf):
                continue
            if land_crossing((points[i], points[j])).length > 0:
                continue
            best[j] = dist + step
            back[j] = i
            heapq.heappush(queue, (dist + step, j))
    if 1 not in back:
        return [a, b]
    path = [1]
    while path[-1] != 0:
        path.append(back[path[-1]])
    return [points[i] for i in reversed(path)]


@functools.lru_cache(maxsize=4096)
def sea_line(a: LonLat, b: LonLat) -> tuple[LonLat, ...]:
    """A water path from ``a`` to ``b`` (lon, lat), ends included."""
    if _in_caspian(a) and _in_caspian(b):
        return tuple(_caspian_line(a, b))
    try:
        import searoute

        found = searoute.searoute(list(a), list(b))
        coords = [(float(x), float(y)) for x, y in found["geometry"]["coordinates"]]
    except Exception:  # no lane found: the straight line, never an error on the map
        return (a, b)
    return (a, *coords, b)


def leg_line(mode: str | None, a: LonLat, b: LonLat) -> list[list[float]]:
    """The coordinates of one link leg of ``mode`` from ``a`` to ``b``."""
    a = (float(a[0]), float(a[1]))
    b = (float(b[0]), float(b[1]))
    if mode in _WATER and a != b:
        return [list(p) for p in sea_line(a, b)]
    return [list(a), list(b)]


def options_geojson(options: Sequence[Any], network: Network | None = None) -> dict[str, Any]:
    """Route options as a FeatureCollection: a LineString per link leg on its way
    (:func:`leg_line`; land legs through their alignment in ``network``, see
    :mod:`instc.network.alignment`), a Point per transfer (properties: option index,
    family, leg index and the leg)."""
    from instc.routing.results import options_to_geojson

    collection = options_to_geojson(options, line=leg_line)
    if network is None:
        return collection
    from instc.network.alignment import apply_alignments

    return apply_alignments(collection, network)


def network_with_geometry(
    collection: dict[str, Any], network: Network | None = None
) -> dict[str, Any]:
    """A copy of a network FeatureCollection whose sea/ferry links follow water and,
    given the ``network`` it shows, whose land links follow their alignment."""
    features = []
    for f in collection["features"]:
        g = f["geometry"]
        if g["type"] == "LineString" and f["properties"].get("mode") in _WATER:
            (x0, y0), (x1, y1) = g["coordinates"][0], g["coordinates"][-1]
            g = {"type": "LineString", "coordinates": leg_line("sea", (x0, y0), (x1, y1))}
            f = {**f, "geometry": g}
        features.append(f)
    drawn = {**collection, "features": features}
    if network is None:
        return drawn
    from instc.network.alignment import apply_alignments

    return apply_alignments(drawn, network)


@functools.cache
def _basemap_text() -> str:
    from instc.reports.basemap import NATURAL_EARTH, load_basemap

    features = [
        {
            "type": "Feature",
            "properties": {"iso_a3": c.iso_a3, "name": c.name},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[list(p) for p in ring]] for ring in c.rings],
            },
        }
        for c in load_basemap()
    ]
    return json.dumps(
        {"type": "FeatureCollection", "source": NATURAL_EARTH, "features": features},
        ensure_ascii=False,
    )


def basemap_geojson() -> dict[str, Any]:
    """The shipped Natural Earth country outlines as a FeatureCollection."""
    return json.loads(_basemap_text())
