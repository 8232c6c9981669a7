"""instc appraise: yearly savings for shippers and CO2e change, checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from instc._errors import DataError
from instc.cli import app, run
from instc.network.load import load_network
from instc.routing.shortest import route
from instc.scenarios import parse_scenario
from instc.scenarios.appraise import appraise, parse_years

# Halve the bulk tariff and double the speed of Tehran–Bafq, a rail link only the bulk
# OD pair Moscow <-> Bandar Abbas uses, one OD each way (select-link: 100 % of it,
# uncapacitated), so their routes stay the same and nothing else moves. (Yalama–Baku
# served this test until the sourced road lengths of Dec 2026 — Moscow–Astrakhan 1,381
# km, Baku–Samur 192 km — made the liquid OD's cheapest route the road.)
CUT = """name = "cut"
description = "d"
sources = ["W-dewiki-qom-zahedan"]
[[edit]]
action = "scale"
field = "tariff_usd_per_unit_km"
factor = 0.5
link = "r-tehran-bafq"
cargo = "bulk"
[[edit]]
action = "scale"
field = "speed_kmh"
factor = 2.0
link = "r-tehran-bafq"
"""


def test_savings_of_a_cheaper_faster_link_by_hand() -> None:
    """Each bulk OD through Tehran–Bafq saves its tonnes x half the link's freight (the
    tariff halved) and its tonnes x half the link's moving hours (the speed doubled);
    the year is the sum of the two ODs, every other OD saves nothing."""
    network = load_network(as_of="2026-12-01")
    # user equilibrium: every shipper on the one cheapest route, which the cut keeps
    found = appraise(
        network, parse_scenario(CUT, file="cut.toml"), years=(2027, 2027), method="bfw"
    )
    ods = found.ods.set_index(["class", "origin", "destination"])
    vot = network.parameters["value_of_time"]["usd_per_t_day"]["value"]
    pairs = [("RU-MOSCOW", "IRBND"), ("IRBND", "RU-MOSCOW")]
    money = time_usd = 0.0
    for origin, destination in pairs:
        row = ods.loc[("bulk", origin, destination)]
        leg = next(
            leg
            for leg in route(
                load_network(as_of="2027-01-01"), origin, destination, cargo="bulk"
            ).legs
            if leg.link_id == "r-tehran-bafq"
        )
        tonnes = row["volume"]  # bulk is counted in t
        assert row["money_saving_usd"] == pytest.approx(tonnes * leg.freight_usd / 2, rel=1e-9)
        days = tonnes * leg.moving_h / 2 / 24
        assert row["time_saving_unit_days"] == pytest.approx(days, rel=1e-9)
        assert row["time_saving_usd"] == pytest.approx(days * vot, rel=1e-9)
        money += row["money_saving_usd"]
        time_usd += row["time_saving_usd"]
    others = found.ods[
        ~found.ods.set_index(["origin", "destination"]).index.isin(pairs)
        | (found.ods["class"] != "bulk")
    ]
    assert (others["total_saving_usd"] == 0.0).all()
    year = found.years.iloc[0]
    assert money > 0
    assert year["money_saving_usd"] == pytest.approx(money, rel=1e-9)
    assert year["total_saving_usd"] == pytest.approx(money + time_usd, rel=1e-9)
    assert (found.ods["choice_value_usd"] == 0.0).all()  # user equilibrium: no logsum
    assert year["co2e_change_t"] == 0.0  # same route, same tonne-km
    assert any("Value of time" in text for text in found.assumptions)


def test_a_project_saves_nothing_before_it_opens() -> None:
    """Rasht–Astara opens on 1 January 2028 in the scenario: 2026 and 2027 are the same
    network with and without it."""
    from instc.scenarios import load_bundled

    found = appraise(load_network(), load_bundled("rasht-astara"), years=(2026, 2027))
    assert found.years["year"].tolist() == [2026, 2027]
    assert (found.years["total_saving_usd"] == 0.0).all()
    assert found.baseline == "baseline without rasht-astara"
    data = found.to_dict()
    assert set(data) >= {"years", "totals", "ods", "value_of_time", "assumptions"}
    assert "value_of_time.usd_per_teu_day" in data["value_of_time"]


def test_years_are_checked() -> None:
    assert parse_years("2030") == (2030, 2030)
    for bad in ("2035-2026", "abc", "2020-2099"):
        with pytest.raises(DataError, match="--years"):
            parse_years(bad)


def test_cli_appraise_json_and_bad_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cut.toml"
    path.write_text(CUT)
    runner = CliRunner()
    result = runner.invoke(app, ["appraise", str(path), "--years", "2027-2027", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["years"][0]["year"] == 2027 and data["totals"]["money_saving_usd"] > 0
    assert run(["appraise", str(path), "--years", "2030-2026"]) == 2
    err = capsys.readouterr().err
    assert "--years '2030-2026'" in err and "Traceback" not in err


def test_rasht_astara_2030_saves_by_its_definition_under_logit_route_choice() -> None:
    """With path-size logit route choice the railway draws flow, so 2030 has savings.
    Each OD's total is its volume x the logsum saving of the two corridor assignments
    of 1 January 2030 (generalised hours x value of time), its money and time the
    volume x a shipper's expected money and time without - with, the choice value the
    rest; the year's are their sums. No OD's saving is negative unless its routes got
    dearer (congestion)."""
    import dataclasses
    import datetime as dt

    from instc.assignment.corridor import assign_corridor
    from instc.assignment.logsum import logsum_change
    from instc.scenarios import load_bundled
    from instc.scenarios.baseline import scenario_networks

    network, scenario = load_network(), load_bundled("rasht-astara")
    found = appraise(network, scenario, years=(2030, 2030))
    nets = scenario_networks(
        network, dataclasses.replace(scenario, as_of=dt.date(2030, 1, 1)), same_date=True
    )
    runs = [assign_corridor(n, year=2030) for n in (nets.before, nets.after)]
    links = [r.link_costs for r in runs]
    assert links[0] is not None and links[1] is not None
    keys = ["class", "origin", "destination"]
    ods = found.ods.set_index(keys)
    vot = network.parameters["value_of_time"]
    for od in runs[0].demand.ods:
        name = f"{od.class_name}:{od.origin}>{od.destination}"
        choice = [
            next((c for c in r.assignment.route_choices if c.user_class == name), None)
            for r in runs
        ]
        row = ods.loc[(od.class_name, od.origin, od.destination)]
        if choice[0] is None or choice[1] is None:  # the crude: no route (pipeline closed)
            assert row["total_saving_usd"] == 0.0
            continue
        change = logsum_change(choice[0], links[0], choice[1], links[1], od.class_name)
        assert change is not None
        usd_h = vot[f"usd_per_{od.unit}_day"]["value"] / 24
        v = od.volume
        assert row["total_saving_usd"] == pytest.approx(v * change.saving * usd_h, rel=1e-9)
        money = v * (change.money[0] - change.money[1])
        assert row["money_saving_usd"] == pytest.approx(money, rel=1e-9, abs=1e-6)
        days = v * (change.time[0] - change.time[1]) / 24
        assert row["time_saving_unit_days"] == pytest.approx(days, rel=1e-9, abs=1e-6)
        assert row["total_saving_usd"] == pytest.approx(
            row["money_saving_usd"] + row["time_saving_usd"] + row["choice_value_usd"],
            rel=1e-9,
            abs=1e-6,
        )
    year = found.years.iloc[0]
    assert year["money_saving_usd"] == pytest.approx(ods["money_saving_usd"].sum(), rel=1e-9)
    assert year["total_saving_usd"] == pytest.approx(
        year["money_saving_usd"] + year["time_saving_usd"] + year["choice_value_usd"], rel=1e-9
    )
    assert year["total_saving_usd"] > 0
    # the bulk ODs to and from Bandar Abbas lost 2.1 and 1.4 M USD by the mean cost of
    # their used routes: by the logsum they gain
    for bnd in (("bulk", "RU-MOSCOW", "IRBND"), ("bulk", "IRBND", "RU-MOSCOW")):
        assert ods.loc[bnd, "total_saving_usd"] > 0
