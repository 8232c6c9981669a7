"""The CLI commands that now run on the service layer give the same JSON (and the same
report file) as their HTTP endpoints."""

from __future__ import annotations

import json
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
