"""From a planned route on the mini fixture network to time legs and Monte Carlo."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from instc._errors import DataError
from instc.reliability.distributions import (
    Closure,
    Lognormal,
    ServiceWait,
    Triangular,
)
from instc.reliability.parameters import (
    DEFAULT_CASPIAN_CLOSURE,
    DEFAULT_DWELL_FACTORS,
    reliability_parameters,
)
from instc.reliability.route import legs_from_route, reliability

MINI = Path(__file__).resolve().parents[1] / "network" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def network():
    from instc.network import load_network

    return load_network(MINI, as_of=None)


def _route(network, path: list[tuple[str, str]]) -> SimpleNamespace:
    """A route option (the fields reliability reads) along virtual nodes of the graph."""
    from instc.network import build_graph

    g = build_graph(network, cargo="container")
    legs = []
    for (a, la), (b, lb) in itertools.pairwise(path):
        # a layer split at a place (a ferry berth, a hub) departs from (place, layer>)
        tails = [g.node_index[k] for k in ((a, la), (a, la + ">")) if k in g.node_index]
        heads = {g.node_index[k] for k in ((b, lb), (b, lb + ">")) if k in g.node_index}
        (e,) = [
            e for u in tails for e in range(g.indptr[u], g.indptr[u + 1]) if g.edge_to[e] in heads
        ]
        legs.append(
            SimpleNamespace(
                kind=g.kind[e],
                mode=g.mode[e],
                from_node=a,
                to_node=b,
                from_name=g.place_name[a],
                to_name=g.place_name[b],
                from_layer=la,
                to_layer=lb,
                link_id=g.link_id[e],
                border_id=g.border_id[e],
                moving_h=float(g.moving_h[e]),
                waiting_h=float(g.waiting_h[e]),
                dwell_h=float(g.dwell_h[e]),
                time_h=float(g.time_h[e]),
                from_lonlat=g.place_lonlat[a],
                to_lonlat=g.place_lonlat[b],
            )
        )
    total = sum(leg.time_h for leg in legs)
    return SimpleNamespace(legs=tuple(legs), family="western", by="time_h", total_h=total)


FERRY_RAIL = [
    ("RUAST", "ferry"),
    ("AZBAK", "ferry"),
    ("AZBAK", "rail1520"),
    ("AZ-ASTARA", "rail1520"),
    ("IR-ASTARA", "rail1520"),
    ("IR-ASTARA", "rail1435"),
    ("IR-RASHT", "rail1435"),
]
RAIL_ONLY = [("AZBAK", "rail1520"), ("AZ-ASTARA", "rail1520"), ("IR-ASTARA", "rail1520")]


def test_route_legs_take_their_spread_from_the_data(network) -> None:
    legs = legs_from_route(network, _route(network, FERRY_RAIL), month=1)
    by_name = {leg.name: leg for leg in legs}
    assert [leg.kind for leg in legs] == [
        "link",
        "transfer",
        "link",
        "link",
        "border",
        "transfer",
        "link",
    ]
    ferry = legs[0]
    moving, wait, hold = ferry.components
    # L-FERRY time_h 30/36/48 h; SV-FERRY 0.5/1/2 sailings a week -> an uncertain headway
    assert isinstance(moving, Triangular)
    assert (moving.low_h, moving.mode_h, moving.high_h) == pytest.approx((30.0, 36.0, 48.0))
    assert isinstance(wait, ServiceWait)
    assert (wait.low_per_week, wait.mode_per_week, wait.high_per_week) == (0.5, 1.0, 2.0)
    # both ends in the Caspian: January weather hold
    assert isinstance(hold, Closure) and hold.probability == DEFAULT_CASPIAN_CLOSURE[0]
    assert ferry.basis == "source"
    # the Astara rail border: borders.csv 6/12/24 h, lognormal with P95 = 24 h
    border = next(leg for leg in legs if leg.kind == "border")
    (dwell,) = border.components
    assert isinstance(dwell, Lognormal)
    assert dwell.mode_h == pytest.approx(12.0) and dwell.quantile_h(0.95) == pytest.approx(24.0)
    assert border.element_id == "B-ASTARA"
    # L-RASHT: length 150/162/170 km -> moving time range in proportion
    rasht = legs[-1]
    (m,) = rasht.components
    assert m.low_h / m.mode_h == pytest.approx(150 / 162)
    assert m.high_h / m.mode_h == pytest.approx(170 / 162)
    # L-AZRAIL has no range: estimated rail factors
    azrail = by_name["Baku (Alat)–Astara (rail)"]
    assert azrail.basis == "estimate"


def test_route_mean_is_the_sum_of_leg_means_and_month_matters(network) -> None:
    route = _route(network, FERRY_RAIL)
    jan = reliability(network, route, samples=100_000, seed=3, month=1)
    jul = reliability(network, route, samples=100_000, seed=3, month=7)
    legs = legs_from_route(network, route, month=1)
    assert jan.mean_h == pytest.approx(sum(leg.mean_h for leg in legs), rel=0.01)
    assert jan.label == "western"
    # winter storms: more mass in the tail
    assert jan.p95_h > jul.p95_h
    assert sum(leg.variance_contribution_h2 for leg in jan.legs) == pytest.approx(
        jan.variance_h2, rel=1e-9
    )
    # the weekly ferry wait dominates the spread
    top = max(jan.legs, key=lambda leg: leg.variance_share)
    assert top.name.startswith("Astrakhan–Baku")


def _deterministic(network):
    """The mini network with every range removed and spread factors of 1."""
    tables = dict(network.tables)
    for name, cols in {
        "links": ("time_h_low", "time_h_high", "length_km_low", "length_km_high"),
        "borders": ("dwell_h_low", "dwell_h_high"),
        "transfers": ("dwell_h_low", "dwell_h_high"),
    }.items():
        frame = tables[name].copy()
        for c in cols:
            frame[c] = np.nan
        tables[name] = frame
    params = dict(network.parameters)
    one = {"value": 1.0, "low": 1.0, "high": 1.0, "unit": "1", "basis": "estimate"}
    params["reliability"] = {
        "moving_time_factor": {"rail": one, "ferry": one, "road": one},
        "dwell_factor": {"border": one, "transfer": one},
    }
    return dataclasses.replace(network, tables=tables, parameters=params, all_links=None)


def test_deterministic_network_gives_zero_spread_and_the_planner_time(network) -> None:
    det = _deterministic(network)
    route = _route(network, RAIL_ONLY)
    r = reliability(det, route, samples=5000, seed=1, within_days=1)
    assert r.std_h == 0.0
    assert r.p50_h == r.p95_h == pytest.approx(route.total_h)
    assert r.p_within == 1.0
    assert reliability_parameters(det).from_data == (
        "reliability.moving_time_factor.rail",
        "reliability.moving_time_factor.ferry",
        "reliability.moving_time_factor.road",
        "reliability.dwell_factor.border",
        "reliability.dwell_factor.transfer",
    )


def test_default_dwell_factors_apply_where_data_have_no_range(network) -> None:
    params = dict(network.parameters)
    det = _deterministic(network)
    det = dataclasses.replace(det, parameters=params)  # defaults back
    legs = legs_from_route(det, _route(network, RAIL_ONLY))
    border = next(leg for leg in legs if leg.kind == "border")
    low, high = DEFAULT_DWELL_FACTORS["border"]
    (d,) = border.components
    assert d.shift_h == pytest.approx(12.0 * low)
    assert d.quantile_h(0.95) == pytest.approx(12.0 * high)
    assert border.basis == "estimate"


def test_bad_parameters_and_month_raise(network) -> None:
    bad = dataclasses.replace(
        network,
        parameters={"reliability": {"dwell_factor": {"border": {"value": 1.0, "low": 2.0}}}},
    )
    with pytest.raises(DataError, match=r"reliability.dwell_factor.border"):
        reliability_parameters(bad)
    with pytest.raises(DataError, match="month=13"):
        legs_from_route(network, _route(network, FERRY_RAIL), month=13)


def test_origin_destination_pair_plans_the_fastest_route_first(network) -> None:
    from instc.routing.shortest import route

    option = route(network, "AZBAK", "IR-RASHT", by="time")
    by_pair = reliability(network, ("AZBAK", "IR-RASHT"), samples=4000, seed=2)
    by_option = reliability(network, option, samples=4000, seed=2)
    assert np.array_equal(by_pair.time_h, by_option.time_h)
    assert by_pair.label == "fastest by time"
    with pytest.raises(DataError, match="route option, an \\(origin, destination\\) pair"):
        reliability(network, [1, 2], samples=10)


def test_embedded_parameters_give_valid_spread_parameters() -> None:
    """Whatever [reliability] keys the dataset carries must parse (defaults otherwise)."""
    from instc.network.load import load_network

    params = reliability_parameters(load_network())
    assert 0.5 < params.high_quantile < 1.0
    assert len(params.caspian_closure) == 12
    for low, high in (*params.moving_factors.values(), *params.dwell_factors.values()):
        assert 0.0 < low <= 1.0 <= high
    assert all(key.startswith("reliability.") for key in params.from_data)
