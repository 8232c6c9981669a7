"""Malformed scenario files: each gives its message and the TOML line of the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from instc._errors import ScenarioError
from instc.network.load import load_network
from instc.scenarios import ScenarioFileError, apply_scenario, check_scenario, parse_scenario

MINI = Path(__file__).resolve().parents[1] / "network" / "fixtures" / "mini"

HEAD = 'name = "t"\ndescription = "test"\nsources = ["S1"]\n'  # lines 1-3

# (id, text, expected line, words the message must contain)
CASES = [
    ("toml-syntax", HEAD + "[[edit]\naction = 1\n", 4, "not valid TOML"),
    ("unknown-top-key", 'nmae = "t"\ndescription = "d"\nsources = []\n', 1, "did you mean 'name'"),
    ("missing-name", 'description = "d"\nsources = []\n', None, "missing required key 'name'"),
    ("bad-name", 'name = "Rasht Astara"\ndescription = "d"\nsources = []\n', 1, "lower-case slug"),
    ("sources-not-list", 'name = "t"\ndescription = "d"\nsources = 5\n', 3, "sources must be"),
    (
        "sources-empty-text",
        'name = "t"\ndescription = "d"\nsources = ""\n',
        3,
        "holds an empty name",
    ),
    ("bad-as-of", HEAD + 'as_of = "2028-13"\n', 4, "as_of '2028-13' is not a date"),
    ("unknown-action", HEAD + '[[edit]]\naction = "opne"\nlink = "L"\n', 5, "did you mean 'open'"),
    ("missing-action", HEAD + '\n[[edit]]\nlink = "L"\n', 5, "missing key 'action'"),
    (
        "misspelt-action",
        HEAD + '[[edit]]\nacton = "close"\nlink = "L"\n',
        5,
        "did you mean 'action'",
    ),
    (
        "unknown-edit-key",
        HEAD + '[[edit]]\naction = "scale"\nfiel = "time_h"\nfactor = 2.0\nmode = "rail"\n',
        6,
        "did you mean 'field'",
    ),
    (
        "unknown-field",
        HEAD + '[[edit]]\naction = "scale"\nfield = "tarif_usd_per_unit_km"\nfactor = 0.5\n'
        'mode = "rail"\n',
        6,
        "did you mean 'tariff_usd_per_unit_km'",
    ),
    (
        "scale-without-factor",
        HEAD + '[[edit]]\naction = "scale"\nfield = "time_h"\nmode = "rail"\n',
        4,
        "scale needs factor",
    ),
    (
        "negative-factor",
        HEAD + '[[edit]]\naction = "scale"\nfield = "time_h"\nmode = "rail"\nfactor = -1\n',
        8,
        "factor must be >= 0",
    ),
    (
        "factor-not-number",
        HEAD + '[[edit]]\naction = "scale"\nfield = "time_h"\nmode = "rail"\nfactor = "half"\n',
        8,
        "factor must be a number, not a string",
    ),
    (
        "field-not-text",
        HEAD + '[[edit]]\naction = "scale"\nfield = []\nfactor = 1.0\nmode = "rail"\n',
        6,
        "field must be a string, not a list",
    ),
    (
        "nested-selection",
        HEAD + '[[edit]]\naction = "close"\nselect = { link = "L" }\n',
        6,
        "write the selection keys in the edit itself",
    ),
    (
        "unknown-mode",
        HEAD + '[[edit]]\naction = "close"\nmode = "rial"\n',
        6,
        "did you mean 'rail'",
    ),
    (
        "unknown-country",
        HEAD + '[[edit]]\naction = "close"\nmode = "road"\ncountry = ["AZ", "IRR"]\n',
        7,
        "unknown country 'IRR'",
    ),
    (
        "end-before-start",
        HEAD + '[[edit]]\naction = "close"\nmode = "ferry"\nstart = "2026-03"\nend = "2026-01"\n',
        8,
        "is not after start",
    ),
    (
        "field-wrong-selector",
        HEAD + '[[edit]]\naction = "scale"\nfield = "dwell_h"\nfactor = 2.0\nlink = "L-FERRY"\n',
        8,
        "cannot be selected by 'link'",
    ),
    (
        "set-scale-only-field",
        HEAD + '[[edit]]\naction = "set"\nfield = "cost"\nvalue = 1.0\nmode = "rail"\n',
        5,
        "field 'cost' cannot be set",
    ),
    (
        "cargo-on-time",
        HEAD + '[[edit]]\naction = "scale"\nfield = "time_h"\nfactor = 2.0\nmode = "rail"\n'
        'cargo = "bulk"\n',
        9,
        "does not depend on the cargo class",
    ),
    (
        "rule-wrong-type",
        HEAD + '[[edit]]\naction = "rule"\ncaspian_littoral_only = "yes"\n',
        6,
        "must be bool",
    ),
    (
        "rule-typo",
        HEAD + '[[edit]]\naction = "rule"\ncaspian_litoral_only = true\n',
        6,
        "did you mean 'caspian_littoral_only'",
    ),
    (
        "open-without-selection",
        HEAD + '\n\n[[edit]]\naction = "open"\n',
        6,
        "open needs a selection",
    ),
    (
        "unknown-basin",
        HEAD + '[[edit]]\naction = "close"\nbasin = "caspain"\n',
        6,
        "did you mean 'caspian'",
    ),
    (
        "demand-year-text",
        HEAD + '[[edit]]\naction = "demand"\nfactor = 2.0\nyear = "2030"\n',
        7,
        "year must be an integer",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_file_names_message_and_line(text: str, line: int | None, words: str) -> None:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, file="bad.toml")
    first = caught.value.problems[0]
    assert words in str(first), str(first)
    assert first.row == line, str(first)
    assert first.file == "bad.toml"
    expected_prefix = "bad.toml" if line is None else f"bad.toml:{line}"
    assert str(caught.value).startswith(expected_prefix)


def test_scenario_errors_are_value_errors_for_callers_who_do_not_know_instc() -> None:
    with pytest.raises(ValueError):
        parse_scenario("name = ", file="x.toml")


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = HEAD + '[[edit]]\naction = "opne"\n[[edit]]\naction = "close"\nmode = "rial"\n'
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, file="bad.toml")
    assert [p.row for p in caught.value.problems] == [5, 8]


# -- problems that need the network: unknown ids ---------------------------------------


@pytest.fixture(scope="module")
def mini():  # type: ignore[no-untyped-def]
    return load_network(MINI, as_of="2026")


NETWORK_CASES = [
    (
        "unknown-link",
        HEAD + '[[edit]]\naction = "close"\nlink = ["L-FERRY", "L-FERY"]\n',
        6,
        "unknown link id 'L-FERY'",
        "did you mean 'L-FERRY'",
    ),
    (
        "unknown-source",
        'name = "t"\ndescription = "d"\nsources = ["S9"]\n',
        3,
        "unknown source id 'S9'",
        "valid: S1, S2, S3",
    ),
    (
        "unknown-project",
        HEAD + '\n[[edit]]\naction = "open"\nproject = "P-R"\n',
        7,
        "unknown project id 'P-R'",
        "did you mean 'P-RA'",
    ),
    (
        "unknown-border",
        HEAD + '[[edit]]\naction = "scale"\nfield = "dwell_h"\nfactor = 2.0\nborder = "B-ASTRA"\n',
        8,
        "unknown border id 'B-ASTRA'",
        "did you mean 'B-ASTARA'",
    ),
    (
        "unknown-node",
        HEAD + '[[edit]]\naction = "close"\nnode = "AZBAKU"\n',
        6,
        "unknown node id 'AZBAKU'",
        "did you mean 'AZBAK'",
    ),
    (
        "selection-matches-nothing",
        HEAD + '[[edit]]\naction = "close"\nmode = "pipeline"\n',
        4,
        "matches no link",
        "",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "words", "hint"),
    [c[1:] for c in NETWORK_CASES],
    ids=[c[0] for c in NETWORK_CASES],
)
def test_unknown_ids_name_line_and_closest(
    mini, text: str, line: int, words: str, hint: str
) -> None:  # type: ignore[no-untyped-def]
    scenario = parse_scenario(text, file="bad.toml")
    problems = check_scenario(scenario, mini)
    assert problems, "expected a problem"
    assert words in str(problems[0]) and hint in str(problems[0]), str(problems[0])
    assert problems[0].row == line
    with pytest.raises(ScenarioError, match=words):
        apply_scenario(mini, scenario)


def test_parent_cycle_is_an_error(tmp_path: Path, mini) -> None:  # type: ignore[no-untyped-def]
    from instc.scenarios import read_scenario

    (tmp_path / "a.toml").write_text(HEAD.replace('"t"', '"a"') + 'parent = "b.toml"\n')
    (tmp_path / "b.toml").write_text(HEAD.replace('"t"', '"b"') + 'parent = "a.toml"\n')
    with pytest.raises(ScenarioError, match=r"a.toml:4: parent cycle a -> b -> a|parent cycle"):
        apply_scenario(mini, read_scenario(tmp_path / "a.toml"))


def test_missing_parent_file_is_an_error(tmp_path: Path, mini) -> None:  # type: ignore[no-untyped-def]
    from instc.scenarios import read_scenario

    (tmp_path / "a.toml").write_text(HEAD + 'parent = "nope.toml"\n')
    with pytest.raises(ScenarioError, match="no such scenario file"):
        apply_scenario(mini, read_scenario(tmp_path / "a.toml"))
