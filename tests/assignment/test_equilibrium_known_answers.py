"""Small networks whose equilibrium is known in closed form or by 1-D root finding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from assignment_oracle import link_cost_by_hand, relative_gap_by_hand
from scipy.optimize import brentq

from instc._errors import DataError
from instc.assignment import (
    AssignmentNetwork,
    UserClass,
    all_or_nothing,
    assign,
    skim,
    skim_scipy,
)
from instc.assignment.tntp import load_tntp


def two_routes(alpha: float = 0.15, beta: float = 4.0, vdf: str = "bpr") -> AssignmentNetwork:
    # zone 0 -> zone 1 by two parallel links, plus a fixed cost on the second
    return AssignmentNetwork.from_arrays(
        from_node=[0, 0],
        to_node=[1, 1],
        free_flow_time=[10.0, 12.0],
        capacity=[100.0, 150.0],
        alpha=alpha,
        beta=beta,
        fixed_cost=[0.0, 1.0],
        zone_nodes=[0, 1],
        vdf=vdf,
    )


def od(total: float) -> np.ndarray:
    return np.array([[0.0, total], [0.0, 0.0]])


def test_linear_costs_closed_form() -> None:
    # beta = 1: c1 = 10 + 0.1 x1, c2 = 13 + 0.08 x2 (12 * 1/150 = 0.08); x1 + x2 = 400
    net = two_routes(alpha=1.0, beta=1.0)
    x1 = (13.0 - 10.0 + 0.08 * 400.0) / (0.1 + 0.08)
    res = assign(net, od(400.0), method="bfw", gap=1e-12, max_iter=200)
    assert res.flows == pytest.approx([x1, 400.0 - x1], rel=1e-7)
    assert res.costs[0] == pytest.approx(res.costs[1], rel=1e-9)


@pytest.mark.parametrize("method", ["fw", "cfw", "bfw", "msa"])
@pytest.mark.parametrize("vdf_name", ["bpr", "conical"])
def test_two_routes_equal_costs(method: str, vdf_name: str) -> None:
    alpha = 0.15 if vdf_name == "bpr" else 4.0
    net = two_routes(alpha=alpha, vdf=vdf_name)

    def excess(x1: float) -> float:
        c = link_cost_by_hand(net, np.array([x1, 500.0 - x1]))
        return float(c[0] - c[1])

    x1 = brentq(excess, 0.0, 500.0, xtol=1e-12)
    gap = 1e-4 if method == "msa" else 1e-10
    res = assign(net, od(500.0), method=method, gap=gap, max_iter=5000)
    assert res.converged
    assert res.flows[0] == pytest.approx(x1, rel=1e-2 if method == "msa" else 1e-6)


def test_aon_only_loads_free_flow_paths() -> None:
    net = two_routes()
    res = assign(net, od(500.0), method="aon")
    assert res.iterations == 0 and res.flows.tolist() == [500.0, 0.0]
    # the reported gap is measured at those flows, with fresh paths
    c = link_cost_by_hand(net, res.flows)
    assert res.relative_gap == pytest.approx((500 * c[0] - 500 * min(c)) / (500 * c[0]))


def test_classes_share_capacity_with_pce_and_masks() -> None:
    net = two_routes()
    trucks = UserClass("truck", od(60.0), pce=2.5, permitted=np.array([True, False]))
    cars = UserClass("car", od(300.0))
    res = assign(net, [trucks, cars], gap=1e-11, max_iter=500)
    assert res.class_flows["truck"] == pytest.approx([60.0, 0.0], abs=1e-9)

    def excess(car1: float) -> float:
        c = link_cost_by_hand(net, np.array([car1 + 150.0, 300.0 - car1]))
        return float(c[0] - c[1])

    car1 = brentq(excess, 0.0, 300.0, xtol=1e-12)
    assert res.class_flows["car"] == pytest.approx([car1, 300.0 - car1], rel=1e-6)
    assert res.flows == pytest.approx([car1 + 150.0, 300.0 - car1], rel=1e-6)
    frame = res.to_frame()
    assert {"flow", "flow_truck", "flow_car", "cost", "volume_capacity_ratio"} <= set(frame)


def test_unreachable_demand_is_reported_not_dropped() -> None:
    # zone 2 (node 2) has no link in: its demand has no path
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 2],
        to_node=[1, 1],
        free_flow_time=[1.0, 1.0],
        capacity=[10.0, 10.0],
        zone_nodes=[0, 1, 2],
        node_ids=[10, 20, 30],
    )
    demand = np.zeros((3, 3))
    demand[0, 1], demand[0, 2], demand[1, 2] = 5.0, 7.0, 2.0
    res = assign(net, UserClass("bulk", demand), gap=1e-8)
    assert res.unreachable_demand == 9.0
    assert [(p.origin, p.destination, p.demand) for p in res.unreachable_pairs] == [
        ("10", "30", 7.0),
        ("20", "30", 2.0),
    ]
    assert res.flows.tolist() == [5.0, 0.0]


def test_zero_cost_and_parallel_links_in_both_path_codes() -> None:
    # 0 -> 1 by two parallel links (5 and 2), 1 -> 2 free, 0 -> 2 direct 8; node 1 is a
    # no-through zone in the second variant
    kwargs = {
        "from_node": [0, 0, 1, 0],
        "to_node": [1, 1, 2, 2],
        "free_flow_time": [5.0, 2.0, 0.0, 8.0],
        "capacity": [1.0] * 4,
        "zone_nodes": [0, 1, 2],
    }
    net = AssignmentNetwork.from_arrays(**kwargs)
    assert skim(net).tolist()[0] == [0.0, 2.0, 2.0]
    assert np.array_equal(skim(net), skim_scipy(net))
    flows, _ = all_or_nothing(net, net.free_flow_time, np.array([[0, 0, 4.0], [0] * 3, [0] * 3]))
    assert flows.tolist() == [0.0, 4.0, 4.0, 0.0]
    blocked = AssignmentNetwork.from_arrays(**kwargs, no_through=[True, True, False])
    assert skim(blocked).tolist()[0] == [0.0, 2.0, 8.0]
    assert np.array_equal(skim(blocked), skim_scipy(blocked))


@pytest.mark.parametrize("method", ["msa", "fw", "cfw", "bfw"])
def test_every_method_descends_on_siouxfalls(tntp_dir: Path, method: str) -> None:
    network, demand, _ = load_tntp(tntp_dir / "SiouxFalls")
    res = assign(network, demand, method=method, gap=1e-3, max_iter=3000)
    assert res.converged and res.relative_gap <= 1e-3
    gaps = [r.relative_gap for r in res.history]
    assert gaps[-1] < gaps[0]
    if method != "msa":  # exact line search: monotone objective
        obj = np.array([r.objective for r in res.history])
        assert np.all(np.diff(obj) <= 1e-9 * obj[0])
    seen = []
    assign(network, demand, method=method, gap=1e-2, max_iter=50, progress=seen.append)
    assert [r.iteration for r in seen] == list(range(len(seen)))


def test_bad_inputs_raise_data_errors() -> None:
    net = two_routes()
    with pytest.raises(DataError, match="unknown method"):
        assign(net, od(1.0), method="xyz")
    with pytest.raises(DataError, match="2 x 2"):
        assign(net, np.zeros((3, 3)))
    with pytest.raises(DataError, match="pce"):
        assign(net, UserClass("a", od(1.0), pce=0.0))
    with pytest.raises(DataError, match="unique"):
        assign(net, [UserClass("a", od(1.0)), UserClass("a", od(1.0))])
    with pytest.raises(DataError, match="capacity"):
        AssignmentNetwork.from_arrays(
            from_node=[0], to_node=[1], free_flow_time=[1.0], capacity=[0.0], zone_nodes=[0]
        )
    with pytest.raises(DataError, match="negative"):
        AssignmentNetwork.from_arrays(
            from_node=[0], to_node=[1], free_flow_time=[-1.0], capacity=[1.0], zone_nodes=[0]
        )


def test_labelled_link_table_like_a_corridor_adapter() -> None:
    # two centroids joined by a rail line (capacity-limited) and a road; containers may
    # use both, trucks (PCE 2) only the road; centroids are never passed through
    net = AssignmentNetwork.from_labels(
        from_node=["INNSA", "IRBND:rail1520", "INNSA", "IRBND:road"],
        to_node=["IRBND:rail1520", "RU-MOW", "IRBND:road", "RU-MOW"],
        zones=["INNSA", "RU-MOW"],
        no_through=["INNSA", "RU-MOW"],
        free_flow_time=[100.0, 50.0, 120.0, 60.0],
        capacity=[400.0, 400.0, 1000.0, 1000.0],
        fixed_cost=[5.0, 5.0, 0.0, 0.0],
    )
    road = np.array([False, False, True, True])
    teu = UserClass("container", od(900.0))
    trucks = UserClass("truck", od(100.0), pce=2.0, permitted=road)
    res = assign(net, [teu, trucks], gap=1e-10, max_iter=2000)
    frame = res.to_frame()
    assert frame["from_node"].tolist()[:2] == ["INNSA", "IRBND:rail1520"]
    assert res.class_flows["truck"] == pytest.approx([0, 0, 100.0, 100.0], abs=1e-9)
    rail, road_cost = res.costs[:2].sum(), res.costs[2:].sum()
    assert rail == pytest.approx(road_cost, rel=1e-7)  # containers split: equal route costs
    # the shared road carries the trucks' PCE: 200 plus the containers on it
    assert res.flows[2] == pytest.approx(200.0 + res.class_flows["container"][2])
    with pytest.raises(DataError, match="not a node"):
        AssignmentNetwork.from_labels(
            from_node=["A"],
            to_node=["B"],
            zones=["A"],
            no_through=["Z"],
            free_flow_time=[1.0],
            capacity=[1.0],
        )


def test_class_fixed_cost_equals_network_fixed_cost_for_one_class() -> None:
    base = two_routes()
    toll = np.array([0.0, 2.5])
    shifted = AssignmentNetwork.from_arrays(
        from_node=[0, 0],
        to_node=[1, 1],
        free_flow_time=[10.0, 12.0],
        capacity=[100.0, 150.0],
        fixed_cost=base.fixed_cost + toll,
        zone_nodes=[0, 1],
    )
    a = assign(base, UserClass("c", od(500.0), fixed_cost=toll), gap=1e-11, max_iter=500)
    b = assign(shifted, od(500.0), gap=1e-11, max_iter=500)
    assert a.flows == pytest.approx(b.flows, rel=1e-8)
    assert a.objective == pytest.approx(b.objective, rel=1e-10)
    assert a.total_cost == pytest.approx(b.total_cost, rel=1e-10)


def test_classes_with_their_own_tariffs_each_reach_equilibrium() -> None:
    net = two_routes()
    # bulk pays a tariff on route 0, containers on route 1: each class's used routes
    # must cost that class the minimum
    bulk = UserClass("bulk", od(300.0), fixed_cost=np.array([3.0, 0.0]))
    boxes = UserClass("container", od(250.0), pce=1.5, fixed_cost=np.array([0.0, 2.0]))
    res = assign(net, [bulk, boxes], gap=1e-12, max_iter=3000)
    assert res.converged
    for uc in (bulk, boxes):
        cost = res.costs + uc.fixed_cost
        used = res.class_flows[uc.name] > 1e-6
        assert np.all(cost[used] <= cost.min() * (1 + 1e-8))
        assert res.class_flows[uc.name].sum() == pytest.approx(uc.demand.sum())
    gap = relative_gap_by_hand(
        net,
        [(uc.demand, uc.pce, uc.fixed_cost, uc.permitted) for uc in (bulk, boxes)],
        [res.class_flows["bulk"], res.class_flows["container"]],
        link_cost_by_hand(net, res.flows),
    )
    assert gap == pytest.approx(res.relative_gap, abs=1e-12)
    with pytest.raises(DataError, match="fixed_cost"):
        assign(net, UserClass("x", od(1.0), fixed_cost=np.array([1.0])))


def test_mixed_bpr_and_conical_links() -> None:
    # a road (BPR) and a terminal-bound rail line (conical) between the same zones
    net = AssignmentNetwork.from_arrays(
        from_node=[0, 0],
        to_node=[1, 1],
        free_flow_time=[10.0, 11.0],
        capacity=[100.0, 120.0],
        alpha=[0.15, 4.0],
        beta=[4.0, 0.0],
        zone_nodes=[0, 1],
        vdf=["bpr", "conical"],
    )
    assert net.vdf == "mixed" and net.is_conical.tolist() == [False, True]

    def excess(x1: float) -> float:
        c = link_cost_by_hand(net, np.array([x1, 400.0 - x1]))
        return float(c[0] - c[1])

    x1 = brentq(excess, 0.0, 400.0, xtol=1e-12)
    res = assign(net, od(400.0), gap=1e-12, max_iter=500)
    assert res.flows[0] == pytest.approx(x1, rel=1e-7)
    # the conical link: t0 (2 + sqrt(a^2 (1-x)^2 + b^2) - a (1-x) - b), b = 7/6
    x = res.flows[1] / 120.0
    b = (2 * 4.0 - 1) / (2 * 4.0 - 2)
    expected = 11.0 * (2 + np.sqrt(16 * (1 - x) ** 2 + b**2) - 4 * (1 - x) - b)
    assert res.times[1] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(DataError, match="needs alpha > 1"):
        AssignmentNetwork.from_arrays(
            from_node=[0],
            to_node=[1],
            free_flow_time=[1.0],
            capacity=[1.0],
            alpha=[0.5],
            zone_nodes=[0],
            vdf=["conical"],
        )
    with pytest.raises(DataError, match="unknown vdf 'akcelik'"):
        AssignmentNetwork.from_arrays(
            from_node=[0],
            to_node=[1],
            free_flow_time=[1.0],
            capacity=[1.0],
            zone_nodes=[0],
            vdf="akcelik",
        )


_FORK_SCRIPT = """
import multiprocessing as mp, sys
import numpy as np
from pathlib import Path
from instc.assignment import paths, skim
from instc.assignment.tntp import load_tntp

network, _, _ = load_tntp(Path(sys.argv[1]) / "Barcelona")  # big enough for the thread pool
parent = skim(network)
assert paths._POOL is not None or paths._workers() == 1
with mp.get_context("fork").Pool(1) as pool:
    child = pool.apply_async(skim, (network,)).get(timeout=120)
assert np.array_equal(parent, child)
print("fork-ok")
"""


def test_kernel_pool_works_in_a_forked_child(tntp_dir: Path) -> None:
    # A process that has used the kernel's thread pool forks (as a Dask or
    # multiprocessing worker would) and the child skims again. It runs in a fresh
    # interpreter: forking the test runner itself, with whatever threads other tests
    # left behind, could deadlock on a lock held by one of those threads.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _FORK_SCRIPT, str(tntp_dir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "fork-ok" in done.stdout
