"""``instc scenario list|show|validate|run``: the scenario files and what they change."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def register(app: typer.Typer) -> None:
    """Attach the ``scenario`` command group to the main app."""
    scenario_app = typer.Typer(
        rich_markup_mode=None,
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
        from rich.text import Text

        from instc.cli._common import console, print_json
        from instc.service import scenario_show, source_titles

        scenario, data, found = scenario_show(name, changes=changes, as_of=as_of)
        titles = source_titles()
        if json_out:
            print_json(data)
            return
        heading = scenario.name + (f" — {scenario.title}" if scenario.title else "")
        console.print(heading, style="bold")
        console.print(" ".join(scenario.description.split()))
        if scenario.parent:
            from instc.scenarios import scenario_chain

            chain = " -> ".join(s.name for s in scenario_chain(scenario))
            console.print(f"parent: {scenario.parent} (applied in order: {chain})")
        if scenario.as_of:
            console.print(f"as of: {scenario.as_of}")
        console.print("edits", style="bold")
        for number, edit in enumerate(scenario.edits, start=1):
            line = Text(f"  {number}. {edit.describe()}")
            if edit.note:
                line.append(f"  {edit.note}", style="dim")
            console.print(line)
        if not scenario.edits:
            console.print("  (none)")
        if scenario.assumptions:
            console.print("assumptions", style="bold")
            for text in scenario.assumptions:
                console.print(f"  - {text}")
        console.print("sources", style="bold")
        for source in scenario.sources:
            console.print(f"  {source}  {titles.get(source, '')}")
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
            bool | None,
            typer.Option(
                "--same-date/--no-same-date",
                help="Take the baseline at each scenario's date without the projects the "
                "scenario opens, so the diff holds only the scenario (default for a "
                "scenario that opens a project); --no-same-date takes the baseline at "
                "--as-of (default: today).",
                show_default=False,
            ),
        ] = None,
        show_all: Annotated[
            bool, typer.Option("--all", help="Also list the pairs the scenario leaves alone.")
        ] = False,
        flows: Annotated[
            bool,
            typer.Option(
                "--flows/--no-flows",
                help="Also run the corridor assignment of the scenario's year without and "
                "with the scenario: tonnes per route family, links that gain or lose "
                "volume, V/C and delay.",
            ),
        ] = True,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Run scenarios: per OD pair and per route family the best option before and
        after, and the deltas; then the flows (corridor assignment) before and after."""
        from instc.cli._common import print_json
        from instc.service import ScenarioRunQuery, scenario_run, scenario_run_json, wanted_flows

        query = ScenarioRunQuery(
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
        diffs = scenario_run(query)
        found = wanted_flows(query, flows)
        if json_out:
            print_json(scenario_run_json(diffs, found))
            return
        _print_diffs(list(diffs), show_all=show_all, by=by)
        for flow in found or ():
            _print_flows(flow)


def _print_diffs(diffs: list[Any], *, show_all: bool, by: str) -> None:
    from rich.table import Table

    from instc.cli._common import console
    from instc.units import h_to_days

    title = "Scenario comparison" if len(diffs) > 1 else f"Scenario {diffs[0].scenario}"
    table = Table(
        title=f"{title} (baseline: {diffs[0].baseline}; best option by {by}; per cargo unit)",
        title_justify="left",
    )
    for diff in diffs:
        console.print(_dates_line(diff), highlight=False)
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
            if not p.best_changed and not show_all:
                unchanged += 1
                continue
            if p.delta is not None:
                cells = [
                    f"{p.delta['cost_usd']:+,.0f}",
                    f"{h_to_days(p.delta['time_h']):+.2f}",
                    f"{p.delta['co2e_kg']:+,.1f}",
                ]
            else:
                cells = _one_sided(p.before, p.after)
            family = (
                f"{p.family_before or '-'} -> {p.family_after or '-'}"
                if p.family_before != p.family_after
                else (p.family_after or "-")
            )
            table.add_row(
                *([diff.scenario] if many else []),
                f"{p.origin} -> {p.destination}",
                f"{p.cargo} ({p.unit})" if p.unit else p.cargo,
                *cells,
                family,
                " ".join(f"{m} {100 * v:+.0f}" for m, v in p.mode_share_change().items()),
                f"+{len(p.links_entered)}/-{len(p.links_left)}",
            )
    console.print(table)
    if unchanged:
        console.print(
            f"{unchanged} pair(s) with the same best option (--all lists them).", highlight=False
        )
    _print_families(diffs, show_all=show_all, by=by)


def _print_flows(flow: Any, top: int = 12) -> None:
    """The flow view of one scenario: family tonnes, the elements that moved, OD times."""
    from rich.table import Table

    from instc.cli._common import console
    from instc.units import h_to_days

    families = Table(
        title=f"Flows {flow.year} ({flow.scenario} vs {flow.baseline}): tonnes per route family",
        title_justify="left",
    )
    for column in ("family", "Mt/yr before", "Mt/yr after", "shift Mt/yr"):
        families.add_column(column, justify="left" if column == "family" else "right")
    for row in flow.families.itertuples():
        families.add_row(
            row.family, f"{row.before_t / 1e6:.2f}", f"{row.after_t / 1e6:.2f}",
            f"{row.shift_t / 1e6:+.2f}",
        )  # fmt: skip
    console.print(families)
    if flow.unserved_before_t or flow.unserved_after_t:
        console.print(
            f"  demand with no route (not assigned): {flow.unserved_before_t / 1e6:.2f} -> "
            f"{flow.unserved_after_t / 1e6:.2f} Mt/yr",
            highlight=False,
        )
    moved = flow.moved(top)
    if moved.empty:
        console.print("  no link, border or terminal changes volume", highlight=False)
    else:
        table = Table(
            title="Links, borders and terminals whose volume changed", title_justify="left"
        )
        for column in ("element", "Mt/yr before -> after", "V/C before -> after", "delay h"):
            table.add_column(column, justify="left" if column == "element" else "right")
        for r in moved.to_dict(orient="records"):
            table.add_row(
                f"{r['element_id']} ({r['name']})",
                _before_after(
                    r["volume_t_per_year_before"] / 1e6, r["volume_t_per_year_after"] / 1e6
                ),
                _before_after(r["volume_capacity_before"], r["volume_capacity_after"]),
                _before_after(r["delay_h_before"], r["delay_h_after"], 1),
            )
        console.print(table)
    choice = {"psl": "path-size logit route choice: means over the routes used"}.get(
        flow.route_choice, f"user equilibrium {flow.route_choice}".strip()
    )
    ods = Table(title=f"OD pairs at equilibrium ({choice})", title_justify="left")
    for column in ("class", "pair", "days before -> after", "USD per unit before -> after"):
        ods.add_column(column, justify="left" if column in ("class", "pair") else "right")
    for r in flow.ods.to_dict(orient="records"):
        ods.add_row(
            r["class"],
            f"{r['origin']} -> {r['destination']} (per {r['unit']})",
            _before_after(h_to_days(r["eq_time_h_before"]), h_to_days(r["eq_time_h_after"]), 1),
            _before_after(r["eq_money_usd_before"], r["eq_money_usd_after"], 0),
        )
    console.print(ods)


def _before_after(before: Any, after: Any, digits: int = 2) -> str:
    """``before -> after`` with ``digits`` decimals; "-" for a missing number (no
    capacity, no route)."""
    import math

    def num(value: Any) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "-"
        return f"{value:,.{digits}f}"

    return f"{num(before)} -> {num(after)}"


def _one_sided(before: Any, after: Any) -> list[str]:
    """Cost, days and CO2e cells of a pair with a route on one side only: the totals of
    that side (``no route -> 12.00``: what the new route costs per cargo unit)."""
    from instc.units import h_to_days

    def side(totals: Any, key: str, digits: int) -> str:
        if totals is None:
            return "no route"
        value = h_to_days(totals[key]) if key == "time_h" else totals[key]
        return f"{value:,.{digits}f}"

    return [
        f"{side(before, key, digits)} -> {side(after, key, digits)}"
        for key, digits in (("cost_usd", 2), ("time_h", 1), ("co2e_kg", 1))
    ]


def _dates_line(diff: Any) -> str:
    """Which networks a diff compares, and on which dates."""
    before = diff.as_of_before or "no date"
    after = diff.as_of_after or "no date"
    when = f"both as of {after}" if diff.same_date else f"{before} -> {after}"
    held = f"; the baseline holds {', '.join(diff.held_closed)} closed" if diff.held_closed else ""
    return f"{diff.scenario}: {diff.baseline} vs scenario, {when}{held}"


def _print_families(diffs: list[Any], *, show_all: bool, by: str) -> None:
    """Per pair and route family: the family's best option before -> after, and deltas."""
    from rich.table import Table

    from instc.cli._common import console
    from instc.units import h_to_days

    table = Table(
        title=f"Route families (each family's best option by {by}; per cargo unit)",
        title_justify="left",
    )
    many = len(diffs) > 1
    columns = ["pair", "family", "USD before -> after", "Δ USD", "days before -> after", "Δ d"]
    for column in ["scenario", *columns] if many else columns:
        table.add_column(column, justify="right" if "USD" in column or "d" in column else "left")
    rows = 0
    for diff in diffs:
        for p in diff.pairs:
            for f in p.families:
                if not (f.changed or show_all):
                    continue
                rows += 1
                usd = [f"{t['cost_usd']:,.0f}" if t else "none" for t in (f.before, f.after)]
                days = [
                    f"{h_to_days(t['time_h']):.1f}" if t else "none" for t in (f.before, f.after)
                ]
                d = f.delta
                table.add_row(
                    *([diff.scenario] if many else []),
                    f"{p.origin} -> {p.destination} ({p.cargo})",
                    f.family,
                    " -> ".join(usd),
                    f"{d['cost_usd']:+,.0f}" if d else "",
                    " -> ".join(days),
                    f"{h_to_days(d['time_h']):+.2f}" if d else "",
                )
    if rows:
        console.print(table)


def _print_changes(found: Any) -> None:
    from instc.cli._common import console, rich

    console.print(
        rich(f"[bold]changes[/] (network of {found.as_of_before} -> {found.as_of_after})")
    )
    if found.empty:
        console.print("  (none)")
    for label, ids in (("links opened", found.links_opened), ("links closed", found.links_closed)):
        if ids:
            console.print(f"  {label}: {', '.join(ids)}")
    for verb, rows in (("added", found.rows_added), ("removed", found.rows_removed)):
        for table, key in rows:
            console.print(f"  {table} {key}: row {verb}")
    for cell in found.cells:
        console.print(f"  {cell.table} {cell.key}: {cell.column} {cell.before!r} -> {cell.after!r}")
