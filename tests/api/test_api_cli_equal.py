"""The CLI commands that run on the service layer give the same JSON (and the same report
file) as their HTTP endpoints and jobs: network, sources, route, compare, pareto,
reliability, scenario show/run, criticality, assign corridor, report."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from instc.cli import app as cli_app

runner = CliRunner()


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from instc.api import create_app

    with TestClient(create_app()) as c:
        yield c


def _cli_text(*args: str) -> str:
    result = runner.invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("cli", "path"),
    [
        (("network", "summary", "--as-of", "2030"), "/api/network/summary?as_of=2030"),
        (("network", "show", "Astara", "--as-of", "2027"), "/api/network/places/Astara?as_of=2027"),
        (("network", "audit"), "/api/network/audit"),
        (("sources",), "/api/sources"),
        (("sources", "F019"), "/api/sources/F019"),
    ],
)
def test_network_commands_are_their_endpoints(client: Any, cli: tuple[str, ...], path: str) -> None:
    text = _cli_text(*cli)
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.text == text  # byte for byte
    assert json.loads(text)  # and not empty


def test_unknown_place_or_source_is_a_problem_as_in_the_cli(client: Any) -> None:
    r = client.get("/api/network/places/Atlantis")
    assert r.status_code == 400 and "Atlantis" in r.json()["detail"]
    assert client.get("/api/sources/NOPE-1").status_code == 400
    cli = runner.invoke(cli_app, ["network", "show", "Atlantis"])
    assert cli.exit_code == 2 and "Atlantis" in cli.output


def test_report_job_is_the_cli_report_file(client: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(cli_app, ["report", "--out", str(out), "--as-of", "2030"])
    assert result.exit_code == 0, result.output
    job = client.post("/api/jobs/report", json={"as_of": "2030"}).json()
    with client.stream("GET", job["events_url"]) as stream:
        events = [ln for ln in stream.iter_lines() if ln.startswith("event:")]
    assert events[-1] == "event: done", events
    html = client.get(job["result_url"])
    assert html.status_code == 200
    assert html.content == out.read_bytes()


def _job_text(client: Any, kind: str, body: dict[str, Any]) -> str:
    """The result text of a job run to its end (its events followed until ``done``)."""
    job = client.post(f"/api/jobs/{kind}", json=body)
    assert job.status_code == 202, job.text
    with client.stream("GET", job.json()["events_url"]) as stream:
        events = [ln for ln in stream.iter_lines() if ln.startswith("event:")]
    assert events[-1] == "event: done", events
    result = client.get(job.json()["result_url"])
    assert result.status_code == 200, result.text
    return str(result.text)


@pytest.mark.parametrize(
    ("cli", "path", "body"),
    [
        (
            ("route", "IRBND", "RU-MOSCOW", "--by", "time", "--k", "2"),
            "/api/route",
            {"origin": "IRBND", "destination": "RU-MOSCOW", "by": "time", "k": 2},
        ),
        (
            ("compare", "Nhava Sheva", "Moscow", "--percentile", "90", "--samples", "2000"),
            "/api/compare",
            {"origin": "Nhava Sheva", "destination": "Moscow", "percentile": 90, "samples": 2000},
        ),
        (
            ("pareto", "IRBND", "RU-MOSCOW", "--as-of", "2030"),
            "/api/pareto",
            {"origin": "IRBND", "destination": "RU-MOSCOW", "as_of": "2030"},
        ),
        (
            # the CLI draws a fresh seed unless given one; the API's default seed is 0
            (
                "reliability",
                "INNSA",
                "RU-MOSCOW",
                "--samples",
                "1000",
                "--within-days",
                "30",
                "--seed",
                "0",
            ),
            "/api/reliability",
            {"origin": "INNSA", "destination": "RU-MOSCOW", "samples": 1000, "within_days": 30},
        ),
        (
            ("scenario", "run", "rasht-astara", "--group", "oil", "--no-flows"),
            "/api/scenarios/run",
            {"names": ["rasht-astara"], "groups": ["oil"]},
        ),
    ],
)
def test_queries_are_their_endpoints_byte_for_byte(
    client: Any, cli: tuple[str, ...], path: str, body: dict[str, Any]
) -> None:
    text = _cli_text(*cli)
    answer = client.post(path, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.text == text
    assert json.loads(text)


def test_scenario_show_changes_is_its_endpoint(client: Any) -> None:
    text = _cli_text("scenario", "show", "rasht-astara", "--changes", "--as-of", "2030")
    answer = client.get("/api/scenarios/rasht-astara?changes=true&as_of=2030")
    assert answer.status_code == 200, answer.text
    assert answer.text == text

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    # an emptied cell (the capacity range the scenario replaces) is null, not NaN
    cells = json.loads(text, parse_constant=refuse)["changes"]["cells"]
    emptied = [c for c in cells if c["column"] == "capacity_per_year_low"]
    assert emptied and emptied[0]["after"] is None


@pytest.mark.parametrize(
    ("cli", "kind", "body"),
    [
        (
            ("criticality", "--elements", "borders", "--top", "5"),
            "criticality",
            {"elements": "borders", "top": 5},
        ),
        (
            ("assign", "corridor", "--year", "2030", "--top", "5"),
            "assign",
            {"year": 2030, "top": 5},
        ),
        (  # the CLI's default --flows: the corridor assignment without and with it
            ("scenario", "run", "rasht-astara", "--group", "oil"),
            "scenario-run",
            {"names": ["rasht-astara"], "groups": ["oil"], "flows": True},
        ),
    ],
)
def test_jobs_give_the_cli_json(
    client: Any, cli: tuple[str, ...], kind: str, body: dict[str, Any]
) -> None:
    job, text = _job_text(client, kind, body), _cli_text(*cli)
    if kind == "assign":  # the run's wall time differs, nothing else
        assert job.count('"seconds":') == text.count('"seconds":') >= 1
        job, text = (re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', t) for t in (job, text))
    assert job.rstrip("\n") == text.rstrip("\n")
