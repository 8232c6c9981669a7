"""Scenario diffs with the real route planner on the embedded corridor network."""

from __future__ import annotations

import math

import pytest

from instc._errors import NoRouteError
from instc.network.load import load_network
from instc.network.model import Network
from instc.scenarios import apply_scenario, bundled_names, load_bundled, parse_scenario
from instc.scenarios.diff import (
    ODPair,
    default_pairs,
    diff_networks,
    family_of,
    route_planner,
    run_scenario,
)
from instc.units import HOURS_PER_DAY

HEAD = 'name = "t"\ndescription = "test"\nsources = ["F058"]\n'


@pytest.fixture(scope="module")
def embedded() -> Network:
    return load_network(as_of="2026-11-25")


def test_empty_scenario_gives_a_zero_diff(embedded: Network) -> None:
    diff = run_scenario(embedded, parse_scenario(HEAD, file="empty.toml"))
    assert len(diff.pairs) == len(default_pairs())
    routed = [p for p in diff.pairs if p.delta is not None]
    assert routed, "the default pairs must have routes"
    for pair in diff.pairs:
        assert not pair.changed
        assert (pair.before is None) == (pair.after is None)
        assert all(v == 0.0 for v in (pair.delta or {}).values())
        assert pair.links_entered == () and pair.links_left == ()


def test_closing_a_link_of_the_best_route_changes_it_and_never_uses_it(
    embedded: Network,
) -> None:
    plan = route_planner(by="cost")
    pair = ODPair("IRBND", "AZ-BAKU", "container")
    best = plan(embedded, pair.origin, pair.destination, pair.cargo)
    used = [lid for lid in best.link_ids]
    assert len(used) >= 3
    for link in used:
        closed = parse_scenario(HEAD + f'[[edit]]\naction = "close"\nlink = "{link}"\n', file="c")
        diff = diff_networks(embedded, apply_scenario(embedded, closed), [pair], planner=plan)
        result = diff.pairs[0]
        assert result.changed
        if result.after is None:
            assert result.no_route_after  # the link was a bridge of the network
            continue
        assert link in result.links_left
        after = plan(apply_scenario(embedded, closed), pair.origin, pair.destination, pair.cargo)
        assert link not in after.link_ids
        # the old best route is gone, so the new best cannot be cheaper
        assert result.delta is not None and result.delta["cost_usd"] >= -1e-9


@pytest.mark.parametrize("name", ["tariff-cut-50", "eastern-discounts"])
def test_a_tariff_cut_never_raises_cost(embedded: Network, name: str) -> None:
    diff = run_scenario(embedded, load_bundled(name))
    for pair in diff.pairs:
        assert (pair.before is None) == (pair.after is None)
        if pair.delta is not None:
            assert pair.delta["cost_usd"] <= 1e-9, (pair.origin, pair.destination)


def test_tariff_cut_lowers_a_rail_route(embedded: Network) -> None:
    """A route on Iranian rail is cheaper with the trilateral cut (when tariffs exist)."""
    plan = route_planner(by="cost")
    pair = ODPair("IRBND", "IR-RASHT", "container")
    before = plan(embedded, pair.origin, pair.destination, pair.cargo)
    after = plan(
        apply_scenario(embedded, load_bundled("tariff-cut-50")),
        pair.origin,
        pair.destination,
        pair.cargo,
    )
    freight = sum(leg.freight_usd for leg in before.legs if leg.mode == "rail")
    assert after.totals.cost_usd <= before.totals.cost_usd - 0.5 * freight + 1e-6


def _rail_route(network: Network, *, allow: tuple[str, ...]) -> object:
    """Bandar Abbas -> Moscow by rail through Astara: every road link avoided but ``allow``."""
    from instc.routing.shortest import route

    assert network.all_links is not None
    roads = network.all_links.loc[network.all_links["mode"] == "road", "link_id"]
    return route(
        network,
        "IRBND",
        "RU-MOSCOW",
        cargo="container",
        by="time",
        via=["link:r-astara-astara"],
        avoid={
            "link": [r for r in roads if r not in allow],
            "mode": ["sea", "ferry"],
            "country": ["KZ", "TM"],
        },
    )


