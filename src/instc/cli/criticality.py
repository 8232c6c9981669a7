"""``instc criticality``: which links, places, borders or countries the corridor cannot lose.

Only Typer is imported at start-up; the network and the routing engine load inside the
command. Every instc error becomes one red line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _pct(value: float) -> str:
    return f"{value:+.1f}%" if value else "0"


def _criticality(
    elements: Annotated[
        str,
        typer.Option(
            "--elements", help="What to remove in turn: links, nodes, borders, countries."
        ),
    ] = "links",
    top: Annotated[int, typer.Option("--top", help="Show the N most critical elements.")] = 20,
    by: Annotated[
        str,
        typer.Option("--by", help="Routing criterion: generalised, cost, time, co2e or distance."),
    ] = "generalised",
    ods: Annotated[
        Path | None,
        typer.Option(
            "--ods",
            help="OD pairs file (TOML, one 'pair' table per OD: origin, destination, cargo, "
            "optional weight; default: the bundled set, data/criticality.toml).",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Network date YYYY[-MM[-DD]] (default: today).")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="Measure on the network a scenario gives (bundled name or TOML file).",
        ),
    ] = None,
    value_of_time: Annotated[
        float | None,
        typer.Option("--value-of-time", help="USD per cargo unit-day in the generalised cost."),
    ] = None,
    transit_only: Annotated[
        bool,
        typer.Option(
            "--transit-only",
            help="nodes/countries: leave out the ODs that start or end in the removed element.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    geojson: Annotated[
        Path | None,
        typer.Option("--geojson", help="Write the ranked elements as a GeoJSON map layer here."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="0 (default): run in this process; N: a Dask LocalCluster of N processes.",
        ),
    ] = 0,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of an existing Dask scheduler, tcp://HOST:PORT."),
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Dataset directory (default: embedded).")
    ] = None,
) -> None:
    """Remove each element in turn, re-route the OD set, rank by what it loses."""
    from rich.table import Table

    from instc.cli._common import check_options, console, count_progress, print_json
    from instc.service import CriticalityQuery
    from instc.service import criticality as service_criticality

    check_options(top=top, value_of_time=value_of_time, workers=workers)
    if geojson is not None:
        from instc._files import check_output_file

        check_output_file(geojson, option="--geojson")
    query = CriticalityQuery(
        elements=elements,
        top=top,
        by=by,
        ods=None if ods is None else str(ods),
        as_of=as_of,
        scenario=scenario,
        value_of_time=value_of_time,
        transit_only=transit_only,
        workers=workers,
        scheduler=scheduler,
        data=None if data is None else str(data),
    )
    with count_progress(f"removing {elements}") as progress:
        result = service_criticality(query, progress=progress)
    if geojson is not None:
        result.write_geojson(geojson, top=None)
    if as_json:
        print_json(result.to_dict(top=top))
        return
    when = f", as of {result.as_of}" if result.as_of else ""
    if scenario is not None:
        when += f", scenario {scenario}"
    if result.transit_only:
        when += ", transit only"
    table = Table(
        title=f"criticality of {result.elements} (re-routed by {result.by}{when})",
        caption=f"{len(result.ranking)} {result.elements}; shares and increases weighted over "
        f"{sum(b.served for b in result.ods)} OD pairs with a route",
    )
    table.add_column("#", justify="right")
    table.add_column("element", no_wrap=True)
    table.add_column("name", max_width=30, no_wrap=True, overflow="ellipsis")
    table.add_column("ODs using", justify="right")
    table.add_column("unserved", justify="right")
    table.add_column(f"{result.by} +%", justify="right")
    table.add_column("time +%", justify="right")
    table.add_column("worst OD", no_wrap=True, overflow="ellipsis")
    for e in result.top(top):
        table.add_row(
            str(e.rank),
            e.element.element_id,
            e.element.name,
            str(e.n_ods_using),
            f"{e.unserved_share:.0%}" if e.unserved_weight else "0",
            _pct(e.objective_increase_pct),
            _pct(e.time_increase_pct),
            e.worst_od or "",
            style=None if e.critical else "dim",
        )
    console.print(table)
    missing = [b for b in result.ods if not b.served]
    for b in missing:
        console.print(
            f"no baseline route for {b.od.label}, left out: {b.no_route}",
            style="yellow",
            highlight=False,
        )
    console.print(f"weights: {result.weights_method}", style="dim", highlight=False)
    if geojson is not None:
        console.print(f"map layer written to {geojson}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach ``instc criticality`` to the main app."""
    app.command("criticality")(_criticality)
