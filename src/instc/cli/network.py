"""``instc network ...``, ``instc sources``, ``instc validate``, ``instc export``, ``instc import``.

Only Typer and the standard library are imported here; pandas and the dataset load
inside the commands. Every command turns an :class:`~instc._errors.InstcError` into
one red line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

DATA_HELP = "dataset folder to read instead of the embedded data"
AS_OF_HELP = "date the network describes: YYYY-MM-DD, YYYY-MM or YYYY (default: today)"


def _folder(data: Path | None) -> str | None:
    """The service layer's spelling of ``--data``."""
    return None if data is None else str(data)


def validate(
    directory: Path | None = typer.Argument(
        None, help="dataset folder to check (default: the embedded data)"
    ),
    json_out: bool = typer.Option(
        False, "--json", help="print the problems as JSON (file, row, column, message, fix)"
    ),
) -> None:
    """Check a dataset folder; print every problem as file:row:column: what — fix."""
    from rich.console import Console

    from instc.network.contract import embedded_data_dir
    from instc.network.validate import validate_directory

    if directory is None:
        directory = embedded_data_dir()

    problems = validate_directory(directory)
    if json_out:
        import dataclasses

        from instc.cli._common import print_json

        print_json([dataclasses.asdict(p) for p in problems])
        if problems:
            raise typer.Exit(code=2)
        return
    from instc.cli._common import err_console, rich

    out = Console(highlight=False, soft_wrap=True)
    for problem in problems:
        out.print(str(problem), markup=False)
    if problems:
        files = sorted({p.file for p in problems})
        err_console.print(
            rich(f"[bold red]{len(problems)} problem{'s' if len(problems) != 1 else ''}[/] ")
            + f"in {len(files)} file{'s' if len(files) != 1 else ''}: {', '.join(files)}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=2)
    out.print(rich("[bold green]valid[/]: ") + str(directory))


def summary(
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    json_out: bool = typer.Option(False, "--json", help="print JSON for machines"),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """Counts of nodes and links, length by mode, countries and project status."""
    from instc import service
    from instc.cli._common import errors_as_red_line

    with errors_as_red_line():
        result = service.network_summary(as_of=as_of, data=_folder(data))
    if json_out:
        from instc.cli._common import print_json

        print_json(result)
        return
    from rich.table import Table

    from instc.cli._common import console, rich

    console.print(
        rich(f"[bold]network as of {result['as_of']}[/]: ")
        + f"{result['nodes']} nodes, {result['links']} usable links, "
        f"countries {', '.join(result['countries'])}"
    )
    lengths = Table("mode", "length_km", title="length by mode")
    for mode, km in sorted(result["length_km_by_mode"].items()):
        lengths.add_row(mode, f"{km:,.0f}")
    console.print(lengths)
    forecast = service.expected_projects(as_of=as_of, data=_folder(data))
    projects = Table("project", "name", "status", title=f"projects as of {result['as_of']}")
    for p in result["projects"]:
        flag = " (expected)" if p["id"] in forecast else ""
        projects.add_row(p["id"], p["name"], p["status"] + flag)
    console.print(projects)


def show(
    node: str = typer.Argument(..., help="node id, UN/LOCODE, name or alias"),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    json_out: bool = typer.Option(False, "--json", help="print JSON for machines"),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """A place: its links, transfers, borders and sources."""
    from instc.cli._common import errors_as_red_line

    with errors_as_red_line():
        from instc import service

        result = service.place(node, as_of=as_of, data=_folder(data))
    place = result["node"]
    node_id = place["node_id"]
    if json_out:
        from instc.cli._common import print_json

        print_json(result)
        return
    from rich.markup import escape
    from rich.table import Table

    from instc.cli._common import console, rich

    kinds = ", ".join(place["kinds"])
    gauges = ", ".join(map(str, place["gauges_mm"])) or "-"
    console.print(
        rich(f"[bold]{escape(place['name'])}[/] ") + f"({node_id}), {place['country']}, "
        f"{place['lat']:.3f}, {place['lon']:.3f}; kinds {kinds}; gauges_mm {gauges}",
        highlight=False,
    )
    if place["aliases"]:
        console.print("also: " + "; ".join(place["aliases"]), highlight=False)
    table = Table("link", "to", "mode", "length_km", "border", "project", title="links")
    for r in result["links"]:
        other = r["to_node"] if r["from_node"] == node_id else r["from_node"]
        mode = r["mode"] + (f" {r['gauge_mm']}" if r["gauge_mm"] else "")
        flag = " (expected)" if r.get("expected") else ""
        table.add_row(
            r["link_id"],
            other,
            mode,
            f"{r['length_km']:,.0f}",
            r["border_id"] or "",
            (r["project_id"] or "") + flag,
        )
    console.print(table)
    if result["transfers"]:
        table = Table("from", "to", "kind", "dwell_h", title="transfers")
        for r in result["transfers"]:
            table.add_row(r["from_layer"], r["to_layer"], r["kind"], f"{r['dwell_h']:g}")
        console.print(table)
    if result["borders"]:
        table = Table("border", "mode", "name", "dwell_h", title="borders")
        for r in result["borders"]:
            table.add_row(r["border_id"], r["mode"], r["name"], f"{r['dwell_h']:g}")
        console.print(table)
    if result["services"]:
        table = Table("service", "name", "per week", "links", title="services")
        for r in result["services"]:
            table.add_row(
                r["service_id"], r["name"], f"{r['frequency_per_week']:g}", ", ".join(r["link_ids"])
            )
        console.print(table)
    table = Table("source", "title", title="sources")
    table.add_column("url", overflow="fold")  # a cut address is useless: wrap it whole
    for r in result["sources"]:
        table.add_row(r["source_id"], r["title"], r["url"])
    console.print(table)


def audit(
    json_out: bool = typer.Option(False, "--json", help="print JSON for machines"),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """What is an estimate, what is a range, what is missing: counts and lists per table."""
    from instc.cli._common import errors_as_red_line

    with errors_as_red_line():
        from instc import service

        report = service.audit(data=_folder(data))
    if json_out:
        from instc.cli._common import print_json

        print_json(report)
        return
    from rich.table import Table

    from instc.cli._common import console, rich

    table = Table("table", "rows", "estimated", "ranges", "unsourced", title="audit")
    gaps: list[str] = []
    for name, entry in report.items():
        if name in ("parameters", "checks"):
            continue
        table.add_row(
            name,
            str(entry["rows"]),
            str(entry["estimated"]["count"]),
            str(entry["ranges"]["count"]),
            str(entry["unsourced"]["count"]),
        )
        worst = sorted(entry["missing"].items(), key=lambda kv: -kv[1]["count"])[:4]
        if worst:
            gaps.append(f"{name}: " + ", ".join(f"{c} {v['count']}" for c, v in worst))
    console.print(table)
    if gaps:
        console.print(rich("[bold]empty optional values[/] (most often):"))
        for line in gaps:
            console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    params = report["parameters"]
    console.print(
        f"parameters: {params['estimated']['count']} estimates, "
        f"{params['ranges']['count']} ranges, {params['claims']['count']} claims"
    )
    for check, found in report["checks"].items():
        if not found["count"]:
            continue
        title = f"check {check.replace('_', ' ')}: {found['count']}"
        if "rows" in found:  # one line per row: its id and what the check says of it
            lines = [title, *(f"  {_audit_row_text(r)}" for r in found["rows"])]
        else:
            ids = found["ids"]
            lines = [f"{title} ({', '.join(ids[:6])}" + (", ..." if len(ids) > 6 else "") + ")"]
        for line in lines:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    console.print("details: instc network audit --json", style="dim")


def _audit_row_text(row: dict[str, Any]) -> str:
    """One audit check row on one line: ``id — reason`` for a gap, else ``id: field value,
    ...`` (the same fields as ``--json``)."""
    if "reason" in row:
        return f"{row['id']} — {' '.join(str(row['reason']).split())}"
    fields = ", ".join(f"{k} {v}" for k, v in row.items() if k != "id")
    return f"{row['id']}: {fields}" if fields else str(row["id"])


def sources(
    source_id: str | None = typer.Argument(None, help="one source id; omit to list all"),
    json_out: bool = typer.Option(False, "--json", help="print JSON for machines"),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """List the sources the data cites, or show one and the rows that cite it."""
    from instc import service
    from instc.cli._common import errors_as_red_line

    with errors_as_red_line():
        found = service.sources(source_id, data=_folder(data))
    if json_out:
        from instc.cli._common import print_json

        print_json(found)
        return
    if source_id is None:
        from rich.table import Table

        from instc.cli._common import console

        table = Table("source", "title", "publisher", "published", title="sources")
        for r in found:
            table.add_row(r["source_id"], r["title"], r["publisher"] or "", r["published"] or "")
        console.print(table)
        return
    record = found
    cited_by: dict[str, list[str]] = record["cited_by"]
    from rich.markup import escape

    from instc.cli._common import console, rich

    console.print(
        rich(f"[bold]{escape(record['source_id'])}[/] ") + record["title"], highlight=False
    )
    for key in ("publisher", "published", "url", "notes"):
        if record.get(key):
            console.print(f"  {key}: {record[key]}", highlight=False, markup=False)
    for name, keys in cited_by.items():
        more = ", ..." if len(keys) > 20 else ""
        console.print(
            f"  cited by {name} ({len(keys)}): {', '.join(keys[:20])}{more}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def export(
    format: str = typer.Option(..., "--format", help="gmns, geojson, geoparquet or gpkg"),
    out: Path = typer.Option(..., "--out", help="folder to write (new, or a previous export)"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="only the links usable at this date (default: every link)"
    ),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """Write the network as GMNS CSV, GeoJSON, GeoParquet or GeoPackage; atomic."""
    from instc.cli._common import console, errors_as_red_line

    with errors_as_red_line():
        from instc.network.io import EXPORT_FORMATS, export_network
        from instc.network.load import load_network

        if format not in EXPORT_FORMATS:
            from instc._errors import UnknownNameError

            raise UnknownNameError("export format", format, EXPORT_FORMATS)
        from instc._files import check_output_dir, write_error

        check_output_dir(out, option="--out")
        net = load_network(data, as_of=as_of)
        try:
            target = export_network(net, out, format=format)
        except OSError as exc:
            raise write_error(out, exc, option="--out") from exc
    files = ", ".join(sorted(p.name for p in target.iterdir()))
    console.print(f"wrote {format} to {target}: {files}", highlight=False)


def import_gmns_command(
    directory: Path = typer.Argument(..., help="GMNS folder with node.csv and link.csv"),
    out: Path = typer.Option(..., "--out", help="instc dataset folder to write"),
) -> None:
    """Convert a GMNS folder (node.csv, link.csv) to instc tables; validated, atomic."""
    from instc._errors import ValidationError
    from instc.cli._common import console, err_console, errors_as_red_line, rich

    with errors_as_red_line():
        from instc._files import check_output_dir, write_error
        from instc.network.io import import_gmns

        check_output_dir(out, option="--out")
        try:
            target = import_gmns(directory, out)
        except OSError as exc:
            raise write_error(out, exc, option="--out") from exc
        except ValidationError as exc:
            for problem in exc.problems:
                console.print(str(problem), markup=False, highlight=False)
            err_console.print(
                rich("[bold red]error:[/] ")
                + f"the converted tables have {len(exc.problems)} problems "
                f"(nodes.csv is node.csv, links.csv is link.csv); nothing was written",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(code=2) from None
    console.print(f"wrote instc tables to {target}; check with: instc validate {target}")


def register(app: typer.Typer) -> None:
    """Attach the network commands to the main app."""
    network_app = typer.Typer(
        rich_markup_mode=None,
        help="Inspect the network: summary, places, audit.",
        no_args_is_help=True,
    )
    network_app.command("summary")(summary)
    network_app.command("show")(show)
    network_app.command("audit")(audit)
    app.add_typer(network_app, name="network")
    app.command("validate")(validate)
    app.command("sources")(sources)
    app.command("export")(export)
    import_app = typer.Typer(
        rich_markup_mode=None, help="Convert other formats to instc tables.", no_args_is_help=True
    )
    import_app.command("gmns")(import_gmns_command)
    app.add_typer(import_app, name="import")
