"""Corridor OD demand: year volumes from demand.csv, class/OD splits of corridor.toml."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from instc._errors import DataError
from instc.assignment.corridor_demand import corridor_demand, load_corridor_spec, year_volume
from instc.network.load import load_network
from instc.network.model import Network


@pytest.fixture(scope="module")
def net2030() -> Network:
    return load_network(as_of=2030)


def _row(net: Network, demand_id: str) -> float:
    d = net.tables["demand"]
    return float(d.loc[d["demand_id"] == demand_id, "volume"].iloc[0])


def test_year_row_keeps_range(net2030: Network) -> None:
    v = year_volume(net2030, scope="instc-total", year=2030)
    # instc-total-2030t: 41 Mt (Savelyev) or 45 Mt (Sputnik India); no low -> mode
    assert (v.low_t, v.mode_t, v.high_t) == (41e6, 41e6, 45e6)
    assert v.demand_ids == ("instc-total-2030t",)
    assert "F163" in v.source_ids


def test_interpolates_between_rows(net2030: Network) -> None:
    v = year_volume(net2030, scope="instc-total", year=2027)
    # 2024 actual (20 / 20.5 / -) -> 2030 target (- / 41 / 45), halfway
    assert v.mode_t == pytest.approx(0.5 * (20.5e6 + 41e6))
    assert v.low_t == pytest.approx(0.5 * (20e6 + 41e6))
    assert v.high_t == pytest.approx(0.5 * (20.5e6 + 45e6))
    assert "interpolation" in v.method


def test_outside_the_rows_takes_the_nearest(net2030: Network) -> None:
    v = year_volume(net2030, scope="instc-total", year=2010)
    assert v.mode_t == 14.5e6 and "nearest" in v.method


def test_od_volumes_add_up_and_convert_units(net2030: Network) -> None:
    d = corridor_demand(net2030, year=2030, level="high")
    assert d.corridor_t == 45e6
    # plus the classes of their own scope, the nearest rows: crude bnp-2021 (1 Mt) and
    # Kazakh oil kz-oil-aktau-mkh-2022 (2.259 Mt)
    assert d.total_t == 45e6 + _row(net2030, "bnp-2021") + _row(net2030, "kz-oil-aktau-mkh-2022")
    assert sum(o.volume_t for o in d.ods) == pytest.approx(d.total_t)
    tonnes_per_teu = net2030.parameters["cargo"]["tonnes_per_teu"]["value"]
    for o in d.ods:
        if o.cargo == "container":
            assert o.volume == pytest.approx(o.volume_t / tonnes_per_teu)
        if o.cargo in ("bulk", "liquid"):
            assert o.volume == o.volume_t


def test_derived_class_shares_match_the_demand_rows(net2030: Network) -> None:
    _, classes = load_corridor_spec()
    share = {c.name: c.share for c in classes}
    road = _row(net2030, "instc-road-2023f") / _row(net2030, "instc-total-2023f")
    assert share["truck"] == pytest.approx(road, abs=1e-4)
    # IRISL: 337 kt in 4 months of 2022 over the 2022 total
    assert share["container"] == pytest.approx(
        3 * 337_000 / _row(net2030, "instc-total-2022"), abs=1e-4
    )
    # Russian grain to Iran 2.5–3 Mt/yr (W-tass-iran-grain-2024), mid 2.75 Mt over 17.6 Mt
    assert share["grain"] == pytest.approx(2.75e6 / 17.6e6, abs=1e-4)
    grain = next(c for c in classes if c.name == "grain")
    assert grain.cargo == "bulk" and grain.ods == (("RUASF", "IR-TEHRAN", 1.0),)
    assert "W-tass-iran-grain-2024" in grain.source_ids and grain.od_basis == "source"
    assert share["bulk"] == pytest.approx(
        1 - share["truck"] - share["container"] - share["liquid"] - share["grain"], abs=1e-9
    )
    for c in classes:
        assert c.basis in ("source", "derived", "estimate") and c.method and c.od_method
        if c.basis != "estimate":
            assert c.source_ids


def test_scenario_demand_growth_is_used(net2030: Network) -> None:
    demand = net2030.tables["demand"].copy()
    demand.loc[demand["scope"] == "instc-total", "volume"] *= 2
    grown = dataclasses.replace(net2030, tables={**net2030.tables, "demand": demand})
    assert corridor_demand(grown, year=2030).corridor_t == 2 * 41e6


def test_bad_spec_is_an_actionable_error(tmp_path: Path, net2030: Network) -> None:
    bad = tmp_path / "corridor.toml"
    bad.write_text(
        '[demand]\nscope = "instc-total"\n[class.bulk]\ncargo = "bulk"\nshare = 0.5\n'
        'basis = "estimate"\nmethod = "m"\nod_method = "m"\n'
        'ods = [{ origin = "RU-MOSCOW", destination = "IRBND", share = 1.0 }]\n'
    )
    with pytest.raises(
        DataError, match=r"corridor.toml: class shares sum to 0.5 — they must sum to 1"
    ):
        corridor_demand(net2030, year=2030, spec_path=bad)
    with pytest.raises(DataError, match="use low, mode or high"):
        corridor_demand(net2030, year=2030, level="huge")


def test_spec_sources_and_places_exist(net2030: Network) -> None:
    known_sources = set(net2030.tables["sources"]["source_id"])
    places = set(net2030.nodes["node_id"])
    _, classes = load_corridor_spec()
    for c in classes:
        assert set(c.source_ids) <= known_sources, c.name
        for origin, destination, _ in c.ods:
            assert {origin, destination} <= places


def test_od_direction_split_follows_the_iran_russia_trade_tonnage(net2030: Network) -> None:
    _, classes = load_corridor_spec()
    by_name = {c.name: c for c in classes}
    south = _row(net2030, "ir-imports-ru-1402")  # Iran's imports from Russia, t
    north = _row(net2030, "ir-exports-ru-1402")
    assert (south, north) == (3_353_000, 2_185_000)
    south_share = south / (south + north)  # 0.6055 by hand
    truck = dict(((o, d), s) for o, d, s in by_name["truck"].ods)
    assert truck[("RU-MOSCOW", "IR-TEHRAN")] == pytest.approx(south_share, abs=1e-4)
    assert truck[("IR-TEHRAN", "RU-MOSCOW")] == pytest.approx(1 - south_share, abs=1e-4)
    # bulk: transit (0.6 Mt via Iran) vs bilateral trade, each split by direction
    transit = _row(net2030, "ru-transit-iran-2023") / (
        _row(net2030, "ru-transit-iran-2023") + south + north
    )
    assert transit == pytest.approx(0.0978, abs=1e-4)
    bulk = dict(((o, d), s) for o, d, s in by_name["bulk"].ods)
    assert bulk[("RU-MOSCOW", "IRBND")] == pytest.approx(transit * south_share, abs=1e-4)
    assert bulk[("IRBND", "RU-MOSCOW")] == pytest.approx(transit * (1 - south_share), abs=1e-4)
    assert bulk[("RU-MOSCOW", "IR-TEHRAN")] == pytest.approx((1 - transit) * south_share, abs=1e-4)
    # containers: the class volume is IRISL's Russia–India traffic, so India <-> Moscow only
    assert {(o, d) for o, d, _ in by_name["container"].ods} == {
        ("INNSA", "RU-MOSCOW"),
        ("RU-MOSCOW", "INNSA"),
    }


def test_classes_name_existing_demand_rows_and_sources(net2030: Network) -> None:
    known = set(net2030.tables["demand"]["demand_id"])
    known_sources = set(net2030.tables["sources"]["source_id"])
    _, classes = load_corridor_spec()
    for c in classes:
        assert c.demand_ids and set(c.demand_ids) <= known, c.name
        assert set(c.all_source_ids()) <= known_sources, c.name
        if c.od_basis != "estimate":
            assert c.od_source_ids, c.name
    data = corridor_demand(net2030, year=2030).to_dict()
    truck = next(c for c in data["classes"] if c["class"] == "truck")
    assert "ir-imports-ru-1402" in truck["demand_ids"]
    assert truck["od_source_ids"] == ["W-tpo-iran-russia-1402"]


def test_unknown_demand_row_is_an_actionable_error(tmp_path: Path, net2030: Network) -> None:
    bad = tmp_path / "corridor.toml"
    bad.write_text(
        '[demand]\nscope = "instc-total"\n[class.bulk]\ncargo = "bulk"\nshare = 1.0\n'
        'basis = "estimate"\nmethod = "m"\nod_method = "m"\ndemand_ids = ["nope-2023"]\n'
        'ods = [{ origin = "RU-MOSCOW", destination = "IRBND", share = 1.0 }]\n'
    )
    with pytest.raises(DataError, match=r"\[class.bulk\] demand_ids names 'nope-2023'"):
        corridor_demand(net2030, year=2030, spec_path=bad)


def test_a_class_of_its_own_scope_adds_its_tonnes(net2030: Network) -> None:
    """Crude through Baku–Novorossiysk is outside the INSTC total: its tonnes are its
    own rows' (bnp-throughput), by hand."""
    crude = next(c for c in load_corridor_spec()[1] if c.name == "crude")
    assert crude.scope == "bnp-throughput" and crude.cargo == "liquid"
    d = corridor_demand(net2030, year=2010)
    # between bnp-2008 (1.39 Mt) and bnp-2012 (2.03 Mt), halfway
    assert d.class_t["crude"] == pytest.approx(0.5 * (1.39e6 + 2.03e6))
    assert d.own["crude"].demand_ids == ("bnp-2008", "bnp-2012")
    od = next(o for o in d.ods if o.class_name == "crude")
    assert (od.origin, od.destination, od.volume_t) == ("AZ-SANGACHAL", "RUNVS", d.class_t["crude"])
    # the share classes still split the INSTC total alone
    assert d.total_t == pytest.approx(d.corridor_t + d.class_t["crude"] + d.class_t["kz-oil"])
    assert d.class_t["bulk"] == pytest.approx(d.corridor_t * 0.4513)
    later = corridor_demand(net2030, year=2030, level="low", scale=2.0)
    assert later.class_t["crude"] == 2 * _row(net2030, "bnp-2021")  # nearest row, scaled
    classes = {c["class"]: c for c in later.to_dict()["classes"]}
    assert "nearest row bnp-2021" in classes["crude"]["scope_method"]


