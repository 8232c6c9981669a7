"""``instc scenario list|show|validate|run``: the scenario files and what they change."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def register(app: typer.Typer) -> None:
    """Attach the ``scenario`` command group to the main app."""
    scenario_app = typer.Typer(
        help="Scenarios: what changes when a project opens, a border closes or a tariff is cut.",
        no_args_is_help=True,
    )
    app.add_typer(scenario_app, name="scenario")

    @scenario_app.command("list")
    def list_(
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the bundled scenarios."""
        from instc.cli._common import console, print_json
        from instc.service import scenarios as service_scenarios

        listed = service_scenarios()
        if json_out:
            print_json(listed)
            return
        from rich.table import Table

        table = Table(title="Bundled scenarios", title_justify="left")
        for column in ("name", "title", "as of", "edits"):
            table.add_column(column, justify="right" if column == "edits" else "left")
        for s in listed:
            table.add_row(s["name"], s["title"], str(s["as_of"] or ""), str(s["edits"]))
        console.print(table)

    @scenario_app.command("show")
    def show(
        name: Annotated[str, typer.Argument(help="A bundled scenario name or a .toml file.")],
        changes: Annotated[
            bool,
            typer.Option(
                "--changes", help="Also list what it changes in the tables of the dataset."
            ),
        ] = False,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Date of the network (default: today).")
        ] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Show a scenario: description, sources, assumptions and edits."""
        from instc.cli._common import console, print_json
        from instc.service import scenario_show, source_titles

        scenario, data, found = scenario_show(name, changes=changes, as_of=as_of)
        titles = source_titles()
        if json_out:
            print_json(data)
            return
        from rich.markup import escape

        heading = scenario.name + (f" — {scenario.title}" if scenario.title else "")
        console.print(f"[bold]{escape(heading)}[/]")
        console.print(escape(" ".join(scenario.description.split())))
        if scenario.parent:
            from instc.scenarios import scenario_chain

            chain = " -> ".join(s.name for s in scenario_chain(scenario))
            console.print(f"parent: {escape(scenario.parent)} (applied in order: {chain})")
        if scenario.as_of:
            console.print(f"as of: {scenario.as_of}")
        console.print("[bold]edits[/]")
        for number, edit in enumerate(scenario.edits, start=1):
            note = f"  [dim]{escape(edit.note)}[/]" if edit.note else ""
            console.print(f"  {number}. {escape(edit.describe())}{note}")
        if not scenario.edits:
            console.print("  (none)")
        if scenario.assumptions:
            console.print("[bold]assumptions[/]")
            for text in scenario.assumptions:
                console.print(f"  - {escape(text)}")
        console.print("[bold]sources[/]")
        for source in scenario.sources:
            console.print(f"  {source}  {escape(titles.get(source, ''))}")
        if found is not None:
            _print_changes(found)

    _run_command(scenario_app)

    @scenario_app.command("validate")
    def validate(
        files: Annotated[
            list[str], typer.Argument(help="Scenario .toml files (or bundled names).")
        ],
        data: Annotated[
            Path | None,
            typer.Option(help="Dataset directory to check ids against (default: embedded)."),
        ] = None,
    ) -> None:
        """Check scenario files: schema, ids against the dataset, and a trial apply.

        Prints one red line per problem (file:line: what — fix) and exits with 2.
        """
        from instc import service
        from instc.cli._common import console, error_line

        checks = service.validate_scenarios(tuple(files), data=None if data is None else str(data))
        for check in checks:
            for problem in check.problems:
                error_line(problem)
            if not check.problems:
                console.print(f"ok: {check.file} ({check.edits} edits)", highlight=False)
        if any(check.problems for check in checks):
            raise typer.Exit(code=2)


def _run_command(scenario_app: typer.Typer) -> None:
    @scenario_app.command("run")
    def run(
        names: Annotated[list[str], typer.Argument(help="Bundled scenario names or .toml files.")],
        baseline: Annotated[
            str | None,
            typer.Option(help="Scenario to compare with (default: the network as it is)."),
        ] = None,
        pairs: Annotated[
            Path | None,
            typer.Option(help="TOML file of [[pair]] tables (default: the bundled pairs)."),
        ] = None,
        group: Annotated[
            list[str] | None,
            typer.Option(help="Only the pairs of this group (repeatable), e.g. oil."),
        ] = None,
        by: Annotated[
            str, typer.Option(help="Best option by cost, time, co2e, distance or generalised.")
        ] = "cost",
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Date of the baseline (default: today).")
        ] = None,
        data: Annotated[
            Path | None, typer.Option(help="Dataset directory (default: embedded).")
        ] = None,
        vessel_flag: Annotated[
            str | None,
            typer.Option(
                "--vessel-flag",
                help="Flag (ISO code) of the carrier's vessels: flag rules (Caspian "
                "littoral-only) hide the waters it may not sail.",
            ),
        ] = None,
        same_date: Annotated[
            bool,
            typer.Option(
                "--same-date",
                help="Take the baseline at each scenario's date, so the diff holds only "
                "the scenario's edits.",
            ),
        ] = False,
        show_all: Annotated[
            bool, typer.Option("--all", help="Also list the pairs the scenario leaves alone.")
        ] = False,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Run scenarios: the best option per OD pair before and after, and the deltas."""
        from instc.cli._common import print_json
        from instc.service import ScenarioRunQuery, scenario_run, scenario_run_json

        diffs = list(
            scenario_run(
                ScenarioRunQuery(
                    tuple(names),
                    baseline=baseline,
                    pairs=None if pairs is None else str(pairs),
                    groups=tuple(group or ()),
                    by=by,
                    as_of=as_of,
                    vessel_flag=vessel_flag,
                    same_date=same_date,
                    data=None if data is None else str(data),
                )
            )
        )
        if json_out:
            print_json(scenario_run_json(tuple(diffs)))
            return
        _print_diffs(diffs, show_all=show_all, by=by)


