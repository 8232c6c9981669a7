"""The TOML files of a data folder belong to it: they are loaded with the ``Network``
(``--data DIR`` reads DIR's own ``families.toml``, ``corridor.toml``,
``criticality.toml``, ``rules.toml`` and ``scenarios/_pairs.toml``), and ``validate``
checks them with the same one-line ``file:row:column: what — fix`` form as the CSV
tables."""

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


def _own_families(folder: Path, text: str) -> None:
    """Give ``folder`` its own families file; its corridor.toml keeps the branches of the
    families it still has (a branch naming a missing family is a contract error)."""
    (folder / "families.toml").write_text(text, encoding="utf-8")
    corridor = folder / "corridor.toml"
    body = corridor.read_text(encoding="utf-8").split("[branch.", 1)[0]
    body += '[branch.western]\nfamilies = ["western_rail"]\nscope = "western-route"\n'
    corridor.write_text(body, encoding="utf-8")


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
    _own_families(data_copy, WESTERN_RAIL)
    code, out, err = _invoke("compare", "INNSA", "RU-MOSCOW", "--data", data_copy, "--json")
    assert code == 0, err
    answer = json.loads(out)
    named = {o["family"] for o in answer["options"]} | {m[0] for m in answer["missing"]}
    assert named == {"best", "western_rail"}


def test_scenario_family_selection_reads_the_data_folders_families(data_copy: Path) -> None:
    from instc.network.load import load_network
    from instc.scenarios.select import family_links

    _own_families(data_copy, WESTERN_RAIL)
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


RULES = Path(__file__).resolve().parents[2] / "src" / "instc" / "routing" / "rules.toml"

# (file, text replaced, replacement, key the one-line error must name)
BROKEN = [
    (
        "families.toml",
        "[western_rail]\n",
        "[western_rail]\nmax_detour_factor = 0.5\n",
        "max_detour_factor",
    ),
    ("corridor.toml", 'scope = "instc-total"', 'scope = "instc-totl"', "scope"),
    ("criticality.toml", "default = 1.0", "default = -1.0", "default"),
    ("rules.toml", "lat_min = 36.4", "lat_min = 96.4", "lat_min"),
    ("scenarios/_pairs.toml", 'cargo = "container"', 'cargo = "contaner"', "cargo"),
    ("corridor.toml", "[demand]", "[demand", "not valid TOML"),
    ("corridor.toml", 'scope = "bnp-throughput"', 'scope = "bnp-thruput"', "scope"),
    (
        "corridor.toml",
        'scope = "bnp-throughput"',
        'scope = "bnp-throughput"\nshare = 0.1',
        "both scope and share",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "key"), BROKEN, ids=[f"{b[0]}-{b[3]}" for b in BROKEN]
)
def test_a_broken_config_file_fails_validate_with_one_line_naming_file_and_key(
    data_copy: Path, name: str, old: str, new: str, key: str
) -> None:
    if name == "rules.toml":
        shutil.copy(RULES, data_copy / name)
    path = data_copy / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, _ = _invoke("validate", data_copy)
    assert code == 2
    lines = [line for line in out.splitlines() if line]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{name}:"), lines[0]
    assert key in lines[0], lines[0]
    # loading the folder refuses it with the same first line
    from instc._errors import ValidationError
    from instc.network.load import load_network

    with pytest.raises(ValidationError) as caught:
        load_network(data_copy)
    assert str(caught.value.problems[0]) == lines[0]


def test_the_config_files_are_loaded_with_the_network_not_read_per_use(data_copy: Path) -> None:
    from instc.network.load import load_network
    from instc.scenarios.select import family_links

    _own_families(data_copy, WESTERN_RAIL)
    network = load_network(data_copy)
    # the file changes on disk after the load: the network keeps what it was loaded with
    (data_copy / "families.toml").write_text("not = [valid", encoding="utf-8")
    assert set(family_links(network)) == {"western_rail"}
    assert network.config is not None
    assert network.config.file("families.toml").own
    assert not network.config.file("rules.toml").own  # the folder has none: the embedded one


def test_each_config_file_of_the_data_folder_is_the_one_used(data_copy: Path) -> None:
    from instc.assignment.corridor_demand import corridor_demand
    from instc.network.load import load_network
    from instc.resilience.ods import default_ods
    from instc.routing.rules import rules_for

    corridor = data_copy / "corridor.toml"
    corridor.write_text(
        corridor.read_text(encoding="utf-8").replace(
            'scope = "instc-total"', 'scope = "western-route"', 1
        ),
        encoding="utf-8",
    )
    criticality = data_copy / "criticality.toml"
    criticality.write_text(
        criticality.read_text(encoding="utf-8").replace("default = 1.0", "default = 2.5"),
        encoding="utf-8",
    )
    rules = RULES.read_text(encoding="utf-8").replace("enabled = false", "enabled = true")
    (data_copy / "rules.toml").write_text(rules, encoding="utf-8")
    own, embedded = load_network(data_copy, as_of="2026-01-01"), load_network(as_of="2026-01-01")

    assert corridor_demand(own, year=2024).total.scope == "western-route"
    assert corridor_demand(embedded, year=2024).total.scope == "instc-total"
    assert {od.weight for od in default_ods(own)[0]} == {2.5}
    assert {od.weight for od in default_ods(embedded)[0]} == {1.0}
    assert [r.enabled for r in rules_for(own)] == [True]
    assert [r.enabled for r in rules_for(embedded)] == [False]


def test_the_pairs_file_criticality_toml_names_in_a_subfolder_is_part_of_the_cache_key(
    data_copy: Path,
) -> None:
    from instc.network.load import load_network
    from instc.resilience.ods import default_ods
    from instc.service import _data_digest

    (data_copy / "ods").mkdir()
    pairs = data_copy / "ods" / "pairs.toml"
    pairs.write_text(
        '[[pair]]\norigin = "INNSA"\ndestination = "RU-MOSCOW"\ncargo = "container"\n',
        encoding="utf-8",
    )
    criticality = data_copy / "criticality.toml"
    text = criticality.read_text(encoding="utf-8")
    assert 'file = "scenarios/_pairs.toml"' in text, "update the test"
    criticality.write_text(
        text.replace('file = "scenarios/_pairs.toml"', 'file = "ods/pairs.toml"'),
        encoding="utf-8",
    )
    before = [od.label for od in default_ods(load_network(data_copy))[0]]
    digest_before = _data_digest(str(data_copy))[0]
    assert before == ["INNSA→RU-MOSCOW (container)"]
    # only the pairs file in the subfolder changes: the next load sees the new pair
    pairs.write_text(
        pairs.read_text(encoding="utf-8")
        + '\n[[pair]]\norigin = "IRBND"\ndestination = "AZ-BAKU"\ncargo = "bulk"\n',
        encoding="utf-8",
    )
    after = [od.label for od in default_ods(load_network(data_copy))[0]]
    assert after == ["INNSA→RU-MOSCOW (container)", "IRBND→AZ-BAKU (bulk)"]
    assert _data_digest(str(data_copy))[0] != digest_before
