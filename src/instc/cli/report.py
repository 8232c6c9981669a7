"""``instc report``: the self-contained HTML report, or its charts as PNG files.

Only Typer is imported at start-up; the work is :func:`instc.service.write_report`.
Every instc error becomes one red line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Attach ``instc report`` to the main app."""

    @app.command("report")
    def report(
        out: Annotated[
            Path,
            typer.Option(
                "--out", "-o", help="HTML file to write; with --format png, a folder for the PNGs."
            ),
        ],
        scenario: Annotated[
            list[str] | None,
            typer.Option(
                "--scenario", "-s", help="bundled scenario name or .toml file; repeatable"
            ),
        ] = None,
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="html (the report) or png (charts only)")
        ] = "html",
        origin: Annotated[
            str, typer.Option(help="origin of the family comparison (place name or id)")
        ] = "INNSA",
        destination: Annotated[
            str, typer.Option(help="destination of the family comparison")
        ] = "RU-MOSCOW",
        cargo: Annotated[
            str, typer.Option(help="container, bulk, liquid, truck, passenger")
        ] = "container",
        by: Annotated[
            str, typer.Option(help="best option by cost, time, co2e, distance or generalised")
        ] = "cost",
        pairs: Annotated[
            Path | None,
            typer.Option(help="TOML file of [[pair]] tables for the scenario tables"),
        ] = None,
        title: Annotated[str, typer.Option(help="title of the HTML report")] = (
            "INSTC corridor report"
        ),
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of", help="network date: YYYY, YYYY-MM or YYYY-MM-DD (default: today)"
            ),
        ] = None,
        data: Annotated[
            Path | None, typer.Option(help="dataset folder (default: the embedded data)")
        ] = None,
    ) -> None:
        """Write the corridor report: map, family comparison, project timeline, scenario
        diffs and sources in one HTML file that opens offline (or the charts as PNG)."""

        from instc import service
        from instc._errors import InstcError
        from instc.cli._common import console, error_line

        try:
            written = service.write_report(
                out,
                scenarios=tuple(scenario or ()),
                fmt=fmt,
                origin=origin,
                destination=destination,
                cargo=cargo,
                by=by,
                pairs=pairs,
                title=title,
                as_of=as_of,
                data=None if data is None else str(data),
            )
        except InstcError as exc:
            error_line(str(exc))
            raise typer.Exit(code=2) from None
        for path in written:
            console.print(f"wrote {path}", highlight=False, soft_wrap=True)
