"""``instc appraise``: a scenario's yearly savings for shippers and emissions change.

Only Typer is imported at start-up; the dataset and the assignment load inside the command.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer


def register(app: typer.Typer) -> None:
    """Attach ``instc appraise`` to the main app."""

    @app.command("appraise")
    def appraise(
        scenario: Annotated[str, typer.Argument(help="A bundled scenario name or a .toml file.")],
        years: Annotated[
            str, typer.Option("--years", help="First and last year, e.g. 2026-2035.")
        ] = "2026-2035",
        baseline: Annotated[
            str | None,
            typer.Option(help="Scenario to compare with (default: the network as it is)."),
        ] = None,
        demand_level: Annotated[
            str, typer.Option("--demand", help="low, mode or high volume of each year")
        ] = "mode",
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Each year: what shippers save in time (valued at the value of time of the data)
        and money with the scenario, and the change in CO2e, with the assumptions."""
        from instc.cli._common import print_json
        from instc.service import appraise as service_appraise

        found = service_appraise(
            scenario, years=years, baseline=baseline, demand_level=demand_level
        )
        if json_out:
            print_json(found.to_dict())
            return
        _print(found)


def _print(found: Any) -> None:
    from rich.table import Table

    from instc.cli._common import console

    table = Table(
        title=f"Appraisal of {found.scenario} against {found.baseline} (USD, undiscounted)",
        title_justify="left",
    )
    columns = (
        "year",
        "demand Mt",
        "money saved M USD",
        "time saved k unit-days",
        "time value M USD",
        "choice value M USD",
        "total M USD",
        "CO2e change kt",
        "newly served Mt",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "year" else "right")
    rows = found.years.to_dict(orient="records")
    totals = {"year": "total", **found.totals()}
    for r in [*rows, totals]:
        table.add_row(
            str(r["year"]),
            f"{r['demand_t'] / 1e6:,.2f}" if r["year"] != "total" else "",
            f"{r['money_saving_usd'] / 1e6:,.2f}",
            f"{r['time_saving_unit_days'] / 1e3:,.1f}",
            f"{r['time_saving_usd'] / 1e6:,.2f}",
            f"{r['choice_value_usd'] / 1e6:,.2f}",
            f"{r['total_saving_usd'] / 1e6:,.2f}",
            f"{r['co2e_change_t'] / 1e3:+,.1f}",
            f"{r['newly_served_t'] / 1e6:,.2f}",
        )
    console.print(table)
    console.print("assumptions", style="bold")
    for text in found.assumptions:
        console.print(f"  - {text}", highlight=False)
