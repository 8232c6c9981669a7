"""Did-you-mean: the closest valid names to a word that matched none."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = ["closest", "did_you_mean", "name_hint"]


def closest(word: str, options: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` of ``options`` closest to ``word`` (difflib ratio >= ``cutoff``), best
    first; when none is, the same search ignoring case.

    >>> closest("contaner", ["container", "bulk", "liquid"])
    ['container']
    >>> closest("RAIL", ["rail", "road"], n=1)
    ['rail']
    """
    options = [str(o) for o in options]
    found = difflib.get_close_matches(word, options, n=n, cutoff=cutoff)
    if not found:
        lowered = {o.lower(): o for o in options}
        folded = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=cutoff)
        found = [lowered[w] for w in folded]
    return found


def did_you_mean(word: str, options: Sequence[str], what: str) -> str:
    """A fix hint: the closest option and the allowed ones (or where to see them)."""
    close = closest(word, options, n=1, cutoff=0.5)
    allowed = ", ".join(options) if len(options) <= 12 else f"see {what}"
    if close:
        return f"did you mean {close[0]!r}? allowed: {allowed}"
    return f"use one of: {allowed}"


def name_hint(name: str, valid: Iterable[str]) -> str:
    """A ``did you mean`` hint: the nearest valid name, or the list of valid names.

    >>> name_hint("fiel", ["field", "factor", "value"])
    "did you mean 'field'?"
    >>> name_hint("zzz", ["open", "close"])
    "valid: 'open', 'close'"
    """
    choices = [str(v) for v in valid]
    match = closest(str(name), choices, n=1, cutoff=0.6)
    if match:
        return f"did you mean {match[0]!r}?"
    if len(choices) <= 12:
        return "valid: " + ", ".join(repr(c) for c in choices)
    return f"{len(choices)} valid names, e.g. " + ", ".join(repr(c) for c in choices[:5])
