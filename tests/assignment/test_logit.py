"""Path-size logit route choice (instc.assignment.logit) against hand-computed shares."""

from __future__ import annotations

import math

import numpy as np
import pytest

from instc._errors import DataError
from instc.assignment import AssignmentNetwork, UserClass, assign, logit_assign
from instc.assignment.logit import path_size, route_set


def _one_class(demand: float, n_zones: int = 2, origin: int = 0, dest: int = 1) -> UserClass:
    d = np.zeros((n_zones, n_zones))
    d[origin, dest] = demand
    return UserClass("c", d)


def test_three_parallel_routes_get_logit_shares() -> None:
    # costs 10, 11, 12; mu = 10 and C_min = 10 -> theta = 1 per cost unit
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 0, 0],
        to_node=[1, 1, 1],
        free_flow_time=[10.0, 11.0, 12.0],
        capacity=[0.0, 0.0, 0.0],
        alpha=0.0,
        zone_nodes=[0, 1],
    )
    res = logit_assign(net, [_one_class(1000.0)], mu=10.0)
    w = [math.exp(-10), math.exp(-11), math.exp(-12)]
    expected = [1000 * x / sum(w) for x in w]  # 665.24, 244.73, 90.03
    assert res.flows.tolist() == pytest.approx(expected, rel=1e-9)
    assert res.flows[0] == pytest.approx(665.2409, abs=1e-3)
    assert res.converged and res.iterations == 0  # no congestion: the first loading


def test_mu_is_relative_to_the_cheapest_route() -> None:
    # the same network in other units (x 100): the shares do not change
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 0],
        to_node=[1, 1],
        free_flow_time=[1000.0, 1100.0],
        capacity=[0.0, 0.0],
        alpha=0.0,
        zone_nodes=[0, 1],
    )
    res = logit_assign(net, [_one_class(100.0)], mu=10.0)
    assert res.flows[0] == pytest.approx(100 / (1 + math.exp(-1)), rel=1e-9)  # 73.106


def test_overlapping_routes_share_their_weight_by_path_size() -> None:
    # 0 -> 2 direct (cost 10) or 0 -> 1 (5) then one of two parallel links 1 -> 2 (5 each).
    # All three routes cost 10. PS: direct 1; each via-1 route 5/10 / 2 + 5/10 / 1 = 0.75.
    # Shares 1 : 0.75 : 0.75 -> 0.4, 0.3, 0.3 (plain logit would give 1/3 each).
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 0, 1, 1],
        to_node=[2, 1, 2, 2],
        free_flow_time=[10.0, 5.0, 5.0, 5.0],
        capacity=[0.0, 0.0, 0.0, 0.0],
        alpha=0.0,
        zone_nodes=[0, 2],
    )
    rs = route_set(net, net.free_flow_time, 0, 2, routes=8, penalty=1.0)
    assert sorted(rs) == [(0,), (1, 2), (1, 3)]
    assert path_size(rs, net.free_flow_time).tolist() == pytest.approx(
        [{(0,): 1.0, (1, 2): 0.75, (1, 3): 0.75}[r] for r in rs]
    )
    res = logit_assign(net, [_one_class(100.0)], mu=10.0)
    assert res.flows.tolist() == pytest.approx([40.0, 60.0, 30.0, 30.0], rel=1e-9)


def test_congested_fixed_point_meets_the_logit_condition() -> None:
    # two parallel BPR links; at the stochastic equilibrium the flows satisfy
    # x1 / x2 = exp(-theta (c1(x1) - c2(x2))), theta = mu / C_min(free) = 10 / 10 = 1
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 0],
        to_node=[1, 1],
        free_flow_time=[10.0, 10.0],
        capacity=[100.0, 50.0],
        zone_nodes=[0, 1],
    )
    res = logit_assign(net, [_one_class(300.0)], mu=10.0, gap=1e-7, max_iter=5000)
    x1, x2 = res.flows
    c1, c2 = res.times
    assert x1 + x2 == pytest.approx(300.0)
    assert math.log(x1 / x2) == pytest.approx(-(c1 - c2), abs=1e-3)
    assert res.iterations > 0 and res.converged
    # sharper choice (large mu) tends to the user equilibrium (equal times: 200 / 100)
    sharp = logit_assign(net, [_one_class(300.0)], mu=1e4, gap=1e-6, max_iter=20000)
    ue = assign(net, np.array([[0.0, 300.0], [0.0, 0.0]]), gap=1e-10)
    assert sharp.flows.tolist() == pytest.approx(ue.flows.tolist(), rel=2e-2)


