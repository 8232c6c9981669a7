"""Dated values: tariffs, transfers, borders and services valid at the network's date.

The mini fixture gets a second, later row for one transfer, one tariff and one border;
the network as of 2017 and as of 2026 must use different rows, and the compiled graph
the values of those rows (hand-computed below from the fixture's numbers).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from network_testutil import copy_mini, read_rows, set_cell, write_rows

from instc.network import load_network
from instc.network.graph import build_graph
from instc.network.validate import validate_directory


def _append(directory: Path, table: str, row: dict[str, str]) -> None:
    path = directory / f"{table}.csv"
    header, rows = read_rows(path)
    rows.append({c: row.get(c, "") for c in header})
    write_rows(path, header, rows)


def _row(directory: Path, table: str, line: int) -> dict[str, str]:
    return dict(read_rows(directory / f"{table}.csv")[1][line - 2])


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    """The mini fixture with values that change on 2023-01-01."""
    d = copy_mini(tmp_path)
    # transfers line 2: IR-ASTARA rail1520 -> rail1435, 24 h, USD 120/TEU until 2023
    set_cell(d, "transfers", 2, "valid_to", "2023")
    later = _row(d, "transfers", 2)
    later.update(dwell_h_low="20", dwell_h="36", dwell_h_high="60", cost_usd_per_teu="200")
    later.update(valid_from="2023", valid_to="", price_year="2023")
    _append(d, "transfers", later)
    # tariffs line 3: T-IRRAIL rail IR container USD 0.5/TEU-km until 2023, then 0.3
    set_cell(d, "tariffs", 3, "valid_to", "2023-01-01")
    tariff = _row(d, "tariffs", 3)
    tariff.update(tariff_id="T-IRRAIL", usd_per_unit_km_low="0.2", usd_per_unit_km="0.3")
    tariff.update(valid_from="2023-01-01", valid_to="")
    _append(d, "tariffs", tariff)
    # borders line 2: B-ASTARA rail, 12 h and USD 50/TEU until 2023, then 30 h, USD 90
    set_cell(d, "borders", 2, "valid_to", "2023")
    border = _row(d, "borders", 2)
    border.update(dwell_h="30", dwell_h_high="40", cost_usd_per_teu="90", valid_from="2023")
    border.update(valid_to="")
    _append(d, "borders", border)
    return d


def _edge(graph, place_from: str, layer_from: str, place_to: str, layer_to: str) -> int:
    u = graph.node_index[(place_from, layer_from)]
    v = graph.node_index[(place_to, layer_to)]
    for e in range(graph.indptr[u], graph.indptr[u + 1]):
        if graph.edge_to[e] == v:
            return e
    raise AssertionError("no such edge")


def test_the_dated_fixture_validates(dated: Path) -> None:
    assert validate_directory(dated) == []


def test_as_of_2017_and_2026_pick_different_rows_of_one_key(dated: Path) -> None:
    old = load_network(dated, as_of="2017-06-01")
    new = load_network(dated, as_of="2026-01-01")
    gauge = ("IR-ASTARA", "rail1520", "rail1435")

    def transfer(net):
        t = net.transfers
        hit = t[(t["node_id"] == gauge[0]) & (t["from_layer"] == gauge[1])]
        hit = hit[hit["to_layer"] == gauge[2]]
        assert len(hit) == 1  # one row per key at a date
        return hit.iloc[0]

    assert transfer(old)["cost_usd_per_teu"] == 120 and transfer(old)["dwell_h"] == 24
    assert transfer(new)["cost_usd_per_teu"] == 200 and transfer(new)["dwell_h"] == 36
    # every row stays in the tables; the dated views hold one per key
    assert len(old.tables["transfers"]) == len(old.transfers) + 1

    g_old, g_new = build_graph(old), build_graph(new)
    e_old = _edge(g_old, "IR-ASTARA", "rail1520", "IR-ASTARA", "rail1435")
    e_new = _edge(g_new, "IR-ASTARA", "rail1520", "IR-ASTARA", "rail1435")
    assert (g_old.dwell_h[e_old], g_old.cost_usd[e_old]) == (24.0, 120.0)
    assert (g_new.dwell_h[e_new], g_new.cost_usd[e_new]) == (36.0, 200.0)
    # rail L-IRRAIL 1400 km at USD 0.5 (2017) and 0.3 (2026) per TEU-km
    r_old = _edge(g_old, "IR-RASHT", "rail1435", "IRBND", "rail1435")
    r_new = _edge(g_new, "IR-RASHT", "rail1435", "IRBND", "rail1435")
    assert g_old.freight_usd[r_old] == pytest.approx(700.0)
    assert g_new.freight_usd[r_new] == pytest.approx(420.0)
    # border L-BRIDGE (open from 2017-05): 12 h + USD 50, then 30 h + USD 90
    b_old = _edge(g_old, "AZ-ASTARA", "rail1520", "IR-ASTARA", "rail1520")
    b_new = _edge(g_new, "AZ-ASTARA", "rail1520", "IR-ASTARA", "rail1520")
    assert (g_old.dwell_h[b_old], g_old.charges_usd[b_old]) == (12.0, 50.0)
    assert (g_new.dwell_h[b_new], g_new.charges_usd[b_new]) == (30.0, 90.0)
    # none of these was taken from another period
    assert not any("no value valid" in n for notes in g_new.notes for n in notes)


def test_the_valid_to_day_belongs_to_the_next_row(dated: Path) -> None:
    eve = load_network(dated, as_of="2022-12-31")
    day = load_network(dated, as_of="2023-01-01")
    rate = {
        net.as_of: net.tariffs.loc[net.tariffs["country"] == "IR", "usd_per_unit_km"].tolist()
        for net in (eve, day)
    }
    assert list(rate.values()) == [[0.5], [0.3]]


def test_no_date_keeps_the_latest_row(dated: Path) -> None:
    net = load_network(dated, as_of=None)
    assert net.tariffs.loc[net.tariffs["country"] == "IR", "usd_per_unit_km"].tolist() == [0.3]


ROAD = {"mode": ["road"]}


def test_routing_as_of_redates_the_values(dated: Path) -> None:
    from instc.routing import route

    net = load_network(dated, as_of="2026-01-01")
    # as_of on the call re-dates the same network: 2017 values, not 2026's
    old = route(net, "IR-RASHT", "IRBND", by="distance", as_of="2017-06-01", avoid=ROAD)
    new = route(net, "IR-RASHT", "IRBND", by="distance", avoid=ROAD)

    def rail_freight(option) -> float:
        return sum(leg.freight_usd for leg in option.legs if leg.link_id == "L-IRRAIL")

    # 1400 km at USD 0.5 (2017) and 0.3 (2026) per TEU-km
    assert rail_freight(old) == pytest.approx(700.0)
    assert rail_freight(new) == pytest.approx(420.0)
    assert old.as_of == "2017-06-01"


def test_no_row_valid_uses_the_nearest_and_says_so(dated: Path) -> None:
    # the gauge-break transfer only from 2023: as of 2017 the 2023 row is used, with a note
    set_cell(dated, "transfers", 2, "valid_from", "2010")
    set_cell(dated, "transfers", 2, "valid_to", "2012")
    net = load_network(dated, as_of="2017-06-01")
    g = build_graph(net)
    e = _edge(g, "IR-ASTARA", "rail1520", "IR-ASTARA", "rail1435")
    # 2012 row ended before 2017: the last known value (USD 120), not the later one
    assert g.cost_usd[e] == 120.0
    (note,) = [n for n in g.notes[e] if "no value valid" in n]
    assert "2017-06-01" in note and "2010-01-01 to 2012-01-01" in note
    # before every row: the first one
    early = build_graph(load_network(dated, as_of="2005"))
    e = _edge(early, "IR-ASTARA", "rail1520", "IR-ASTARA", "rail1435")
    assert early.cost_usd[e] == 120.0 and any("no value valid" in n for n in early.notes[e])


def test_a_service_before_its_start_does_not_run(dated: Path) -> None:
    # SV-FERRY starts 2022: strict, no nearest-row fallback for services
    assert load_network(dated, as_of="2017-06-01").services.empty
    assert list(load_network(dated, as_of="2026").services["service_id"]) == ["SV-FERRY"]


@pytest.mark.parametrize(
    ("edit", "line", "column", "fragment"),
    [
        # the later transfer row (line 8) starts before the first one ends
        ({("transfers", 8, "valid_from"): "2022"}, 8, "valid_from", "overlaps line 2"),
        # an open-ended first row overlaps any later row
        ({("transfers", 2, "valid_to"): ""}, 8, "valid_from", "overlaps line 2"),
        ({("transfers", 8, "valid_to"): "2023"}, 8, "valid_to", "is not after valid_from"),
        ({("transfers", 8, "valid_to"): "2020"}, 8, "valid_to", "is not after valid_from"),
        ({("transfers", 8, "valid_from"): "1 Jan 2023"}, 8, "valid_from", "not an ISO date"),
        ({("borders", 4, "valid_from"): "2023-02-30"}, 4, "valid_from", "not a valid date"),
        # two tariffs for one selection (rail, IR, container) at once, under other ids
        ({("tariffs", 4, "tariff_id"): "T-IRRAIL-2023", ("tariffs", 4, "valid_from"): "2019"},
         4, "valid_from", "mode=rail, country=IR, cargo=container"),
        # the same key twice from the same day is a duplicate
        ({("borders", 4, "valid_from"): "", ("borders", 2, "valid_to"): ""}, 4, "border_id",
         "duplicate key"),
    ],
)  # fmt: skip
def test_bad_validity_is_one_located_line(
    dated: Path, edit: dict[tuple[str, int, str], str], line: int, column: str, fragment: str
) -> None:
    for (table, row, col), value in edit.items():
        set_cell(dated, table, row, col, value)
    table = next(iter(edit))[0]
    problems = validate_directory(dated)
    assert len(problems) == 1, "\n".join(map(str, problems))
    (p,) = problems
    assert (p.file, p.row, p.column) == (f"{table}.csv", line, column)
    assert fragment in f"{p.message} {p.fix}"
