"""apply_scenario on the mini fixture network: purity, composition and each action."""

from __future__ import annotations

import copy
import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from instc.network.load import load_network
from instc.network.model import Network
from instc.scenarios import apply_scenario, parse_scenario, read_scenario
from instc.scenarios.apply import TariffIndex

MINI = Path(__file__).resolve().parents[1] / "network" / "fixtures" / "mini"
HEAD = 'name = "t"\ndescription = "test"\nsources = ["S1"]\n'


@pytest.fixture(scope="module")
def mini() -> Network:
    return load_network(MINI, as_of="2026")


def scenario(body: str, head: str = HEAD):  # type: ignore[no-untyped-def]
    return parse_scenario(head + body, file="t.toml")


def snapshot(network: Network) -> dict[str, pd.DataFrame]:
    tables = {k: v.copy(deep=True) for k, v in network.tables.items()}
    assert network.all_links is not None
    tables["__all_links"] = network.all_links.copy(deep=True)
    return tables


def assert_same_tables(a: Network, b: Network) -> None:
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_dtype=True)
    assert a.all_links is not None and b.all_links is not None
    pd.testing.assert_frame_equal(a.all_links, b.all_links)


def test_empty_scenario_gives_an_identical_network(mini: Network) -> None:
    out = apply_scenario(mini, scenario(""))
    assert out is not mini
    assert_same_tables(out, mini)
    assert out.parameters == mini.parameters
    assert out.as_of == mini.as_of


def test_empty_scenario_on_an_unfiltered_network(mini: Network) -> None:
    everything = load_network(MINI, as_of=None)
    assert_same_tables(apply_scenario(everything, scenario("")), everything)


BUSY = """
as_of = "2031-06"
[[edit]]
action = "close"
link = "L-FERRY"
[[edit]]
action = "scale"
field = "cost"
factor = 0.5
mode = "rail"
[[edit]]
action = "set"
field = "speed_kmh"
value = 55.0
link = "L-AZRAIL"
[[edit]]
action = "scale"
field = "dwell_h"
factor = 2.0
border = "B-ASTARA"
[[edit]]
action = "demand"
factor = 3.0
year = 2030
[[edit]]
action = "open"
project = "P-RA"
start = "2027"
[[edit]]
action = "rule"
caspian_littoral_only = true
"""


def test_the_baseline_is_untouched(mini: Network) -> None:
    before = snapshot(mini)
    parameters = copy.deepcopy(dict(mini.parameters))
    out = apply_scenario(mini, scenario(BUSY))
    after = snapshot(mini)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name])
    assert dict(mini.parameters) == parameters
    assert mini.as_of == dt.date(2026, 1, 1)
    assert out.as_of == dt.date(2031, 6, 1)
    assert "rules" not in mini.parameters and "rules" in out.parameters


def test_close_link_removes_it_from_usable_links_but_not_from_all_links(mini: Network) -> None:
    out = apply_scenario(mini, scenario('[[edit]]\naction = "close"\nlink = "L-FERRY"\n'))
    assert "L-FERRY" in set(mini.links["link_id"])
    assert "L-FERRY" not in set(out.links["link_id"])
    assert out.all_links is not None
    row = out.all_links.loc[out.all_links["link_id"] == "L-FERRY"].iloc[0]
    assert row["close_date"] is not None
    assert len(out.links) == len(mini.links) - 1


def test_close_without_date_also_holds_on_an_unfiltered_network() -> None:
    everything = load_network(MINI, as_of=None)
    out = apply_scenario(everything, scenario('[[edit]]\naction = "close"\nborder = "B-ASTARA"\n'))
    assert set(everything.links["link_id"]) - set(out.links["link_id"]) == {"L-BRIDGE", "L-ROADX"}


def test_close_project_also_holds_on_an_unfiltered_network() -> None:
    everything = load_network(MINI, as_of=None)
    out = apply_scenario(everything, scenario('[[edit]]\naction = "close"\nproject = "P-RA"\n'))
    assert set(everything.links["link_id"]) - set(out.links["link_id"]) == {"L-RASHT"}


