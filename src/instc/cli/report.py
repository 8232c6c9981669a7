"""``instc report``: the self-contained HTML report, or its charts as PNG files.

Only Typer is imported at start-up; the dataset, matplotlib and the engines load inside
the command. Every instc error becomes one red line and exit code 2.
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

        from instc._errors import InstcError
        from instc.cli._common import console, error_line

        try:
            written = _run(
                out,
                scenario or [],
                fmt=fmt,
                od=(origin, destination, cargo, by),
                title=title,
                pairs=pairs,
                as_of=as_of,
                data=data,
            )
        except InstcError as exc:
            error_line(str(exc))
            raise typer.Exit(code=2) from None
        for path in written:
            console.print(f"wrote {path}", highlight=False, soft_wrap=True)


def _run(
    out: Path,
    scenarios: list[str],
    *,
    fmt: str,
    od: tuple[str, str, str, str],
    pairs: Path | None,
    title: str,
    as_of: str | None,
    data: Path | None,
) -> tuple[Path, ...]:
    from instc._errors import DataError
    from instc.network.load import load_network
    from instc.reports.build import (
        check_output_dir,
        check_output_file,
        write_charts,
        write_report,
    )
    from instc.scenarios import find_scenario
    from instc.scenarios.diff import read_pairs

    origin, destination, cargo, by = od
    fmt = fmt.lower()
    if fmt not in ("html", "png"):
        raise DataError(f"unknown --format {fmt!r} — use html or png")
    if fmt == "png" and (scenarios or pairs):
        raise DataError(
            "--scenario and --pairs apply to the HTML report — drop them with --format png"
        )
    # fail on a bad path or scenario before the slow part
    if fmt == "html":
        check_output_file(out)
    else:
        check_output_dir(out)
    resolved = [find_scenario(name) for name in scenarios]
    od_pairs = read_pairs(pairs) if pairs is not None else None
    network = load_network(data, as_of=as_of if as_of is not None else "today")
    if fmt == "png":
        return write_charts(
            network, out, origin=origin, destination=destination, cargo=cargo, by=by
        )
    return (
        write_report(
            network,
            out,
            scenarios=resolved,
            origin=origin,
            destination=destination,
            cargo=cargo,
            by=by,
            pairs=od_pairs,
            title=title,
        ),
    )
