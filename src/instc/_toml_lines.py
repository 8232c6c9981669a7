"""Line numbers of keys in a TOML text.

``tomllib`` parses a document but does not say where a key was written, and a scenario
error must name its line. :func:`key_lines` scans the raw text once and maps every key
path to the 1-based line where it is defined. Array-of-tables elements are numbered from
0, so the ``action`` key of the third ``[[edit]]`` is ``("edit", 2, "action")`` and the
header line of that element is ``("edit", 2)``.

>>> text = 'name = "x"\\n[[edit]]\\naction = "close"\\n\\n[[edit]]\\naction = "open"\\n'
>>> lines = key_lines(text)
>>> lines[("name",)], lines[("edit", 1)], lines[("edit", 1, "action")]
(1, 5, 6)
"""

from __future__ import annotations

import re

__all__ = ["KeyPath", "key_lines", "line_of"]

KeyPath = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]")
_KEY_VALUE = re.compile(rf"^\s*({_DOTTED})\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_DOTTED})\s*=")


def _split_dotted(dotted: str) -> tuple[str, ...]:
    parts = re.findall(_KEY, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def _resolve(prefix: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> KeyPath:
    """Turn a header's dotted names into a path with array indices filled in."""
    path: list[str | int] = []
    names: tuple[str, ...] = ()
    for name in prefix:
        names = (*names, name)
        path.append(name)
        if names in counts:
            path.append(counts[names] - 1)
    return tuple(path)


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path of a TOML document to the line that defines it (1-based).

    Keys inside inline tables (``select = { mode = "rail" }``) are mapped too. The
    scan ignores the insides of multi-line strings; it assumes a document that
    ``tomllib`` accepts.
    """
    lines: dict[KeyPath, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: KeyPath = ()
    in_multiline: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if in_multiline is not None:
            if in_multiline in line:
                line = line.split(in_multiline, 1)[1]
                in_multiline = None
            else:
                continue
        header = _ARRAY_HEADER.match(line)
        if header:
            names = _split_dotted(header.group(1))
            counts[names] = counts.get(names, 0) + 1
            table = _resolve(names, counts)
            lines.setdefault(table, number)
            continue
        header = _TABLE_HEADER.match(line)
        if header:
            table = _resolve(_split_dotted(header.group(1)), counts)
            lines.setdefault(table, number)
            continue
        match = _KEY_VALUE.match(line)
        if match:
            key = (*table, *_split_dotted(match.group(1)))
            lines.setdefault(key, number)
            rest = line[match.end() :]
            for inner in _INLINE_KEY.finditer(rest):
                lines.setdefault((*key, *_split_dotted(inner.group(1))), number)
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
                    break
    return lines


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path`` or, failing that, of its nearest enclosing key or table."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