def test_close_a_country_closes_every_link_touching_it(mini: Network) -> None:
    out = apply_scenario(mini, scenario('[[edit]]\naction = "close"\ncountry = "AZ"\n'))
    assert set(out.links["link_id"]) == {"L-IRRAIL", "L-IRROAD", "L-ASROAD"}


def test_open_project_from_a_date_follows_the_project_timeline(mini: Network) -> None:
    text = '[[edit]]\naction = "open"\nproject = "P-RA"\nstart = "2027-03"\n'
    assert "L-RASHT" not in set(mini.links["link_id"])
    for as_of, usable in (("2027-02", False), ("2027-03", True), ("2029", True)):
        net = load_network(MINI, as_of=as_of)
        out = apply_scenario(net, scenario(text))
        links = out.links.set_index("link_id")
        assert ("L-RASHT" in links.index) is usable, as_of
        if usable:
            assert bool(links.loc["L-RASHT", "expected"])  # a scenario is a forecast
    # the timeline keeps the rows before the override and drops the expected 2030 row
    status = apply_scenario(load_network(MINI, as_of="2029"), scenario(text)).project_status
    assert status["status"].tolist() == ["planned", "under_construction", "open"]
    assert status["date"].tolist()[-1] == dt.date(2027, 3, 1)


def test_suspend_project_for_a_period_then_resume(mini: Network) -> None:
    text = (
        '[[edit]]\naction = "open"\nproject = "P-RA"\nstart = "2030"\n'
        '[[edit]]\naction = "close"\nproject = "P-RA"\nstart = "2031"\nend = "2032"\n'
    )
    net = load_network(MINI, as_of="2033")
    out = apply_scenario(net, scenario(text))
    assert "L-RASHT" in set(out.links["link_id"])
    net = load_network(MINI, as_of="2031-06")
    out = apply_scenario(net, scenario(text))
    assert "L-RASHT" not in set(out.links["link_id"])


def test_scenario_as_of_moves_the_network_date(mini: Network) -> None:
    out = apply_scenario(mini, scenario('as_of = "2031"\n'))
    expected = load_network(MINI, as_of="2031")
    assert out.as_of == dt.date(2031, 1, 1)
    pd.testing.assert_frame_equal(out.links, expected.links)


def test_period_edit_holds_only_inside_its_period(mini: Network) -> None:
    storm = (
        '[[edit]]\naction = "close"\nbasin = "caspian"\nstart = "2026-12-01"\nend = "2027-03-01"\n'
    )
    inside = apply_scenario(load_network(MINI, as_of="2027-01-15"), scenario(storm))
    outside = apply_scenario(load_network(MINI, as_of="2027-04-01"), scenario(storm))
    assert "L-FERRY" not in set(inside.links["link_id"])
    assert "L-FERRY" in set(outside.links["link_id"])
    # only the Caspian ferry is a Caspian leg; the land links stay
    assert len(inside.links) == len(outside.links) - 1


def tariff_table(network: Network) -> dict[tuple[str, str], tuple[float, float]]:
    countries = dict(zip(network.nodes["node_id"], network.nodes["country"], strict=True))
    out = {}
    index = TariffIndex(network.tariffs.to_dict("records"))  # type: ignore[arg-type]
    assert network.all_links is not None
    for link in network.all_links.to_dict("records"):
        ends = [countries[link["from_node"]], countries[link["to_node"]]]
        for cargo in link["cargo"]:
            index_ = index.lookup(link, ends, cargo)
            if index_ is not None:
                row = network.tariffs.iloc[index_]
                out[(link["link_id"], cargo)] = (row["usd_per_unit_km"], row["usd_per_unit"])
    return out


