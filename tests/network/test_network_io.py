from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from network_testutil import MINI, copy_mini

from instc._errors import DataError, UnknownNameError, ValidationError
from instc.network import io as nio
from instc.network.load import load_network
from instc.network.schema import TABLES


def assert_same_tables(a, b) -> None:  # type: ignore[no-untyped-def]
    for name in TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
    pd.testing.assert_frame_equal(a.all_links, b.all_links, check_exact=True)
    assert a.parameters == b.parameters


def test_gmns_round_trip_gives_the_same_tables(tmp_path: Path) -> None:
    original = load_network(MINI, as_of=None)
    nio.export_gmns(original, tmp_path / "gmns")
    assert (tmp_path / "gmns" / "node.csv").is_file()
    assert not (tmp_path / "gmns" / "nodes.csv").exists()
    nio.import_gmns(tmp_path / "gmns", tmp_path / "back")
    assert_same_tables(original, load_network(tmp_path / "back", as_of=None))


def test_write_tables_round_trip(tmp_path: Path) -> None:
    original = load_network(MINI, as_of=None)
    nio.write_tables(original, tmp_path / "copy")
    assert_same_tables(original, load_network(tmp_path / "copy", as_of=None))


def test_gmns_fields(tmp_path: Path) -> None:
    nio.export_gmns(load_network(MINI, as_of=None), tmp_path / "g")
    node = pd.read_csv(tmp_path / "g" / "node.csv", keep_default_na=False)
    link = pd.read_csv(tmp_path / "g" / "link.csv", keep_default_na=False)
    config = pd.read_csv(tmp_path / "g" / "config.csv")
    astrakhan = node.set_index("node_id").loc["RUAST"]
    assert (astrakhan["x_coord"], astrakhan["y_coord"]) == (48.03, 46.35)
    assert astrakhan["node_type"] == "port;rail"
    ferry = link.set_index("link_id").loc["L-FERRY"]
    assert (ferry["from_node_id"], ferry["to_node_id"], ferry["facility_type"]) == (
        "RUAST", "AZBAK", "ferry",
    )  # fmt: skip
    assert ferry["length"] == 720 and config.loc[0, "long_length"] == "km"
    assert bool(ferry["directed"]) is False  # bidirectional


def test_export_as_of_leaves_out_closed_links_and_still_validates(tmp_path: Path) -> None:
    net = load_network(MINI, as_of=2026)
    nio.export_gmns(net, tmp_path / "g")
    nio.import_gmns(tmp_path / "g", tmp_path / "back")
    back = load_network(tmp_path / "back", as_of=None)
    assert set(back.links["link_id"]) == set(net.links["link_id"])
    assert "L-RASHT" not in set(back.links["link_id"])


def test_import_plain_gmns_in_metres(tmp_path: Path) -> None:
    src = tmp_path / "plain"
    src.mkdir()
    (src / "sources.csv").write_bytes((MINI / "sources.csv").read_bytes())
    (src / "node.csv").write_text(
        "node_id,name,x_coord,y_coord,node_type,country,gauges_mm,source_ids\n"
        "IR-RASHT,Rasht,49.58,37.28,rail,IR,1435,S3\n"
        "IRBND,Bandar Abbas,56.06,27.11,port;rail,IR,1435,S2\n",
        encoding="utf-8",
    )
    (src / "link.csv").write_text(
        "link_id,from_node_id,to_node_id,directed,length,facility_type,gauge_mm,cargo,source_ids\n"
        "L1,IR-RASHT,IRBND,true,1400000,rail,1435,container,S2\n",
        encoding="utf-8",
    )
    nio.import_gmns(src, tmp_path / "out")
    links = load_network(tmp_path / "out", as_of=None).links
    assert links.loc[0, "length_km"] == pytest.approx(1400.0)
    assert bool(links.loc[0, "bidirectional"]) is False


def test_invalid_import_writes_nothing(tmp_path: Path) -> None:
    nio.export_gmns(load_network(MINI, as_of=None), tmp_path / "g")
    link = tmp_path / "g" / "link.csv"
    link.write_text(link.read_text(encoding="utf-8").replace(",rail,", ",train,", 1), "utf-8")
    with pytest.raises(ValidationError) as info:
        nio.import_gmns(tmp_path / "g", tmp_path / "out")
    assert any(p.column == "mode" and "did you mean 'rail'" in p.fix for p in info.value.problems)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["g"]  # no temporary folder left


def test_import_needs_node_and_link(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"node\.csv: GMNS file not found"):
        nio.import_gmns(tmp_path, tmp_path / "out")


