"""Did-you-mean: the closest valid names to a word that matched none."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = ["closest", "did_you_mean"]


def closest(word: str, options: Iterable[str], n: int = 1) -> list[str]:
    options = list(options)
    found = difflib.get_close_matches(word, options, n=n, cutoff=0.5)
    if not found:
        lowered = {o.lower(): o for o in options}
        found = [lowered[w] for w in difflib.get_close_matches(word.lower(), lowered, n=n)]
    return found


def did_you_mean(word: str, options: Sequence[str], what: str) -> str:
    close = closest(word, options)
    allowed = ", ".join(options) if len(options) <= 12 else f"see {what}"
    if close:
        return f"did you mean {close[0]!r}? allowed: {allowed}"
    return f"use one of: {allowed}"