@pytest.mark.parametrize("factor", [0.5, 1.0, 0.0])
def test_tariff_cut_never_raises_any_tariff(mini: Network, factor: float) -> None:
    text = (
        f'[[edit]]\naction = "scale"\nfield = "tariff_usd_per_unit_km"\nfactor = {factor}\n'
        'mode = "rail"\ncountry = ["AZ", "IR", "RU"]\n'
    )
    out = apply_scenario(mini, scenario(text))
    before, after = tariff_table(mini), tariff_table(out)
    assert set(before) == set(after)
    changed = 0
    for key, (rate, fixed) in before.items():
        new_rate, new_fixed = after[key]
        if not math.isnan(rate):
            assert new_rate <= rate + 1e-12
            link = key[0]
            if link in {"L-IRRAIL", "L-RASHT", "L-BRIDGE"}:
                assert new_rate == pytest.approx(rate * factor)
                changed += 1
        assert (math.isnan(fixed) and math.isnan(new_fixed)) or new_fixed == fixed
    assert changed >= 3
    # the generic Iranian rail row is unchanged: road and other links keep their rate
    assert out.tariffs.set_index("tariff_id").loc["T-IRRAIL", "usd_per_unit_km"] == 0.5


def test_cost_scale_halves_tariffs_and_fixed_charges(mini: Network) -> None:
    text = '[[edit]]\naction = "scale"\nfield = "cost"\nfactor = 0.5\nlink = "L-FERRY"\n'
    out = apply_scenario(mini, scenario(text))
    ferry = out.tariffs.set_index("tariff_id").loc["T-FERRY"]
    assert ferry["usd_per_unit"] == 450.0  # the link's own row is edited in place
    assert len(out.tariffs) == len(mini.tariffs)


def test_set_tariff_writes_a_link_row_without_touching_others(mini: Network) -> None:
    text = (
        '[[edit]]\naction = "set"\nfield = "tariff_usd_per_unit_km"\nvalue = 0.3\n'
        'link = "L-IRRAIL"\ncargo = "container"\n'
    )
    out = apply_scenario(mini, scenario(text))
    row = out.tariffs.set_index("tariff_id").loc["t:L-IRRAIL:container"]
    assert row["link_id"] == "L-IRRAIL" and row["usd_per_unit_km"] == 0.3
    assert math.isnan(row["usd_per_unit_km_low"])
    assert tariff_table(out)[("L-RASHT", "container")][0] == 0.5
    # the rows it did not touch keep their exact contents (None stays None)
    pd.testing.assert_frame_equal(out.tariffs.iloc[: len(mini.tariffs)], mini.tariffs)


def test_time_and_speed_edits(mini: Network) -> None:
    text = (
        '[[edit]]\naction = "scale"\nfield = "time_h"\nfactor = 2.0\n'
        'link = ["L-FERRY", "L-AZRAIL"]\n'
        '[[edit]]\naction = "scale"\nfield = "speed_kmh"\nfactor = 2.0\nlink = "L-IRRAIL"\n'
    )
    out = apply_scenario(mini, scenario(text)).links.set_index("link_id")
    # a link with a time: the time and its range double
    assert out.loc["L-FERRY", ["time_h_low", "time_h", "time_h_high"]].tolist() == [60, 72, 96]
    # a link without one: length / default rail speed (40 km/h) x 2
    assert out.loc["L-AZRAIL", "time_h"] == pytest.approx(300 / 40 * 2)
    assert out.loc["L-IRRAIL", "speed_kmh"] == pytest.approx(80.0)


def test_set_speed_replaces_the_time(mini: Network) -> None:
    text = '[[edit]]\naction = "set"\nfield = "speed_kmh"\nvalue = 24.0\nlink = "L-FERRY"\n'
    out = apply_scenario(mini, scenario(text)).links.set_index("link_id")
    assert out.loc["L-FERRY", "speed_kmh"] == 24.0
    assert math.isnan(out.loc["L-FERRY", "time_h"])