def test_permitted_links_and_unreachable_demand() -> None:
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 0],
        to_node=[1, 1],
        free_flow_time=[10.0, 11.0],
        capacity=[0.0, 0.0],
        alpha=0.0,
        zone_nodes=[0, 1],
    )
    only_second = UserClass(
        "c", np.array([[0.0, 50.0], [0.0, 0.0]]), permitted=np.array([False, True])
    )
    assert logit_assign(net, [only_second], mu=10.0).flows.tolist() == [0.0, 50.0]
    none = UserClass("c", np.array([[0.0, 50.0], [0.0, 0.0]]), permitted=np.array([False, False]))
    res = logit_assign(net, [none], mu=10.0)
    assert res.unreachable_demand == 50.0 and res.flows.sum() == 0.0


def test_bad_parameters_are_one_line_errors() -> None:
    net = AssignmentNetwork.from_arrays(
        from_node=[0],
        to_node=[1],
        free_flow_time=[1.0],
        capacity=[0.0],
        alpha=0.0,
        zone_nodes=[0, 1],
    )
    with pytest.raises(DataError, match="logit mu must be a positive number"):
        logit_assign(net, [_one_class(1.0)], mu=0.0)
    with pytest.raises(DataError, match="routes must be >= 1"):
        logit_assign(net, [_one_class(1.0)], mu=1.0, routes=0)


def test_user_equilibrium_stops_at_once_when_free_flow_is_already_equilibrium() -> None:
    # "bfw gap 0 after 0 iterations" in a corridor run: the free-flow all-or-nothing load
    # is already a user equilibrium when the delays it causes are smaller than the cost
    # gap to the next route. Route 1 (t0 10, capacity 100) vs route 2 (t0 100):
    # 50 units -> t1 = 10 (1 + 0.15 x 0.5^4) = 10.09 < 100: no shift, gap 0, 0 iterations
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 0],
        to_node=[1, 1],
        free_flow_time=[10.0, 100.0],
        capacity=[100.0, 100.0],
        zone_nodes=[0, 1],
    )
    light = assign(net, np.array([[0.0, 50.0], [0.0, 0.0]]), method="bfw", gap=1e-9)
    assert light.iterations == 0 and light.converged and light.relative_gap == 0.0
    assert light.times[0] == pytest.approx(10 * (1 + 0.15 * 0.5**4))
    # 400 units: t1 = 10 (1 + 0.15 x 4^4) = 394 > 100 at the free-flow load: it iterates
    heavy = assign(net, np.array([[0.0, 400.0], [0.0, 0.0]]), method="bfw", gap=1e-9)
    assert heavy.iterations > 0 and heavy.flows[1] > 0


def test_corridor_logit_keeps_every_od_volume_and_spreads_over_families() -> None:
    from instc.assignment.corridor import assign_corridor
    from instc.network.load import load_network

    net = load_network(as_of=2023)
    logit = assign_corridor(net, year=2023, method="psl", gap=1e-4)
    ue = assign_corridor(net, year=2023, method="bfw")

    def spread(run) -> int:  # type: ignore[no-untyped-def]
        """ODs with more than 1% of their volume on each of two or more families."""
        f = run.family_shares
        per_od = f.loc[f["share"] > 0.01].groupby(["class", "origin", "destination"]).size()
        return int((per_od > 1).sum())

    # user equilibrium puts each OD on one route; the logit spreads some ODs over families
    assert spread(ue) == 0 < spread(logit)
    # each OD's equilibrium generalised cost is the mean over its routes: money plus the
    # value of time x time (by hand), at least its cheapest route's at free flow
    vot_h = {
        u: float(net.parameters["value_of_time"][f"usd_per_{u}_day"]["value"]) / 24.0
        for u in ("t", "teu", "truck")
    }
    od = logit.od_costs
    od = od.loc[np.isfinite(od["eq_generalised_usd"])]  # crude: no route (suspended)
    assert len(od) == len(logit.od_costs) - 1
    by_hand = od["eq_money_usd"] + od["eq_time_h"] * od["unit"].map(vot_h)
    assert np.allclose(od["eq_generalised_usd"], by_hand, rtol=1e-9)
    assert (od["eq_generalised_usd"] >= od["free_generalised_usd"] * (1 - 1e-9)).all()
