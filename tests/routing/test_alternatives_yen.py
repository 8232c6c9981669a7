from __future__ import annotations

import pytest
from routing_cases import TRANSFERS, corridor

from instc._errors import DataError
from instc.routing.alternatives import alternatives
from instc.routing.shortest import route

# a second way from the ship to the 1435 mm train at B: via the road layer (same links)
DETOUR = {
    "node_id": "B",
    "from_layer": "road",
    "to_layer": "rail1435",
    "kind": "handling",
    "dwell_h": 1.0,
    "cost_usd_per_teu": 1.0,
    "source_ids": ("T9",),
}


def test_alternatives_are_really_different_and_ordered():
    net = corridor(transfers=[*TRANSFERS, DETOUR])
    options = alternatives(net, "A", "E", k=5)
    links = [o.link_ids for o in options]
    assert len(links) == len(set(links)), "same links with another transfer were repeated"
    assert links[0] == route(net, "A", "E").link_ids
    assert links == [("L1", "L2", "L3", "L4"), ("L1", "R1", "L4")]
    costs = [o.totals.cost_usd for o in options]
    assert costs == sorted(costs)
    # the road option by hand: 750 + 90 (port to road) + 1200 + 60 (border) + 70 + 240
    assert options[1].totals.cost_usd == pytest.approx(2410.0)


def test_k_one_is_the_best_route_and_k_zero_is_refused():
    net = corridor()
    (only,) = alternatives(net, "A", "E", k=1, by="time")
    assert only.totals == route(net, "A", "E", by="time").totals
    with pytest.raises(DataError):
        alternatives(net, "A", "E", k=0)


def test_alternatives_are_loopless():
    net = corridor(transfers=[*TRANSFERS, DETOUR])
    for option in alternatives(net, "A", "E", k=5):
        visited = [(leg.from_node, leg.from_layer) for leg in option.legs]
        assert len(visited) == len(set(visited))


def test_max_overlap_drops_options_that_mostly_repeat_earlier_ones():
    net = corridor()
    both = alternatives(net, "A", "E", k=3, max_overlap=0.7)
    # the road option shares L1 (1500 km) and L4 (800 km) of its 3500 km: 66 % overlap
    assert [o.link_ids for o in both] == [("L1", "L2", "L3", "L4"), ("L1", "R1", "L4")]
    assert len(alternatives(net, "A", "E", k=3, max_overlap=0.6)) == 1
    with pytest.raises(DataError):
        alternatives(net, "A", "E", max_overlap=1.5)


def test_compare_families_on_the_toy_corridor_by_hand():
    from instc.routing.compare import Family, compare

    rail = Family("rail", "Rail via C-D", "rail", "", (("link:L3",),), False, {})
    road = Family("road", "Road B-D", "road", "", (("link:R1",),), False, {})
    none = Family("none", "Avoids AZ", "none", "", (), False, {"country": ("AZ",)})
    result = compare(corridor(), "A", "E", families=[road, rail, none])
    # the unconstrained best comes first: here it is the rail route
    assert [o.family for o in result.options] == ["best", "rail", "road"]
    assert result.same_as_best() == ("rail",)
    assert [o.totals.cost_usd for o in result.options] == pytest.approx([1302.0, 1302.0, 2410.0])
    (missing,) = result.missing
    assert missing[0] == "none" and "avoid country AZ" in missing[1]
    deltas = result.to_frame().set_index("family")["delta_cost_usd"]
    assert deltas["road"] == pytest.approx(1108.0)
    by_time = compare(corridor(), "A", "E", by="time", families=[road, rail])
    # rail 166.25 h; road: 92 + 20 (port) + 20 + 40 (rests, border) + 8 + 20 = 200 h
    assert [o.totals.time_h for o in by_time.options] == pytest.approx([166.25, 166.25, 200.0])