def test_kazakh_oil_is_its_2022_row_in_every_year(net2030: Network) -> None:
    """Kazakh oil Aktau -> Makhachkala (F219): 2.259 Mt in 2022, the only row of its scope,
    outside the INSTC total; one OD Aktau -> Novorossiysk."""
    spec = next(c for c in load_corridor_spec()[1] if c.name == "kz-oil")
    assert spec.scope == "kz-oil-aktau-makhachkala" and spec.source_ids == ("F219",)
    for year, how in ((2022, "kz-oil-aktau-mkh-2022 (actual 2022)"), (2030, "nearest row")):
        d = corridor_demand(net2030, year=year)
        assert d.class_t["kz-oil"] == 2_259_000.0
        assert how in d.own["kz-oil"].method
        od = next(o for o in d.ods if o.class_name == "kz-oil")
        assert (od.origin, od.destination, od.cargo) == ("KZAAU", "RUNVS", "liquid")
        assert od.volume_t == 2_259_000.0


def test_a_class_with_both_scope_and_share_is_refused(tmp_path: Path, net2030: Network) -> None:
    bad = tmp_path / "corridor.toml"
    bad.write_text(
        '[demand]\nscope = "instc-total"\n[class.bulk]\ncargo = "bulk"\nshare = 1.0\n'
        'basis = "estimate"\nmethod = "m"\nod_method = "m"\n'
        'ods = [{ origin = "RU-MOSCOW", destination = "IRBND", share = 1.0 }]\n'
        '[class.oil]\ncargo = "liquid"\nscope = "bnp-throughput"\nshare = 0.1\n'
        'basis = "source"\nmethod = "m"\nod_method = "m"\n'
        'ods = [{ origin = "AZ-SANGACHAL", destination = "RUNVS", share = 1.0 }]\n'
    )
    with pytest.raises(DataError, match=r"\[class.oil\] has both scope and share"):
        corridor_demand(net2030, year=2030, spec_path=bad)


def test_frame_has_one_row_per_od_and_the_same_tonnes(net2030: Network) -> None:
    d = corridor_demand(net2030, year=2030, level="high")
    frame = d.to_frame()
    assert len(frame) == len(d.ods)
    assert frame["volume_t"].sum() == pytest.approx(d.total_t)
    assert list(frame.columns[:3]) == ["class", "origin", "destination"]
