"""The server's own options and job control: ``instc serve --data`` and ``--tntp``,
the TNTP assignment job and job cancellation."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from instc.cli import app as cli_app
from instc.network.contract import embedded_data_dir

runner = CliRunner()
RENAMED = "Nhava Sheva Testport"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded dataset with Nhava Sheva's name changed (nothing else)."""
    copy = tmp_path_factory.mktemp("serve") / "data"
    shutil.copytree(embedded_data_dir(), copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    nodes = copy / "nodes.csv"
    text = nodes.read_text(encoding="utf-8")
    assert text.count('INNSA,"Nhava Sheva (JNPA), Navi Mumbai"') == 1
    nodes.write_text(
        text.replace('INNSA,"Nhava Sheva (JNPA), Navi Mumbai"', f"INNSA,{RENAMED}"),
        encoding="utf-8",
    )
    return copy


def _served_app(monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    """The application ``instc serve ARGS`` would run (uvicorn.run is intercepted)."""
    import uvicorn

    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.update(app=app, **kw))
    result = runner.invoke(cli_app, ["serve", *args])
    assert result.exit_code == 0, result.output
    return served["app"]


def _client(app: Any) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app)


def _wait(client: Any, job: dict[str, Any]) -> str:
    """The job's last status event (the stream ends when the job ends)."""
    events = []
    with client.stream("GET", job["events_url"]) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                events.append(line.split(":", 1)[1].strip())
    return events[-1]


def test_serve_data_answers_from_that_dataset(
    monkeypatch: pytest.MonkeyPatch, dataset: Path
) -> None:
    app = _served_app(monkeypatch, "--data", str(dataset))
    with _client(app) as client:
        found = client.get("/api/places", params={"q": "testport"}).json()
        assert [p["node_id"] for p in found] == ["INNSA"]
        assert found[0]["name"] == RENAMED
        body = {"origin": "INNSA", "destination": "RU-MOSCOW", "as_of": "2026-06-01"}
        answer = client.post("/api/route", json=body)
        assert answer.status_code == 200, answer.text
        args = ["route", "INNSA", "RU-MOSCOW", "--as-of", "2026-06-01", "--data", str(dataset)]
        cli = runner.invoke(cli_app, [*args, "--json"])
        assert answer.text == cli.stdout
        assert json.loads(answer.text)["legs"][0]["from_name"] == RENAMED


def test_serve_without_data_is_the_embedded_dataset(client_default: Any) -> None:
    assert client_default.get("/api/places", params={"q": "testport"}).json() == []


@pytest.fixture(scope="module")
def client_default() -> Iterator[Any]:
    from instc.api import create_app

    with _client(create_app()) as client:
        yield client


