"""The TOML files of a data folder belong to it: ``--data DIR`` reads DIR's own
``families.toml`` and ``scenarios/_pairs.toml``, and ``validate`` checks them with the
same one-line ``file:row:column: what — fix`` form as the CSV tables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from instc.cli import app
from instc.network.contract import embedded_data_dir

runner = CliRunner()

WESTERN_RAIL = """[western_rail]
short = "INSTC western rail"
label = "INSTC western rail (Azerbaijan, Astara)"
via = [["link:r-astara-astara"]]
avoid_countries = ["KZ", "TM"]
avoid_modes = ["ferry"]
avoid_rules = ["caspian_littoral_flag"]
"""


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the embedded data folder (tables, TOML files, scenarios)."""
    folder = tmp_path / "data"
    shutil.copytree(embedded_data_dir(), folder, ignore=shutil.ignore_patterns("__*"))
    return folder


def _invoke(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_a_broken_families_toml_fails_validate_with_one_line_naming_file_and_key(
    data_copy: Path,
) -> None:
    families = data_copy / "families.toml"
    families.write_text(
        families.read_text(encoding="utf-8") + '\n[typo_family]\nlabel = "x"\nvai = []\n',
        encoding="utf-8",
    )
    code, out, _ = _invoke("validate", data_copy)
    assert code == 2
    lines = [line for line in out.splitlines() if line]
    assert len(lines) == 1, lines
    assert lines[0].startswith("families.toml:"), lines[0]
    assert "typo_family" in lines[0] and "vai" in lines[0]


def test_data_folder_families_toml_is_the_one_compare_uses(data_copy: Path) -> None:
    (data_copy / "families.toml").write_text(WESTERN_RAIL, encoding="utf-8")
    code, out, err = _invoke("compare", "INNSA", "RU-MOSCOW", "--data", data_copy, "--json")
    assert code == 0, err
    answer = json.loads(out)
    named = {o["family"] for o in answer["options"]} | {m[0] for m in answer["missing"]}
    assert named == {"best", "western_rail"}


def test_scenario_family_selection_reads_the_data_folders_families(data_copy: Path) -> None:
    from instc.network.load import load_network
    from instc.scenarios.select import family_links

    (data_copy / "families.toml").write_text(WESTERN_RAIL, encoding="utf-8")
    assert family_links(load_network(data_copy)) == {"western_rail": frozenset({"r-astara-astara"})}
    assert "caspian_sea" in family_links(load_network())  # the embedded families


def test_scenario_run_takes_the_default_pairs_of_the_data_folder(data_copy: Path) -> None:
    (data_copy / "scenarios" / "_pairs.toml").write_text(
        '[[pair]]\norigin = "INNSA"\ndestination = "RU-MOSCOW"\ncargo = "container"\n'
        'group = "one"\n',
        encoding="utf-8",
    )
    code, out, err = _invoke(
        "scenario", "run", "astara-border-closed", "--data", data_copy, "--json", "--all"
    )
    assert code == 0, err
    diff = json.loads(out)
    assert [(p["origin"], p["destination"]) for p in diff["pairs"]] == [("INNSA", "RU-MOSCOW")]