def _print_diffs(diffs: list[Any], *, show_all: bool, by: str) -> None:
    from rich.table import Table

    from instc.cli._common import console
    from instc.units import h_to_days

    title = "Scenario comparison" if len(diffs) > 1 else f"Scenario {diffs[0].scenario}"
    table = Table(
        title=f"{title} (baseline: {diffs[0].baseline}; best option by {by}; per cargo unit)",
        title_justify="left",
    )
    many = len(diffs) > 1
    columns = [
        "pair",
        "cargo",
        "Δcost usd",
        "Δtime d",
        "Δco2e kg",
        "family",
        "Δmode share pp",
        "links +/-",
    ]
    for column in ["scenario", *columns] if many else columns:
        table.add_column(column, justify="right" if column.startswith("Δ") else "left")
    unchanged = 0
    for diff in diffs:
        for p in diff.pairs:
            if not p.changed and not show_all:
                unchanged += 1
                continue
            if p.delta is not None:
                cells = [
                    f"{p.delta['cost_usd']:+,.0f}",
                    f"{h_to_days(p.delta['time_h']):+.2f}",
                    f"{p.delta['co2e_kg']:+,.1f}",
                ]
            else:
                before = "no route" if p.before is None else "route"
                after = "no route" if p.after is None else "route"
                cells = [f"{before} -> {after}", "", ""]
            family = (
                f"{p.family_before or '-'} -> {p.family_after or '-'}"
                if p.family_before != p.family_after
                else (p.family_after or "-")
            )
            table.add_row(
                *([diff.scenario] if many else []),
                f"{p.origin} -> {p.destination}",
                p.cargo,
                *cells,
                family,
                " ".join(f"{m} {100 * v:+.0f}" for m, v in p.mode_share_change().items()),
                f"+{len(p.links_entered)}/-{len(p.links_left)}",
            )
    console.print(table)
    if unchanged:
        console.print(f"{unchanged} pair(s) unchanged (--all lists them).", highlight=False)


def _print_changes(found: Any) -> None:
    from rich.markup import escape

    from instc.cli._common import console

    console.print(f"[bold]changes[/] (network of {found.as_of_before} -> {found.as_of_after})")
    if found.empty:
        console.print("  (none)")
    for label, ids in (("links opened", found.links_opened), ("links closed", found.links_closed)):
        if ids:
            console.print(f"  {label}: {escape(', '.join(ids))}")
    for verb, rows in (("added", found.rows_added), ("removed", found.rows_removed)):
        for table, key in rows:
            console.print(f"  {table} {escape(key)}: row {verb}")
    for cell in found.cells:
        console.print(
            f"  {cell.table} {escape(cell.key)}: {cell.column} "
            f"{escape(repr(cell.before))} -> {escape(repr(cell.after))}"
        )