def test_rasht_astara_replaces_the_truck_leg_in_the_rail_time(embedded: Network) -> None:
    """Opening Rasht–Astara changes the Bandar Abbas -> Moscow rail time by the rail leg and
    gauge break minus the truck leg and its two handlings, computed here by hand."""
    before = _rail_route(embedded, allow=("d-rasht-astara",))
    assert "d-rasht-astara" in before.link_ids  # type: ignore[attr-defined]
    with pytest.raises(NoRouteError):
        _rail_route(embedded, allow=())  # no all-rail western route today
    opened = apply_scenario(embedded, load_bundled("rasht-astara"))
    after = _rail_route(opened, allow=())
    assert "r-rasht-astara" in after.link_ids  # type: ignore[attr-defined]
    assert "d-rasht-astara" not in after.link_ids  # type: ignore[attr-defined]

    links = embedded.all_links.set_index("link_id")  # type: ignore[union-attr]
    transfers = embedded.transfers.set_index(["node_id", "from_layer", "to_layer"])
    params = embedded.parameters

    def dwell(node: str, a: str, b: str) -> float:
        key = (node, a, b) if (node, a, b) in transfers.index else (node, b, a)
        return float(transfers.loc[key, "dwell_h"])

    rail_h = links.loc["r-rasht-astara", "length_km"] / params["speed"]["rail1435_kmh"]["value"]
    truck_h = links.loc["d-rasht-astara", "length_km"] / params["speed"]["road_kmh"]["value"]
    # the truck leg also made the container wait again for its wagon to be formed into a
    # train when it re-entered the rail at Astara (road -> rail1520); a gauge break keeps
    # the train, so the all-rail route waits once, at Bandar Abbas, like the truck route
    formation_h = params["waiting"]["wagonload_formation_h"]["value"]
    expected_delta_h = (rail_h + dwell("IR-ASTARA", "rail1520", "rail1435")) - (
        dwell("IR-RASHT", "rail1435", "road")
        + truck_h
        + dwell("IR-ASTARA", "rail1520", "road")
        + formation_h
    )
    delta_h = after.totals.time_h - before.totals.time_h  # type: ignore[attr-defined]
    assert delta_h == pytest.approx(expected_delta_h, abs=1e-6)
    assert delta_h < 0, "opening the railway must shorten the rail route"
    # "roughly the truck leg it replaces": within a day of the truck leg with its handlings
    # and the formation wait it caused
    assert abs(delta_h) < HOURS_PER_DAY + truck_h + formation_h


def test_rasht_astara_run_shows_the_change_on_the_affected_pairs(embedded: Network) -> None:
    diff = run_scenario(embedded, load_bundled("rasht-astara"))
    changed = [p for p in diff.pairs if p.changed]
    assert changed
    for pair in changed:
        assert "r-rasht-astara" in pair.links_entered
        assert pair.delta is not None and math.isfinite(pair.delta["cost_usd"])
    data = diff.to_dict()
    assert data["scenario"] == "rasht-astara"
    assert data["baseline"] == "baseline without rasht-astara"
    first = data["pairs"][0]
    assert {"origin", "destination", "cargo", "before", "after", "delta"} <= set(first)
    assert set(first["delta"]) == set(first["before"]) >= {"cost_usd", "time_h", "co2e_kg"}


def test_mode_shares_sum_to_one_and_family_is_classified(embedded: Network) -> None:
    diff = run_scenario(embedded, load_bundled("red-sea-closed"))
    for pair in diff.pairs:
        for shares in (pair.mode_share_before, pair.mode_share_after):
            if shares:
                assert sum(shares.values()) == pytest.approx(1.0)
    suez = [p for p in diff.pairs if p.family_before == "suez"]
    assert suez, "some default pair goes via Suez today"
    assert all(p.family_after != "suez" for p in diff.pairs)


def test_family_of_uses_the_data_definitions(embedded: Network) -> None:
    from instc.routing.compare import load_families

    plan = route_planner(by="cost")
    option = plan(embedded, "IRBND", "RU-MOSCOW", "truck")
    # by hand from families.toml: [western_road] is via link:d-astarachay-bridge (or the
    # old Astara border road), avoids KZ and TM, rail and ferry; this truck route meets
    # all of that, and no other family allows a road-only route across Azerbaijan
    assert "d-astarachay-bridge" in option.link_ids
    assert not {"KZ", "TM"} & set(option.countries)
    assert {leg.mode for leg in option.legs if leg.kind == "link"} == {"road"}
    assert family_of(option, load_families()) == "western_road"
    assert option.family == "western_road"
    # a family that avoids everything matches nothing
    import dataclasses

    first = load_families()[0]
    none = dataclasses.replace(first, via=(), avoid={"country": tuple(option.countries)})
    assert family_of(option, [none]) is None
    anything = dataclasses.replace(first, via=(), avoid={})
    assert family_of(option, [anything]) == first.family_id


