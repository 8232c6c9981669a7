"""Reading input files and checking output paths, with one-line errors.

Every file a user names (a TOML of families, OD pairs, a sweep, a scenario; a CSV of the
dataset) goes through :func:`read_text` or :func:`read_toml`, and every path a command
writes through :func:`check_output_file` or :func:`check_output_dir` before the work
starts. The errors are :class:`~instc._errors.DataError` whose message names the file
(and the key or line) and the fix, so the CLI prints them as one red line.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from instc._errors import DataError

__all__ = [
    "check_output_dir",
    "check_output_file",
    "loads_toml",
    "read_text",
    "read_toml",
    "write_error",
]


def read_text(path: str | Path, *, what: str = "file") -> str:
    """The text of ``path`` as UTF-8 (a byte-order mark is allowed and dropped)."""
    p = Path(path)
    if p.is_dir():
        raise DataError(f"{p}: is a folder, not a {what} — give the file itself")
    if not p.exists():
        raise DataError(f"{p}: {what} not found — check the path")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise DataError(f"{p}: cannot read the {what} ({exc.strerror}) — check the path") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{p}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}) — save the {what} as UTF-8"
        ) from exc


def loads_toml(text: str, *, file: str) -> dict[str, Any]:
    """Parse TOML ``text`` read from ``file``; syntax errors name the file and line."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError(f"{file}:{line}: a NUL character is not allowed in TOML — remove it")
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{file}: not valid TOML ({exc}) — fix the syntax") from exc
    except RecursionError as exc:
        raise DataError(
            f"{file}: not valid TOML (arrays or tables nested too deep) — flatten the nesting"
        ) from exc


def read_toml(path: str | Path, *, what: str = "TOML file") -> dict[str, Any]:
    """Read and parse a TOML file; every failure is one :class:`DataError` line."""
    return loads_toml(read_text(path, what=what), file=str(path))


def _writable_folder(folder: Path, option: str, target: Path) -> None:
    if not folder.exists():
        raise DataError(
            f"{option} {target}: folder {folder} does not exist — create it first or "
            "give another path"
        )
    if not folder.is_dir():
        raise DataError(f"{option} {target}: {folder} is a file, not a folder — give another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataError(f"{option} {target}: folder {folder} is not writable — give another path")


def check_output_file(path: str | Path, *, option: str = "output") -> Path:
    """Check before any work that a file can be written at ``path``; return it.

    A folder, a missing or unwritable parent folder, or a parent that is a file each
    give one line naming the option.
    """
    p = Path(path)
    if p.is_dir():
        raise DataError(f"{option} {p}: is a folder — give a file name inside it")
    _writable_folder(p.parent if str(p.parent) else Path("."), option, p)
    if p.exists() and not os.access(p, os.W_OK):
        raise DataError(f"{option} {p}: the file is not writable — give another path")
    return p


def check_output_dir(path: str | Path, *, option: str = "output folder") -> Path:
    """Check before any work that the folder ``path`` can be created or written; return it."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise DataError(f"{option} {p}: is a file — give a folder")
    if p.is_dir():
        _writable_folder(p, option, p)
    else:
        _writable_folder(p.parent if str(p.parent) else Path("."), option, p)
    return p


def write_error(path: str | Path, exc: OSError, *, option: str = "output") -> DataError:
    """The one-line error for an :class:`OSError` met while writing ``path``."""
    reason = exc.strerror or type(exc).__name__
    return DataError(f"{option} {path}: cannot write ({reason}) — give another path")
