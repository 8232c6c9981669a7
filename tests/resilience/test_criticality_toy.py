"""Criticality on the hand-built network of resilience_toynet, answers worked out by hand."""

from __future__ import annotations

import pytest
from resilience_toynet import ODS, toy

from instc._errors import UnknownNameError
from instc.resilience import list_elements
from instc.resilience.criticality import criticality
from instc.routing.shortest import route


def _by_id(result):
    return {e.element.element_id: e for e in result.ranking}


def test_baselines_by_hand():
    result = criticality(toy(), ods=ODS, by="cost")
    assert [b.objective for b in result.ods] == [320.0, 370.0, 105.0]
    assert result.total_weight == 4.0
    assert result.ods[0].links == frozenset({"AB", "BC", "CE"})
    assert result.ods[0].countries == frozenset({"IN", "IR", "AZ"})


def test_links_known_answers():
    ranked = _by_id(criticality(toy(), ods=ODS, by="cost"))
    # A-B is the only way out of A: A->E (weight 2) and A->F (1) lose their route
    assert ranked["AB"].unserved_share == pytest.approx(3 / 4)
    assert ranked["AB"].n_ods_unserved == 2
    # E-F is the only way to F
    assert ranked["EF"].unserved_share == pytest.approx(1 / 4)
    # without B-C: A->E 320 -> 410, A->F 370 -> 460, B->C 105 -> 405 (B-D-E-C)
    expected = 100 * (2 * 90 / 320 + 90 / 370 + 300 / 105) / 4
    assert ranked["BC"].objective_increase_pct == pytest.approx(expected)
    assert ranked["BC"].unserved_weight == 0
    # without C-E: A->E and A->F go by D, +90 each; B->C does not use C-E
    expected = 100 * (2 * 90 / 320 + 90 / 370) / 4
    assert ranked["CE"].objective_increase_pct == pytest.approx(expected)
    assert ranked["CE"].n_ods_using == 2


def test_unused_links_have_zero_criticality_and_are_not_rerouted():
    result = criticality(toy(), ods=ODS, by="cost")
    ranked = _by_id(result)
    for link in ("BD", "DE", "GH"):
        e = ranked[link]
        assert e.n_ods_using == 0
        assert (e.unserved_share, e.objective_increase_pct, e.time_increase_pct) == (0, 0, 0)
        assert not e.critical
        assert result.impacts_of(link) == ()
    # re-routed: only the ODs whose route uses the link (AB 2, BC 3, CE 2, EF 1)
    assert result.n_rerouted == 8


def test_ranking_order():
    result = criticality(toy(), ods=ODS, by="cost")
    ids = [e.element.element_id for e in result.ranking]
    assert ids == ["AB", "EF", "BC", "CE", "BD", "DE", "GH"]
    assert [e.rank for e in result.ranking] == list(range(1, 8))
    keys = [(-e.unserved_share, -e.objective_increase_pct) for e in result.ranking]
    assert keys == sorted(keys)


def test_rerouted_costs_match_routing_with_the_link_avoided():
    net = toy()
    result = criticality(net, ods=ODS, by="cost")
    for impact in result.impacts_of("BC"):
        direct = route(net, impact.origin, impact.destination, by="cost", avoid={"link": ["BC"]})
        assert impact.objective == pytest.approx(direct.totals.cost_usd)
        assert impact.time_h == pytest.approx(direct.totals.time_h)


@pytest.mark.parametrize("elements", ["links", "nodes", "borders", "countries"])
@pytest.mark.parametrize("by", ["cost", "time", "generalised", "distance"])
def test_only_affected_equals_full_recomputation(elements, by):
    fast = criticality(toy(), ods=ODS, elements=elements, by=by)
    full = criticality(toy(), ods=ODS, elements=elements, by=by, only_affected=False)
    assert full.n_rerouted > fast.n_rerouted
    assert [e.element.element_id for e in fast.ranking] == [
        e.element.element_id for e in full.ranking
    ]
    for a, b in zip(fast.ranking, full.ranking, strict=True):
        assert a.unserved_share == pytest.approx(b.unserved_share)
        assert a.objective_increase_pct == pytest.approx(b.objective_increase_pct, abs=1e-9)
        assert a.time_increase_pct == pytest.approx(b.time_increase_pct, abs=1e-9)
    # the extra ODs the full run re-routed kept their baseline value
    affected = {(i.element_id, i.origin, i.destination) for i in fast.impacts}
    for i in full.impacts:
        if (i.element_id, i.origin, i.destination) not in affected:
            assert i.objective == pytest.approx(i.baseline_objective)


@pytest.mark.parametrize("elements", ["links", "nodes", "borders", "countries"])
def test_increase_never_negative(elements):
    result = criticality(toy(), ods=ODS, elements=elements, by="generalised")
    for impact in result.impacts:
        if impact.served:
            assert impact.objective >= impact.baseline_objective - 1e-9
    assert all(e.objective_increase_pct >= 0 for e in result.ranking)


def test_borders_known_answers():
    ranked = _by_id(criticality(toy(), ods=ODS, elements="borders", by="cost"))
    assert ranked["AB"].unserved_share == pytest.approx(3 / 4)
    # border BC is link B-C: same answer as removing the link
    links = _by_id(criticality(toy(), ods=ODS, by="cost"))
    assert ranked["BC"].objective_increase_pct == pytest.approx(links["BC"].objective_increase_pct)