# Scenarios whose effect is legal or a baseline rather than a number on the default pairs.
NO_NUMERIC_EFFECT = {"caspian-convention"}
# Scenarios that make a family cheaper without making it the best on any default pair:
# the eastern discounts (KTZ -40 %, RZD -20 %) leave eastern rail behind the Caspian sea
# and western rail once the Sarakhs crane reload (USD 150/TEU) and the terminals at both
# ends are charged; before, they flipped one pair by USD 8.
FAMILY_EFFECT = {"eastern-discounts": ("IRBND", "RU-MOSCOW", "eastern_rail")}


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_scenario_runs(embedded: Network, name: str) -> None:
    diff = run_scenario(embedded, load_bundled(name))
    assert diff.scenario == name and len(diff.pairs) == len(default_pairs())
    changed = [p for p in diff.pairs if p.changed]
    if name in NO_NUMERIC_EFFECT:
        assert not changed
    elif name in FAMILY_EFFECT:
        from instc.routing.compare import compare
        from instc.scenarios import apply_scenario

        origin, destination, family = FAMILY_EFFECT[name]
        after = apply_scenario(embedded, load_bundled(name))

        def cost(net: Network) -> float:
            options = compare(net, origin, destination).options
            return next(o.totals.cost_usd for o in options if o.family == family)

        assert cost(after) < cost(embedded) - 1.0
    else:
        assert changed, f"{name} changes none of the default pairs"


def test_same_date_keeps_only_the_scenario_edits(embedded: Network) -> None:
    """A scenario that only moves the date changes routes through the project timeline;
    with same_date the baseline moves too and the diff is zero."""
    later = parse_scenario(HEAD + 'as_of = "2029-06-01"\n', file="later.toml")
    pairs = [ODPair("IRBND", "AZ-BAKU", "container"), ODPair("INNSA", "AZ-BAKU", "container")]
    moved = run_scenario(embedded, later, pairs=pairs)
    assert moved.as_of_before == embedded.as_of and str(moved.as_of_after) == "2029-06-01"
    assert any(p.changed for p in moved.pairs)  # Rasht–Astara is expected open by then
    same = run_scenario(embedded, later, pairs=pairs, same_date=True)
    assert same.as_of_before == same.as_of_after
    assert not any(p.changed for p in same.pairs)
    assert same.to_dict()["as_of_after"] == "2029-06-01"


def test_many_scenarios_make_one_comparison_table(embedded: Network) -> None:
    from instc.scenarios.diff import compare_table

    pairs = [ODPair("IRBND", "AZ-BAKU", "container"), ODPair("INNSA", "RU-MOSCOW", "container")]
    diffs = [
        run_scenario(embedded, load_bundled(n), pairs=pairs)
        for n in ("astara-border-closed", "red-sea-closed")
    ]
    table = compare_table(diffs)
    assert len(table) == 4
    assert table["scenario"].tolist() == ["astara-border-closed"] * 2 + ["red-sea-closed"] * 2
    row = table.set_index(["scenario", "origin"]).loc[("red-sea-closed", "INNSA")]
    assert row["delta_cost_usd"] == pytest.approx(row["after_cost_usd"] - row["before_cost_usd"])
    assert row["family_before"] == "suez" and row["changed"]


