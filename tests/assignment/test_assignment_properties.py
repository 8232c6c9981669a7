"""Property tests (hypothesis) on small random networks.

- The compiled kernel and the scipy split-node code agree on every skim, and with the
  reference networkx code of ``assignment_oracle`` (random graphs with parallel links,
  zero-cost links and no-through nodes).
- All-or-nothing loads conserve flow at every node.
- BFW on random networks (BPR on every link) conserves flow, and its reported gap
  equals the gap the reference code recomputes from its final flows.
- At equilibrium on random parallel-route networks, every used route costs the minimum
  (within the gap) and no unused route is cheaper (Wardrop's first principle).
"""

from __future__ import annotations

import numpy as np
from assignment_oracle import link_cost_by_hand, relative_gap_by_hand, zone_costs_by_hand
from hypothesis import given, settings
from hypothesis import strategies as st

from instc.assignment import (
    AssignmentNetwork,
    UserClass,
    all_or_nothing,
    assign,
    skim,
    skim_scipy,
)


@st.composite
def random_networks(draw: st.DrawFn) -> tuple[AssignmentNetwork, np.ndarray]:
    n = draw(st.integers(2, 8))
    m = draw(st.integers(1, 24))
    node = st.integers(0, n - 1)
    tails = draw(st.lists(node, min_size=m, max_size=m))
    heads = draw(st.lists(node, min_size=m, max_size=m))
    pairs = [(a, b) for a, b in zip(tails, heads, strict=True) if a != b] or [(0, 1)]
    times = draw(
        st.lists(
            st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5]) | st.floats(0.0, 10.0),
            min_size=len(pairs),
            max_size=len(pairs),
        )
    )
    zones = draw(st.lists(node, min_size=1, max_size=n, unique=True))
    blocked = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    net = AssignmentNetwork.from_arrays(
        from_node=[a for a, _ in pairs],
        to_node=[b for _, b in pairs],
        free_flow_time=times,
        capacity=[10.0] * len(pairs),
        zone_nodes=zones,
        no_through=blocked,
        n_nodes=n,
    )
    z = len(zones)
    demand = np.array(draw(st.lists(st.floats(0.0, 50.0), min_size=z * z, max_size=z * z))).reshape(
        z, z
    )
    return net, demand


