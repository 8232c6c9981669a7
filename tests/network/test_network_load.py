from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from network_testutil import MINI, copy_mini, set_cell

from instc._errors import DataError, ValidationError
from instc.network.load import load_network
from instc.network.schema import TABLES


def test_tables_follow_the_schema_and_conventions() -> None:
    net = load_network(MINI, as_of=None)
    for name, table in TABLES.items():
        frame = net.tables[name]
        expected = list(table.column_names) + (["expected"] if name == "links" else [])
        assert list(frame.columns) == expected
        assert isinstance(frame.index, pd.RangeIndex)
    nodes, links = net.nodes, net.links
    astara = nodes.set_index("node_id").loc["IR-ASTARA"]
    assert astara["gauges_mm"] == (1520, 1435)
    assert astara["kinds"] == ("rail", "road", "border", "terminal")
    assert astara["aliases"] == ("Āstārā",)
    assert astara["estimated"] == ()
    assert astara["method"] is None
    assert links["gauge_mm"].dtype == "Int64"
    assert links["length_km"].dtype == "float64"
    assert links["bidirectional"].dtype == bool
    by_id = links.set_index("link_id")
    # empty bidirectional cell -> default True
    assert bool(by_id.loc["L-ASROAD", "bidirectional"]) is True
    assert by_id.loc["L-BRIDGE", "open_date"] == dt.date(2017, 5, 1)  # YYYY-MM -> day 1
    assert by_id.loc["L-IRROAD", "close_date"] == dt.date(2040, 1, 1)  # YYYY -> 1 Jan
    assert pd.isna(by_id.loc["L-FERRY", "gauge_mm"])
    assert by_id.loc["L-FERRY", "time_h_low"] == 30.0
    assert net.parameter("cargo.tonnes_per_teu") == 10.0


def test_as_of_filter_follows_the_project_timeline() -> None:
    before = load_network(MINI, as_of=2026)
    after = load_network(MINI, as_of="2031-01-01")
    every = load_network(MINI, as_of=None)
    assert "L-RASHT" not in set(before.links["link_id"])
    rasht = after.links.set_index("link_id").loc["L-RASHT"]
    assert bool(rasht["expected"]) is True  # open only by forecast
    assert not after.links.loc[after.links["link_id"] != "L-RASHT", "expected"].any()
    assert len(every.links) == len(every.all_links) == 8
    assert not every.links["expected"].any()
    assert before.as_of == dt.date(2026, 1, 1)
    assert len(before.all_links) == 8


def test_open_and_close_dates() -> None:
    ids_2017 = set(load_network(MINI, as_of="2017-04-30").links["link_id"])
    assert "L-BRIDGE" not in ids_2017
    assert "L-BRIDGE" in set(load_network(MINI, as_of="2017-05").links["link_id"])
    # close_date is exclusive: closed on 2040-01-01
    assert "L-IRROAD" in set(load_network(MINI, as_of="2039-12-31").links["link_id"])
    assert "L-IRROAD" not in set(load_network(MINI, as_of=2040).links["link_id"])


@pytest.mark.parametrize(
    "as_of",
    [dt.date(2031, 1, 1), dt.datetime(2031, 1, 1, 12, 0), "2031", "2031-01", 2031],
)
def test_as_of_forms(as_of: object) -> None:
    assert load_network(MINI, as_of=as_of).as_of == dt.date(2031, 1, 1)


def test_default_as_of_is_today() -> None:
    assert load_network(MINI).as_of == dt.date.today()


@pytest.mark.parametrize("bad", ["2031-13-01", "next year", "31/01/2031", 3.5])
def test_bad_as_of_is_a_data_error(bad: object) -> None:
    with pytest.raises(DataError, match="YYYY-MM-DD"):
        load_network(MINI, as_of=bad)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_network(tmp_path / "nowhere")
    with pytest.raises(DataError, match="is a file — give the folder that holds it"):
        load_network(MINI / "nodes.csv")


