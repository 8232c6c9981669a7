"""table_changes: what a scenario changes in the tables, row by row."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from instc.cli import app
from instc.network.load import load_network
from instc.scenarios import apply_scenario, load_bundled, parse_scenario
from instc.scenarios.changes import table_changes

MINI = Path(__file__).resolve().parents[1] / "network" / "fixtures" / "mini"
HEAD = 'name = "t"\ndescription = "test"\nsources = ["S1"]\n'


def test_empty_scenario_changes_nothing() -> None:
    net = load_network(MINI, as_of="2026")
    found = table_changes(net, apply_scenario(net, parse_scenario(HEAD, file="e")))
    assert found.empty and found.cells == () and found.links_closed == ()


def test_changes_list_closed_links_and_moved_values() -> None:
    net = load_network(MINI, as_of="2026")
    text = HEAD + (
        '[[edit]]\naction = "close"\nlink = "L-FERRY"\n'
        '[[edit]]\naction = "scale"\nfield = "dwell_h"\nfactor = 2.0\nborder = "B-ASTARA"\n'
        'mode = "rail"\n'
    )
    found = table_changes(net, apply_scenario(net, parse_scenario(text, file="c")))
    assert found.links_closed == ("L-FERRY",) and found.links_opened == ()
    moved = {(c.table, c.key, c.column): (c.before, c.after) for c in found.cells}
    assert moved[("borders", "B-ASTARA/rail", "dwell_h")] == (12.0, 24.0)
    assert moved[("borders", "B-ASTARA/rail", "dwell_h_high")] == (24.0, 48.0)
    assert ("links", "L-FERRY", "close_date") in moved
    assert not any(c.table == "borders" and c.key == "B-ASTARA/road" for c in found.cells)
    # the frame: one row per change, the same changes as the fields
    frame = found.to_frame()
    assert list(frame.columns) == ["change", "table", "key", "column", "before", "after"]
    assert len(frame) == 1 + len(found.cells)
    closed = frame[frame["change"] == "link_closed"]
    assert closed[["table", "key"]].values.tolist() == [["links", "L-FERRY"]]
    dwell = frame[(frame["key"] == "B-ASTARA/rail") & (frame["column"] == "dwell_h")]
    assert dwell[["change", "before", "after"]].values.tolist() == [["cell", 12.0, 24.0]]
    empty = table_changes(net, net).to_frame()
    assert empty.empty and list(empty.columns) == list(frame.columns)


def test_show_changes_of_a_bundled_scenario() -> None:
    result = CliRunner().invoke(
        app, ["scenario", "show", "red-sea-closed", "--changes", "--as-of", "2026-11-25", "--json"]
    )
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)["changes"]
    assert changes["links_closed"] == ["s-babelmandeb-suez", "s-suez-canal"]
    net = load_network(as_of="2026-11-25")
    direct = table_changes(net, apply_scenario(net, load_bundled("red-sea-closed")))
    assert len(changes["cells"]) == len(direct.cells)
