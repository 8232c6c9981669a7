"""One exception hierarchy for instc.

Every error a user can cause is an :class:`InstcError`. Subclasses also inherit the
built-in exception they resemble (as r5py does), so ``except ValueError`` keeps working
for callers who do not know instc. Messages say what was wrong, where, and how to fix it;
the CLI prints them as one red line with exit code 2, the HTTP API as a 4xx.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "DataError",
    "InstcError",
    "NoRouteError",
    "NoTerminalError",
    "Problem",
    "ScenarioError",
    "TNTPFormatError",
    "UnknownNameError",
    "ValidationError",
]


class InstcError(Exception):
    """Root of every error instc raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, how to fix it.

    ``row`` is the 1-based line number in the file (the header is line 1), or ``None``
    when the problem concerns the whole file.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" — {self.fix}"
        return text


class DataError(InstcError, ValueError):
    """Input data (CSV, TOML, TNTP, request body) does not follow the contract."""


class ValidationError(DataError):
    """A table or directory failed validation; ``problems`` lists every finding."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        head = str(self.problems[0]) if self.problems else "invalid data"
        more = len(self.problems) - 1
        super().__init__(head + (f" (and {more} more problems)" if more > 0 else ""))


class TNTPFormatError(DataError):
    """A TNTP file is malformed; the message starts with ``file:line:``."""


class ScenarioError(DataError):
    """A scenario file is malformed or refers to something that does not exist."""


# where a user sees every valid name of a kind too many to list in one line
_SEE_ALL = {
    "place": "every place is a row of the dataset's nodes.csv",
    "country": "see the countries: instc network summary",
    "link": "see a place's links: instc network show PLACE",
    "border": "see a place's borders: instc network show PLACE",
    "source": "see every source: instc sources",
    "family": "every family is a table of the dataset's families.toml",
    "rule": "every rule is a table of the dataset's rules.toml",
    "scenario": "see every scenario: instc scenario list",
}


def _valid_names(kind: str) -> tuple[str, ...]:
    """Every valid name of a short fixed list (modes, layers, cargo classes), else ()."""
    from instc.network import schema

    fixed = {"mode": schema.MODES, "layer": schema.LAYERS, "cargo class": schema.CARGO_CLASSES}
    return tuple(fixed.get(kind, ()))


class UnknownNameError(InstcError, KeyError):
    """A place, link, cargo class, mode, country... was not found.

    ``suggestions`` holds the closest valid names, best first. The message adds every
    valid name of a short fixed list, or where to see them all.

    >>> str(UnknownNameError("mode", "teleport"))
    "unknown mode 'teleport' — valid: sea, rail, road, ferry, inland_waterway, pipeline"
    """

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = tuple(suggestions)
        from instc._names import hint

        text = f"unknown {kind} {name!r}"
        found = hint(self.suggestions, _valid_names(kind), _SEE_ALL.get(kind, ""))
        super().__init__(f"{text} — {found}" if found else text)

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class NoRouteError(InstcError, LookupError):
    """No path satisfies the request; the message names the constraint that cut it."""

    def __init__(self, origin: str, destination: str, reason: str) -> None:
        self.origin = origin
        self.destination = destination
        self.reason = reason
        super().__init__(f"no route from {origin} to {destination}: {reason}")


class NoTerminalError(NoRouteError):
    """An origin or destination where freight is neither loaded nor unloaded: a junction,
    a border station or a sea waypoint. ``place`` is that place, ``nearest`` the closest
    places that have a terminal for the cargo class (nearest first)."""

    def __init__(
        self, origin: str, destination: str, place: str, reason: str, nearest: Sequence[str]
    ) -> None:
        self.place = place
        self.nearest = tuple(nearest)
        super().__init__(origin, destination, reason)
