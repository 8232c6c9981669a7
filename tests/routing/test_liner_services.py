"""Liner services with port rotations (service_calls.csv), on a toy dataset by hand.

Ports A (origin), H (hub) and B, C (destinations), one sea waypoint W. Service S1 sails
A -> W -> H -> B twice a week and stays 10 h at H; service S2 sails H -> C weekly from
2027. H declares a sea -> sea transshipment. Every expected number below is computed in
the test from the rows it writes, not with the code under test.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from instc._errors import NoRouteError
from instc.network import load_network
from instc.network.contract import embedded_data_dir
from instc.network.validate import validate_directory
from instc.reliability.distributions import ServiceWait, UniformWait
from instc.reliability.route import legs_from_route
from instc.routing import route

PARAMS = tomllib.loads((embedded_data_dir() / "parameters.toml").read_text(encoding="utf-8"))
TS_DWELL_H = PARAMS["dwell"]["transshipment_h"]["value"]  # 72 h
TS_USD = PARAMS["handling"]["transshipment_usd_per_teu"]["value"]  # USD 100/TEU

SPEED_KMH = 25.0
RATE_USD_PER_TEU_KM = 0.1
LANES_KM = {"AW": 1000.0, "WH": 500.0, "HB": 2000.0, "HC": 300.0}
STAY_H_AT_H = 10.0
S1_PER_WEEK, S2_PER_WEEK = 2.0, 1.0
# terminals: road -> sea at the origin, sea -> road at the destination (dwell h, USD/TEU)
EXPORT_A = (20.0, 50.0)
IMPORT_B = (30.0, 60.0)
IMPORT_C = (25.0, 70.0)


def _write(directory: Path, name: str, header: str, rows: list[str]) -> None:
    (directory / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def _dataset(
    directory: Path, *, calls: list[str] | None = None, tariffs: list[str] | None = None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(embedded_data_dir() / "parameters.toml", directory / "parameters.toml")
    # the embedded parameters cite the embedded sources: keep them, add the toy's own
    shutil.copy(embedded_data_dir() / "sources.csv", directory / "sources.csv")
    with (directory / "sources.csv").open("a", encoding="utf-8") as f:
        f.write("S1,Toy liner schedule,Toy Lines,2024,https://example.org/toy,test data only\n")
    _write(
        directory,
        "nodes",
        "node_id,name,country,lat,lon,kinds,gauges_mm,aliases,source_ids,estimated,method,notes",
        [
            "INAAA,Port A,IN,19.0,73.0,port;road,,,S1,,,",
            "YE-WWW,Waypoint W,YE,13.0,51.0,sea,,,S1,,,",
            "AEHHH,Hub H,AE,25.0,55.0,port;road,,,S1,,,",
            "RUBBB,Port B,RU,44.7,37.8,port;road,,,S1,,,",
            "OMCCC,Port C,OM,17.0,54.0,port;road,,,S1,,,",
        ],
    )
    link_header = (
        "link_id,from_node,to_node,mode,gauge_mm,bidirectional,length_km_low,length_km,"
        "length_km_high,speed_kmh,time_h_low,time_h,time_h_high,cargo,capacity_per_year_low,"
        "capacity_per_year,capacity_per_year_high,capacity_unit,border_id,project_id,"
        "open_date,close_date,vehicle_class,fixed_cost_usd_per_teu,fixed_cost_usd_per_t,"
        "source_ids,estimated,method,notes"
    )
    ends = {"AW": ("INAAA", "YE-WWW"), "WH": ("YE-WWW", "AEHHH"), "HB": ("AEHHH", "RUBBB")}
    ends["HC"] = ("AEHHH", "OMCCC")
    _write(
        directory,
        "links",
        link_header,
        [
            f"s-{k},{a},{b},sea,,,,{LANES_KM[k]},,{SPEED_KMH},,,,container,,,,,,,,,,,,S1,,,"
            for k, (a, b) in ends.items()
        ],
    )
    _write(
        directory,
        "services",
        "service_id,name,operator,link_ids,frequency_per_week_low,frequency_per_week,"
        "frequency_per_week_high,capacity_per_departure,capacity_unit,cargo,start_date,"
        "end_date,source_ids,estimated,method,notes",
        [
            f"S1,A-H-B liner,Toy Lines,,1,{S1_PER_WEEK},3,,,container,,,S1,,,",
            f"S2,H-C feeder,Toy Lines,,,{S2_PER_WEEK},,,,container,2027-01,,S1,,,",
        ],
    )
    _write(
        directory,
        "service_calls",
        "service_id,sequence,node_id,port_stay_h_low,port_stay_h,port_stay_h_high,"
        "lane_link_ids,source_ids,estimated,method,notes",
        calls
        or [
            "S1,1,INAAA,,,,s-AW;s-WH,S1,,,",
            f"S1,2,AEHHH,,{STAY_H_AT_H},,s-HB,S1,,,",
            "S1,3,RUBBB,,,,,S1,,,",
            "S2,1,AEHHH,,,,s-HC,S1,,,",
            "S2,2,OMCCC,,,,,S1,,,",
        ],
    )
    transfer_header = (
        "node_id,from_layer,to_layer,kind,bidirectional,cargo,dwell_h_low,dwell_h,"
        "dwell_h_high,cost_usd_per_teu,cost_usd_per_t,cost_usd_per_truck,co2e_kg_per_t,"
        "capacity_per_year,capacity_unit,source_ids,estimated,method,notes"
    )
    _write(
        directory,
        "transfers",
        transfer_header,
        [
            f"INAAA,road,sea,port,false,container,,{EXPORT_A[0]},,{EXPORT_A[1]},,,,,,S1,,,",
            f"RUBBB,sea,road,port,false,container,,{IMPORT_B[0]},,{IMPORT_B[1]},,,,,,S1,,,",
            f"OMCCC,sea,road,port,false,container,,{IMPORT_C[0]},,{IMPORT_C[1]},,,,,,S1,,,",
            f"AEHHH,sea,sea,transshipment,false,container,,{TS_DWELL_H},,{TS_USD},,,,,,S1,,,",
        ],
    )
    _write(
        directory,
        "tariffs",
        "tariff_id,link_id,service_id,mode,country,cargo,usd_per_unit_km_low,usd_per_unit_km,"
        "usd_per_unit_km_high,usd_per_unit,price_year,source_ids,estimated,method,notes",
        [f"T-SEA,,,sea,,container,,{RATE_USD_PER_TEU_KM},,,2024,S1,,,", *(tariffs or [])],
    )
    return directory


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _dataset(tmp_path_factory.mktemp("liners") / "data")


def test_toy_dataset_is_valid(toy: Path) -> None:
    assert validate_directory(toy) == []


def test_cargo_stays_aboard_through_a_call_and_waits_half_the_headway(toy: Path) -> None:
    net = load_network(toy, as_of="2026-06-01")
    option = route(net, "INAAA", "RUBBB", by="time")
    sail_km = LANES_KM["AW"] + LANES_KM["WH"] + LANES_KM["HB"]
    wait_h = 168.0 / S1_PER_WEEK / 2.0  # half the headway of S1: 42 h
    hand_h = EXPORT_A[0] + wait_h + sail_km / SPEED_KMH + STAY_H_AT_H + IMPORT_B[0]
    assert hand_h == pytest.approx(20 + 42 + 140 + 10 + 30)
    assert option.totals.time_h == pytest.approx(hand_h, abs=1e-9)
    hand_usd = EXPORT_A[1] + RATE_USD_PER_TEU_KM * sail_km + IMPORT_B[1]
    assert option.totals.cost_usd == pytest.approx(hand_usd, abs=1e-9)
    assert option.totals.distance_km == pytest.approx(sail_km)
    aboard = [leg for leg in option.legs if leg.service_id == "S1"]
    # the port calls leg by leg: boarding at A, lanes via W to H, the stay at H, on to B
    assert [(leg.from_node, leg.to_node) for leg in aboard] == [
        ("INAAA", "INAAA"),
        ("INAAA", "YE-WWW"),
        ("YE-WWW", "AEHHH"),
        ("AEHHH", "AEHHH"),
        ("AEHHH", "RUBBB"),
    ]
    assert [leg.waiting_h for leg in aboard] == [wait_h, 0, 0, 0, 0]
    assert aboard[3].dwell_h == STAY_H_AT_H
    assert "service_id" in option.legs[0].to_dict()


def test_transshipment_at_a_hub_carries_its_dwell_cost_and_the_next_wait(toy: Path) -> None:
    net = load_network(toy, as_of="2027-06-01")
    option = route(net, "INAAA", "OMCCC", by="time")
    sail_km = LANES_KM["AW"] + LANES_KM["WH"] + LANES_KM["HC"]
    hand_h = (
        EXPORT_A[0]
        + 168.0 / S1_PER_WEEK / 2.0  # board S1 at A
        + sail_km / SPEED_KMH
        + TS_DWELL_H  # dwell.transshipment_h at H
        + 168.0 / S2_PER_WEEK / 2.0  # board S2 at H: half ITS headway, 84 h
        + IMPORT_C[0]
    )
    assert hand_h == pytest.approx(20 + 42 + 72 + 72 + 84 + 25)
    assert option.totals.time_h == pytest.approx(hand_h, abs=1e-9)
    hand_usd = EXPORT_A[1] + RATE_USD_PER_TEU_KM * sail_km + TS_USD + IMPORT_C[1]
    assert option.totals.cost_usd == pytest.approx(hand_usd, abs=1e-9)
    hubs = [leg for leg in option.legs if leg.transfer_kind == "transshipment"]
    assert [(h.from_node, h.dwell_h, h.cost_usd) for h in hubs] == [("AEHHH", 72.0, 100.0)]
    assert {leg.service_id for leg in option.legs} - {None} == {"S1", "S2"}


def test_the_table_shows_one_row_per_sailing_and_the_hub_between(toy: Path) -> None:
    """Alighting at the hub is a leg with nothing of its own: the table folds it into the
    sailing it ends, so the rows read terminal, S1 A -> H, hub, S2 H -> C, terminal."""
    from instc.cli.routing import _display_rows

    net = load_network(toy, as_of="2027-06-01")
    rows = _display_rows(route(net, "INAAA", "OMCCC", by="time"))
    assert [(r["kind"], r["from"], r["to"]) for r in rows] == [
        ("transfer", "INAAA", "INAAA"),
        ("link", "INAAA", "AEHHH"),
        ("transfer", "AEHHH", "AEHHH"),
        ("link", "AEHHH", "OMCCC"),
        ("transfer", "OMCCC", "OMCCC"),
    ]
    assert rows[1]["distance_km"] == LANES_KM["AW"] + LANES_KM["WH"]
    # the one-line summary (compare's route column, the backtest's route) names the liners
    option = route(net, "INAAA", "OMCCC", by="time")
    assert option.stretches == "INAAA sea S1 › AEHHH sea S2 › OMCCC"


def test_a_liners_own_rate_prices_its_lanes_and_a_link_rate_beats_it(tmp_path: Path) -> None:
    """S1 has its own rate (0.05 USD/TEU-km) on its lanes A-W-H; lane W-H has a link
    rate (0.2) that wins over the liner's; S2 has none and pays the sea default (0.1)."""
    s1_rate, wh_rate = 0.05, 0.2
    directory = _dataset(
        tmp_path / "data",
        tariffs=[
            f"T-S1,,S1,,,container,,{s1_rate},,,2024,S1,,,",
            f"T-WH,s-WH,,,,container,,{wh_rate},,,2024,S1,,,",
        ],
    )
    assert validate_directory(directory) == []
    option = route(load_network(directory, as_of="2027-06-01"), "INAAA", "OMCCC", by="time")
    freight = {leg.link_id: leg.cost_usd for leg in option.legs if leg.link_id}
    assert freight == pytest.approx(
        {
            "s-AW": s1_rate * LANES_KM["AW"],  # 50: the liner's rate
            "s-WH": wh_rate * LANES_KM["WH"],  # 100: the link's own rate
            "s-HC": RATE_USD_PER_TEU_KM * LANES_KM["HC"],  # 30: the mode default
        }
    )
    hand_usd = EXPORT_A[1] + 50.0 + 100.0 + TS_USD + 30.0 + IMPORT_C[1]
    assert option.totals.cost_usd == pytest.approx(hand_usd, abs=1e-9)


