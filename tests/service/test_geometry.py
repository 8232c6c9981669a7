"""Link geometry: sea legs on water (Caspian through its open-water points, elsewhere
on lanes), land legs through the places of their alignment or straight, said so."""

from __future__ import annotations

from typing import Any

import pytest
from shapely.geometry import box

from instc.network.alignment import CHAIN_TOLERANCE, alignments, apply_alignments
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


def test_land_legs_follow_named_places_or_say_they_are_straight(everything: Any) -> None:
    found = alignments(everything)
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


def test_features_carry_the_alignment_in_either_direction(everything: Any) -> None:
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