def test_nodes_removing_an_end_leaves_its_ods_unserved():
    result = criticality(toy(), ods=ODS, elements="nodes", by="cost")
    ranked = _by_id(result)
    assert ranked["A"].unserved_share == pytest.approx(3 / 4)
    # C carries A->E and A->F (re-routed by D, +90 each) and is B->C's destination
    assert ranked["C"].unserved_share == pytest.approx(1 / 4)
    assert ranked["C"].objective_increase_pct == pytest.approx(100 * (2 * 90 / 320 + 90 / 370) / 4)
    assert {i.no_route is not None for i in result.impacts_of("A")} == {True}


def test_country_removal_hides_all_its_links_and_places():
    net = toy()
    result = criticality(net, ods=ODS, elements="countries", by="cost")
    ranked = _by_id(result)
    # without AZ (place C): A->E, A->F by D, B->C unserved
    az = ranked["AZ"]
    assert az.unserved_share == pytest.approx(1 / 4)
    assert az.objective_increase_pct == pytest.approx(100 * (2 * 90 / 320 + 90 / 370) / 4)
    # the re-routed options enter no place of AZ and use no link touching it
    for impact in result.impacts_of("AZ"):
        if impact.served:
            option = route(
                net, impact.origin, impact.destination, by="cost", avoid={"country": ["AZ"]}
            )
            assert "AZ" not in option.countries
            assert not {"BC", "CE"} & set(option.link_ids)
            assert option.totals.cost_usd == pytest.approx(impact.objective)
    # IR holds B, D, E, F: every OD touches it and none survives
    assert ranked["IR"].unserved_share == pytest.approx(1.0)
    assert ranked["TM"].n_ods_using == 0 and not ranked["TM"].critical


def test_od_without_baseline_route_is_left_out():
    ods = [*ODS, ("A", "G", "container", 5.0)]
    result = criticality(toy(), ods=ods, by="cost")
    missing = [b for b in result.ods if not b.served]
    assert [(b.od.origin, b.od.destination) for b in missing] == [("A", "G")]
    assert "no" in (missing[0].no_route or "")
    assert result.total_weight == 4.0  # the unserved pair's weight 5 does not count
    assert _by_id(result)["AB"].unserved_share == pytest.approx(3 / 4)


def test_bridge_in_a_chain_network():
    # only one chain A-B-C-E-F: every link is a bridge for the ODs that use it
    links = [link for link in toy().links.to_dict("records") if link["link_id"] not in ("BD",)]
    chain = toy(links=[{k: v for k, v in link.items() if k != "expected"} for link in links])
    ranked = _by_id(criticality(chain, ods=ODS, by="cost"))
    assert ranked["BC"].unserved_share == pytest.approx(1.0)
    assert ranked["CE"].unserved_share == pytest.approx(3 / 4)


def test_weights_scale_the_shares():
    heavy = [("A", "E", "container", 10.0), ("B", "C", "container", 0.0)]
    ranked = _by_id(criticality(toy(), ods=heavy, by="cost"))
    assert ranked["AB"].unserved_share == pytest.approx(1.0)
    # B->C has weight 0: it is re-routed but weighs nothing
    assert ranked["BC"].objective_increase_pct == pytest.approx(100 * 90 / 320)


def test_list_elements_geometry():
    net = toy()
    links = {e.element_id: e for e in list_elements(net, "links")}
    assert links["AB"].geometry() == {
        "type": "LineString",
        "coordinates": [[70.0, 20.0], [56.0, 27.0]],
    }
    borders = {e.element_id: e for e in list_elements(net, "borders")}
    assert borders["AB"].geometry() == {"type": "Point", "coordinates": [63.0, 23.5]}
    countries = {e.element_id: e for e in list_elements(net, "countries")}
    assert countries["TM"].geometry()["type"] == "MultiPoint"
    assert len(countries["IR"].lonlat) == 4


def test_unknown_element_kind_and_criterion():
    with pytest.raises(UnknownNameError, match="did you mean 'borders'"):
        criticality(toy(), ods=ODS, elements="bordres")
    with pytest.raises(UnknownNameError, match="criterion"):
        criticality(toy(), ods=ODS, by="fastest")


def test_transit_only_leaves_out_the_ods_that_end_in_the_element():
    net = toy()
    nodes = _by_id(criticality(net, ods=ODS, elements="nodes", by="cost", transit_only=True))
    # A is only ever an origin: as a transit place it carries nothing
    assert nodes["A"].n_ods_using == 0 and not nodes["A"].critical
    # C: B->C ends there and is left out; A->E, A->F pass through and detour by D
    assert nodes["C"].n_ods_using == 2
    assert nodes["C"].unserved_share == 0
    assert nodes["C"].objective_increase_pct == pytest.approx(100 * (2 * 90 / 320 + 90 / 370) / 4)
    # B is A's only way out and the origin of B->C: A->E, A->F unserved
    assert nodes["B"].unserved_share == pytest.approx(3 / 4)
    countries = _by_id(
        criticality(net, ods=ODS, elements="countries", by="cost", transit_only=True)
    )
    # every OD starts or ends in IR; AZ only carries A->E and A->F through C
    assert countries["IR"].n_ods_using == 0
    assert countries["AZ"].unserved_share == 0 and countries["AZ"].n_ods_using == 2
    full = criticality(
        net, ods=ODS, elements="nodes", by="cost", transit_only=True, only_affected=False
    )
    for e in full.ranking:
        fast = nodes[e.element.element_id]
        assert e.objective_increase_pct == pytest.approx(fast.objective_increase_pct, abs=1e-9)
        assert e.n_ods_using == fast.n_ods_using
    assert {e.element.element_id: e.unserved_share for e in full.ranking} == {
        k: v.unserved_share for k, v in nodes.items()
    }
