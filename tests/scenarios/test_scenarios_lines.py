"""The TOML key -> line helper that scenario errors rely on."""

from __future__ import annotations

from instc._toml_lines import key_lines, line_of

TEXT = '''\
# a comment
name = "x"
description = """
several lines
fake = "not a key"
"""
sources = ["S1",
  "S2"]

[[edit]]
action = "close"
link = "L1"

[[edit]]
action = "scale"
select = { mode = "rail", country = "IR" }
[edit.extra]
deep = 1

[[other]]
"quoted key" = 2
a.b = 3
'''


def test_top_level_keys_and_multiline_string() -> None:
    lines = key_lines(TEXT)
    assert lines[("name",)] == 2
    assert lines[("description",)] == 3
    assert ("fake",) not in lines  # inside a multi-line string
    assert lines[("sources",)] == 7


def test_array_of_tables_are_numbered_in_order() -> None:
    lines = key_lines(TEXT)
    assert lines[("edit", 0)] == 10
    assert lines[("edit", 0, "link")] == 12
    assert lines[("edit", 1)] == 14
    assert lines[("edit", 1, "action")] == 15


def test_inline_and_sub_tables_and_dotted_keys() -> None:
    lines = key_lines(TEXT)
    assert lines[("edit", 1, "select", "mode")] == 16
    assert lines[("edit", 1, "select", "country")] == 16
    assert lines[("edit", 1, "extra", "deep")] == 18
    assert lines[("other", 0, "quoted key")] == 21
    assert lines[("other", 0, "a", "b")] == 22


def test_line_of_falls_back_to_the_enclosing_table() -> None:
    lines = key_lines(TEXT)
    assert line_of(lines, ("edit", 1, "missing")) == 14
    assert line_of(lines, ("nothing",)) is None
