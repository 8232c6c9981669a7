"""The HTTP API: the CLI's JSON, strict requests, problem+json errors, limits, jobs."""

from __future__ import annotations

import json
from collections.abc import Iterator
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


def _cli(*args: str) -> Any:
    result = runner.invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_route_is_the_cli_json(client: Any) -> None:
    cli = _cli("route", "Nhava Sheva", "Moscow", "--as-of", "2026-06-01", "--avoid-country", "AZ")
    body = {
        "origin": "Nhava Sheva",
        "destination": "Moscow",
        "as_of": "2026-06-01",
        "constraints": {"avoid_country": ["AZ"]},
    }
    assert _ok(client.post("/api/route", json=body)) == cli
    # the same text, byte for byte, as the CLI prints
    text = client.post("/api/route", json=body).text
    assert (
        text
        == runner.invoke(
            cli_app,
            [
                "route",
                "Nhava Sheva",
                "Moscow",
                "--as-of",
                "2026-06-01",
                "--avoid-country",
                "AZ",
                "--json",
            ],
        ).stdout
    )


def test_compare_pareto_reliability_scenarios_are_the_cli_json(client: Any) -> None:
    od = {"origin": "INNSA", "destination": "RU-MOSCOW"}
    assert _ok(client.post("/api/compare", json={**od, "by": "time"})) == _cli(
        "compare", "INNSA", "RU-MOSCOW", "--by", "time"
    )
    assert _ok(client.post("/api/pareto", json=od)) == _cli("pareto", "INNSA", "RU-MOSCOW")
    assert _ok(client.post("/api/reliability", json={**od, "samples": 500, "seed": 3})) == _cli(
        "reliability", "INNSA", "RU-MOSCOW", "--samples", "500", "--seed", "3"
    )
    assert _ok(client.get("/api/scenarios")) == _cli("scenario", "list")
    assert _ok(client.get("/api/scenarios/rasht-astara")) == _cli(
        "scenario", "show", "rasht-astara"
    )


def test_unknown_field_and_out_of_bounds_name_the_field_and_the_fix(client: Any) -> None:
    r = client.post(
        "/api/route", json={"origin": "A", "destination": "B", "k": 11, "avoid_contry": ["RU"]}
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    errors = {e["field"]: e["fix"] for e in r.json()["errors"]}
    assert errors["k"] == "give a value at most 10"
    assert errors["avoid_contry"].startswith("remove this field")
    r = client.post("/api/compare", json={"origin": "A", "destination": "B", "samples": 10})
    assert {e["field"]: e["fix"] for e in r.json()["errors"]} == {
        "samples": "give a value at least 100"
    }
    r = client.get("/api/places", params={"q": "bandar", "limt": 3})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.limt"


def test_scenarios_are_bundled_names_never_paths(client: Any) -> None:
    r = client.post(
        "/api/route", json={"origin": "A", "destination": "B", "scenario": "/etc/passwd"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "scenario"
    assert client.get("/api/scenarios/..%2Fsecret").status_code == 404
    assert client.get("/api/network", params={"scenario": "/etc/passwd"}).status_code == 422


def test_engine_errors_are_one_line_problems(client: Any) -> None:
    r = client.post("/api/route", json={"origin": "Nowhere at all", "destination": "Moscow"})
    assert r.status_code == 400
    problem = r.json()
    assert problem["title"] == "UnknownNameError"
    assert "Nowhere at all" in problem["detail"] and "\n" not in problem["detail"]


def test_body_size_limit(client: Any) -> None:
    r = client.post(
        "/api/route",
        content=b'{"origin": "' + b"x" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


def test_time_limit_is_a_503_problem() -> None:
    from fastapi.testclient import TestClient

    from instc.api import create_app

    # 50,000 samples of every family cannot finish within a millisecond
    body = {"origin": "INNSA", "destination": "RU-MOSCOW", "samples": 50_000, "seed": 11}
    with TestClient(create_app(timeout_s=1e-3)) as slow:
        r = slow.post("/api/reliability", json=body)
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    assert "longer than 0.001 s" in r.json()["detail"]


def test_static_files_stay_in_the_web_folder(client: Any) -> None:
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/vendor/MAPLIBRE-LICENSE.txt").status_code == 200
    assert client.get("/static/%2E%2E/service.py").status_code == 404


def test_openapi_is_published_with_bounds(client: Any) -> None:
    spec = _ok(client.get("/openapi.json"))
    route = spec["components"]["schemas"]["RouteRequest"]
    assert route["additionalProperties"] is False
    assert route["properties"]["k"]["maximum"] == 10
    assert "/api/jobs/{job_id}/events" in spec["paths"]


def test_a_job_runs_reports_progress_and_gives_its_result(client: Any) -> None:
    body = {"origin": "INNSA", "destination": "RU-MOSCOW", "samples": 300, "seed": 5}
    r = client.post("/api/jobs/reliability", json=body)
    assert r.status_code == 202, r.text
    job = r.json()
    events = []
    with client.stream("GET", job["events_url"]) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                events.append(line.split(":", 1)[1].strip())
    assert events[-1] == "done", events
    result = client.get(job["result_url"])
    assert result.status_code == 200
    expected = _cli("reliability", "INNSA", "RU-MOSCOW", "--samples", "300", "--seed", "5")
    assert result.json() == expected
    assert client.get("/api/jobs/nope").status_code == 404


def test_route_geojson_sea_legs_follow_water(client: Any) -> None:
    from shapely import make_valid
    from shapely.geometry import LineString, shape
    from shapely.ops import unary_union

    geo = _ok(
        client.post(
            "/api/route/geojson",
            json={"origin": "INNSA", "destination": "RU-MOSCOW", "constraints": {"via": ["IRBND"]}},
        )
    )
    outlines = _ok(client.get("/api/basemap"))["features"]
    land = unary_union([make_valid(shape(f["geometry"])) for f in outlines])
    sea = [f for f in geo["features"] if f["properties"]["mode"] == "sea"]
    assert sea
    for f in sea:
        coords = f["geometry"]["coordinates"]
        caspian = all(46.5 <= x <= 55.0 and 36.5 <= y <= 47.5 for x, y in coords)
        if caspian:
            continue  # waypoints; Astrakhan and Olya lie up the Volga delta, inland
        assert len(coords) > 2  # a lane, not the straight line
        line = LineString(coords)
        # the 0.1-degree coastline lets a lane graze land near its ports only
        inner = line.intersection(land.buffer(-0.3))
        assert inner.length < 0.02 * line.length, (f["properties"]["link_id"], inner.length)
