"""The result forms of criticality: frozen, frame, JSON, GeoJSON map layer, progress."""

from __future__ import annotations

import dataclasses
import json

import pytest
from resilience_toynet import ODS, toy

from instc._errors import DataError
from instc.resilience.criticality import criticality


@pytest.fixture(scope="module")
def result():
    return criticality(toy(), ods=ODS, by="cost")


def test_frozen(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.by = "time"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ranking[0].rank = 5


def test_to_frame(result):
    frame = result.to_frame()
    assert list(frame["element_id"]) == [e.element.element_id for e in result.ranking]
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    assert {"unserved_share", "objective_increase_pct", "time_increase_pct"} <= set(frame)
    assert len(result.to_frame(top=2)) == 2


def test_to_dict_is_json_and_lists_impacts_of_the_listed_elements(result):
    data = json.loads(json.dumps(result.to_dict(top=3)))
    assert [r["element_id"] for r in data["ranking"]] == ["AB", "EF", "BC"]
    assert {i["element_id"] for i in data["impacts"]} == {"AB", "EF", "BC"}
    assert data["total_weight"] == 4.0
    assert data["by"] == "cost" and data["elements"] == "links"
    bc = next(i for i in data["impacts"] if i["element_id"] == "BC" and i["origin"] == "B")
    assert (bc["baseline_objective"], bc["objective"]) == (105.0, 405.0)
    assert bc["objective_increase"] == 300.0
    ab = [i for i in data["impacts"] if i["element_id"] == "AB"]
    assert all(i["served"] is False and i["objective"] is None for i in ab)
    assert len(data["baseline"]) == 3


def test_to_geojson_map_layer(result, tmp_path):
    layer = result.to_geojson()
    assert layer["type"] == "FeatureCollection"
    feats = {f["properties"]["element_id"]: f for f in layer["features"]}
    assert len(feats) == 7
    assert feats["AB"]["geometry"]["type"] == "LineString"
    # the most critical element is darkest; elements with no effect are grey
    assert feats["AB"]["properties"]["color"] == "#7f0000"
    assert feats["GH"]["properties"]["color"] == "#9e9e9e"
    assert feats["BC"]["properties"]["stroke"] == feats["BC"]["properties"]["color"]
    path = result.write_geojson(tmp_path / "crit.geojson", top=2)
    assert len(json.loads(path.read_text())["features"]) == 2


def test_points_for_borders_and_nodes():
    for elements in ("borders", "nodes"):
        layer = criticality(toy(), ods=ODS, by="cost", elements=elements).to_geojson()
        assert {f["geometry"]["type"] for f in layer["features"]} == {"Point"}


def test_write_geojson_to_a_missing_folder(result, tmp_path):
    with pytest.raises(DataError, match="cannot write"):
        result.write_geojson(tmp_path / "no" / "such" / "dir.geojson")


def test_progress_reports_every_rerouted_element():
    calls = []
    criticality(toy(), ods=ODS, by="cost", progress=lambda d, t: calls.append((d, t)))
    # AB, BC, CE, EF are used by some OD; the others are not re-routed
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
