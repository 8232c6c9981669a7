"""User text is printed as written: never read as Rich markup or emoji codes, in help
texts, tables, plain lines or errors; "unknown X" names the valid names or where to see
them all. Grouped by kind; each case was a bug (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from instc.cli import app

runner = CliRunner()
MARKUP = "[x] :100: [bold]B[/bold] [[edit]]"


# --- help texts ------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["scenario", "run"], ["report"]])
def test_help_prints_toml_table_names_as_written(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "[[pair]]" in result.output


# --- tables and plain lines -------------------------------------------------------------
def test_a_family_label_is_printed_as_written_in_the_comparison(tmp_path: Path) -> None:
    families = tmp_path / "f.toml"
    families.write_text(
        f'[suez]\nlabel = "{MARKUP}"\nshort = "{MARKUP}"\n'
        'via = [["link:s-suez-canal"]]\navoid_countries = ["IR"]\n',
        encoding="utf-8",
    )
    args = ["compare", "INNSA", "RU-MOSCOW", "--families", str(families)]
    result = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert MARKUP in result.output  # the leg table's title: the label in full
    assert "💯" not in result.output


def test_a_scenario_description_is_printed_as_written(tmp_path: Path) -> None:
    scenario = tmp_path / "mk.toml"
    scenario.write_text(
        f'name = "mk"\ndescription = "closes {MARKUP}"\nsources = ["S1"]\n'
        '[[edit]]\naction = "close"\nlink = "r-astara-astara"\nnote = "[red]why[/red]"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["scenario", "show", str(scenario)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"closes {MARKUP}" in result.output
    assert "[red]why[/red]" in result.output


# --- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("place", ["[x]", ":100:", "[bold]Moscow[/]", "[[edit]]"])
def test_an_unknown_place_is_quoted_as_written_in_one_line(place: str) -> None:
    result = runner.invoke(app, ["route", place, "RU-MOSCOW"], env={"COLUMNS": "40"})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: unknown place {place!r}")


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["route", "Atlantis", "RU-MOSCOW"], "nodes.csv"),
        (["route", "INNSA", "RU-MOSCOW", "--avoid-mode", "teleport"], "valid: sea, rail, road"),
        (["route", "INNSA", "RU-MOSCOW", "--cargo", "boxes"], "valid: container, bulk"),
        (["route", "INNSA", "RU-MOSCOW", "--avoid-link", "no-such"], "instc network show"),
        (["sources", "NO-SUCH-SOURCE"], "instc sources"),
    ],
)
def test_unknown_names_say_where_to_see_all(args: list[str], where: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert where in result.stderr, result.stderr
