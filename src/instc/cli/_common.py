"""Shared pieces of the CLI: the console, JSON output and error handling."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (machines read this; no Rich markup)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def fail(message: str) -> None:
    """Print one red line on stderr and exit with code 2."""
    import typer

    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


@contextmanager
def count_progress(
    description: str, *, total: int | None = None, transient: bool = True
) -> Iterator[Callable[[int, int], None]]:
    """A Rich bar on stderr for work counted in tasks; yields ``progress(done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=transient,
    ) as bar:
        job = bar.add_task(description, total=total)

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
        task = bar.add_task(description, total=1.0, iteration=0, gap="-")
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