@settings(max_examples=150, deadline=None)
@given(random_networks())
def test_kernel_skims_equal_scipy_skims(case: tuple[AssignmentNetwork, np.ndarray]) -> None:
    net, _ = case
    a, b = skim(net), skim_scipy(net)
    reference = zone_costs_by_hand(net, net.free_flow_time + net.fixed_cost)
    assert np.array_equal(np.isinf(a), np.isinf(b))
    assert np.array_equal(np.isinf(a), np.isinf(reference))
    finite = np.isfinite(a)
    assert np.allclose(a[finite], b[finite], rtol=1e-12, atol=1e-12)
    assert np.allclose(a[finite], reference[finite], rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(random_networks())
def test_aon_conserves_flow(case: tuple[AssignmentNetwork, np.ndarray]) -> None:
    net, demand = case
    np.fill_diagonal(demand, 0.0)
    flows, sp = all_or_nothing(net, net.free_flow_time, demand, origins=np.arange(net.n_zones))
    loaded = np.where(np.isfinite(sp), demand, 0.0)
    balance = np.bincount(net.from_node, flows, net.n_nodes) - np.bincount(
        net.to_node, flows, net.n_nodes
    )
    expected = np.zeros(net.n_nodes)
    np.add.at(expected, net.zone_nodes, loaded.sum(axis=1) - loaded.sum(axis=0))
    assert np.allclose(balance, expected, atol=1e-9)
    # the loaded paths cost exactly the skim
    path_cost = np.sum(loaded * np.where(np.isfinite(sp), sp, 0.0))
    assert np.isclose(np.dot(flows, net.free_flow_time), path_cost, rtol=1e-12, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    routes=st.lists(
        st.tuples(
            st.floats(1.0, 20.0),  # free-flow time
            st.floats(20.0, 200.0),  # capacity
            st.floats(0.05, 1.0),  # alpha
            st.sampled_from([1.0, 2.0, 4.0, 5.5]),  # beta
        ),
        min_size=2,
        max_size=6,
    ),
    total=st.floats(10.0, 800.0),
    method=st.sampled_from(["cfw", "bfw"]),  # plain FW converges sublinearly (zigzags)
)
def test_wardrop_on_parallel_routes(
    routes: list[tuple[float, float, float, float]], total: float, method: str
) -> None:
    k = len(routes)
    fft, cap, alpha, beta = (np.array(c) for c in zip(*routes, strict=True))
    # each route is two links in series: 0 -> i + 2 -> 1 (the second link is free)
    net = AssignmentNetwork.from_arrays(
        from_node=np.r_[np.zeros(k, int), np.arange(2, k + 2)],
        to_node=np.r_[np.arange(2, k + 2), np.ones(k, int)],
        free_flow_time=np.r_[fft, np.zeros(k)],
        capacity=np.r_[cap, np.ones(k)],
        alpha=np.r_[alpha, np.zeros(k)],
        beta=np.r_[beta, np.zeros(k)],
        zone_nodes=[0, 1],
    )
    gap = 1e-8
    res = assign(net, np.array([[0.0, total], [0.0, 0.0]]), method=method, gap=gap, max_iter=5000)
    assert res.converged
    flow, cost = res.flows[:k], res.costs[:k]
    assert np.isclose(flow.sum(), total)
    assert np.allclose(res.flows[k:], flow)  # conservation at the middle nodes
    best = cost.min()  # the shortest path of the only OD pair
    excess = np.dot(flow, cost - best)
    # the gap, recomputed from route costs alone, is within the target ...
    assert excess <= gap * np.dot(flow, cost) * (1 + 1e-9)
    # ... so every used route costs the minimum up to excess / its flow
    used = flow > 1e-3 * total
    assert np.all((cost - best)[used] * flow[used] <= excess * (1 + 1e-9) + 1e-12)


@settings(max_examples=60, deadline=None)
@given(random_networks(), st.sampled_from(["fw", "cfw", "bfw", "msa"]))
def test_equilibrium_on_random_networks(
    case: tuple[AssignmentNetwork, np.ndarray], method: str
) -> None:
    net, demand = case
    uc = UserClass("c", demand)
    res = assign(net, uc, method=method, gap=1e-6, max_iter=300)
    # conservation of the loaded (reachable, non-intrazonal) demand
    d = demand.copy()
    np.fill_diagonal(d, 0.0)
    reach = np.isfinite(skim(net))
    d = np.where(reach, d, 0.0)
    balance = np.bincount(net.from_node, res.flows, net.n_nodes) - np.bincount(
        net.to_node, res.flows, net.n_nodes
    )
    expected = np.zeros(net.n_nodes)
    np.add.at(expected, net.zone_nodes, d.sum(axis=1) - d.sum(axis=0))
    assert np.allclose(balance, expected, atol=1e-7 * max(1.0, d.sum()))
    full = np.where(np.eye(len(d), dtype=bool), 0.0, demand)
    assert np.isclose(res.unreachable_demand, full[~reach].sum())
    # the reported gap is the gap of the final flows, recomputed with other code
    cost = link_cost_by_hand(net, res.flows)
    gap = relative_gap_by_hand(net, [(demand, 1.0, None, None)], [res.class_flows["c"]], cost)
    assert np.isclose(gap, res.relative_gap, rtol=1e-6, atol=1e-10)
    assert gap >= -1e-12
    objectives = np.array([r.objective for r in res.history])
    if method != "msa":
        assert np.all(np.diff(objectives) <= 1e-9 * max(1.0, objectives[0]))