def test_geojson(tmp_path: Path) -> None:
    net = load_network(MINI, as_of=2031)
    nio.export_geojson(net, tmp_path / "gj")
    nodes = json.loads((tmp_path / "gj" / "nodes.geojson").read_text(encoding="utf-8"))
    links = json.loads((tmp_path / "gj" / "links.geojson").read_text(encoding="utf-8"))
    assert len(nodes["features"]) == 6 and len(links["features"]) == 8
    where = {f["id"]: f["geometry"]["coordinates"] for f in nodes["features"]}
    for f in links["features"]:
        p = f["properties"]
        assert f["geometry"]["coordinates"] == [where[p["from_node"]], where[p["to_node"]]]
    rasht = next(f for f in links["features"] if f["id"] == "L-RASHT")["properties"]
    assert rasht["expected"] is True and rasht["cargo"] == ["container", "bulk"]
    assert rasht["length_km_low"] == 150.0 and rasht["speed_kmh"] is None
    bridge = next(f for f in links["features"] if f["id"] == "L-BRIDGE")["properties"]
    assert bridge["open_date"] == "2017-05-01" and bridge["gauge_mm"] == 1520


def test_geoparquet(tmp_path: Path) -> None:
    import geopandas as gpd

    nio.export_geoparquet(load_network(MINI, as_of=2026), tmp_path / "gp")
    links = gpd.read_parquet(tmp_path / "gp" / "links.parquet")
    nodes = gpd.read_parquet(tmp_path / "gp" / "nodes.parquet")
    assert len(links) == 7 and len(nodes) == 6
    assert links.crs.to_epsg() == 4326
    ferry = links.set_index("link_id").loc["L-FERRY"]
    assert list(ferry["cargo"]) == ["container", "truck"]
    assert ferry.geometry.coords[0] == (48.03, 46.35)


def test_out_folder_with_other_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(DataError, match="folder is not empty"):
        nio.export_geojson(load_network(MINI, as_of=None), out)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


def test_failed_write_keeps_the_previous_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = load_network(MINI, as_of=None)
    out = nio.export_geojson(net, tmp_path / "gj")
    before = (out / "links.geojson").read_text(encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(nio.json, "dumps", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        nio.export_geojson(net, out)
    assert (out / "links.geojson").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gj"]


def test_previous_export_is_replaced(tmp_path: Path) -> None:
    d = copy_mini(tmp_path)
    out = nio.export_geojson(load_network(d, as_of=None), tmp_path / "gj")
    nio.export_geojson(load_network(d, as_of=2026), out)
    links = json.loads((out / "links.geojson").read_text(encoding="utf-8"))
    assert len(links["features"]) == 7


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="did you mean"):
        nio.export_network(load_network(MINI, as_of=None), tmp_path, format="shapefile")


def test_dumps_toml_round_trips_parameters() -> None:
    import tomllib

    params = load_network(MINI, as_of=None).parameters
    assert tomllib.loads(nio.dumps_toml(params)) == params
    odd = {"a": {"b-c": {"value": 'x"y\n', "unit": "-", "source_ids": []}}}
    assert tomllib.loads(nio.dumps_toml(odd)) == odd


def test_to_networkx() -> None:
    nx = pytest.importorskip("networkx")
    net = load_network(MINI, as_of=2026)
    graph = nio.to_networkx(net)
    assert graph.number_of_nodes() == 6
    # every mini link is bidirectional: one edge per direction
    assert graph.number_of_edges() == 2 * len(net.links)
    assert graph.edges["IR-RASHT", "IRBND", "L-IRRAIL"]["length_km"] == 1400.0
    assert graph.nodes["IR-ASTARA"]["gauges_mm"] == [1520, 1435]
    assert nx.has_path(graph, "RUAST", "IRBND")
    assert not graph.has_edge("IR-ASTARA", "IR-RASHT", key="L-RASHT")  # not open in 2026


def test_output_folder_is_not_private(tmp_path: Path) -> None:
    out = nio.export_geojson(load_network(MINI, as_of=None), tmp_path / "gj")
    assert out.stat().st_mode & 0o055 == 0o055 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_geopackage(tmp_path: Path) -> None:
    import geopandas as gpd

    out = nio.export_network(load_network(MINI, as_of=2031), tmp_path / "gp", format="gpkg")
    links = gpd.read_file(out / "instc.gpkg", layer="links")
    nodes = gpd.read_file(out / "instc.gpkg", layer="nodes")
    assert len(links) == 8 and len(nodes) == 6
    assert links.crs.to_epsg() == 4326
    rasht = links.set_index("link_id").loc["L-RASHT"]
    assert rasht["cargo"] == "container;bulk" and bool(rasht["expected"]) is True
    assert rasht["length_km"] == 162.0
