from __future__ import annotations

import numpy as np
import pytest
from routing_cases import LINKS, TRANSFERS, corridor

from instc._errors import DataError, UnknownNameError
from instc.network.graph import build_graph


def _edge(graph, link_id, frm):
    for e in range(graph.n_edges):
        if graph.link_id[e] == link_id and graph.node_place[graph.edge_from[e]] == frm:
            return e
    raise AssertionError(link_id)


def test_virtual_nodes_one_per_layer_served():
    g = build_graph(corridor())
    assert sorted(g.node_layer[i] for i in g.nodes_of("B")) == ["rail1435", "road", "sea"]
    assert sorted(g.node_layer[i] for i in g.nodes_of("C")) == ["rail1435", "rail1520"]
    assert g.summary()["transfer_edges"] == 2 * len(TRANSFERS)
    assert g.summary()["link_edges"] + g.summary()["border_edges"] == 2 * len(LINKS)


def test_csr_is_consistent():
    g = build_graph(corridor())
    assert g.indptr[-1] == g.n_edges
    for u in range(g.n_nodes):
        assert (g.edge_from[g.indptr[u] : g.indptr[u + 1]] == u).all()


def test_sea_leg_weights_by_hand():
    g = build_graph(corridor())
    e = _edge(g, "L1", "A")
    # 1500 km at 30 km/h; liner twice a week -> half of 84 h headway
    assert g.moving_h[e] == pytest.approx(50.0)
    assert g.waiting_h[e] == pytest.approx(42.0)
    assert g.time_h[e] == pytest.approx(92.0)
    assert g.cost_usd[e] == pytest.approx(750.0)  # 0.5 USD/TEU-km
    assert g.co2e_kg[e] == pytest.approx(300.0)  # 10 t x 1500 km x 20 g
    assert g.co2e_kg_ttw[e] == pytest.approx(255.0)
    assert set(g.source_ids[e]) >= {"S1", "V1", "C1", "E1", "P1", "P2"}


def test_border_link_adds_border_dwell_and_charge_for_its_mode():
    g = build_graph(corridor())
    e = _edge(g, "L3", "C")
    assert g.kind[e] == "border"
    assert g.time_h[e] == pytest.approx(10.0 / 40.0 + 6.0)
    assert g.cost_usd[e] == pytest.approx(0.2 * 10.0 + 40.0)  # IR rate: from_node C is in IR
    road = _edge(g, "R1", "B")
    # 1200 km at 60 km/h = 20 h: 3 days of 9 h driving -> 2 rests of 15 h, plus 10 h border
    assert g.moving_h[road] == pytest.approx(20.0)
    assert g.dwell_h[road] == pytest.approx(2 * 15.0 + 10.0)
    assert g.cost_usd[road] == pytest.approx(1200.0 + 60.0)


def test_tariff_resolution_country_then_mode():
    g = build_graph(corridor())
    assert g.freight_usd[_edge(g, "L2", "B")] == pytest.approx(0.2 * 600)  # mode + IR
    assert g.freight_usd[_edge(g, "L4", "D")] == pytest.approx(0.3 * 800)  # mode only
    # a cross-border link takes the rate of its from_node country, in both directions
    assert g.freight_usd[_edge(g, "L3", "D")] == pytest.approx(0.2 * 10)


def test_transfer_edges_carry_handling_and_hub_emissions():
    g = build_graph(corridor())
    (e,) = [
        i
        for i in range(g.n_edges)
        if g.kind[i] == "transfer"
        and g.node_layer[g.edge_from[i]] == "sea"
        and g.node_layer[g.edge_to[i]] == "rail1435"
    ]
    assert g.time_h[e] == 24.0 and g.cost_usd[e] == 100.0
    assert g.co2e_kg[e] == pytest.approx(20.0)  # 2 kg/t x 10 t
    assert g.co2e_kg_ttw[e] == 0.0


def test_layers_change_only_through_declared_transfers():
    g = build_graph(corridor())
    layers_from = np.array(g.node_layer)[g.edge_from]
    layers_to = np.array(g.node_layer)[g.edge_to]
    kinds = np.array(g.kind)
    assert (layers_from[kinds != "transfer"] == layers_to[kinds != "transfer"]).all()
    declared = {(t["node_id"], t["from_layer"], t["to_layer"]) for t in TRANSFERS}
    declared |= {(n, b, a) for n, a, b in declared}
    for e in np.flatnonzero(kinds == "transfer"):
        key = (g.node_place[g.edge_from[e]], layers_from[e], layers_to[e])
        assert key in declared


def test_cargo_class_filters_links_and_unknown_cargo_is_named():
    links = [dict(link, cargo=("bulk",)) if link["link_id"] == "R1" else link for link in LINKS]
    g = build_graph(corridor(links=links), cargo="container")
    assert "R1" not in g.link_id
    with pytest.raises(UnknownNameError, match="containr"):
        build_graph(corridor(), cargo="containr")


def test_missing_parameter_is_an_actionable_data_error():
    from routing_toynet import PARAMETERS

    params = {k: v for k, v in PARAMETERS.items() if k != "speed"}
    with pytest.raises(DataError, match=r"speed\.sea_kmh"):
        build_graph(corridor(parameters=params))


def test_graph_is_cached_per_network_and_cargo():
    net = corridor()
    assert build_graph(net) is build_graph(net)
    assert build_graph(net, cargo="bulk") is not build_graph(net)
    assert build_graph(net, cargo="bulk").tonnes_per_unit == 1.0