def test_a_liner_rate_for_a_service_without_port_calls_is_one_located_line(
    tmp_path: Path,
) -> None:
    rows = [
        "T-X,s-HC,S1,,,container,,0.3,,,2024,S1,,,",
        "T-L,s-AW,S1,,,container,,0.3,,,2024,S1,,,",
    ]
    directory = _dataset(tmp_path / "data", tariffs=rows)
    calls = (directory / "service_calls.csv").read_text(encoding="utf-8").splitlines()
    keep = [line for line in calls if not line.startswith("S2,")]
    (directory / "service_calls.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    with (directory / "tariffs.csv").open("a", encoding="utf-8") as f:
        f.write("T-Y,,S2,,,container,,0.3,,,2024,S1,,,\n")
    problems = validate_directory(directory)
    located = {(p.file, p.row, p.column) for p in problems}
    # T-X names a link that is not a lane of its liner (s-HC is S2's); T-L, S1 on its own
    # lane s-AW, is one liner's rate on one lane (as a scenario writes it); T-Y prices a
    # liner that has no port calls
    assert {("tariffs.csv", 3, "link_id"), ("tariffs.csv", 5, "service_id")} <= located
    assert not any(p.file == "tariffs.csv" and p.row in (2, 4) for p in problems)


def test_a_service_before_its_start_date_does_not_exist(toy: Path) -> None:
    net = load_network(toy, as_of="2026-06-01")  # S2 starts in January 2027
    with pytest.raises(NoRouteError):
        route(net, "INAAA", "OMCCC", by="time")


def test_no_transshipment_where_none_is_declared(tmp_path: Path) -> None:
    """Without H's sea -> sea row, cargo cannot change liner at H."""
    directory = _dataset(tmp_path / "data")
    text = (directory / "transfers.csv").read_text(encoding="utf-8").splitlines()
    keep = [line for line in text if not line.startswith("AEHHH,sea,sea")]
    (directory / "transfers.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    net = load_network(directory, as_of="2027-06-01")
    with pytest.raises(NoRouteError):
        route(net, "INAAA", "OMCCC", by="time")


def test_reliability_draws_each_liners_wait_from_its_own_frequency(toy: Path) -> None:
    net = load_network(toy, as_of="2027-06-01")
    option = route(net, "INAAA", "OMCCC", by="time")
    waits = [c for leg in legs_from_route(net, option) for c in leg.components]
    s1 = [c for c in waits if isinstance(c, ServiceWait)]
    s2 = [c for c in waits if isinstance(c, UniformWait)]
    # S1 has a frequency range 1-2-3 per week; S2 has none: uniform on [0, 168 h]
    assert [(c.low_per_week, c.mode_per_week, c.high_per_week) for c in s1] == [(1, 2, 3)]
    assert [c.headway_h for c in s2] == [168.0 / S2_PER_WEEK]


def test_a_broken_lane_chain_is_one_located_line(tmp_path: Path) -> None:
    calls = [
        "S1,1,INAAA,,,,s-AW;s-HB,S1,,,",  # s-HB does not start at W
        f"S1,2,AEHHH,,{STAY_H_AT_H},,s-HB,S1,,,",
        "S1,3,RUBBB,,,,,S1,,,",
        "S2,1,AEHHH,,,,s-HC,S1,,,",
        "S2,3,OMCCC,,,,,S1,,,",  # a gap in the numbering
    ]
    problems = validate_directory(_dataset(tmp_path / "data", calls=calls))
    located = {(p.file, p.row, p.column) for p in problems}
    assert ("service_calls.csv", 2, "lane_link_ids") in located
    assert ("service_calls.csv", 6, "sequence") in located
    assert all("\n" not in str(p) for p in problems)


# --- the embedded data -------------------------------------------------------------------


def test_irisl_chabahar_line_is_not_routable_before_its_start() -> None:
    """s-nhavasheva-chabahar is sailed only by IRISL's direct line (from 11 Sept 2023)."""
    before = load_network(as_of="2022-06-01")
    with pytest.raises(NoRouteError):
        route(before, "INNSA", "IRZBR", by="time", via=["link:s-nhavasheva-chabahar"])
    after = load_network(as_of="2024-06-01")
    option = route(after, "INNSA", "IRZBR", by="time", via=["link:s-nhavasheva-chabahar"])
    sea = [leg for leg in option.legs if leg.link_id == "s-nhavasheva-chabahar"]
    assert [leg.waiting_h for leg in sea] == [168.0 / 1.0 / 2.0]  # weekly: half of 168 h


def test_eastern_rail_waits_for_wagon_formation_not_the_monthly_train() -> None:
    """A container on the eastern route is not bound to the monthly Moscow–Sarakhs block
    train: the RU–KZ link carries no 365 h wait; the wagonload formation wait is charged
    once, where the container boards the rail at Bandar Abbas."""
    net = load_network(as_of="2026-01-01")
    option = route(
        net,
        "INNSA",
        "RU-MOSCOW",
        by="cost",
        via=["border:KZ-TM-BOLASHAK"],
        avoid={"country": ["AZ"]},
    )
    formation_h = PARAMS["waiting"]["wagonload_formation_h"]["value"]
    waits = [(leg.from_node, leg.kind, leg.waiting_h) for leg in option.legs if leg.waiting_h]
    rail_waits = [w for w in waits if w[1] == "transfer"]
    # the formation wait at Bandar Abbas (port -> rail), and only formation waits on
    # transfers (the route may re-enter the rail elsewhere, each time a new wagon)
    assert rail_waits[0] == ("IRBND", "transfer", formation_h)
    assert {w[2] for w in rail_waits} == {formation_h}
    assert all(leg.link_id != "r-astrakhan-atyrau" or leg.waiting_h == 0 for leg in option.legs)


def test_ruscon_weekly_liner_serves_novorossiysk_from_march_2023_only() -> None:
    """Between the global lines' exit (March 2022) and FESCO FIL-W (February 2023) no
    sourced liner calls at a Russian port; Ruscon's weekly India service (four vessels,
    from March 2023) is boarded with half its headway, 168 h / 1 per week / 2 = 84 h."""
    no_iran = {"country": ["IR", "AZ", "KZ", "TM"]}
    with pytest.raises(NoRouteError):
        route(load_network(as_of="2023-01-15"), "INNSA", "RUNVS", by="time", avoid=no_iran)
    option = route(load_network(as_of="2023-04-01"), "INNSA", "RUNVS", by="time", avoid=no_iran)
    boarded = [leg for leg in option.legs if leg.service_id and leg.waiting_h > 0]
    assert [(leg.service_id, leg.waiting_h) for leg in boarded] == [("ruscon-india", 84.0)]


def test_port_stays_are_the_lpi_turnaround_of_the_calls_country() -> None:
    """Ruscon calls at Mundra and Jeddah between Nhava Sheva and Novorossiysk. World Bank
    LPI 2023 container ship turnaround: India 0.9 day = 21.6 h (Mundra); no figure found
    for Saudi Arabia, so Jeddah keeps the 24 h estimate."""
    no_iran = {"country": ["IR", "AZ", "KZ", "TM"]}
    option = route(load_network(as_of="2023-04-01"), "INNSA", "RUNVS", by="time", avoid=no_iran)
    stays = [
        (leg.from_node, leg.dwell_h)
        for leg in option.legs
        if leg.service_id and leg.from_node == leg.to_node and leg.dwell_h > 0
    ]
    assert stays == [("INMUN", pytest.approx(0.9 * 24)), ("SAJED", 24.0)]


def test_a_liner_sails_its_lanes_with_its_own_ship_class_and_speed(tmp_path: Path) -> None:
    """S1 gives its ship (20 km/h, class container_ship_1000_1999): its lanes A-W-H-B are
    timed at 20 km/h, not the lanes' 25, and emit at that class's WTW g/tkm."""
    directory = _dataset(tmp_path / "data")
    ship_kmh, ship_class = 20.0, "container_ship_1000_1999"
    (directory / "services.csv").write_text(
        "service_id,name,operator,link_ids,frequency_per_week_low,frequency_per_week,"
        "frequency_per_week_high,capacity_per_departure,capacity_unit,cargo,start_date,"
        "end_date,vehicle_class,speed_kmh,source_ids,estimated,method,notes\n"
        f"S1,A-H-B liner,Toy Lines,,1,{S1_PER_WEEK},3,,,container,,,{ship_class},{ship_kmh},"
        "S1,,,\n",
        encoding="utf-8",
    )
    keep = [c for c in (directory / "service_calls.csv").read_text().splitlines() if "S2," not in c]
    (directory / "service_calls.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    assert validate_directory(directory) == []
    option = route(load_network(directory, as_of="2026-06-01"), "INAAA", "RUBBB", by="time")
    lanes = [leg for leg in option.legs if leg.link_id]
    sail_km = LANES_KM["AW"] + LANES_KM["WH"] + LANES_KM["HB"]
    assert sum(leg.moving_h for leg in lanes) == pytest.approx(sail_km / ship_kmh)  # 175 h
    wtw = PARAMS["emissions"][ship_class]["wtw_g_per_tkm"]["value"]
    tonnes = PARAMS["cargo"]["tonnes_per_teu"]["value"]
    assert sum(leg.co2e_kg for leg in lanes) == pytest.approx(sail_km * tonnes * wtw / 1000)
    assert {leg.vehicle_class for leg in lanes} == {ship_class}


def _fbol_boarding(as_of: str) -> list[tuple[str, float]]:
    """The boardings (service, wait h) of the fastest Mundra -> St Petersburg all-sea
    route as of ``as_of`` (no Iranian, Caspian or land bridge; Suez)."""
    no_land = {"country": ["IR", "AZ", "KZ", "TM"], "mode": ["rail", "road"]}
    option = route(load_network(as_of=as_of), "INMUN", "RULED", by="time", avoid=no_land)
    return [(leg.service_id, leg.waiting_h) for leg in option.legs if leg.waiting_h > 0]


def test_fesco_fbol_waits_by_its_dated_frequency() -> None:
    """FESCO Baltorient Line calls at Mundra from 21 May 2023, monthly: 12 sailings a year
    = 12/52 = 0.23/week, half the headway 168 / 0.23 / 2 = 365.2 h; fortnightly with six
    ships from July 2025 (the first report of it): 168 / 0.5 / 2 = 168 h. It sails Mundra
    -> St Petersburg over 13,208.9 km of lanes (Mundra-Aden 2,252.5, Aden-Bab el Mandeb
    833.0, -Suez 2,225.6, canal 172.5, Port Said-Gibraltar 3,526.3, -Finisterre 906.9,
    -Rotterdam 1,435.4, -Kiel 438.5, -Gulf of Finland 1,099.8, -St Petersburg 318.4) at
    its 27.8 km/h: 475.1 h, with no call between."""
    assert _fbol_boarding("2023-05-25") == [("fesco-fbol", pytest.approx(168 / 0.23 / 2))]
    assert _fbol_boarding("2024-01-01") == [("fesco-fbol", pytest.approx(168 / 0.23 / 2))]
    assert _fbol_boarding("2025-08-01") == [("fesco-fbol", pytest.approx(168.0))]
    no_land = {"country": ["IR", "AZ", "KZ", "TM"], "mode": ["rail", "road"]}
    option = route(load_network(as_of="2024-01-01"), "INMUN", "RULED", by="time", avoid=no_land)
    lanes = [leg for leg in option.legs if leg.service_id == "fesco-fbol" and leg.link_id]
    km = (2252.5, 833.0, 2225.6, 172.5, 3526.3, 906.9, 1435.4, 438.5, 1099.8, 318.4)
    assert sum(leg.distance_km for leg in lanes) == pytest.approx(sum(km))  # 13,208.9
    assert sum(leg.moving_h for leg in lanes) == pytest.approx(sum(km) / 27.8)  # 475.1 h
    assert lanes[0].link_id == "s-mundra-aden"
    # before the first Mundra call (21 May 2023) FBOL does not exist
    with pytest.raises(NoRouteError):
        route(
            load_network(as_of="2023-05-01"),
            "INMUN",
            "RULED",
            by="time",
            avoid=no_land,
            via=["link:s-gulffinland-stpetersburg"],
        )


def test_the_2022_russia_india_gap_is_said_with_its_sources() -> None:
    """Jan 2023: no liner India -> Russia is sourced (Maersk left in March 2022, FESCO FIL-W
    from February 2023); the Suez family's no-route reason names the ended service and
    the sourced gap of its row (what ran instead, what is missing)."""
    from instc.routing.compare import family_route, load_families

    suez = next(f for f in load_families() if f.family_id == "suez")
    with pytest.raises(NoRouteError) as exc:
        family_route(
            load_network(as_of="2023-01-15"), "RU-MOSCOW", "INNSA", suez, as_of="2023-01-15"
        )
    reason = exc.value.reason
    assert "service maersk-india-blacksea (ran until 2022-03-01; after it" in reason
    assert "a gap: Novorossiysk–Türkiye feeders ran from April 2022" in reason
    assert "[W-portnews-novorossiysk-lines-2022]" in reason
