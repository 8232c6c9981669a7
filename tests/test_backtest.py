"""`instc backtest`: model vs observed runs, error % by hand, located errors on bad files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from instc._errors import DataError, ValidationError
from instc.backtest import backtest, read_runs
from instc.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent / "routing"))

from routing_toynet import ROAD_RAIL_TARIFFS, make_network

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "backtest-observed-runs.csv"
HEADER = (
    "id,origin,destination,date,family,via,cargo,observed_days,observed_cost_usd,"
    "cost_basis,cost_year,source_ids,note\n"
)


@pytest.fixture(scope="module")
def line():
    # A-B 100 km of standard-gauge rail: 100 km / 50 km/h = 2 h; 100 km x 0.4 USD = 40 USD
    nodes = [{"node_id": p, "country": "IR"} for p in ("A", "B", "C")]
    rail = {"mode": "rail", "gauge_mm": 1435, "source_ids": ("S",)}
    links = [
        {"link_id": "AB", "from_node": "A", "to_node": "B", "length_km": 100.0, **rail},
        {"link_id": "BC", "from_node": "B", "to_node": "C", "length_km": 50.0, **rail},
    ]
    return make_network(nodes=nodes, links=links, tariffs=ROAD_RAIL_TARIFFS)


def _write(tmp_path: Path, body: str, name: str = "runs.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_error_percent_by_hand(tmp_path, line):
    path = _write(
        tmp_path,
        "r1,A,B,2024,,,container,0.1,50,per_teu,2024,S,\n"
        "r2,A,B,2024-06,,,container,,100,per_feu,2024,S,\n"
        "r3,A,C,2024-06-30,,B,container,0.25,,,,S,\n",
    )
    result = backtest(line, read_runs(path))
    d = result.to_dict()
    assert set(d) == {"runs", "summary"}
    r1, r2, r3 = d["runs"]
    assert set(r1) == {
        "id",
        "origin",
        "destination",
        "as_of",
        "family",
        "observed",
        "model",
        "error",
    }
    assert set(r1["observed"]) == {"time_d", "cost_usd", "scope"}
    assert r1["observed"]["scope"] == "door_to_door"  # the default
    assert set(r1["model"]) == {"time_d", "cost_usd", "distance_km"}
    assert set(r1["error"]) == {"time_pct", "cost_pct"}
    # r1: model 2 h = 1/12 d against 0.1 d; 40 USD against 50 USD
    assert r1["model"]["time_d"] == pytest.approx(2 / 24)
    assert r1["model"]["cost_usd"] == pytest.approx(40.0)
    assert r1["model"]["distance_km"] == pytest.approx(100.0)
    assert r1["error"]["time_pct"] == pytest.approx((2 / 24 - 0.1) / 0.1 * 100)  # -16.67
    assert r1["error"]["cost_pct"] == pytest.approx(-20.0)
    assert r1["as_of"] == "2024-01-01"
    # r2: a 40' box is two TEU of the model, 80 USD against 100; no days observed
    assert r2["model"]["cost_usd"] == pytest.approx(80.0)
    assert r2["error"] == {"time_pct": None, "cost_pct": pytest.approx(-20.0)}
    assert r2["observed"]["time_d"] is None
    # r3 via B: 150 km, 3 h = 0.125 d against 0.25 d
    assert r3["model"]["distance_km"] == pytest.approx(150.0)
    assert r3["error"]["time_pct"] == pytest.approx(-50.0)
    assert r3["error"]["cost_pct"] is None
    s = d["summary"]
    t1 = (2 / 24 - 0.1) / 0.1 * 100
    assert s["runs"] == 3 and s["modelled"] == 3 and s["no_route"] == []
    assert s["time"]["n"] == 2
    assert s["time"]["mean_pct"] == pytest.approx((t1 - 50.0) / 2)
    assert s["time"]["mean_abs_pct"] == pytest.approx((abs(t1) + 50.0) / 2)
    assert s["time"]["max_abs_pct"] == pytest.approx(50.0)
    assert s["cost"]["n"] == 2
    for key in ("mean_abs_pct", "median_abs_pct", "max_abs_pct"):
        assert s["cost"][key] == pytest.approx(20.0)
    assert s["cost"]["mean_pct"] == pytest.approx(-20.0)
    assert s["detail"]["r2"]["cost_basis"] == "per_feu"
    frame = result.to_frame()
    assert list(frame["id"]) == ["r1", "r2", "r3"]
    assert frame["cost_error_pct"].isna().tolist() == [False, False, True]


def test_a_run_without_a_route_is_reported_not_raised(tmp_path, line):
    from routing_toynet import make_network as make

    island = make(
        nodes=[{"node_id": p, "country": "IR"} for p in ("A", "B", "Z")],
        links=[{"link_id": "AB", "from_node": "A", "to_node": "B", "length_km": 100.0,
                "mode": "rail", "gauge_mm": 1435, "source_ids": ("S",)}],
        tariffs=ROAD_RAIL_TARIFFS,
    )  # fmt: skip
    path = _write(tmp_path, "ok,A,B,2024,,,,1,,,,S,\nnone,A,Z,2024,,,,1,,,,S,\n")
    result = backtest(island, read_runs(path))
    d = result.to_dict()
    assert d["runs"][1]["model"] == {"time_d": None, "cost_usd": None, "distance_km": None}
    assert d["runs"][1]["error"] == {"time_pct": None, "cost_pct": None}
    assert d["summary"]["no_route"] == ["none"]
    assert d["summary"]["detail"]["none"]["no_route_reason"]
    assert d["summary"]["time"]["n"] == 1


BAD = [
    ("r1,A,B,2024,,,,1,,,,S,\n", "observed_day", "runs.csv:1:observed_day: unknown column"),
    ("r1,A,B,20x4,,,,1,,,,S,\n", None, "runs.csv:2:date: '20x4' is not a date"),
    ("r1,A,B,2024-13,,,,1,,,,S,\n", None, "runs.csv:2:date: '2024-13' is not a date"),
    ("r1,A,B,2024,,,,-3,,,,S,\n", None, "runs.csv:2:observed_days: '-3' is not a positive number"),
    ("r1,A,B,2024,,,,abc,,,,S,\n", None, "runs.csv:2:observed_days: 'abc' is not a positive"),
    ("r1,A,B,2024,,,,,100,,2024,S,\n", None, "runs.csv:2:cost_basis: empty for a cost"),
    ("r1,A,B,2024,,,,,100,per_teu,,S,\n", None, "runs.csv:2:cost_year: empty for a cost"),
    ("r1,A,B,2024,,,,,100,per_kg,2024,S,\n", None, "runs.csv:2:cost_basis: unknown basis"),
    ("r1,A,B,2024,,,bulk,,100,per_teu,2024,S,\n", None, "per_teu does not fit cargo bulk"),
    ("r1,A,B,2024,,,,,,per_teu,2024,S,\n", None, "runs.csv:2:observed_cost_usd: empty but"),
    ("r1,A,B,2024,,,,,,,,S,\n", None, "runs.csv:2:observed_days: neither days nor a cost"),
    ("r1,A,B,2024,,,,1,,,,,\n", None, "runs.csv:2:source_ids: empty"),
    ("r1,A,B,2024,,,,1,,,,S,\nr1,A,B,2024,,,,1,,,,S,\n", None, "runs.csv:3:id: 'r1' already used"),
    ("r1,A,B,2024,suez,B,,1,,,,S,\n", None, "runs.csv:2:via: both a family and via"),
    ("r1,A,B,2024,,,ship,1,,,,S,\n", None, "runs.csv:2:cargo: unknown cargo class 'ship'"),
    ("r1,A,B,2024,,,,1,,,,S\n", None, "runs.csv:2: 12 fields for 13 columns"),
    (",A,B,2024,,,,1,,,,S,\n", None, "runs.csv:2:id: empty"),
]


@pytest.mark.parametrize(("body", "bad_column", "needle"), BAD)
def test_malformed_files_give_one_located_line(tmp_path, body, bad_column, needle):
    text = HEADER if bad_column is None else HEADER.replace("observed_days", bad_column)
    path = tmp_path / "runs.csv"
    path.write_text(text + body, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_runs(path)
    assert needle in str(info.value)
    result = CliRunner().invoke(app, ["backtest", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    err = " ".join(result.stderr.split())  # Rich wraps at the terminal width
    assert err.startswith("error:") and needle in err


def test_missing_required_column_and_empty_and_absent_files(tmp_path):
    path = tmp_path / "runs.csv"
    path.write_text("id,origin,date,source_ids\nr1,A,2024,S\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"runs\.csv:1:destination: required column missing"):
        read_runs(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValidationError, match="the file is empty"):
        read_runs(path)
    with pytest.raises(DataError, match="no such file"):
        read_runs(tmp_path / "absent.csv")
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataError, match="not UTF-8"):
        read_runs(path)


def test_an_unknown_scope_is_one_located_line(tmp_path):
    header = HEADER.replace("source_ids", "scope,source_ids")
    path = tmp_path / "runs.csv"
    path.write_text(header + "r1,A,B,2024,,,,1,,,,port-to-port,S,\n", encoding="utf-8")
    needle = "runs.csv:2:scope: unknown scope 'port-to-port' — did you mean 'port_to_port'?"
    with pytest.raises(ValidationError) as info:
        read_runs(path)
    assert needle in str(info.value)
    result = CliRunner().invoke(app, ["backtest", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    err = " ".join(result.stderr.split())
    assert err.startswith("error:") and needle in err
    assert len(result.stderr.strip().splitlines()) <= 2  # one line (wrapped at most once)


def test_a_port_to_port_run_without_water_legs_says_why_it_has_no_figures(tmp_path, line):
    header = HEADER.replace("source_ids", "scope,source_ids")
    path = tmp_path / "runs.csv"
    path.write_text(header + "r1,A,B,2024,,,,1,,,,port_to_port,S,\n", encoding="utf-8")
    result = backtest(line, read_runs(path))
    d = result.to_dict()
    assert d["runs"][0]["model"] == {"time_d": None, "cost_usd": None, "distance_km": None}
    assert d["runs"][0]["observed"]["scope"] == "port_to_port"
    reason = d["summary"]["detail"]["r1"]["no_route_reason"]
    assert reason.startswith("the model's route has no sea or ferry leg")
    assert d["summary"]["detail"]["r1"]["door_to_door_time_d"] == pytest.approx(2 / 24)


# --- port to port, on the liner toy of tests/routing/test_liner_services.py ------------------
@pytest.fixture(scope="module")
def liners(tmp_path_factory):
    from test_liner_services import _dataset

    from instc.network import load_network

    return load_network(_dataset(tmp_path_factory.mktemp("liners") / "data"), as_of=None)


def test_port_to_port_part_by_hand(tmp_path, liners):
    """The liner toy (tests/routing/test_liner_services.py): S1 sails A -> W -> H -> B
    twice a week at 25 km/h (lanes AW 1,000, WH 500, HB 2,000 km, 0.1 USD/TEU-km) and
    stays 10 h at H; S2 sails H -> C (300 km) weekly from 2027; H is a transshipment hub
    (72 h, USD 100/TEU); terminals: export A 20 h / USD 50, import B 30 h / USD 60,
    import C 25 h / USD 70. Runs by time.

    A -> C (as of 2027-06): door to door = 20 (terminal A) + 42 (half S1's 84 h headway)
    + 1,500/25 = 60 (sail A-H) + 72 (hub) + 84 (half S2's 168 h headway) + 300/25 = 12
    (sail H-C) + 25 (terminal C) = 315 h = 13.125 d. Port to port leaves out the two
    terminals and the FIRST wait (42 h), keeps the hub and the wait for S2 there:
    60 + 72 + 84 + 12 = 228 h = 9.5 d; cost 150 + 100 + 30 = USD 280 (door to door
    50 + 280 + 70 = 400); 1,800 km. Against 10 d and USD 350: -5 % and -20 %.

    A -> B (as of 2026-06): the call at H is a port stay aboard, inside the part:
    2,000/25 = 80 + 60 + 10 = 150 h = 6.25 d (door to door 20 + 42 + 150 + 30 = 242 h).
    """
    header = HEADER.replace("source_ids", "scope,source_ids")
    path = tmp_path / "runs.csv"
    path.write_text(
        header + "p2p,INAAA,OMCCC,2027-06,,,,10,350,per_teu,2027,port_to_port,S1,\n"
        "d2d,INAAA,OMCCC,2027-06,,,,10,350,per_teu,2027,door_to_door,S1,\n"
        "stay,INAAA,RUBBB,2026-06,,,,6,,,,port_to_port,S1,\n",
        encoding="utf-8",
    )
    result = backtest(liners, read_runs(path), by="time")
    p2p, d2d, stay = result.to_dict()["runs"]
    assert p2p["observed"]["scope"] == "port_to_port"
    assert p2p["model"]["time_d"] == pytest.approx(228 / 24)  # 9.5
    assert p2p["model"]["cost_usd"] == pytest.approx(280.0)
    assert p2p["model"]["distance_km"] == pytest.approx(1800.0)
    assert p2p["error"]["time_pct"] == pytest.approx(-5.0)
    assert p2p["error"]["cost_pct"] == pytest.approx(-20.0)
    assert d2d["observed"]["scope"] == "door_to_door"
    assert d2d["model"]["time_d"] == pytest.approx(315 / 24)  # 13.125
    assert d2d["model"]["cost_usd"] == pytest.approx(400.0)
    assert stay["model"]["time_d"] == pytest.approx(150 / 24)  # 6.25
    detail = result.summary["detail"]
    part = detail["p2p"]["port_to_port"]
    assert (part["from"], part["to"]) == ("INAAA", "OMCCC")
    assert part["time_h"] == pytest.approx(228.0)
    assert part["first_wait_excluded_h"] == pytest.approx(42.0)
    assert detail["p2p"]["door_to_door_time_d"] == pytest.approx(315 / 24)
    assert detail["d2d"]["port_to_port"] is None
    assert detail["stay"]["door_to_door_time_d"] == pytest.approx(242 / 24)
    assert list(result.to_frame()["scope"]) == ["port_to_port", "door_to_door", "port_to_port"]


# --- on the embedded data --------------------------------------------------------------
@pytest.fixture(scope="module")
def network():
    from instc.network import load_network

    return load_network(as_of=None)


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ("r1,Atlantis,Moscow,2024,,,,1,,,,F018,\n", "runs.csv:2:origin: unknown place"),
        ("r1,Baku,Moscow,2024,sues,,,1,,,,F018,\n", "runs.csv:2:family: unknown family 'sues'"),
        ("r1,Baku,Moscow,2024,,,,1,,,,W-nowhere,\n", "runs.csv:2:source_ids: unknown source id"),
        ("r1,Baku,Moscow,2024,,Narnia,,1,,,,F018,\n", "runs.csv:2:via:"),
    ],
)
def test_runs_are_checked_against_the_network(tmp_path, network, row, needle):
    path = _write(tmp_path, row)
    with pytest.raises(DataError) as info:
        backtest(network, read_runs(path))
    assert needle in str(info.value)


def test_example_file_runs_with_its_sources(network):
    runs = read_runs(EXAMPLE)
    assert len(runs) >= 8
    sources = set(network.sources["source_id"])
    assert all(set(r.source_ids) <= sources for r in runs)
    result = CliRunner().invoke(app, ["backtest", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["runs"]] == [r.run_id for r in runs]
    for run in data["runs"]:
        detail = data["summary"]["detail"][run["id"]]
        # every run has model figures, or says why it has none
        assert (run["model"]["time_d"] is not None) != bool(detail["no_route_reason"])
        obs, model, err = run["observed"], run["model"], run["error"]
        if obs["time_d"] is not None and model["time_d"] is not None:
            assert err["time_pct"] == pytest.approx((model["time_d"] / obs["time_d"] - 1) * 100)
    table = CliRunner().invoke(app, ["backtest", str(EXAMPLE)], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "model vs observed" in table.stdout and "median |error|" in table.stdout
    assert "scope" in table.stdout and "p2p" in table.stdout
