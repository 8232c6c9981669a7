"""The OD set of criticality: the bundled default (data) and user files with weights."""

from __future__ import annotations

import pytest

from instc._errors import DataError
from instc.resilience import WeightedOD, default_ods, read_ods
from instc.resilience.ods import as_ods
from instc.scenarios.diff import default_pairs


def test_default_reuses_the_scenario_pairs_with_equal_weights():
    ods, method = default_ods()
    pairs = default_pairs()
    assert [(o.origin, o.destination, o.cargo, o.group) for o in ods] == [
        (p.origin, p.destination, p.cargo, p.group) for p in pairs
    ]
    assert {o.weight for o in ods} == {1.0}
    assert "equal weights" in method


def test_read_ods_weights(tmp_path):
    path = tmp_path / "ods.toml"
    path.write_text(
        '[[pair]]\norigin = "INNSA"\ndestination = "RU-MOSCOW"\ncargo = "container"\n'
        "weight = 3.5\n\n"
        '[[pair]]\norigin = "IRBND"\ndestination = "AZ-BAKU"\ncargo = "bulk"\n'
    )
    ods = read_ods(path)
    assert ods == (
        WeightedOD("INNSA", "RU-MOSCOW", "container", 3.5),
        WeightedOD("IRBND", "AZ-BAKU", "bulk", 1.0),
    )


@pytest.mark.parametrize(
    ("weight", "message"), [('"heavy"', "not a number"), ("-1", ">= 0"), ("true", "not a number")]
)
def test_bad_weight_names_the_pair(tmp_path, weight, message):
    path = tmp_path / "ods.toml"
    path.write_text(
        '[[pair]]\norigin = "A"\ndestination = "B"\ncargo = "container"\n'
        f'[[pair]]\norigin = "A"\ndestination = "C"\ncargo = "container"\nweight = {weight}\n'
    )
    with pytest.raises(DataError, match=rf"ods.toml:9:weight: pair 2: weight .*{message}"):
        read_ods(path)


def test_all_zero_weights_rejected(tmp_path):
    path = tmp_path / "ods.toml"
    path.write_text('[[pair]]\norigin = "A"\ndestination = "B"\ncargo = "container"\nweight = 0\n')
    with pytest.raises(DataError, match="weight 0"):
        read_ods(path)


def test_missing_file_and_unknown_cargo(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_ods(tmp_path / "nope.toml")
    path = tmp_path / "ods.toml"
    path.write_text('[[pair]]\norigin = "A"\ndestination = "B"\ncargo = "containr"\n')
    with pytest.raises(DataError, match="unknown cargo"):
        read_ods(path)


def test_as_ods_from_tuples_and_errors():
    ods, _ = as_ods([("A", "B"), WeightedOD("A", "C", "bulk", 2.0)])
    assert [o.weight for o in ods] == [1.0, 2.0]
    with pytest.raises(DataError, match="OD 1"):
        as_ods([("A",)])
    with pytest.raises(DataError, match="unknown cargo"):
        as_ods([("A", "B", "boxes")])
    with pytest.raises(DataError, match="empty"):
        as_ods([])
