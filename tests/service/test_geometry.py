"""Link geometry: sea legs on water (Caspian through its open-water points, elsewhere
on lanes), land legs through the places of their alignment or straight, said so."""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any

import pytest
from shapely.geometry import LineString, box

from instc.network.alignment import CHAIN_TOLERANCE, LAND_MODES, alignments, apply_alignments
from instc.network.geometry import CASPIAN_SPINE, land_crossing, leg_line, sea_line
from instc.network.load import load_network

# narrow water that the shipped 1:110m outlines close (rounded to 0.1 degree), where a
# lane must cross their land: the Suez Canal and the Gulf of Suez, the Elbe estuary and
# the Kiel Canal, the Bosporus and the Gulf of Izmit, the Strait of Gibraltar, the
# Strait of Hormuz, the Gulf of Khambhat
NARROW_WATER = (
    box(32.0, 27.5, 34.0, 31.5),
    box(8.5, 53.8, 10.5, 54.6),
    box(28.8, 40.6, 30.0, 41.3),
    box(-6.0, 35.8, -5.0, 36.2),
    box(55.5, 26.0, 57.0, 27.2),
    box(72.0, 20.5, 73.0, 22.5),
)


@pytest.fixture(scope="module")
def everything() -> Any:
    """Every link of the embedded dataset, whatever its date."""
    return load_network(None, as_of=None)


