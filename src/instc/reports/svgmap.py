"""The corridor map as inline SVG, drawn from the nodes' lat/lon (no tiles, no network).

An equirectangular projection centred on the map's mid-latitude (longitudes shrunk by
its cosine) is enough at this scale and keeps straight links straight. Layers, bottom to
top: sea, country outlines (:mod:`instc.reports.basemap`), every link of the network
(grey; dotted where its project is not open at the date), the route options coloured by
corridor family (side by side where they share a link), the places, labels and legends.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from instc.network.model import Network
    from instc.routing.results import RouteOption

__all__ = ["Projection", "corridor_map_svg", "extent_of", "projection_for"]


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection of a lon/lat box onto ``width_px`` pixels.

    >>> p = Projection(west=0.0, south=0.0, east=10.0, north=10.0, width_px=100.0)
    >>> p.xy(0.0, 10.0), p.xy(10.0, 0.0)[0]
    ((0.0, 0.0), 100.0)
    """

    west: float
    south: float
    east: float
    north: float
    width_px: float

    @property
    def _kx(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2.0))

    @property
    def scale(self) -> float:
        """Pixels per degree of latitude."""
        return self.width_px / ((self.east - self.west) * self._kx)

    @property
    def height_px(self) -> float:
        return (self.north - self.south) * self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Pixel coordinates (x right, y down) of a point."""
        return ((lon - self.west) * self._kx * self.scale, (self.north - lat) * self.scale)


def projection_for(
    lonlats: Iterable[tuple[float, float]], *, width_px: float = 1000.0, pad_deg: float = 3.0
) -> Projection:
    """The projection that shows every point with ``pad_deg`` of margin.

    >>> p = projection_for([(10.0, 40.0), (60.0, 20.0)], pad_deg=2.0)
    >>> (p.west, p.south, p.east, p.north)
    (8.0, 18.0, 62.0, 42.0)
    """
    points = list(lonlats)
    lons = [p[0] for p in points] or [0.0]
    lats = [p[1] for p in points] or [0.0]
    return Projection(
        west=min(lons) - pad_deg,
        south=min(lats) - pad_deg,
        east=max(lons) + pad_deg,
        north=max(lats) + pad_deg,
        width_px=width_px,
    )


def extent_of(
    options: Sequence[RouteOption],
    *,
    pad_deg: float = 2.5,
    min_span_deg: tuple[float, float] = (16.0, 10.0),
) -> tuple[float, float, float, float]:
    """(west, south, east, north) around the options' legs, at least ``min_span_deg``
    (lon, lat) wide so that a short route still shows its surroundings."""
    points = [p for o in options for leg in o.legs for p in (leg.from_lonlat, leg.to_lonlat)]
    if not points:
        raise ValueError("no legs to frame")
    west, east = min(p[0] for p in points) - pad_deg, max(p[0] for p in points) + pad_deg
    south, north = min(p[1] for p in points) - pad_deg, max(p[1] for p in points) + pad_deg
    south -= 0.15 * (north - south)  # room for the legends below the routes
    grow_lon = max(0.0, min_span_deg[0] - (east - west)) / 2
    grow_lat = max(0.0, min_span_deg[1] - (north - south)) / 2
    west, east, south, north = west - grow_lon, east + grow_lon, south - grow_lat, north + grow_lat
    # no taller than wide: a page-wide map of a north-south route would not fit a screen
    kx = math.cos(math.radians((south + north) / 2.0))
    grow_lon = max(0.0, (north - south) / kx - (east - west)) / 2
    return (west - grow_lon, south, east + grow_lon, north)


def _f(value: float) -> str:
    return f"{value:.1f}"


_MODE_STYLE = {
    # mode: (stroke width px, dash pattern)
    "rail": (1.3, ""),
    "road": (0.9, ""),
    "sea": (0.8, "5 3"),
    "ferry": (1.0, "2 2"),
    "inland_waterway": (0.9, "4 2"),
    "pipeline": (1.0, "1 2"),
}


def _links_layer(network: Network, projection: Projection) -> list[str]:
    where = {
        str(node["node_id"]): (float(node["lon"]), float(node["lat"]))
        for node in network.nodes.to_dict("records")
    }
    all_links: pd.DataFrame = network.all_links if network.all_links is not None else network.links
    usable = set(network.links["link_id"])
    out = ['<g class="links" fill="none" stroke-linecap="round">']
    for row in all_links.to_dict("records"):
        link = _Row(row)
        x0, y0 = projection.xy(*where[str(link.from_node)])
        x1, y1 = projection.xy(*where[str(link.to_node)])
        width, dash = _MODE_STYLE.get(str(link.mode), (1.0, ""))
        is_open = link.link_id in usable
        colour = "#7F8C8D" if is_open else "#B8B8B8"
        if not is_open:
            dash = "1 3"
        gauge = f" {int(link.gauge_mm)} mm" if str(link.mode) == "rail" else ""
        state = "" if is_open else " (not open at this date)"
        out.append(
            f'<path class="link{" closed" if not is_open else ""}" '
            f'd="M{_f(x0)} {_f(y0)}L{_f(x1)} {_f(y1)}" stroke="{colour}" '
            f'stroke-width="{width}"' + (f' stroke-dasharray="{dash}"' if dash else "") + ">"
            f"<title>{escape(str(link.link_id))}: {escape(str(link.mode))}{gauge}, "
            f"{float(link.length_km):,.0f} km{state}</title></path>"
        )
    out.append("</g>")
    return out


class _Row:
    """Attribute access to a table row (``row.length_km``), typed loosely."""

    def __init__(self, row: Mapping[Any, Any]) -> None:
        self.__dict__.update({str(k): v for k, v in row.items()})

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


def _offset(
    x0: float, y0: float, x1: float, y1: float, shift: float
) -> tuple[float, float, float, float]:
    """The segment moved ``shift`` px to its left (so parallel routes sit side by side)."""
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0 or shift == 0:
        return x0, y0, x1, y1
    nx, ny = -(y1 - y0) / length * shift, (x1 - x0) / length * shift
    return x0 + nx, y0 + ny, x1 + nx, y1 + ny


def _routes_layer(
    options: Sequence[RouteOption], colours: Sequence[str], projection: Projection
) -> list[str]:
    out = ['<g class="routes" fill="none" stroke-linecap="round" stroke-linejoin="round">']
    gap_px = 2.6
    # segments shared by several options are drawn side by side, centred on the link
    users: dict[frozenset[tuple[float, float]], list[int]] = {}
    for i, option in enumerate(options):
        for leg in option.legs:
            if leg.kind != "transfer":
                key = frozenset((leg.from_lonlat, leg.to_lonlat))
                if i not in users.setdefault(key, []):
                    users[key].append(i)
    for i, (option, colour) in enumerate(zip(options, colours, strict=True)):
        parts = []
        for leg in option.legs:
            if leg.kind == "transfer" or leg.from_lonlat == leg.to_lonlat:
                continue
            sharing = users[frozenset((leg.from_lonlat, leg.to_lonlat))]
            rank = sharing.index(i) - (len(sharing) - 1) / 2.0
            # keep the side stable whichever way the leg runs
            sign = 1.0 if leg.from_lonlat < leg.to_lonlat else -1.0
            x0, y0 = projection.xy(*leg.from_lonlat)
            x1, y1 = projection.xy(*leg.to_lonlat)
            x0, y0, x1, y1 = _offset(x0, y0, x1, y1, sign * rank * gap_px)
            parts.append(f"M{_f(x0)} {_f(y0)}L{_f(x1)} {_f(y1)}")
        label = escape(option.family_label or option.family or f"option {i + 1}")
        totals = option.totals
        out.append(
            f'<path class="route" data-family="{escape(option.family or "")}" '
            f'd="{"".join(parts)}" stroke="{colour}" stroke-width="2.6" stroke-opacity="0.9">'
            f"<title>{label}: {totals.cost_usd:,.0f} USD, {totals.time_days:,.1f} days, "
            f"{totals.co2e_kg:,.0f} kg CO2e per {escape(option.unit)}</title></path>"
        )
    out.append("</g>")
    return out


def _nodes_layer(
    network: Network,
    projection: Projection,
    labelled: Sequence[str],
    ends: Sequence[str],
    reserved: Sequence[tuple[float, float, float, float]] = (),
) -> list[str]:
    out = ['<g class="nodes">']
    names = {}
    w, h = projection.width_px, projection.height_px
    for record in network.nodes.to_dict("records"):
        node = _Row(record)
        x, y = projection.xy(float(node.lon), float(node.lat))
        kinds = tuple(node.kinds or ())
        if kinds == ("sea",) or not (0 <= x <= w and 0 <= y <= h):
            continue  # sea waypoints are bends of sea lanes, not places
        names[node.node_id] = (x, y, _short_name(str(node.name)))
        radius = 5.0 if node.node_id in ends else (2.8 if "port" in kinds else 2.2)
        fill = "#222222" if node.node_id in ends else ("#FFFFFF" if "port" in kinds else "#555555")
        out.append(
            f'<circle class="node" cx="{_f(x)}" cy="{_f(y)}" r="{radius}" fill="{fill}" '
            f'stroke="#222222" stroke-width="0.8"><title>{escape(str(node.name))} '
            f"({escape(str(node.node_id))}; {escape(', '.join(kinds))})</title></circle>"
        )
    out.append("</g>")
    out.append(
        '<g class="labels" font-size="10" fill="#1A1A1A" stroke="#FFFFFF" stroke-width="3" '
        'paint-order="stroke" stroke-linejoin="round">'
    )
    placed: list[tuple[float, float, float, float]] = list(reserved)
    for node_id in dict.fromkeys(labelled):
        if node_id not in names:
            continue
        x, y, name = names[node_id]
        size = 12.0 if node_id in ends else 10.0
        spot = _label_spot(x, y, name, size, w, h, placed)
        if spot is None:
            continue  # no free spot: a crowded place keeps its tooltip only
        tx, ty, anchor = spot
        weight = ' font-weight="bold" font-size="12"' if node_id in ends else ""
        anchor_attr = ' text-anchor="end"' if anchor == "end" else ""
        out.append(f'<text x="{_f(tx)}" y="{_f(ty)}"{anchor_attr}{weight}>{escape(name)}</text>')
    out.append("</g>")
    return out


def _label_spot(
    x: float,
    y: float,
    name: str,
    size: float,
    w: float,
    h: float,
    placed: list[tuple[float, float, float, float]],
) -> tuple[float, float, str] | None:
    """Where a label of ``name`` beside (x, y) overlaps no label already placed
    (greedy: right-above, left-above, right-below, left-below); records the box.

    >>> taken: list[tuple[float, float, float, float]] = []
    >>> _label_spot(100, 100, "Baku", 10, 500, 500, taken)
    (105, 96, 'start')
    >>> _label_spot(100, 100, "Baku", 10, 500, 500, taken)  # the same place again
    (95, 96, 'end')
    """
    width = 0.58 * size * len(name)  # Helvetica's mean glyph width is about 0.55 em
    for dx, dy, anchor in ((5, -4, "start"), (-5, -4, "end"), (5, 11, "start"), (-5, 11, "end")):
        left = x + dx if anchor == "start" else x + dx - width
        box = (left, y + dy - size, left + width, y + dy + 2)
        if box[0] < 0 or box[2] > w or box[1] < 0 or box[3] > h:
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        return x + dx, y + dy, anchor
    return None


def _short_name(name: str) -> str:
    """A place name without its qualifiers, for labels.

    >>> _short_name("Nhava Sheva (JNPA), Navi Mumbai")
    'Nhava Sheva'
    """
    return name.split(",")[0].split(" (")[0].strip()


def _legend(
    entries: Sequence[tuple[str, str, str]],
    x: float,
    y: float,
    title: str,
    width: float,
    *,
    stroke_px: float,
) -> list[str]:
    """A legend box; ``entries`` are (label, stroke colour, dash pattern)."""
    height = 24 + 16 * len(entries)
    out = [
        f'<g class="legend" transform="translate({_f(x)} {_f(y)})" font-size="11">',
        f'<rect width="{width}" height="{height}" rx="4" fill="#FFFFFF" fill-opacity="0.92" '
        'stroke="#999999" stroke-width="0.6"/>',
        f'<text x="8" y="15" font-weight="bold">{escape(title)}</text>',
    ]
    for j, (label, colour, dash) in enumerate(entries):
        yy = 30 + 16 * j
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="8" y1="{yy - 4}" x2="34" y2="{yy - 4}" stroke="{colour}" '
            f'stroke-width="{stroke_px}"{dash_attr}/>'
            f'<text x="40" y="{yy}">{escape(label)}</text>'
        )
    out.append("</g>")
    return out


def corridor_map_svg(
    network: Network,
    options: Sequence[RouteOption],
    colours: Sequence[str],
    *,
    bbox: tuple[float, float, float, float] | None = None,
    width_px: float = 1000.0,
    title: str = "",
    legends: bool = True,
    legend_title: str = "Route options by corridor family",
    label_kinds: Sequence[str] = (),
) -> str:
    """The map as one ``<svg class="corridor-map">``: the network, ``options`` drawn in
    ``colours``, places, labels and (with ``legends``) the legends.

    ``bbox`` (west, south, east, north) zooms on a region (default: every place).
    Labelled places: the ends of the options, where they change mode, and every place of
    one of ``label_kinds`` (e.g. ``("port", "border")``) inside the map.
    """
    from instc.reports.basemap import load_basemap

    if bbox is None:
        lonlats = [
            (float(lon), float(lat))
            for lon, lat in zip(network.nodes["lon"], network.nodes["lat"], strict=True)
        ]
        projection = projection_for(lonlats, width_px=width_px)
    else:
        projection = Projection(*bbox, width_px=width_px)
    w, h = projection.width_px, projection.height_px
    out = [
        f'<svg class="corridor-map" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_f(w)} {_f(h)}" role="img" aria-label="{escape(title or "corridor map")}" '
        'font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title or 'corridor map')}</title>",
        f'<rect class="sea" width="{_f(w)}" height="{_f(h)}" fill="#E3EEF6"/>',
        '<g class="countries" fill="#F6F4EE" stroke="#B3AE9F" stroke-width="0.6">',
    ]
    for country in load_basemap():
        d = "".join(
            "M" + "L".join(f"{_f(x)} {_f(y)}" for x, y in (projection.xy(*p) for p in ring)) + "Z"
            for ring in country.rings
        )
        out.append(f'<path d="{d}"><title>{escape(country.name)}</title></path>')
    out.append("</g>")
    out.extend(_links_layer(network, projection))
    out.extend(_routes_layer(options, colours, projection))
    ends = [n for o in options[:1] for n in (o.origin, o.destination)]
    wanted = set(label_kinds)
    labelled = [
        *ends,
        *(leg.from_node for o in options for leg in o.legs if leg.kind == "transfer"),
        *(
            node_id
            for node_id, kinds in zip(network.nodes["node_id"], network.nodes["kinds"], strict=True)
            if wanted & set(kinds or ())
        ),
    ]
    legend_svg, reserved = _legends(options, colours, w, h, legend_title) if legends else ([], [])
    out.extend(_nodes_layer(network, projection, labelled, ends, reserved))
    out.extend(legend_svg)
    out.append(
        f'<text x="{_f(w - 6)}" y="{_f(h - 6)}" font-size="9" fill="#666666" text-anchor="end">'
        "Outlines: Natural Earth (public domain); equirectangular projection</text>"
    )
    out.append("</svg>")
    return "\n".join(out)


def _legends(
    options: Sequence[RouteOption], colours: Sequence[str], w: float, h: float, title: str
) -> tuple[list[str], list[tuple[float, float, float, float]]]:
    """The two legend boxes (route options bottom left, network links bottom right) and
    the areas they cover, which labels must keep clear of."""
    family_entries = [
        (o.family_label or o.family or f"option {i + 1}", c)
        for i, (o, c) in enumerate(zip(options, colours, strict=True))
    ]
    longest = max((len(label) for label, _ in family_entries), default=10)
    width = min(60 + 6.2 * longest, w - 220)
    top = h - 34 - 16 * len(family_entries)
    out = _legend(
        [(label, colour, "") for label, colour in family_entries],
        10.0,
        top,
        title,
        width,
        stroke_px=3.0,
    )
    boxes = [(10.0, top, 10.0 + width, h), (w - 190, h - 34 - 16 * 6, w, h)]
    network_entries = [
        ("rail", "#7F8C8D", ""),
        ("road", "#7F8C8D", ""),
        ("sea lane", "#7F8C8D", "5 3"),
        ("ferry", "#7F8C8D", "2 2"),
        ("pipeline", "#7F8C8D", "1 2"),
        ("not open at this date", "#B8B8B8", "1 3"),
    ]
    out.extend(
        _legend(network_entries, w - 190, h - 34 - 16 * 6, "Network links", 180, stroke_px=1.4)
    )
    return out, boxes
