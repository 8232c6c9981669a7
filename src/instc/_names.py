"""Did-you-mean: the closest valid names to a word that matched none, in one format.

Every "unknown X" hint reads the same: ``did you mean 'a', 'b'?`` for the closest valid
names, then the valid names when the list is short (``valid: x, y``) or where to see them
all (``see ...``), in parentheses after a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = ["closest", "did_you_mean", "hint"]

# a list of valid names longer than this is not spelt out in a hint
_LISTED = 12


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


def hint(suggestions: Sequence[str], valid: Sequence[str] = (), see: str = "") -> str:
    """The hint for names ``suggestions`` (closest first) out of ``valid``: the valid
    names are listed when there are at most 12, else ``see`` says where to find them.

    >>> hint(["rail"], ["sea", "rail", "road"])
    "did you mean 'rail'? (valid: sea, rail, road)"
    >>> hint([], ["open", "close"])
    'valid: open, close'
    >>> hint([], [str(i) for i in range(20)], see="instc sources")
    'see instc sources'
    """
    listed = ""
    if valid and len(valid) <= _LISTED:
        listed = "valid: " + ", ".join(str(v) for v in valid)
    elif see:
        listed = see if see.startswith(("see ", "every ")) else f"see {see}"
    elif valid:
        listed = f"{len(valid)} valid names, e.g. " + ", ".join(str(v) for v in valid[:5])
    if not suggestions:
        return listed
    asked = "did you mean " + ", ".join(repr(str(s)) for s in suggestions) + "?"
    return f"{asked} ({listed})" if listed else asked


def did_you_mean(
    word: str, options: Iterable[str], see: str = "", *, n: int = 1, cutoff: float = 0.6
) -> str:
    """:func:`hint` for ``word``, which matched none of ``options``: its ``n`` closest
    options (difflib ratio >= ``cutoff``), then the options or where to ``see`` them.

    >>> did_you_mean("fiel", ["field", "factor", "value"])
    "did you mean 'field'? (valid: field, factor, value)"
    >>> did_you_mean("zzz", ["open", "close"])
    'valid: open, close'
    """
    choices = [str(o) for o in options]
    return hint(closest(str(word), choices, n=n, cutoff=cutoff), choices, see)
