"""``instc backtest``: the model against observed door-to-door or port-to-port runs (a CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def _cell(value: Any, digits: int = 1, *, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.0f} %" if pct else f"{value:,.{digits}f}"


def _backtest(
    file: Annotated[Path, typer.Argument(help="CSV of observed runs (see instc.backtest).")],
    by: Annotated[
        str, typer.Option("--by", help="Pick each run's route by cost, time... (as compare).")
    ] = "cost",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset directory (default: embedded).")
    ] = None,
) -> None:
    """Model vs observed runs: days, cost, error % per run and a summary.

    A run's scope (door_to_door, or port_to_port: p2p in the table) says what the
    observed figures cover; a port-to-port run is compared with the model's part from
    the departure from the first port to the arrival at the last (see instc.backtest)."""
    from rich.markup import escape

    from instc._errors import InstcError
    from instc.backtest import backtest, read_runs
    from instc.cli._common import console, fail, print_json, rich
    from instc.network.load import load_network

    try:
        runs = read_runs(file)
        result = backtest(load_network(data, as_of=None), runs, by=by)
    except InstcError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(result.to_dict())
        return
    from rich.table import Table

    table = Table(
        title=f"backtest {file.name}: model vs observed ({len(runs)} runs, routes by {by})",
        title_justify="left",
    )
    for name in ("run", "as of", "family / via", "scope", "obs d", "model d", "Δ d",
                 "obs USD", "model USD", "Δ USD", "model km"):  # fmt: skip
        left = name in ("run", "as of", "family / via", "scope")
        table.add_column(name, justify="left" if left else "right")
    for r in result.runs:
        run = r.run
        way = run.family or ("via " + " ".join(run.via) if run.via else "best")
        basis = f" {run.cost_basis.removeprefix('per_')} {run.cost_year}" if run.cost_basis else ""
        table.add_row(
            run.run_id + (" †" if r.shared_sources else ""),
            run.as_of.isoformat(),
            way,
            "p2p" if run.scope == "port_to_port" else "d2d",
            _cell(run.time_d),
            _cell(r.model_time_d),
            _cell(r.time_pct, pct=True),
            _cell(run.cost_usd, 0) + basis,
            _cell(r.model_cost_usd, 0),
            _cell(r.cost_pct, pct=True),
            _cell(r.model_distance_km, 0),
        )
    console.print(table)
    s = result.summary
    for key, label in (("time", "days"), ("cost", "cost")):
        e = s[key]
        if e["n"]:
            console.print(
                f"{label}: {e['n']} runs, bias {e['mean_pct']:+.0f} %, mean |error| "
                f"{e['mean_abs_pct']:.0f} %, median |error| {e['median_abs_pct']:.0f} %",
                highlight=False,
            )
        else:
            console.print(f"{label}: no run observed it", highlight=False)
    for r in result.runs:
        if r.shared_sources:
            console.print(
                f"† {r.run.run_id}: the model's route also cites "
                f"{', '.join(r.shared_sources)} (judge whether the run is independent)",
                style="dim",
                highlight=False,
            )
        if r.option is None:
            console.print(
                rich(f"[yellow]no model route for {escape(r.run.run_id)}:[/] ") + r.reason
            )
        elif r.scope_gap:
            console.print(
                rich(f"[yellow]no port-to-port part for {escape(r.run.run_id)}:[/] ") + r.scope_gap
            )
    if any(r.run.scope == "port_to_port" for r in result.runs):
        console.print(
            "p2p: port to port, from the departure from the first port to the arrival at "
            "the last (intermediate port stays, hub transshipments and onward waits in; "
            "terminals and the wait for the first sailing out); d2d: door to door",
            style="dim",
            highlight=False,
        )
    console.print(s["note"], style="dim", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach ``instc backtest`` to the main app."""
    app.command("backtest")(_backtest)
