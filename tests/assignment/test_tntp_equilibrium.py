"""BFW on the four TNTP networks with published best-known equilibria.

Known answers (shared/data/tntp/README.md, "Best-known values"): the Beckmann objective
and the link flows of the ``_flow.tntp`` files. Invariants: flow conservation at every
node, and the link costs and relative gap recomputed from the final flows alone by the
reference code of ``assignment_oracle`` (link by link, networkx shortest paths that
never pass through a zone).

Tolerances (measured when these tests were written; bounds in FLOW_CHECK leave ~1.5x
margin): at relative gap 1e-5 the objective is within 2e-6 (relative) of the best-known
value on all four networks. Link flows on links with b > 0, as max |x - x*| / max x*
and sum |x - x*| / sum x*: SiouxFalls 5.4e-5 / 2.3e-5 (gap 1e-6), Anaheim 3.9e-3 /
6.1e-4 (gap 1e-6), Barcelona 4.5e-3 / 5.1e-4 (gap 1e-6), ChicagoSketch 1.9e-3 / 5.8e-4
(gap 1e-5). Link flows of FW-type methods converge much more slowly than the objective
(Anaheim at gap 1e-5: 1.6e-2 / 4.2e-3).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from assignment_oracle import link_cost_by_hand, relative_gap_by_hand

from instc.assignment import assign
from instc.assignment.results import AssignmentResult
from instc.assignment.tntp import load_tntp, tntp_assignment_network

BEST_OBJECTIVE = {  # README "recomputed Beckmann objective" (ChicagoSketch incl. distance)
    "SiouxFalls": 4_231_335.287107,
    "Anaheim": 1_286_032.171096,
    "Barcelona": 1_265_654.922032,
    "ChicagoSketch": 17_313_018.738748,
}
NETWORKS = list(BEST_OBJECTIVE)
GAP = 1e-5
# network: (gap, bound on max |x - x*| / max x*, bound on sum |x - x*| / sum x*)
FLOW_CHECK = {
    "SiouxFalls": (1e-6, 1e-4, 5e-5),
    "Anaheim": (1e-6, 6e-3, 1e-3),
    "Barcelona": (1e-6, 7e-3, 1e-3),
    "ChicagoSketch": (1e-5, 3e-3, 1e-3),
}


@pytest.fixture(scope="module")
def solved(tntp_dir: Path) -> dict[str, tuple]:  # type: ignore[type-arg]
    out = {}
    for name in NETWORKS:
        network, demand, tntp = load_tntp(tntp_dir / name)
        result = assign(network, demand, method="bfw", gap=GAP, max_iter=2000)
        out[name] = (network, demand, tntp, result)
    return out


@pytest.mark.parametrize("name", NETWORKS)
def test_bfw_reaches_gap_and_best_known_objective(solved, name: str) -> None:  # type: ignore[no-untyped-def]
    _, _, _, result = solved[name]
    assert isinstance(result, AssignmentResult)
    assert result.converged
    assert result.relative_gap <= GAP
    assert result.objective == pytest.approx(BEST_OBJECTIVE[name], rel=1e-5)
    # exact line search: the objective never increases
    objectives = np.array([r.objective for r in result.history])
    assert np.all(np.diff(objectives) <= 1e-9 * objectives[0])
    assert result.unreachable_demand == 0.0 and result.unreachable_pairs == ()


@pytest.mark.parametrize("name", NETWORKS)
def test_flows_match_best_known_on_flow_dependent_links(solved, name: str) -> None:  # type: ignore[no-untyped-def]
    network, demand, tntp, result = solved[name]
    gap, max_tol, sum_tol = FLOW_CHECK[name]
    if gap < GAP:
        result = assign(network, demand, method="bfw", gap=gap, max_iter=5000)
        assert result.relative_gap <= gap
    best = tntp.best_known["volume"].to_numpy()
    dependent = tntp.links["b"].to_numpy() > 0  # constant-cost links have non-unique flows
    err = np.abs(result.flows - best)[dependent]
    assert err.max() <= max_tol * best.max()
    assert err.sum() <= sum_tol * best[dependent].sum()


@pytest.mark.parametrize("name", NETWORKS)
def test_flow_is_conserved_at_every_node(solved, name: str) -> None:  # type: ignore[no-untyped-def]
    network, demand, _, result = solved[name]
    x = result.flows
    net_out = np.bincount(network.from_node, x, network.n_nodes) - np.bincount(
        network.to_node, x, network.n_nodes
    )
    d = demand.demand.copy()
    np.fill_diagonal(d, 0.0)  # intrazonal trips never load a link
    expected = np.zeros(network.n_nodes)
    np.add.at(expected, network.zone_nodes, d.sum(axis=1) - d.sum(axis=0))
    assert np.allclose(net_out, expected, atol=1e-6 * d.sum())


@pytest.mark.parametrize("name", NETWORKS)
def test_gap_recomputed_independently(solved, name: str) -> None:  # type: ignore[no-untyped-def]
    network, demand, _, result = solved[name]
    # costs from the final flows, shortest paths by the reference code (not instc's)
    cost = link_cost_by_hand(network, result.flows)
    trips = (demand.demand, demand.pce, demand.fixed_cost, demand.permitted)
    gap = relative_gap_by_hand(network, [trips], [result.class_flows["trips"]], cost)
    assert gap == pytest.approx(result.relative_gap, rel=1e-6, abs=1e-12)
    assert 0.0 <= gap <= GAP
    assert np.allclose(result.costs, cost)


def test_best_known_flows_have_zero_gap(tntp_dir: Path) -> None:
    # the README's recomputation, with the reference gap code: best-known is optimal
    network, demand, tntp = load_tntp(tntp_dir / "Anaheim")
    best = tntp.best_known["volume"].to_numpy()
    trips = (demand.demand, demand.pce, demand.fixed_cost, demand.permitted)
    gap = relative_gap_by_hand(network, [trips], [best], link_cost_by_hand(network, best))
    assert abs(gap) < 1e-12


def test_first_thru_node_changes_anaheim(solved, tntp_dir: Path) -> None:  # type: ignore[no-untyped-def]
    network, demand, tntp, result = solved["Anaheim"]
    through = tntp_assignment_network(tntp, first_thru_node=1)
    assert network.no_through[:38].all() and not through.no_through.any()
    wrong = assign(through, demand, method="bfw", gap=GAP, max_iter=2000)
    # paths through zones are shortcuts: a lower (wrong) objective
    assert wrong.objective < BEST_OBJECTIVE["Anaheim"] * (1 - 1e-3)
    assert result.objective == pytest.approx(BEST_OBJECTIVE["Anaheim"], rel=1e-5)


def test_siouxfalls_needs_paths_through_zones(tntp_dir: Path) -> None:
    network, demand, tntp = load_tntp(tntp_dir / "SiouxFalls")
    assert not network.no_through.any()  # FIRST THRU NODE = 1
    # every SiouxFalls node is a zone: forbidding through-zone paths strands the demand
    # between non-adjacent zones, which is reported, not dropped
    blocked = tntp_assignment_network(tntp, first_thru_node=25)
    result = assign(blocked, demand, method="bfw", gap=1e-4, max_iter=500)
    adjacent = np.zeros((24, 24), dtype=bool)
    adjacent[network.from_node, network.to_node] = True
    stranded = demand.demand[~adjacent & ~np.eye(24, dtype=bool)]
    assert result.unreachable_demand == pytest.approx(stranded.sum())
    assert len(result.unreachable_pairs) == int((stranded > 0).sum())
    first = result.unreachable_pairs[0]
    assert (first.user_class, first.origin, first.destination) == ("trips", "1", "4")
    assert first.demand == 500.0
    assert result.flows.sum() == pytest.approx(demand.demand[adjacent].sum())
