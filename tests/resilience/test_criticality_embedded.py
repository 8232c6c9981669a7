"""Criticality on the embedded corridor data: invariants, not pinned numbers (the data
evolves). The network date is fixed so that project timelines do not move the answers."""

from __future__ import annotations

import pytest

from instc.network.load import load_network
from instc.resilience import default_ods
from instc.resilience.criticality import criticality
from instc.routing.shortest import route

AS_OF = "2026-06-01"


@pytest.fixture(scope="module")
def network():
    return load_network(as_of=AS_OF)


@pytest.fixture(scope="module")
def borders(network):
    return criticality(network, elements="borders")


def test_every_border_is_ranked(network, borders):
    ids = sorted(set(network.borders["border_id"]))
    assert sorted(e.element.element_id for e in borders.ranking) == ids
    assert [e.rank for e in borders.ranking] == list(range(1, len(ids) + 1))
    keys = [(-e.unserved_share, -e.objective_increase_pct, -e.n_ods_using) for e in borders.ranking]
    assert keys == sorted(keys)


def test_the_corridor_borders_carry_routes(borders):
    # the bundled OD set has Gulf -> Baku pairs: some best route crosses a border, and the
    # border it crosses is critical (ranked first, with a positive effect)
    used = {b for base in borders.ods for b in base.borders}
    assert used
    top = borders.ranking[0]
    assert top.critical and top.element.element_id in used
    for e in borders.ranking:
        users = [b for b in borders.ods if e.element.element_id in b.borders]
        assert e.n_ods_using == len(users)
        if not users:
            assert not e.critical and borders.impacts_of(e.element.element_id) == ()


def test_rerouted_options_avoid_the_border_and_cost_no_less(network, borders):
    for impact in borders.impacts:
        if not impact.served:
            continue
        assert impact.objective >= impact.baseline_objective - 1e-9
        option = route(
            network,
            impact.origin,
            impact.destination,
            cargo=impact.cargo,
            by="generalised",
            avoid={"border": [impact.element_id]},
        )
        assert impact.element_id not in {leg.border_id for leg in option.legs}
        assert option.totals.time_h == pytest.approx(impact.time_h)


def test_default_od_set_and_missing_baselines(borders):
    ods, _ = default_ods()
    assert [b.od for b in borders.ods] == list(ods)
    for b in borders.ods:
        if not b.served:
            assert b.no_route and b.objective is None
    assert borders.total_weight == sum(b.od.weight for b in borders.ods if b.served)


@pytest.mark.parametrize("elements", ["borders", "countries"])
def test_only_affected_equals_full_recomputation(network, elements):
    fast = criticality(network, elements=elements)
    full = criticality(network, elements=elements, only_affected=False)
    assert full.n_rerouted > fast.n_rerouted
    for a, b in zip(fast.ranking, full.ranking, strict=True):
        assert a.element == b.element
        assert a.unserved_share == pytest.approx(b.unserved_share)
        assert a.objective_increase_pct == pytest.approx(b.objective_increase_pct, abs=1e-9)


def test_links_increase_never_negative_and_bridges_unserve(network):
    result = criticality(network, elements="links")
    assert all(e.objective_increase_pct >= 0 for e in result.ranking)
    for impact in result.impacts:
        if impact.served:
            assert impact.objective >= impact.baseline_objective - 1e-9
        else:
            # no route without the link: the baseline route used it
            base = next(
                b
                for b in result.ods
                if (b.od.origin, b.od.destination, b.od.cargo)
                == (impact.origin, impact.destination, impact.cargo)
            )
            assert impact.element_id in base.links
    used = {link for b in result.ods for link in b.links}
    for e in result.ranking:
        if e.element.element_id not in used:
            assert not e.critical and e.n_ods_using == 0


def test_country_removal_hides_the_country(network):
    result = criticality(network, elements="countries")
    for impact in result.impacts:
        if impact.served:
            option = route(
                network,
                impact.origin,
                impact.destination,
                cargo=impact.cargo,
                by="generalised",
                avoid={"country": [impact.element_id]},
            )
            assert impact.element_id not in option.countries
    # an OD whose origin lies in the removed country has no route
    countries = dict(zip(network.nodes["node_id"], network.nodes["country"], strict=True))
    for impact in result.impacts:
        if countries.get(impact.origin) == impact.element_id:
            assert not impact.served
