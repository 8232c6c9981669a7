"""The service layer: frozen queries, content-keyed caches, the CLI's JSON is its JSON."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import instc
from instc import service
from instc.cli import app
from instc.network.contract import embedded_data_dir

runner = CliRunner()


def _cli_json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _same(value: object) -> object:
    """What a JSON reader sees of ``value`` (the CLI's text, read back)."""
    return json.loads(service.dumps(value))


def test_constraints_give_the_engine_avoid_mapping() -> None:
    c = service.Constraints(avoid_country=("RU", "AZ"), avoid_mode=("road",), via=("IRRSH",))
    assert c.avoid() == {"country": ["RU", "AZ"], "mode": ["road"]}
    assert service.Constraints().avoid() == {}


def test_queries_are_frozen_and_hashable() -> None:
    q = service.RouteQuery("INNSA", "RU-MOSCOW", constraints=service.Constraints(("RU",)))
    with pytest.raises(AttributeError):
        q.k = 3  # type: ignore[misc]
    assert hash(q) == hash(service.RouteQuery("INNSA", "RU-MOSCOW", constraints=q.constraints))


def test_flat_keywords_build_the_same_query() -> None:
    flat = instc.route("INNSA", "IRBND", as_of="2026-01-01", avoid_mode=["road"])
    query = service.RouteQuery(
        "INNSA", "IRBND", as_of="2026-01-01", constraints=service.Constraints(avoid_mode=("road",))
    )
    assert flat.query == query
    assert flat is instc.route(query)  # the cached answer


def test_cli_route_json_is_the_service_json() -> None:
    cli = _cli_json("route", "Nhava Sheva", "Moscow", "--as-of", "2026-01-01", "--units", "2")
    answer = service.route(
        service.RouteQuery("Nhava Sheva", "Moscow", as_of="2026-01-01", units=2.0)
    )
    assert cli == _same(answer.to_json())
    assert cli["emissions_account"]  # type: ignore[index]


def test_cli_route_k_json_is_the_service_json() -> None:
    cli = _cli_json("route", "INNSA", "RU-MOSCOW", "--k", "3", "--by", "time")
    answer = service.route(service.RouteQuery("INNSA", "RU-MOSCOW", by="time", k=3))
    assert cli == _same(answer.to_json())
    assert isinstance(cli, list) and len(cli) == len(answer.options)


def test_cli_compare_and_pareto_json_are_the_service_json() -> None:
    cli = _cli_json("compare", "INNSA", "RU-MOSCOW", "--avoid-country", "AZ")
    q = service.CompareQuery(
        "INNSA", "RU-MOSCOW", constraints=service.Constraints(avoid_country=("AZ",))
    )
    assert cli == _same(service.compare(q).to_json())
    cli = _cli_json("pareto", "INNSA", "RU-MOSCOW")
    assert cli == _same(service.pareto(service.RouteQuery("INNSA", "RU-MOSCOW")).to_json())


def test_cli_reliability_and_scenarios_json_are_the_service_json() -> None:
    cli = _cli_json("reliability", "INNSA", "RU-MOSCOW", "--samples", "500", "--seed", "7")
    q = service.ReliabilityQuery("INNSA", "RU-MOSCOW", samples=500, seed=7)
    assert cli == _same(service.reliability(q).to_json())
    assert _cli_json("scenario", "list") == _same(service.scenarios())
    name = service.scenarios()[0]["name"]
    assert _cli_json("scenario", "show", name) == _same(service.scenario_show(name)[1])


def test_as_of_spellings_share_one_network() -> None:
    a = service.get_network(as_of="2027")
    assert service.get_network(as_of="2027-01-01") is a
    assert service.network_key(as_of="2027").as_of.isoformat() == "2027-01-01"  # type: ignore[union-attr]


def test_network_key_is_the_content_not_the_path(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(embedded_data_dir(), copy)
    assert service.network_key(data=str(copy)) == service.network_key()
    links = copy / "links.csv"
    links.write_text(links.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert service.network_key(data=str(copy)).data_sha256 != service.network_key().data_sha256


def test_scenario_key_is_its_content() -> None:
    name = service.scenarios()[0]["name"]
    key = service.network_key(scenario=name)
    assert key.scenario_sha256 is not None
    assert key == service.network_key(scenario=name)
    assert key != service.network_key()


def test_threads_share_one_network_and_agree() -> None:
    service.clear_caches()
    seen: list[object] = []
    costs: list[float] = []

    def work() -> None:
        seen.append(service.get_network(as_of="2028"))
        answer = service.route(service.RouteQuery("INNSA", "RU-MOSCOW", as_of="2028"))
        costs.append(answer.options[0].totals.cost_usd)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(n is seen[0] for n in seen)
    assert len(set(costs)) == 1


def test_a_warm_answer_does_not_wait_for_a_network_being_built() -> None:
    """The API answers warm queries on its event loop (``cached_answer``): a network
    being built in another thread (it holds the build lock for seconds) must not hold
    them up."""
    query = service.RouteQuery("INNSA", "RU-MOSCOW")
    warm = service.route(query)
    found: list[object] = []
    building, done = threading.Event(), threading.Event()

    def build() -> None:  # a cold network load in progress, as the lock sees it
        with service._BUILD_LOCK:
            building.set()
            done.wait(timeout=30)

    builder = threading.Thread(target=build)
    builder.start()
    building.wait(timeout=30)
    try:
        reader = threading.Thread(
            target=lambda: found.append(service.cached_answer("route", query))
        )
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "cached_answer waited for the build lock"
        assert found == [warm]
    finally:
        done.set()
        builder.join()


def test_places_ranks_exact_then_prefix_then_substring() -> None:
    hits = service.places("bandar abbas")
    assert hits[0]["node_id"] == "IRBND"
    ids = [h["node_id"] for h in service.places("bandar", limit=50)]
    # every hit names 'bandar'; none is missing
    assert "IRBND" in ids and "IRBAZ" in ids
    assert service.places("   ") == []
    assert len(service.places("a", limit=3)) == 3