@pytest.fixture(scope="module")
def bare(everything: Any) -> Any:
    """The same network without its waypoints (what the drawing falls back to)."""
    tables = {**everything.tables, "waypoints": everything.tables["waypoints"].iloc[0:0]}
    return dataclasses.replace(everything, tables=tables)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points, km (sphere of 6371 km)."""
    (x1, y1), (x2, y2) = (tuple(math.radians(v) for v in p) for p in (a, b))
    h = math.sin((y2 - y1) / 2) ** 2 + math.cos(y1) * math.cos(y2) * math.sin((x2 - x1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _drawn(network: Any, link_id: str) -> list[tuple[float, float]]:
    """The coordinates of a link as the network GeoJSON draws it from its from_node."""
    link = network.links.set_index("link_id").loc[link_id]
    a, b = _ends(network, link)
    feature = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [list(a), list(b)]},
        "properties": {"link_id": link_id, "from_node": link.from_node, "mode": link.mode},
    }
    drawn = apply_alignments({"features": [feature]}, network)["features"][0]
    return [(x, y) for x, y in drawn["geometry"]["coordinates"]]


def _ends(network: Any, link: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    nodes = network.nodes.set_index("node_id")
    return tuple(  # type: ignore[return-value]
        (float(nodes.at[n, "lon"]), float(nodes.at[n, "lat"]))
        for n in (link.from_node, link.to_node)
    )


def test_no_sea_leg_crosses_land(everything: Any) -> None:
    water = everything.links[everything.links["mode"].isin(["sea", "ferry"])]
    assert len(water) > 50
    for link in water.itertuples():
        a, b = _ends(everything, link)
        coords = [(x, y) for x, y in leg_line(link.mode, a, b)]
        assert coords[0] == a and coords[-1] == b
        over = land_crossing(coords)
        for narrow in NARROW_WATER:
            over = over.difference(narrow)
        assert over.length == 0, (link.link_id, over.length, over.bounds)


def test_caspian_legs_go_around_land_through_spine_points() -> None:
    makhachkala, turkmenbashi = (47.5, 42.98), (52.97, 40.02)
    line = sea_line(makhachkala, turkmenbashi)
    assert line[0] == makhachkala and line[-1] == turkmenbashi
    assert set(line[1:-1]) <= set(CASPIAN_SPINE) and len(line) > 2
    # the straight line crosses the Absheron peninsula and the Krasnovodsk coast
    assert land_crossing([makhachkala, turkmenbashi]).length > 0
    assert land_crossing(list(line)).length == 0
    assert sea_line(turkmenbashi, makhachkala) == tuple(reversed(line))


def test_volga_caspian_channel_legs_run_down_the_channel() -> None:
    astrakhan, olya, canal_sea_end = (48.04, 46.35), (47.56, 45.78), (47.7, 45.35)
    assert canal_sea_end in CASPIAN_SPINE  # node RU-VCSC-SEA, not a point off the delta
    # up the delta both ends lie on 1:110m land: the legs follow the channel, not a
    # detour east through open-water points
    assert sea_line(astrakhan, olya) == (astrakhan, olya)
    assert sea_line(olya, canal_sea_end) == (olya, canal_sea_end)


def test_open_sea_leg_follows_a_lane() -> None:
    mumbai, bandar_abbas = (72.95, 18.95), (56.06, 27.11)
    line = leg_line("sea", mumbai, bandar_abbas)
    assert line[0] == list(mumbai) and line[-1] == list(bandar_abbas)
    assert len(line) > 3


def test_land_legs_follow_named_places_or_say_they_are_straight(bare: Any) -> None:
    everything = bare
    found = alignments(bare)
    kizlyar = found["d-makhachkala-astrakhan"]  # notes: "via Kizlyar", a node
    assert kizlyar.nodes == ("RUMCX", "RU-KIZLYAR", "RUASF")
    assert kizlyar.basis == "via-notes"
    chains = [a for a in found.values() if a.basis == "node-chain"]
    links = everything.links.set_index("link_id")
    for link_id, a in found.items():
        if a.basis != "node-chain":
            continue
        # every step of the chain is a link of the same mode; lengths agree
        steps = links[links["mode"] == links.at[link_id, "mode"]]
        pairs = set(zip(steps["from_node"], steps["to_node"], strict=True))
        total = 0.0
        for u, v in zip(a.nodes, a.nodes[1:], strict=False):
            assert (u, v) in pairs or (v, u) in pairs, (link_id, u, v)
            hit = steps[
                ((steps["from_node"] == u) & (steps["to_node"] == v))
                | ((steps["from_node"] == v) & (steps["to_node"] == u))
            ]
            total += float(hit["length_km"].min())
        own = float(links.at[link_id, "length_km"])
        assert abs(total - own) <= CHAIN_TOLERANCE * own
    assert chains  # at least one (Baku - Alat - Astara rail)
    straight = found["r-tehran-bafq"]  # "via Bafq" names its own end: no alignment
    assert straight.basis == "straight" and straight.nodes == ("IR-TEHRAN", "IR-BAFQ")


def test_features_carry_the_alignment_in_either_direction(bare: Any) -> None:
    everything = bare
    nodes = everything.nodes.set_index("node_id")
    kizlyar = [float(nodes.at["RU-KIZLYAR", "lon"]), float(nodes.at["RU-KIZLYAR", "lat"])]
    start, end = [47.5, 42.98], [48.04, 46.35]
    for a, b, first in ((start, end, "RUMCX"), (end, start, "RUASF")):
        feature = {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [a, b]},
            "properties": {"link_id": "d-makhachkala-astrakhan", "from_node": first},
        }
        drawn = apply_alignments({"features": [feature]}, everything)["features"][0]
        assert drawn["geometry"]["coordinates"] == [a, kizlyar, b]
        assert drawn["properties"]["alignment"] == "via-notes"
    straight = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[51.4, 35.7], [55.4, 31.6]]},
        "properties": {"link_id": "r-tehran-bafq", "from_node": "IR-TEHRAN"},
    }
    drawn = apply_alignments({"features": [straight]}, everything)["features"][0]
    assert drawn["geometry"]["coordinates"] == [[51.4, 35.7], [55.4, 31.6]]
    assert drawn["properties"]["alignment"] == "straight"
    assert "no alignment data" in drawn["properties"]["alignment_note"]


# the 1:110m land is coarse: a road or railway along a coast may lie up to this far
# (degrees) off it
COAST_SLACK_DEG = 0.1


def test_waypoints_draw_a_land_link_through_its_stations_in_order(everything: Any) -> None:
    astrakhan, olya = (48.04, 46.35), (47.56, 45.78)
    zenzeli, yandyki = (47.05, 45.92), (47.12, 45.73)  # waypoints.csv
    assert _drawn(everything, "r-astrakhan-olya") == [astrakhan, zenzeli, yandyki, olya]
    found = alignments(everything)["r-astrakhan-olya"]
    assert found.basis == "waypoints" and "Zenzeli, Yandyki" in found.note
    feature = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [list(olya), list(astrakhan)]},
        "properties": {"link_id": "r-astrakhan-olya", "from_node": "RU-OLYA"},
    }
    back = apply_alignments({"features": [feature]}, everything)["features"][0]
    assert back["geometry"]["coordinates"] == [list(p) for p in (olya, yandyki, zenzeli, astrakhan)]
    # the rail line runs west of the delta, not down the ship channel (the sea link)
    rail = LineString(_drawn(everything, "r-astrakhan-olya"))
    assert rail.hausdorff_distance(LineString([astrakhan, olya])) > 0.4


def test_a_chain_is_drawn_through_the_waypoints_of_its_links(everything: Any) -> None:
    baku_astara = _drawn(everything, "r-baku-astara")  # along Baku - Alat - Astara
    through = _drawn(everything, "r-baku-alat")[1:] + _drawn(everything, "r-alat-astara")[1:-1]
    assert baku_astara[1:-1] == through
    assert len(through) >= 4


def test_no_land_leg_crosses_the_sea(everything: Any, bare: Any) -> None:
    from instc.network.geometry import _land

    land = _land()[0].buffer(COAST_SLACK_DEG)
    land_links = everything.links[everything.links["mode"].isin(LAND_MODES)]
    assert len(land_links) > 90
    for link_id in land_links["link_id"]:
        wet = LineString(_drawn(everything, link_id)).difference(land)
        assert wet.length == 0, (link_id, wet.bounds)
    # the check bites: without its waypoints the Makhachkala - Astrakhan road was drawn
    # through Kizlyar and then straight over the Kizlyar bay
    wet = LineString(_drawn(bare, "d-makhachkala-astrakhan")).difference(land)
    assert wet.length > 0


def test_a_drawn_line_is_not_longer_than_its_link(everything: Any) -> None:
    """Through its waypoints a link's line is no longer than the link (a misplaced or
    mis-ordered waypoint makes a detour); where it is, the audit names the link."""
    from instc.network.audit import audit_tables

    links = everything.links.set_index("link_id")
    with_points = set(everything.tables["waypoints"]["link_id"])
    assert len(with_points) >= 50
    too_long = set()
    for link_id in with_points:
        line = _drawn(everything, link_id)
        km = math.fsum(_km(p, q) for p, q in itertools.pairwise(line))
        if float(links.at[link_id, "length_km"]) < 0.9 * km - 5:
            too_long.add(link_id)
    # the rail spur to Olya leaves the Kizlyar line at Yandyki, ~100 km west of
    # Astrakhan: its length_km (once a great-circle estimate, 88.1 km) is the line through
    # its waypoints plus the sourced spur, so no drawn line is longer than its link
    assert too_long == set()
    checks = audit_tables(everything.tables, everything.parameters)["checks"]
    assert checks["shorter_than_its_waypoints"]["rows"] == []
    # the check bites: the old straight-line estimate is named
    short = everything.tables["links"].copy()
    short.loc[short["link_id"] == "r-astrakhan-olya", "length_km"] = 88.1
    checks = audit_tables({**everything.tables, "links": short}, everything.parameters)["checks"]
    rows = checks["shorter_than_its_waypoints"]["rows"]
    assert [(r["id"], r["through_waypoints_km"]) for r in rows] == [("r-astrakhan-olya", 146.4)]
