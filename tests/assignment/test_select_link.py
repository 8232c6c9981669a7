"""Select-link analysis on the 2030 corridor assignment."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from instc._errors import UnknownNameError
from instc.assignment.corridor import CorridorAssignment, assign_corridor
from instc.assignment.select_link import element_matcher, select_link
from instc.cli import app
from instc.network.load import load_network


@pytest.fixture(scope="module")
def run_2030() -> CorridorAssignment:
    return assign_corridor(load_network(as_of="2030-01-01"), year=2030)


def test_select_link_tonnes_add_up_to_the_element_volume(run_2030: CorridorAssignment) -> None:
    """The OD pairs' tonnes through the Astara border (from each OD's own flows) add up
    to the border gates' volume in the element table (from the total flows)."""
    found = select_link(run_2030, "AZ-IR-ASTARA")
    assert set(found.elements) <= {"border:AZ-IR-ASTARA/road", "border:AZ-IR-ASTARA/rail"}
    table = run_2030.elements.set_index("element_id")
    volume = sum(float(table.loc[e, "volume_t_per_year"]) for e in found.elements)
    assert volume > 0
    assert found.total_t == pytest.approx(volume, rel=1e-9)
    assert (found.ods["through_t"] <= found.ods["volume_t"] * (1 + 1e-9)).all()
    assert found.ods["through_t"].is_monotonic_decreasing
    data = found.to_dict()
    assert data["total_t_per_year"] == pytest.approx(volume)
    assert {"class", "origin", "destination", "through_t", "share"} <= set(data["ods"][0])


def test_every_busy_element_is_explained_by_its_ods(run_2030: CorridorAssignment) -> None:
    busy = run_2030.elements.sort_values("volume_t_per_year", ascending=False).head(5)
    for row in busy.itertuples():
        found = select_link(run_2030, str(row.element_id))
        assert found.total_t == pytest.approx(row.volume_t_per_year, rel=1e-9)


def test_an_unused_link_has_no_od(run_2030: CorridorAssignment) -> None:
    table = run_2030.elements
    idle = table.loc[(table["volume_t_per_year"] == 0) & (table["kind"] == "link"), "element_id"]
    found = select_link(run_2030, str(idle.iloc[0]))
    assert found.ods.empty and found.total_t == 0.0


def test_names_match_ids_or_bare_ids_and_typos_get_suggestions() -> None:
    ids = ["connector", "link:r-rasht-astara", "border:AZ-IR-ASTARA/rail", "transfer:X/a-b"]
    assert element_matcher("r-rasht-astara", ids) == ("link:r-rasht-astara",)
    assert element_matcher("border:AZ-IR-ASTARA/rail", ids) == ("border:AZ-IR-ASTARA/rail",)
    assert element_matcher("transfer:X/a-b", ids) == ("transfer:X/a-b",)
    with pytest.raises(UnknownNameError, match="did you mean 'r-rasht-astara'"):
        element_matcher("r-rasht-astra", ids)
    with pytest.raises(UnknownNameError):
        element_matcher("connector", ids)  # zone connectors are no element


def test_cli_select_link_json_and_error() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["assign", "corridor", "--year", "2030", "--select-link", "AZ-IR-ASTARA", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["year"] == 2030 and data["ods"]
    bad = runner.invoke(app, ["assign", "corridor", "--select-link", "nowhere-link"])
    assert bad.exit_code == 2 and "unknown link, border or terminal" in bad.output