def test_serve_refuses_a_bad_data_or_tntp_folder(tmp_path: Path) -> None:
    missing = runner.invoke(cli_app, ["serve", "--data", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert "nope" in missing.output and "Traceback" not in missing.output
    no_tntp = runner.invoke(cli_app, ["serve", "--tntp", str(tmp_path / "none")])
    assert no_tntp.exit_code == 2
    assert "--tntp" in no_tntp.output and "Traceback" not in no_tntp.output


def test_tntp_job_is_the_cli_json(monkeypatch: pytest.MonkeyPatch, tntp_dir: Path) -> None:
    app = _served_app(monkeypatch, "--tntp", str(tntp_dir))
    with _client(app) as client:
        r = client.post("/api/jobs/assign-tntp", json={"network": "SiouxFalls", "gap": 1e-4})
        assert r.status_code == 202, r.text
        job = r.json()
        assert _wait(client, job) == "done"
        api = client.get(job["result_url"]).json()
        unknown = client.post("/api/jobs/assign-tntp", json={"network": "SiouxFall"})
        assert unknown.status_code == 400
        assert "SiouxFalls" in unknown.json()["detail"]  # the did-you-mean
        outside = client.post("/api/jobs/assign-tntp", json={"network": "../tntp"})
        assert outside.status_code == 422
    cli = runner.invoke(
        cli_app, ["assign", "tntp", str(tntp_dir / "SiouxFalls"), "--gap", "1e-4", "--json"]
    )
    expected = json.loads(cli.stdout)
    assert set(api) == set(expected)
    for key in set(expected) - {"seconds"}:  # wall time differs between runs
        assert api[key] == expected[key], key


def test_tntp_job_needs_a_tntp_folder(client_default: Any) -> None:
    r = client_default.post("/api/jobs/assign-tntp", json={"network": "SiouxFalls"})
    assert r.status_code == 400
    assert "--tntp" in r.json()["detail"]


def test_a_cancelled_job_says_so_and_keeps_no_result(client_default: Any) -> None:
    body = {"origin": "INNSA", "destination": "RU-MOSCOW", "samples": 1000, "seed": 2}
    first = client_default.post("/api/jobs/reliability", json=body).json()
    second = client_default.post("/api/jobs/reliability", json=body).json()
    for job in (first, second):
        r = client_default.delete(job["status_url"])
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "cancelled"
    jobs = client_default.app.state.jobs
    for job in (first, second):
        assert jobs.get(job["job_id"]).ended.wait(120)  # its worker let go of it
        assert client_default.get(job["status_url"]).json()["status"] == "cancelled"
        assert _wait(client_default, job) == "cancelled"
        assert client_default.get(job["result_url"]).status_code == 409
        assert jobs.get(job["job_id"]).result is None
    assert client_default.delete("/api/jobs/nope").status_code == 404


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cancelling_a_running_job_stops_its_work_and_frees_its_worker(
    client_default: Any,
) -> None:
    jobs = client_default.app.state.jobs
    long = client_default.post("/api/jobs/criticality", json={"elements": "links"}).json()
    found = jobs.get(long["job_id"])
    deadline = time.monotonic() + 300
    while found.done_total[0] < 1:  # wait until its worker process is at work on it
        assert found.status in ("queued", "running") and time.monotonic() < deadline
        time.sleep(0.02)
    done, total = found.done_total
    assert done < total  # removing each of ~100 links in turn: far from its end
    pid = found.worker_pid
    assert pid is not None and _alive(pid)
    assert client_default.delete(long["status_url"]).json()["status"] == "cancelled"
    assert found.ended.wait(60)
    assert not _alive(pid)  # the process computing it is gone, not left running
    # with one worker, the next job runs now, not after the cancelled one would have
    small = {"origin": "INNSA", "destination": "RU-MOSCOW", "samples": 200, "seed": 5}
    after = client_default.post("/api/jobs/reliability", json=small).json()
    assert _wait(client_default, after) == "done"
    assert jobs.get(after["job_id"]).worker_pid != pid
    assert found.done_total[0] < found.done_total[1]  # the cancelled job never finished
    assert client_default.get(long["status_url"]).json()["status"] == "cancelled"


def test_an_ended_job_cannot_be_cancelled(client_default: Any) -> None:
    body = {"origin": "INNSA", "destination": "RU-MOSCOW", "samples": 200, "seed": 4}
    job = client_default.post("/api/jobs/reliability", json=body).json()
    assert _wait(client_default, job) == "done"
    r = client_default.delete(job["status_url"])
    assert r.status_code == 409
    assert client_default.get(job["status_url"]).json()["status"] == "done"


def test_network_and_route_geojson_say_how_land_links_are_drawn(client_default: Any) -> None:
    features = client_default.get("/api/network", params={"as_of": "2030"}).json()["features"]
    by_id = {f["properties"].get("link_id"): f for f in features}
    road = by_id["d-makhachkala-astrakhan"]
    assert road["properties"]["alignment"] == "waypoints"
    # through Kizlyar, Kochubey and Liman (waypoints.csv)
    assert len(road["geometry"]["coordinates"]) == 5
    assert [46.71, 43.85] in road["geometry"]["coordinates"]
    land = [f for f in features if f["properties"].get("mode") in ("rail", "road")]
    assert land and all("alignment" in f["properties"] for f in land)
    body = {
        "origin": "Makhachkala",
        "destination": "Astrakhan",
        "as_of": "2030",
        "constraints": {"avoid_mode": ["rail"]},
    }
    legs = client_default.post("/api/route/geojson", json=body).json()["features"]
    drawn = [f for f in legs if f["properties"].get("link_id") == "d-makhachkala-astrakhan"]
    assert len(drawn) == 1
    assert drawn[0]["properties"]["alignment"] == "waypoints"
    assert drawn[0]["geometry"]["coordinates"] == road["geometry"]["coordinates"]