def test_invalid_directory_lists_every_problem(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    set_cell(d, "links", 2, "length_km", "-5")
    set_cell(d, "nodes", 3, "country", "XX")
    with pytest.raises(ValidationError) as info:
        load_network(d)
    where = {(p.file, p.row, p.column) for p in info.value.problems}
    assert ("links.csv", 2, "length_km") in where
    assert ("nodes.csv", 3, "country") in where
    assert "and 1 more problems" in str(info.value) or len(info.value.problems) > 2


def test_parsed_tables_are_cached_and_refreshed_on_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import instc.network.validate as validate

    calls: list[str] = []
    real = validate.read_directory

    def counting(path: str | Path) -> validate.ParsedDirectory:
        calls.append(str(path))
        return real(path)

    monkeypatch.setattr(validate, "read_directory", counting)
    d = copy_mini(tmp_path)
    first = load_network(d, as_of=2026)
    second = load_network(d, as_of=2031)
    assert len(calls) == 1  # parsed once
    pd.testing.assert_frame_equal(first.nodes, second.nodes)
    set_cell(d, "nodes", 2, "name", "Astrakhan Port")
    third = load_network(d, as_of=2026)
    assert len(calls) == 2
    assert third.nodes.loc[0, "name"] == "Astrakhan Port"


def test_editing_a_loaded_table_does_not_change_the_cache() -> None:
    first = load_network(MINI, as_of=None)
    first.nodes.loc[0, "name"] = "Changed"
    first.links["length_km"] = 0.0
    second = load_network(MINI, as_of=None)
    assert second.nodes.loc[0, "name"] == "Astrakhan"
    assert second.links["length_km"].sum() > 0


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    d = tmp_path / "small"
    d.mkdir()
    shutil.copy(MINI / "sources.csv", d)
    (d / "nodes.csv").write_text(
        "node_id,name,country,lat,lon,kinds,gauges_mm,source_ids\n"
        "IR-RASHT,Rasht,IR,37.28,49.58,rail,1435,S3\n"
        "IRBND,Bandar Abbas,IR,27.11,56.06,port;rail,1435,S2\n",
        encoding="utf-8",
    )
    (d / "links.csv").write_text(
        "link_id,from_node,to_node,mode,gauge_mm,length_km,cargo,source_ids\n"
        "L1,IR-RASHT,IRBND,rail,1435,1400,container,S2\n",
        encoding="utf-8",
    )
    net = load_network(d, as_of=2026)
    assert list(net.links["link_id"]) == ["L1"]
    transfers = net.tables["transfers"]
    assert transfers.empty and list(transfers.columns) == list(TABLES["transfers"].column_names)
    # the dated view (rows valid at as_of) adds only the note column
    assert net.transfers.empty
    assert list(net.transfers.columns) == [*TABLES["transfers"].column_names, "as_of_note"]
    assert net.parameters == {}
    assert net.links.loc[0, "time_h"] != net.links.loc[0, "time_h"]  # NaN: optional column


def test_missing_required_table(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    (d / "nodes.csv").unlink()
    with pytest.raises(ValidationError) as info:
        load_network(d)
    first = info.value.problems[0]
    assert (first.file, first.row, first.column) == ("nodes.csv", None, None)
    assert "missing" in first.message


def test_filter_reads_nan_as_empty() -> None:
    import math

    from instc.network.load import filter_links_as_of

    net = load_network(MINI, as_of=None)
    links = net.all_links.copy()
    links["project_id"] = links["project_id"].map(lambda v: v if v else math.nan)
    links["open_date"] = links["open_date"].map(lambda v: v if v else math.nan)
    kept = filter_links_as_of(links, net.tables, dt.date(2026, 1, 1))
    assert set(kept["link_id"]) == set(load_network(MINI, as_of=2026).links["link_id"])