def test_dwell_on_borders_and_transfers(mini: Network) -> None:
    text = (
        '[[edit]]\naction = "set"\nfield = "dwell_h"\nvalue = 3.0\n'
        'border = "B-ASTARA"\nmode = "road"\n'
        '[[edit]]\naction = "scale"\nfield = "dwell_h"\nfactor = 0.5\nnode = "IR-ASTARA"\n'
    )
    out = apply_scenario(mini, scenario(text))
    borders = out.borders.set_index("mode")
    assert borders.loc["road", "dwell_h"] == 3.0 and borders.loc["rail", "dwell_h"] == 12.0
    transfers = out.transfers.loc[out.transfers["node_id"] == "IR-ASTARA"]
    assert transfers["dwell_h"].tolist() == [12.0, 3.0]
    assert out.transfers.loc[out.transfers["node_id"] != "IR-ASTARA", "dwell_h"].tolist() == (
        mini.transfers.loc[mini.transfers["node_id"] != "IR-ASTARA", "dwell_h"].tolist()
    )


def test_services_frequency_and_withdrawal(mini: Network) -> None:
    more = apply_scenario(
        mini,
        scenario(
            '[[edit]]\naction = "scale"\nfield = "frequency_per_week"\nfactor = 3.0\n'
            'mode = "ferry"\n'
        ),
    )
    assert more.services["frequency_per_week"].tolist() == [3.0]
    gone = apply_scenario(mini, scenario('[[edit]]\naction = "close"\nservice = "SV-FERRY"\n'))
    assert gone.services.empty
    assert "L-FERRY" in set(gone.links["link_id"])


def test_demand_factor_by_year(mini: Network) -> None:
    out = apply_scenario(mini, scenario('[[edit]]\naction = "demand"\nfactor = 2.0\nyear = 2030\n'))
    d = out.demand.set_index("demand_id")
    assert d.loc["D-2030", ["volume_low", "volume", "volume_high"]].tolist() == [
        80000,
        100000,
        120000,
    ]
    assert d.loc["D-2024", "volume"] == 100000


def test_rule_is_recorded_as_a_parameter(mini: Network) -> None:
    out = apply_scenario(
        mini, scenario('[[edit]]\naction = "rule"\ncaspian_littoral_only = true\n')
    )
    leaf = out.parameters["rules"]["caspian_littoral_only"]
    assert leaf["value"] is True and leaf["source_ids"] == ["S1"]


def test_parents_compose(tmp_path: Path, mini: Network) -> None:
    (tmp_path / "base.toml").write_text(
        'name = "base"\ndescription = "d"\nsources = ["S1"]\nas_of = "2031"\n'
        '[[edit]]\naction = "scale"\nfield = "time_h"\nfactor = 2.0\nlink = "L-FERRY"\n'
    )
    (tmp_path / "child.toml").write_text(
        'name = "child"\ndescription = "d"\nsources = ["S1"]\nparent = "base.toml"\n'
        '[[edit]]\naction = "scale"\nfield = "time_h"\nfactor = 1.5\nlink = "L-FERRY"\n'
    )
    child = apply_scenario(mini, read_scenario(tmp_path / "child.toml"))
    base = apply_scenario(mini, read_scenario(tmp_path / "base.toml"))
    assert child.as_of == dt.date(2031, 1, 1)  # inherited from the parent
    time = child.links.set_index("link_id").loc["L-FERRY", "time_h"]
    assert time == pytest.approx(36 * 2 * 1.5)
    # applying the child to the parent's result gives the same edits once more on top
    again = apply_scenario(
        base,
        parse_scenario(
            (tmp_path / "child.toml").read_text().replace('parent = "base.toml"\n', ""), file="c"
        ),
    )
    assert again.links.set_index("link_id").loc["L-FERRY", "time_h"] == pytest.approx(time)


def test_an_edit_that_breaks_the_contract_is_refused(mini: Network) -> None:
    from instc._errors import ScenarioError

    # capacity set without a unit on a link that has none: the contract wants a unit
    text = '[[edit]]\naction = "set"\nfield = "capacity_per_year"\nvalue = 5.0\nlink = "L-IRROAD"\n'
    with pytest.raises(ScenarioError, match="makes the network invalid: links L-IRROAD"):
        apply_scenario(mini, scenario(text))


