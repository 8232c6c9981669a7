"""Where links run on the map: sea legs on water, land legs between their places.

Sea and ferry legs outside the Caspian follow the shipping lanes of the ``searoute``
package (the Eurostat/ORNL marnet lane network, shipped with the package: no download).
The Caspian is closed water that lane networks draw coarsely, so a leg with both ends
in it runs through the waypoints of :data:`CASPIAN_SPINE`, a chain of open-water
points down the middle of the sea (chosen on the Natural Earth coastline), taken in
the order of travel. Land legs (rail, road, pipeline, river) are drawn through their
places; the dataset holds no alignment between a link's two ends, so the line is
straight between them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

__all__ = [
    "CASPIAN_BBOX",
    "CASPIAN_SPINE",
    "basemap_geojson",
    "leg_line",
    "network_with_geometry",
    "options_geojson",
    "sea_line",
]

LonLat = tuple[float, float]

# (west, south, east, north) of the Caspian Sea, degrees
CASPIAN_BBOX = (46.5, 36.5, 55.0, 47.5)
# open-water points north to south (lon, lat): the Volga–Caspian channel off Astrakhan,
# the middle Caspian off Makhachkala and Aktau, east of the Absheron peninsula, the
# southern basin off Astara and Anzali
CASPIAN_SPINE: tuple[LonLat, ...] = (
    (48.6, 45.4),
    (49.4, 43.6),
    (50.3, 42.0),
    (50.9, 40.6),
    (50.6, 39.2),
    (50.5, 38.0),
)
_WATER = ("sea", "ferry")


def _in_caspian(p: LonLat) -> bool:
    w, s, e, n = CASPIAN_BBOX
    return w <= p[0] <= e and s <= p[1] <= n


def _caspian_line(a: LonLat, b: LonLat) -> list[LonLat]:
    lo, hi = sorted((a[1], b[1]))
    between = [p for p in CASPIAN_SPINE if lo < p[1] < hi]
    between.sort(key=lambda p: p[1], reverse=a[1] > b[1])
    return [a, *between, b]


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


def options_geojson(options: Sequence[Any]) -> dict[str, Any]:
    """Route options as a FeatureCollection: a LineString per link leg on its way
    (:func:`leg_line`), a Point per transfer (properties: option index, family, leg
    index and the leg)."""
    from instc.routing.results import options_to_geojson

    return options_to_geojson(options, line=leg_line)


def network_with_geometry(collection: dict[str, Any]) -> dict[str, Any]:
    """A copy of a network FeatureCollection whose sea/ferry links follow water."""
    features = []
    for f in collection["features"]:
        g = f["geometry"]
        if g["type"] == "LineString" and f["properties"].get("mode") in _WATER:
            (x0, y0), (x1, y1) = g["coordinates"][0], g["coordinates"][-1]
            g = {"type": "LineString", "coordinates": leg_line("sea", (x0, y0), (x1, y1))}
            f = {**f, "geometry": g}
        features.append(f)
    return {**collection, "features": features}


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
