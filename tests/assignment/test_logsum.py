"""Shippers' saving under logit route choice (instc.assignment.logsum): the change in the
logsum, checked by hand on a toy network and, as a property, never negative when a route
is added to an uncongested network."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from instc.assignment import AssignmentNetwork, UserClass, logit_assign
from instc.assignment.logsum import LinkCosts, logsum_change
from instc.assignment.results import RouteChoice


def _parallel(times: list[float], keep: list[int]) -> tuple[RouteChoice, LinkCosts]:
    """Logit route choice on the parallel links ``keep`` of ``times`` (0 -> 1, no
    congestion, mu = 10) and the links by their index in ``times`` as key."""
    cost = np.array([times[i] for i in keep])
    net = AssignmentNetwork.from_arrays(
        from_node=[0] * len(keep),
        to_node=[1] * len(keep),
        free_flow_time=cost,
        capacity=[0.0] * len(keep),
        alpha=0.0,
        zone_nodes=[0, 1],
    )
    res = logit_assign(net, [UserClass("c", np.array([[0.0, 100.0], [0.0, 0.0]]))], mu=10.0)
    money = np.array([[5.0, 0.0, 8.0][i] for i in keep])  # USD, a part of each cost
    links = LinkCosts(tuple(keep), {"c": cost}, {"c": cost}, {"c": money}, {"c": cost})
    return res.route_choices[0], links


def _mean_cost(choice: RouteChoice) -> float:
    w = choice.path_size * np.exp(-choice.theta * choice.costs)
    return float(np.dot(w, choice.costs) / w.sum())


def test_a_dearer_third_route_saves_a_little_by_hand() -> None:
    # routes cost 10 and 12; add one of 11. theta = mu / C_min = 10 / 10 = 1 on both sides.
    # saving = ln[(e^-10 + e^-12 + e^-11) / (e^-10 + e^-12)] = ln[(1 + e^-2 + e^-1) / (1 + e^-2)]
    #        = ln(1.503214 / 1.135335) = 0.280678 (cost units per cargo unit)
    times = [10.0, 12.0, 11.0]
    before = _parallel(times, [0, 1])
    after = _parallel(times, [0, 1, 2])
    assert before[0].theta == pytest.approx(1.0) and after[0].theta == pytest.approx(1.0)
    found = logsum_change(*before, *after, "c")
    assert found is not None
    saving = found.saving
    expected = math.log((1 + math.exp(-2) + math.exp(-1)) / (1 + math.exp(-2)))
    assert saving == pytest.approx(expected, rel=1e-12)
    assert saving == pytest.approx(0.280678, abs=1e-6)
    # the mean cost over the routes rises (10.238 -> 10.425): the old measure, mean
    # without minus mean with, would call this a loss of 0.186
    mean_before = (10 + 12 * math.exp(-2)) / (1 + math.exp(-2))
    mean_after = (10 + 12 * math.exp(-2) + 11 * math.exp(-1)) / (1 + math.exp(-2) + math.exp(-1))
    assert _mean_cost(before[0]) == pytest.approx(mean_before, rel=1e-12)
    assert _mean_cost(after[0]) == pytest.approx(mean_after, rel=1e-12)
    assert mean_before - mean_after == pytest.approx(-0.18638, abs=1e-5)
    assert found.time == pytest.approx((mean_before, mean_after), rel=1e-12)
    # expected money on the routes of 5, 0 and 8 USD: (5 + 0 e^-2) / (1 + e^-2) = 4.4039
    # and (5 + 0 e^-2 + 8 e^-1) / (1 + e^-2 + e^-1) = 7.94304 / 1.503214 = 5.2840
    assert found.money == pytest.approx((4.4039, 5.2840), abs=1e-4)


def test_theta_is_the_without_sides() -> None:
    # a new route of 5 halves C_min: the with-side assignment uses theta = 10 / 5 = 2, the
    # saving keeps theta = 1 of the side without it:
    # ln[(e^-10 + e^-12 + e^-5) / (e^-10 + e^-12)] = 5 + ln[(1 + e^-2 + e^5) / (1 + e^-2)] - 5
    times = [10.0, 12.0, 5.0]
    before = _parallel(times, [0, 1])
    after = _parallel(times, [0, 1, 2])
    assert after[0].theta == pytest.approx(2.0)
    expected = math.log((1 + math.exp(-2) + math.exp(5)) / (1 + math.exp(-2)))
    found = logsum_change(*before, *after, "c")
    assert found is not None and found.saving == pytest.approx(expected, rel=1e-12)


def test_path_sizes_are_those_of_the_union_on_both_sides() -> None:
    # 0 -> 2 direct (10), or 0 -> 1 (5) then 1 -> 2 by link 2 (5); the project adds a
    # parallel 1 -> 2 link 3 (7). Over the union the path sizes are
    # direct 1, via link 2: 5/10 / 2 + 5/10 = 0.75, via link 3: 5/12 / 2 + 7/12 = 0.7917,
    # the same without and with, so the saving is theta^-1 ln(1 + 0.7917 e^-12 / (e^-10
    # + 0.75 e^-10)) with theta = 10 / 10 = 1.
    times = np.array([10.0, 5.0, 5.0, 7.0])

    def side(keep: list[int]) -> tuple[RouteChoice, LinkCosts]:
        net = AssignmentNetwork.from_arrays(
            from_node=[[0, 0, 1, 1][i] for i in keep],
            to_node=[[2, 1, 2, 2][i] for i in keep],
            free_flow_time=times[keep],
            capacity=[0.0] * len(keep),
            alpha=0.0,
            zone_nodes=[0, 2],
        )
        d = np.zeros((2, 2))
        d[0, 1] = 100.0
        res = logit_assign(net, [UserClass("c", d)], mu=10.0)
        cost = {"c": times[keep]}
        return res.route_choices[0], LinkCosts(tuple(keep), cost, cost, cost, cost)

    before, after = side([0, 1, 2]), side([0, 1, 2, 3])
    ps3 = 5 / 12 / 2 + 7 / 12
    expected = math.log(1 + ps3 * math.exp(-12) / (math.exp(-10) * (1 + 0.75)))
    found = logsum_change(*before, *after, "c")
    assert found is not None and found.saving == pytest.approx(expected, rel=1e-12)
    # the assignment's own path sizes differ by side (the route via link 2 has 1 alone and
    # 0.75 beside route 3): with them the dearer overlapping route would look like a loss,
    # ln[(1 + 0.75 + 0.7917 e^-2) / 2] = -0.0741
    assert sorted(before[0].path_size.round(4)) == [1.0, 1.0]
    assert sorted(after[0].path_size.round(4)) == [0.75, 0.7917, 1.0]
    own = math.log((1 + 0.75 + ps3 * math.exp(-2)) / 2)
    assert own == pytest.approx(-0.0741, abs=1e-4)


@st.composite
def _networks_and_a_project(draw: st.DrawFn) -> tuple[list[tuple[int, int, float]], list[int]]:
    """A random network (links tail, head, cost > 0) and the links a project adds."""
    n = draw(st.integers(2, 6))
    node = st.integers(0, n - 1)
    links = draw(st.lists(st.tuples(node, node, st.floats(0.5, 10.0)), min_size=1, max_size=14))
    links = [(a, b, c) for a, b, c in links if a != b]
    links += [(0, n - 1, draw(st.floats(5.0, 40.0)))]  # always a route without the project
    added = draw(st.lists(st.sampled_from(range(len(links) - 1)) if len(links) > 1 else
                          st.nothing(), unique=True))  # fmt: skip
    return links, added


@settings(max_examples=120, deadline=None)
@given(_networks_and_a_project(), st.floats(1.0, 30.0))
def test_adding_links_never_gives_a_negative_saving(
    case: tuple[list[tuple[int, int, float]], list[int]], mu: float
) -> None:
    links, added = case
    assume(added)
    n = max(max(a, b) for a, b, _ in links) + 1

    def side(keep: list[int]) -> tuple[RouteChoice, LinkCosts]:
        cost = np.array([links[i][2] for i in keep])
        net = AssignmentNetwork.from_arrays(
            from_node=[links[i][0] for i in keep],
            to_node=[links[i][1] for i in keep],
            free_flow_time=cost,
            capacity=[0.0] * len(keep),
            alpha=0.0,
            zone_nodes=[0, n - 1],
            n_nodes=n,
        )
        d = np.zeros((2, 2))
        d[0, 1] = 10.0
        res = logit_assign(net, [UserClass("c", d)], mu=mu, routes=4)
        return res.route_choices[0], LinkCosts(tuple(keep), *[{"c": cost}] * 4)

    before = side([i for i in range(len(links)) if i not in added])
    after = side(list(range(len(links))))
    found = logsum_change(*before, *after, "c")
    assert found is not None
    assert found.saving >= -1e-9 * before[0].costs.min()
