"""The network commands: output, exit codes, and never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from network_testutil import MINI, copy_mini, read_rows, set_cell
from test_network_validate import CASES
from typer.testing import CliRunner

from instc.cli import app
from instc.network.validate import validate_directory

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_validate_valid() -> None:
    result = run("validate", MINI)
    assert result.exit_code == 0
    assert "valid" in result.stdout


def test_validate_prints_every_problem(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    set_cell(d, "links", 3, "length_km", "12 km")
    set_cell(d, "nodes", 4, "country", "XX")
    result = run("validate", d)
    assert result.exit_code == 2
    lines = [line for line in result.stdout.splitlines() if line]
    assert lines == [str(p) for p in validate_directory(d)]
    assert "links.csv:3:length_km: '12 km' is not a number — write the number only, in km" in lines
    assert f"{len(lines)} problems in 2 files: links.csv, nodes.csv" in result.stderr


@pytest.mark.parametrize(
    ("mutate", "file"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_no_malformed_input_gives_a_traceback(tmp_path: Path, mutate, file: str) -> None:  # type: ignore[no-untyped-def]
    d = copy_mini(tmp_path)
    mutate(d)
    checked = run("validate", d)
    assert checked.exit_code == 2, checked.output
    assert file in checked.output
    loaded = run("network", "summary", "--data", d)
    assert loaded.exit_code == 2, loaded.output
    assert loaded.stdout == ""
    assert loaded.stderr.startswith("error: ") and loaded.stderr.count("\n") == 1


def test_summary_json_keys_and_as_of() -> None:
    before = json.loads(
        run("network", "summary", "--data", MINI, "--as-of", "2026-01-01", "--json").stdout
    )
    after = json.loads(
        run("network", "summary", "--data", MINI, "--as-of", "2031", "--json").stdout
    )
    assert list(before) == ["as_of", "nodes", "links", "length_km_by_mode", "countries", "projects"]
    assert before["as_of"] == "2026-01-01" and after["as_of"] == "2031-01-01"
    assert (before["nodes"], before["links"], after["links"]) == (6, 7, 8)
    assert before["length_km_by_mode"] == {"ferry": 720.0, "rail": 1708.0, "road": 1472.0}
    assert after["length_km_by_mode"]["rail"] == 1870.0
    assert before["countries"] == ["AZ", "IR", "RU"]
    assert before["projects"] == [
        {"id": "P-RA", "name": "Rasht–Astara railway", "status": "under_construction"}
    ]
    assert after["projects"][0]["status"] == "open"


def test_summary_table() -> None:
    result = run("network", "summary", "--data", MINI, "--as-of", "2031")
    assert result.exit_code == 0
    assert "8 usable links" in result.stdout and "Rasht–Astara railway" in result.stdout


@pytest.mark.parametrize("bad", ["2031-13", "tomorrow", "31.12.2030"])
def test_bad_as_of_is_one_red_line(bad: str) -> None:
    result = run("network", "summary", "--data", MINI, "--as-of", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: bad as-of date")
    assert "YYYY-MM-DD" in result.stderr


def test_missing_data_dir(tmp_path: Path) -> None:
    result = run("network", "summary", "--data", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "dataset directory not found" in result.stderr


def test_show_node() -> None:
    result = run("network", "show", "Rasht", "--data", MINI, "--as-of", "2031", "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["node"]["node_id"] == "IR-RASHT"
    assert {r["link_id"] for r in shown["links"]} == {"L-RASHT", "L-IRRAIL", "L-IRROAD", "L-ASROAD"}
    assert {s["source_id"] for s in shown["sources"]} == {"S2", "S3"}
    assert shown["services"] == []
    baku = json.loads(run("network", "show", "AZBAK", "--data", MINI, "--json").stdout)
    assert [s["service_id"] for s in baku["services"]] == ["SV-FERRY"]
    assert "S1" in {s["source_id"] for s in baku["sources"]}
    table = run("network", "show", "ir-astara", "--data", MINI)
    assert "gauge_break" in table.stdout and "B-ASTARA" in table.stdout


def test_show_unknown_and_ambiguous_place() -> None:
    result = run("network", "show", "Astara", "--data", MINI)
    assert result.exit_code == 2
    assert "did you mean 'Astara (AZ-ASTARA)', 'Astara (IR-ASTARA)'?" in result.stderr.replace(
        "\n", " "
    )
    assert run("network", "show", "Atlantis", "--data", MINI).exit_code == 2


def test_audit_json() -> None:
    report = json.loads(run("network", "audit", "--data", MINI, "--json").stdout)
    links = report["links"]
    assert links["rows"] == 8
    assert links["estimated"] == {
        "count": 1,
        "rows": [{"id": "L-IRRAIL", "columns": ["length_km"]}],
    }
    assert links["unsourced"]["count"] == 1
    assert {r["id"] for r in links["ranges"]["rows"]} == {"L-FERRY", "L-RASHT"}
    assert links["missing"]["capacity_per_year"]["count"] == 7
    assert report["parameters"]["estimated"]["keys"] == ["speed.rail_kmh"]
    assert report["parameters"]["ranges"]["keys"] == ["speed.road_kmh"]
    checks = report["checks"]
    assert checks["shorter_than_great_circle"]["count"] == 0
    # the fixture has transfers to layers with no link at Baku (road), Astrakhan (rail);
    # Baku's road layer is its door behind the ferry terminal, not a layer gone unserved
    assert checks["transfers_to_unserved_layers"]["rows"] == [
        {"id": "RUAST/ferry/rail1520", "layer": "rail1520"},
    ]
    assert checks["isolated_nodes"]["ids"] == []
    # the fixture forecasts the opening by 2030-2032, not overdue before 2032
    assert checks["forecasts_overdue"]["count"] == 0
    assert checks["links_never_usable"]["count"] == 0
    assert checks["sources_never_cited"] == {"count": 0, "ids": []}
    table = run("network", "audit", "--data", MINI)
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    at = lines.index("check transfers to unserved layers: 1")
    assert lines[at + 1 : at + 2] == ["  RUAST/ferry/rail1520: layer rail1520"]


def test_audit_text_gives_each_gap_its_reason_on_one_line() -> None:
    """The plain-text audit says why each gap is one, like --json: one line per gap."""
    report = json.loads(run("network", "audit", "--json").stdout)
    gaps = report["checks"]["gaps"]["rows"]
    lines = run("network", "audit").stdout.splitlines()
    at = lines.index(f"check gaps: {len(gaps)}")
    shown = lines[at + 1 : at + 1 + len(gaps)]
    assert shown == [f"  {g['id']} — {' '.join(g['reason'].split())}" for g in gaps]
    assert "  links/r-moscow-astrakhan — capacity_per_year: gap" in "\n".join(shown)


def test_audit_finds_a_link_shorter_than_the_straight_line(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    set_cell(d, "links", 7, "length_km", "800")  # Rasht - Bandar Abbas is ~1,300 km apart
    report = json.loads(run("network", "audit", "--data", d, "--json").stdout)
    (row,) = report["checks"]["shorter_than_great_circle"]["rows"]
    assert row["id"] == "L-IRRAIL" and row["length_km"] == 800.0
    assert row["great_circle_km"] == pytest.approx(1300, rel=0.05)


def test_sources() -> None:
    listed = json.loads(run("sources", "--data", MINI, "--json").stdout)
    assert [s["source_id"] for s in listed] == ["S1", "S2", "S3"]
    one = json.loads(run("sources", "S3", "--data", MINI, "--json").stdout)
    assert one["cited_by"]["links"] == ["L-RASHT"]
    assert one["cited_by"]["project_status"] == [
        "P-RA/planned/2016-01-01", "P-RA/under_construction/2025-01-01", "P-RA/open/2030-01-01",
    ]  # fmt: skip
    assert "parameters" not in one["cited_by"]  # no parameter cites S3
    s1 = json.loads(run("sources", "S1", "--data", MINI, "--json").stdout)
    assert s1["cited_by"]["parameters"][:1] == ["cargo.tonnes_per_teu"]
    assert "emissions.default_class.ferry" in s1["cited_by"]["parameters"]
    unknown = run("sources", "S33", "--data", MINI)
    assert unknown.exit_code == 2 and "did you mean 'S3'" in unknown.stderr


def test_export_and_import_commands(tmp_path: Path) -> None:
    result = run("export", "--format", "gmns", "--out", tmp_path / "g", "--data", MINI)
    assert result.exit_code == 0, result.output
    result = run("import", "gmns", tmp_path / "g", "--out", tmp_path / "back")
    assert result.exit_code == 0, result.output
    assert run("validate", tmp_path / "back").exit_code == 0
    for fmt in ("geojson", "geoparquet"):
        assert (
            run(
                "export",
                "--format",
                fmt,
                "--out",
                tmp_path / fmt,
                "--data",
                MINI,
                "--as-of",
                "2030",
            ).exit_code
            == 0
        )
    bad = run("export", "--format", "kml", "--out", tmp_path / "k", "--data", MINI)
    assert bad.exit_code == 2 and "unknown export format 'kml'" in bad.stderr
    assert not (tmp_path / "k").exists()


def test_import_of_invalid_gmns_lists_problems(tmp_path: Path) -> None:
    run("export", "--format", "gmns", "--out", tmp_path / "g", "--data", MINI)
    (tmp_path / "g" / "sources.csv").unlink()
    result = run("import", "gmns", tmp_path / "g", "--out", tmp_path / "back")
    assert result.exit_code == 2
    assert "sources.csv: required file is missing" in result.stdout
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "back").exists()


def _instc_command() -> list[str]:
    uv = shutil.which("uv")
    if uv:
        return [uv, "run", "--quiet", "instc"]
    return [str(Path(sys.executable).parent / "instc")]


def test_real_entry_point_prints_no_traceback() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [*_instc_command(), "network", "show", "Atlantis", "--data", str(MINI)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.strip().startswith("error: unknown place 'Atlantis'")
    assert len(proc.stderr.strip().splitlines()) <= 2


def test_cli_import_does_not_load_pandas() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import instc.cli"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    assert "pandas" not in imported and "numpy" not in imported


def test_validate_missing_folder(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "nope")
    assert result.exit_code == 2
    expected = (
        f"{tmp_path / 'nope'}: directory not found — "
        "give the folder that holds nodes.csv, links.csv and sources.csv"
    )
    assert result.stdout.strip() == expected


def test_summary_marks_forecast_statuses() -> None:
    result = run("network", "summary", "--data", MINI, "--as-of", "2031")
    assert "open (expected)" in result.stdout


def test_validate_without_folder_checks_the_embedded_data() -> None:
    result = run("validate")
    assert "valid" in result.stdout or "problem" in result.stderr
    assert result.exit_code in (0, 2)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), value=st.text(max_size=10))
def test_random_cells_never_give_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, value: str
) -> None:
    d = copy_mini(tmp_path_factory.mktemp("cli-fuzz"))
    table = data.draw(st.sampled_from(["links", "nodes", "borders", "transfers", "project_status"]))
    header, rows = read_rows(d / f"{table}.csv")
    line = data.draw(st.integers(2, len(rows) + 1))
    set_cell(d, table, line, data.draw(st.sampled_from(header)), value)
    for args in (("validate", d), ("network", "summary", "--data", d, "--as-of", "2031")):
        result = run(*args)  # raises if anything but SystemExit escaped
        assert result.exit_code in (0, 2)


def test_validate_json(tmp_path: Path) -> None:
    assert json.loads(run("validate", MINI, "--json").stdout) == []
    d = copy_mini(tmp_path)
    set_cell(d, "links", 3, "length_km", "-5")
    result = run("validate", d, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == [
        {
            "file": "links.csv",
            "row": 3,
            "column": "length_km",
            "message": "-5 is below the minimum 0",
            "fix": "use a value >= 0, in km",
        }
    ]
