"""``instc reliability`` and ``instc sweep``: transit-time distributions and Dask sweeps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def _cell(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


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

    from instc import service
    from instc.cli._common import Interrupted, check_options, console, count_progress, print_json

    check_options(workers=workers)
    with count_progress(f"sweep {file.name}", transient=as_json) as progress:
        try:
            done = service.sweep(
                file, workers=workers, scheduler=scheduler, out=out, progress=progress
            )
        except KeyboardInterrupt:
            raise Interrupted(
                "interrupted — the finished tasks are kept in the results folder (--out, "
                "default sweep-NAME beside the file); run the same command again to resume"
            ) from None
    if as_json:
        print_json(done.to_json())
        return
    from rich.table import Table

    info = done.info
    table = Table(title=f"sweep {info['name']}: mean over replications (days)")
    columns = [*done.keys, *done.values]
    for col in columns:
        table.add_column(col, justify="right")
    for row in done.frame.to_dict("records"):
        table.add_row(*[_cell(row[c]) if c in done.keys else f"{row[c]:.2f}" for c in columns])
    console.print(table)
    console.print(
        f"{info['run']} tasks run, {info['resumed']} resumed, on "
        f"{info['workers'] or 'in-process'} workers in {info['elapsed_s']:.1f} s; "
        f"results: {info['summary_parquet']}",
        highlight=False,
    )


def _print_legs(title: str, result: Any) -> None:
    from rich.table import Table

    from instc.cli._common import console

    table = Table(title=f"{title}: legs", title_justify="left")
    for col in ("leg", "kind", "mean h", "sd h", "share of variance", "basis", "distribution"):
        table.add_column(col, justify="right" if col in ("mean h", "sd h") else "left")
    for leg in result.legs:
        table.add_row(
            leg.name,
            leg.kind,
            f"{leg.mean_h:.1f}",
            f"{leg.variance_h2**0.5:.1f}",
            f"{max(leg.variance_share, 0.0):.1%}",  # a tiny negative sample covariance
            leg.basis,
            leg.distribution,
        )
    console.print(table)


def _reliability(
    origin: Annotated[str, typer.Argument(help="Place: UN/LOCODE, id or name.")],
    destination: Annotated[str, typer.Argument(help="Place: UN/LOCODE, id or name.")],
    family: Annotated[
        list[str] | None,
        typer.Option("--family", help="Corridor family id (repeatable; default: all)."),
    ] = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples.")] = 100_000,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed (default: fresh, printed).")
    ] = None,
    within_days: Annotated[
        float | None,
        typer.Option("--within-days", help="Also give the chance of arriving within D days."),
    ] = None,
    month: Annotated[
        int | None,
        typer.Option("--month", help="Month of departure 1–12 (Caspian weather holds)."),
    ] = None,
    percentile: Annotated[
        float, typer.Option("--percentile", help="Rank the families by this percentile.")
    ] = 90.0,
    cargo: Annotated[str, typer.Option("--cargo", help="Cargo class.")] = "container",
    by: Annotated[
        str,
        typer.Option(
            "--by", help="Pick each family's route by cost, time, co2e... (as instc compare)."
        ),
    ] = "cost",
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="Apply a scenario first: bundled name or TOML path."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Network date YYYY[-MM[-DD]] (default: today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    legs: Annotated[
        bool, typer.Option("--legs", help="Also print each family's legs and their spread.")
    ] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write a histogram/CDF per family (PNG).")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset directory (default: embedded).")
    ] = None,
) -> None:
    """Door-to-door transit-time distribution (P50/P80/P90/P95) per corridor family."""
    from instc.cli._common import check_options, console, print_json
    from instc.service import ReliabilityQuery
    from instc.service import reliability as service_reliability

    check_options(
        samples=samples,
        seed=seed,
        within_days=within_days,
        month=month,
        percentile=percentile,
    )
    if plot is not None:
        from instc._errors import DataError
        from instc._files import check_output_file

        if plot.suffix.lower() != ".png":
            raise DataError(
                f"--plot {plot}: the plot is written as PNG — give a file name ending in .png"
            )
        check_output_file(plot, option="--plot")
    answer = service_reliability(
        ReliabilityQuery(
            origin,
            destination,
            families=tuple(family or ()),
            samples=samples,
            seed=seed,
            within_days=within_days,
            month=month,
            percentile=percentile,
            cargo=cargo,
            by=by,
            as_of=as_of,
            scenario=scenario,
            data=None if data is None else str(data),
        )
    )
    result = answer.result
    if plot is not None:
        from instc.reliability.plot import plot_distributions

        plot_distributions(
            [f.result for f in result.families],
            plot,
            title=f"{result.origin} → {result.destination}: door-to-door time per family",
            within_days=within_days,
        )
    if as_json:
        print_json(answer.to_json())
        return
    from rich.table import Table

    table = Table(
        title=f"{result.origin} → {result.destination}"
        + (f" under scenario {scenario}" if scenario else "")
        + ": transit time in days "
        f"({samples:,} samples, seed {answer.seed}), ranked by P{percentile:g}",
        title_justify="left",
    )
    columns = ["family", "planned", "mean", "P50", "P80", "P90", "P95"]
    if within_days is not None:
        columns.append(f"P(≤{within_days:g} d)")
    columns += ["cost USD", "CO2e kg"]
    for col in columns:
        table.add_column(col, justify="left" if col == "family" else "right")
    for fam in result.families:
        row = fam.row(percentile)
        cells = [
            fam.family + (" (expected)" if row["expected"] else ""),
            *(f"{row[k]:.1f}" for k in ("planned_time_days", "mean_days", "p50_days", "p80_days")),
            f"{row['p90_days']:.1f}",
            f"{row['p95_days']:.1f}",
        ]
        if within_days is not None:
            cells.append(f"{row['p_within']:.0%}")
        cells += [f"{row['cost_usd']:,.0f}", f"{row['co2e_kg']:,.0f}"]
        table.add_row(*cells)
    console.print(table)
    console.print(f"{result.criterion}", style="dim", highlight=False)
    best = result.best
    top = max(best.result.legs, key=lambda leg: leg.variance_share)
    console.print(
        f"Most reliable at P{percentile:g}: {best.label}. Its largest source of spread: "
        f"{top.name} ({top.variance_share:.0%} of the variance, basis: {top.basis}).",
        highlight=False,
    )
    if legs:
        for fam in result.families:
            _print_legs(fam.label, fam.result)
    for fid, why in result.not_shown:
        console.print(f"not shown as {fid}: {why}", style="yellow", highlight=False)
    for fid, why in result.missing:
        console.print(f"no route for family {fid}: {why}", style="yellow", highlight=False)
    if plot is not None:
        console.print(f"plot written to {plot}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach the reliability commands to the main app."""
    app.command("reliability")(_reliability)
    app.command("sweep")(_sweep)
