"""Shared pieces of the CLI: the console, JSON output and error handling."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape

# Neither console reads Rich markup: user text (names, labels, paths, TOML values) is
# printed as written, "[x]" and ":100:" too. Author styling goes through ``rich``/style=.
console = Console(emoji=False, markup=False)
err_console = Console(stderr=True, emoji=False, markup=False)


def rich(markup: str) -> Any:
    """Author markup (``"[bold]total[/]"``) as styled :class:`rich.text.Text`; user text
    inside it must be passed through :func:`rich.markup.escape`."""
    from rich.text import Text

    return Text.from_markup(markup, emoji=False)


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (machines read this; no Rich markup): the text
    of :func:`instc.service.dumps`, which the HTTP API sends too."""
    from instc.service import dumps

    sys.stdout.write(dumps(data) + "\n")


class Interrupted(Exception):
    """Ctrl-C, with what was kept: the CLI prints the message and exits with 130."""


def error_line(message: str) -> None:
    """Print ``error: message`` as one red line on stderr, whatever the terminal width.

    The message is user text (names, paths, TOML keys): it is never read as
    Rich markup or emoji codes, and its line breaks are folded so that a piped error
    stays one line.
    """
    text = " ".join(str(message).split("\n")).strip()
    err_console.print(rich("[bold red]error:[/] ") + text, highlight=False, soft_wrap=True)


def fail(message: str) -> None:
    """Print one red line on stderr and exit with code 2."""
    import typer

    error_line(message)
    raise typer.Exit(code=2)


@contextmanager
def errors_as_red_line() -> Iterator[None]:
    """Turn an :class:`~instc._errors.InstcError` raised inside into one red line, exit 2."""
    from instc._errors import InstcError

    try:
        yield
    except InstcError as exc:
        fail(str(exc))


@contextmanager
def count_progress(
    description: str, *, total: int | None = None, transient: bool = True
) -> Iterator[Callable[[int, int], None]]:
    """A Rich bar on stderr for work counted in tasks; yields ``progress(done, total)``.

    Only a terminal shows it: piped stderr (a log, a script) keeps its one error line.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
        disable=not err_console.is_terminal,
    ) as bar:
        job = bar.add_task(escape(description), total=total)  # a file name is user text

        def progress(done: int, total: int) -> None:
            bar.update(job, completed=done, total=total)

        yield progress


@contextmanager
def gap_progress(description: str, *, target_gap: float) -> Iterator[Callable[[Any], None]]:
    """A Rich bar on stderr for an equilibrium run; yields the ``progress(record)`` callback.

    The bar advances on a log scale from the first relative gap to ``target_gap``.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("iter {task.fields[iteration]}  gap {task.fields[gap]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(escape(description), total=1.0, iteration=0, gap="-")
        first: list[float] = []

        def report(record: Any) -> None:
            g = record.relative_gap
            if math.isfinite(g) and g > 0:
                if not first:
                    first.append(max(g, target_gap * 10))
                if target_gap > 0:
                    done = math.log(first[0] / g) / math.log(first[0] / target_gap)
                else:
                    done = 0.0
                bar.update(task, completed=min(max(done, 0.0), 1.0))
            bar.update(task, iteration=record.iteration, gap=f"{g:.2e}")

        yield report


def check_number(
    value: float | None,
    option: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> None:
    """Reject a ``value`` of ``option`` that is NaN, infinite or outside [low, high].

    ``low_open``/``high_open`` exclude the bound itself (``low=0, low_open=True``: > 0).
    ``None`` (the option not given) passes. Raises a one-line
    :class:`~instc._errors.DataError`.
    """
    if value is None:
        return
    from instc._errors import DataError

    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high:g}")
    wanted = " and ".join(parts) if parts else "a finite number"
    bad = not math.isfinite(value)
    if not bad and low is not None:
        bad = value <= low if low_open else value < low
    if not bad and high is not None:
        bad = value >= high if high_open else value > high
    if bad:
        note = f" ({hint})" if hint else ""
        raise DataError(f"{option} {value:g}: give a number {wanted}{note}")


def _bounds() -> dict[str, tuple[float, float, bool, bool]]:
    """Option name → (low, high, low excluded, high excluded), from :mod:`instc.limits`."""
    from instc import limits

    return {
        "k": (1, limits.MAX_K, False, False),
        "max_overlap": (0, 1, False, False),
        "units": (0, limits.MAX_UNITS, True, False),
        "value_of_time": (0, limits.MAX_VALUE_OF_TIME, False, False),
        "tonnes_per_unit": (0, limits.MAX_TONNES_PER_UNIT, True, False),
        "max_detour": (limits.MIN_DETOUR, limits.MAX_DETOUR, False, False),
        "percentile": (0, 100, True, True),
        "samples": (limits.MIN_SAMPLES, limits.MAX_SAMPLES, False, False),
        "seed": (0, limits.MAX_SEED, False, False),
        "workers": (0, limits.MAX_WORKERS, False, False),
        "within_days": (0, limits.MAX_WITHIN_DAYS, True, False),
        "month": (1, 12, False, False),
        "top": (1, limits.MAX_TOP, False, False),
        "gap": (0, 1, False, False),
        "max_iter": (1, limits.MAX_ITERATIONS, False, False),
        "year": (limits.MIN_YEAR, limits.MAX_YEAR, False, False),
    }


def check_options(**values: float | None) -> None:
    """Check query options against :mod:`instc.limits` before any work.

    Each keyword is an option without its dashes (``value_of_time`` for
    ``--value-of-time``); ``None`` (not given) passes. Raises a one-line
    :class:`~instc._errors.DataError` for the first value out of bounds.
    """
    bounds = _bounds()
    for name, value in values.items():
        low, high, low_open, high_open = bounds[name]
        check_number(
            value,
            "--" + name.replace("_", "-"),
            low=low,
            high=high,
            low_open=low_open,
            high_open=high_open,
        )
