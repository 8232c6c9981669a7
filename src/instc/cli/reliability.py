"""``instc reliability`` and ``instc sweep``: transit-time distributions and Dask sweeps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

_PERCENTILES = (50, 80, 90, 95)


def _sweep(
    file: Annotated[Path, typer.Argument(help="Sweep definition (TOML).")],
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Dask worker processes of a LocalCluster (default: one per core); "
            "0 runs in this process.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of an existing Dask scheduler, tcp://HOST:PORT."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Results directory (default: sweep-<name> beside the file)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run a sweep: one task per grid point, results per task in Parquet, resumable."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from instc.cli._common import console, err_console, print_json
    from instc.sweeps import load_sweep, run_sweep

    definition = load_sweep(file)
    out_dir = out if out is not None else file.resolve().parent / f"sweep-{definition.name}"
    tasks = definition.tasks()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=as_json,
    ) as bar:
        job = bar.add_task(f"sweep {definition.name}", total=len(tasks))

        def progress(done: int, total: int) -> None:
            bar.update(job, completed=done, total=total)

        result = run_sweep(
            tasks, workers=workers, scheduler=scheduler, out_dir=out_dir, progress=progress
        )
    frame = result.frame()
    keys = [k for k in sorted(definition.grid) if k in frame.columns]
    value_cols = ["mean_days"] + [f"p{p}_days" for p in _PERCENTILES]
    if definition.within_days is not None:
        value_cols.append("p_within")
    summary = (
        frame.groupby(keys, sort=True)[value_cols].mean().reset_index()
        if keys
        else (frame[value_cols].mean().to_frame().T)
    )
    info: dict[str, Any] = {
        "name": definition.name,
        "tasks": result.n_tasks,
        "run": result.n_run,
        "resumed": result.n_resumed,
        "workers": result.workers,
        "elapsed_s": round(result.elapsed_s, 3),
        "summary_parquet": str(result.summary_path),
    }
    if as_json:
        info["summary"] = summary.to_dict("records")
        print_json(info)
        return
    from rich.table import Table

    table = Table(title=f"sweep {definition.name}: mean over replications (days)")
    for col in [*keys, *value_cols]:
        table.add_column(col, justify="right")
    for row in summary.to_dict("records"):
        table.add_row(
            *[f"{row[c]:.3g}" if c in keys else f"{row[c]:.2f}" for c in [*keys, *value_cols]]
        )
    console.print(table)
    console.print(
        f"{result.n_run} tasks run, {result.n_resumed} resumed, on "
        f"{result.workers or 'in-process'} workers in {result.elapsed_s:.1f} s; "
        f"results: {result.summary_path}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Attach the reliability commands to the main app."""
    app.command("sweep")(_sweep)