def test_a_project_scenario_is_compared_on_its_date_without_the_project(
    embedded: Network,
) -> None:
    """The dataset expects Rasht–Astara open in 2028, the scenario's date: the same-date
    baseline holds it closed, so the western rail family of Nhava Sheva -> Moscow gains
    exactly what the railway replaces: the truck leg Rasht–Astara and the two rail<->truck
    handlings (with the wait for a new wagon formation at Astara) against the rail leg and
    the gauge break, computed here from the tables."""
    from instc.scenarios.diff import family_planner

    pair = ODPair("INNSA", "RU-MOSCOW", "container")
    diff = run_scenario(
        embedded, load_bundled("rasht-astara"), pairs=[pair], family_plan=family_planner()
    )
    assert diff.same_date and str(diff.as_of_before) == str(diff.as_of_after) == "2028-01-01"
    assert diff.held_closed == ("rasht-astara",)
    western = next(f for f in diff.pairs[0].families if f.family == "western_rail")
    assert western.delta is not None

    links = embedded.all_links.set_index("link_id")  # type: ignore[union-attr]
    tariffs = embedded.tables["tariffs"].set_index("tariff_id")["usd_per_unit_km"]
    transfers = embedded.transfers.set_index(["node_id", "from_layer", "to_layer"])
    params = embedded.parameters

    def transfer(node: str, a: str, b: str, column: str) -> float:
        key = (node, a, b) if (node, a, b) in transfers.index else (node, b, a)
        return float(transfers.loc[key, column])

    rail_km = links.loc["r-rasht-astara", "length_km"]
    truck_km = links.loc["d-rasht-astara", "length_km"]
    gauge = ("IR-ASTARA", "rail1520", "rail1435")
    handlings = (("IR-RASHT", "rail1435", "road"), ("IR-ASTARA", "rail1520", "road"))
    cost = (
        rail_km * tariffs["rail-container-ir"]
        + transfer(*gauge, "cost_usd_per_teu")
        - truck_km * tariffs["road-container-default"]
        - sum(transfer(*h, "cost_usd_per_teu") for h in handlings)
    )
    time_h = (
        rail_km / params["speed"]["rail1435_kmh"]["value"]
        + transfer(*gauge, "dwell_h")
        - truck_km / params["speed"]["road_kmh"]["value"]
        - sum(transfer(*h, "dwell_h") for h in handlings)
        - params["waiting"]["wagonload_formation_h"]["value"]
    )
    assert western.delta["cost_usd"] == pytest.approx(cost, abs=0.01)
    assert western.delta["time_h"] == pytest.approx(time_h, abs=1e-6)
    assert cost < 0 and time_h < 0  # faster and cheaper, by about USD 284 and 1.9 days


def test_no_same_date_compares_the_dataset_at_two_dates(embedded: Network) -> None:
    """--no-same-date: the baseline is the network as given (its own date), with the
    project in its dataset timeline (not open yet on 2026-11-25)."""
    pair = ODPair("IRBND", "AZ-BAKU", "container")
    diff = run_scenario(embedded, load_bundled("rasht-astara"), pairs=[pair], same_date=False)
    assert not diff.same_date and diff.held_closed == () and diff.baseline == "baseline"
    assert diff.as_of_before == embedded.as_of and str(diff.as_of_after) == "2028-01-01"
    assert "r-rasht-astara" in diff.pairs[0].links_entered


def test_opened_projects_follow_the_parent_chain() -> None:
    from instc.scenarios.baseline import opened_projects, without_projects

    child = parse_scenario(HEAD + 'parent = "rasht-astara"\n', file="child.toml")
    assert opened_projects(child) == ("rasht-astara",)
    counterfactual = without_projects(child, None)
    assert [e.action for e in counterfactual.edits] == ["close"]
    assert counterfactual.edits[0].selection.project == ("rasht-astara",)
    assert without_projects(load_bundled("red-sea-closed"), None).edits == ()


def test_pipeline_scenario_shows_the_cost_per_tonne_of_the_route_it_opens(
    embedded: Network,
) -> None:
    """Baku–Novorossiysk, suspended since 2022, is the only liquid way from Sangachal to
    Novorossiysk: without it no route, with it the tariff (USD per t-km, cut by 25 %)
    times the length, per tonne."""
    pair = ODPair("AZ-SANGACHAL", "RUNVS", "liquid")
    diff = run_scenario(embedded, load_bundled("baku-novorossiysk-15mt"), pairs=[pair])
    oil = diff.pairs[0]
    assert (
        oil.before is None and oil.no_route_before and "o-baku-novorossiysk" in oil.no_route_before
    )
    assert oil.after is not None and oil.unit == "t"
    tariffs = embedded.tables["tariffs"].set_index("tariff_id")
    length_km = embedded.all_links.set_index("link_id").loc["o-baku-novorossiysk", "length_km"]  # type: ignore[union-attr]
    expected = tariffs.loc["pipeline-bnp", "usd_per_unit_km"] * length_km * 0.75
    assert oil.after["cost_usd"] == pytest.approx(expected, rel=1e-9)  # USD 12.0 per t
    assert "o-baku-novorossiysk" in oil.links_entered
