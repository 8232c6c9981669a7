"""The base map of the report: simplified country outlines shipped with the package.

``basemap.json`` holds the countries of Natural Earth's 1:110m admin-0 layer (public
domain) that touch the corridor's extent, clipped to it, simplified and rounded to
0.1°, so that the report draws borders and coasts without a tile server. It was made by
:func:`make_basemap` from the copy of that layer that ``pyogrio`` ships as a test
fixture (``pyogrio/tests/fixtures/naturalearth_lowres``); run it again to change the
extent or the detail.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["BASEMAP_BBOX", "Country", "load_basemap", "make_basemap"]

BASEMAP_FILE = Path(__file__).with_name("basemap.json")
# (west, south, east, north) in degrees: Canary Islands to Mumbai, the Cape to Finland
BASEMAP_BBOX = (-25.0, -40.0, 85.0, 66.0)
NATURAL_EARTH = {
    "source_id": "natural-earth-110m",
    "title": "Natural Earth 1:110m Cultural Vectors, Admin 0 – Countries (public domain)",
    "publisher": "Natural Earth",
    "url": "https://www.naturalearthdata.com/downloads/110m-cultural-vectors/",
}


@dataclass(frozen=True)
class Country:
    """One country outline: ISO 3166-1 alpha-3 code, name and rings of (lon, lat)."""

    iso_a3: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@functools.cache
def load_basemap() -> tuple[Country, ...]:
    """The shipped outlines (read once, then cached)."""
    doc = json.loads(BASEMAP_FILE.read_text(encoding="utf-8"))
    out = []
    for item in doc["countries"]:
        rings = tuple(
            tuple((x / 10.0, y / 10.0) for x, y in zip(flat[::2], flat[1::2], strict=True))
            for flat in item["rings"]
        )
        out.append(Country(item["iso_a3"], item["name"], rings))
    return tuple(out)


def make_basemap(
    shapefile: str | Path,
    *,
    bbox: tuple[float, float, float, float] = BASEMAP_BBOX,
    tolerance_deg: float = 0.12,
) -> dict[str, Any]:
    """The JSON document of ``basemap.json`` from a Natural Earth admin-0 file.

    Rings are flat lists ``[lon0, lat0, lon1, lat1, ...]`` in tenths of a degree.
    """
    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.read_file(shapefile)
    clip = box(*bbox)
    countries = []
    for row in frame.itertuples():
        geometry = row.geometry
        if geometry is None or not geometry.intersects(clip):
            continue
        shape = geometry.intersection(clip).simplify(tolerance_deg, preserve_topology=True)
        polygons = getattr(shape, "geoms", [shape])
        rings = []
        for polygon in polygons:
            if polygon.geom_type != "Polygon" or polygon.area < 0.05:
                continue
            flat: list[int] = []
            for x, y in polygon.exterior.coords:
                point = [round(x * 10), round(y * 10)]
                if flat[-2:] != point:
                    flat.extend(point)
            if len(flat) >= 8:
                rings.append(flat)
        if rings:
            countries.append({"iso_a3": str(row.iso_a3), "name": str(row.name), "rings": rings})
    return {
        "source": NATURAL_EARTH,
        "method": f"clipped to {list(bbox)}, simplified at {tolerance_deg} deg, 0.1 deg grid",
        "countries": countries,
    }