def test_an_edit_that_cannot_be_applied_names_its_line(mini: Network) -> None:
    from instc._errors import ScenarioError

    text = '\n[[edit]]\naction = "scale"\nfield = "time_h"\nfactor = 2.0\nmode = "ferry"\n'
    no_speed = Network(
        tables={**mini.tables, "links": mini.links.assign(time_h=float("nan"))},
        parameters={},
        as_of=mini.as_of,
    )
    with pytest.raises(ScenarioError, match=r"t.toml:5: edit 1: link L-FERRY has neither"):
        apply_scenario(no_speed, scenario(text))


def test_open_a_link_detaches_it_from_its_project(mini: Network) -> None:
    out = apply_scenario(mini, scenario('[[edit]]\naction = "open"\nlink = "L-RASHT"\n'))
    row = out.links.set_index("link_id").loc["L-RASHT"]
    assert row["project_id"] is None and not row["expected"]
    # the project itself keeps its timeline
    pd.testing.assert_frame_equal(out.project_status, mini.project_status)


def test_select_by_family_takes_the_links_that_define_it() -> None:
    from instc.scenarios.select import family_links

    embedded = load_network(as_of="2026-11-25")
    families = family_links()
    assert families["western_rail"] == {"r-astara-astara"}
    out = apply_scenario(
        embedded, scenario('[[edit]]\naction = "close"\nfamily = "eastern_rail"\n', HEAD_F)
    )
    gone = set(embedded.links["link_id"]) - set(out.links["link_id"])
    assert gone == set(
        embedded.links.loc[embedded.links["border_id"] == "KZ-TM-BOLASHAK", "link_id"]
    )


HEAD_F = 'name = "t"\ndescription = "test"\nsources = ["F068"]\n'


@pytest.mark.parametrize(
    ("as_of", "usd_per_teu_km"),
    [
        # 2023: the eastern-route special rate 0.15 (F152) x 0.5 = 0.075
        ("2023-06-01", 0.15 * 0.5),
        # 2024: Turkmen CPMM TFI3 $1,357 / 500 / 20 x 10 = 1.357 (2023) x 0.5 = 0.6785
        ("2024-06-01", 1357 / 500 / 20 * 10 * 0.5),
        # before 2023: $1,319 (2020) / 500 / 20 x 10 = 1.319 x 0.5 = 0.6595
        ("2019-06-01", 1319 / 500 / 20 * 10 * 0.5),
    ],
)
def test_a_scaled_dated_tariff_starts_from_the_row_in_force_at_the_date(
    as_of: str, usd_per_teu_km: float
) -> None:
    """A scale edit on a link priced by a dated country row (Turkmen rail containers:
    before 2023, 2023, from 2024) writes the link a row from the period in force, not
    from the file's first row of the series (which gave 1.319 x 0.5 in every year)."""
    network = load_network(as_of=as_of)
    body = (
        '[[edit]]\naction = "scale"\nfield = "tariff_usd_per_unit_km"\nfactor = 0.5\n'
        'link = "r-serhetyaka-bereket"\ncargo = "container"\n'
    )
    head = 'name = "t"\ndescription = "test"\nsources = ["W-carec-cpmm-2023-tm"]\n'
    out = apply_scenario(network, scenario(body, head))
    tariffs = out.tariffs
    row = tariffs[
        (tariffs["link_id"] == "r-serhetyaka-bereket") & (tariffs["cargo"] == "container")
    ]
    assert len(row) == 1
    assert row.iloc[0]["usd_per_unit_km"] == pytest.approx(usd_per_teu_km)
    # the country series keeps its other periods untouched
    all_tm = out.tables["tariffs"]
    tm = all_tm[(all_tm["country"] == "TM") & (all_tm["cargo"] == "container")]
    assert sorted(tm["usd_per_unit_km"].round(6).unique()) == [0.15, 1.319, 1.357]
