"""``instc assign corridor``: a year's freight on the corridor (path-size logit route choice
by default, or a user equilibrium).

Only Typer is imported here; the dataset and the engine load inside the command.
"""

from __future__ import annotations

import math
from typing import Any

import typer


def corridor(
    year: int = typer.Option(2030, "--year", help="demand year (the network is taken as of it)"),
    scenario: str | None = typer.Option(
        None, "--scenario", help="bundled scenario name or path to a scenario .toml"
    ),
    demand_level: str = typer.Option("mode", "--demand", help="low, mode or high volume"),
    algorithm: str = typer.Option(
        "psl",
        "--algorithm",
        "-a",
        help="psl: path-size logit route choice at stochastic equilibrium (shippers spread "
        "over routes close to the cheapest; parameters route_choice.*); aon, msa, fw, cfw "
        "or bfw: user equilibrium (every shipper on its cheapest route)",
    ),
    gap: float | None = typer.Option(
        None,
        "--gap",
        help="target gap (default 1e-6 relative gap; psl: 1e-4, the share of demand the "
        "last step moved)",
    ),
    max_iter: int = typer.Option(500, "--max-iter", help="iteration limit"),
    top: int = typer.Option(10, "--top", help="how many saturated elements to list"),
    sweep: str | None = typer.Option(
        None,
        "--sweep",
        help="also scale the demand by these factors (e.g. 0.5,1,2) and show how OD "
        "costs rise with volume",
    ),
    select: str | None = typer.Option(
        None,
        "--select-link",
        help="select-link analysis: which OD pairs use this link, border or terminal "
        "(e.g. r-rasht-astara, AZ-IR-ASTARA, link:d-rasht-astara) and how many tonnes",
    ),
    json_out: bool = typer.Option(False, "--json", help="print JSON for machines"),
) -> None:
    """Assign a year's corridor freight and name the links, borders and terminals that
    saturate first, with the sources of their capacities (or, with --select-link, the
    OD pairs that use one of them)."""
    from instc.cli._common import errors_as_red_line

    with errors_as_red_line():
        from instc.cli._common import check_options
        from instc.service import assign_corridor, get_network

        if gap is None:
            from instc.assignment.corridor import default_gap

            gap = default_gap(algorithm)
        check_options(year=year, gap=gap, max_iter=max_iter, top=top)
        if select is not None:
            _select_link(select, year, scenario, demand_level, algorithm, gap, max_iter, json_out)
            return
        scales = _scales(sweep) if sweep is not None else None
        network = get_network(as_of=str(year), scenario=scenario)
        options: dict[str, Any] = {
            "year": year,
            "demand_level": demand_level,
            "scenario": scenario,
            "method": algorithm,
            "gap": gap,
            "max_iter": max_iter,
        }
        curve = None
        if json_out:
            result = assign_corridor(
                year=year,
                scenario=scenario,
                demand_level=demand_level,
                algorithm=algorithm,
                gap=gap,
                max_iter=max_iter,
            )
            from instc.cli._common import print_json
            from instc.service import assign_corridor_json

            data = assign_corridor_json(result, top=top, scenario=scenario)
            if scales is not None:
                curve = _curve(network, options, scales)
                data["volume_curve"] = curve.to_dict(orient="records")
            print_json(data)
            return
        result = _with_progress(network, options)
        _print(result, top)
        _print_branches(network, result)
        _print_other_checks(network, result)
        if scales is not None:
            _print_curve(_curve(network, options, scales))


def _scales(text: str) -> tuple[float, ...]:
    from instc._errors import DataError

    try:
        values = tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        values = ()
    if not values or any(not (math.isfinite(v) and v > 0) for v in values):
        raise DataError(
            f"--sweep {text!r}: give positive factors separated by commas, e.g. 0.5,1,2"
        )
    return values


def _curve(network: Any, options: dict[str, Any], scales: tuple[float, ...]) -> Any:
    from instc.assignment.corridor import corridor_volume_curve

    keep = {k: options[k] for k in ("year", "demand_level", "method", "gap", "max_iter")}
    return corridor_volume_curve(network, scales=scales, **keep)


def _print_curve(curve: Any) -> None:
    from rich.table import Table

    from instc.cli._common import console

    scales = sorted(curve["scale"].unique())
    table = Table(title="Generalised cost over free flow as demand is scaled (time rise, days)")
    table.add_column("class")
    table.add_column("origin -> destination")
    for sc in scales:
        total = curve.loc[curve["scale"] == sc, "total_t"].iloc[0]
        table.add_column(f"x{sc:g} ({total / 1e6:,.0f} Mt)", justify="right")
    for (cls, o, d), group in curve.groupby(["class", "origin", "destination"], sort=False):
        cells = [
            f"{r['generalised_rise']:+.1%} ({r['time_rise_h'] / 24:+.1f} d)"
            for _, r in group.sort_values("scale").iterrows()
        ]
        table.add_row(str(cls), f"{o} -> {d}", *cells)
    console.print(table)


def _with_progress(network: Any, options: dict[str, Any]) -> Any:
    from instc.assignment.corridor import assign_corridor
    from instc.cli._common import gap_progress

    description = f"corridor {options['year']} {options['method']}"
    with gap_progress(description, target_gap=float(options["gap"])) as report:
        return assign_corridor(network, progress=report, **options)


def _mt(tonnes: float) -> str:
    return "-" if not math.isfinite(tonnes) else f"{tonnes / 1e6:,.2f}"


def _print(result: Any, top: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    from instc.cli._common import console, err_console, rich

    d = result.demand
    t = d.total
    where = f", scenario {result.scenario}" if result.scenario else ""
    where += f", network as of {result.as_of}"
    console.print(
        rich(f"[bold]Corridor freight {escape(str(result.year) + where)}[/]: ")
        + f"{_mt(d.corridor_t)} Mt/yr "
        f"({d.level}; range {_mt(t.low_t)}–{_mt(t.high_t)} Mt) from {t.method}, "
        f"sources {', '.join(t.source_ids) or '-'}",
        highlight=False,
    )
    for name, own in d.own.items():
        console.print(
            f"  + {name}: {_mt(d.class_t[name])} Mt/yr outside that total, from {own.method}, "
            f"sources {', '.join(own.source_ids) or '-'}",
            highlight=False,
        )
    _print_demand(d)
    sat = result.saturated(top)
    table = Table(title=f"The {len(sat)} most saturated links, borders and terminals")
    for col, just in (
        ("#", "right"),
        ("element", "left"),
        ("name", "left"),
        ("V/C", "right"),
        ("volume Mt/yr", "right"),
        ("capacity", "left"),
        ("delay h", "right"),
        ("capacity sources", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for i, row in sat.iterrows():
        table.add_row(
            str(i + 1),
            row["element_id"],
            row["name"],
            f"{row['volume_capacity']:.2f}",
            _mt(row["volume_t_per_year"]),
            row["capacity"],
            f"{row['delay_h']:,.1f}",
            ", ".join(row["capacity_source_ids"]),
        )
    console.print(table)
    if sat.empty:
        console.print("no capacitated element carries flow", highlight=False)

    unb = result.unbounded(top)
    if not unb.empty:
        ut = Table(title=f"The {len(unb)} busiest elements with no capacity figure (unbounded)")
        for col in ("element", "name", "volume Mt/yr"):
            ut.add_column(col, justify="right" if col.startswith("volume") else "left")
        for _, row in unb.iterrows():
            ut.add_row(row["element_id"], row["name"], _mt(row["volume_t_per_year"]))
        console.print(ut)

    fam = result.family_totals()
    ft = Table(title="Route-family shares (tonnes)")
    ft.add_column("family")
    ft.add_column("Mt/yr", justify="right")
    ft.add_column("share", justify="right")
    for _, row in fam.iterrows():
        ft.add_row(row["family"], _mt(row["volume_t"]), f"{row['share']:.1%}")
    rest = d.total_t - float(fam["volume_t"].sum())
    if rest > 1e-6 * d.total_t:
        ft.add_row("(no family)", _mt(rest), f"{rest / d.total_t:.1%}")
    console.print(ft)

    ot = Table(title="OD pairs: equilibrium vs free flow (per unit)")
    for col in (
        "class",
        "origin -> destination",
        "Mt/yr",
        "time d free",
        "time d eq",
        "money USD free",
        "money USD eq",
        "gen. cost USD free",
        "gen. cost USD eq",
        "rise",
    ):
        ot.add_column(col, justify="left" if col[0] in "co" else "right")
    for _, r in result.od_costs.iterrows():
        free, eq = r["free_generalised_usd"], r["eq_generalised_usd"]
        if not math.isfinite(free):  # no path at this date (a pipeline not running)
            ot.add_row(
                f"{r['class']} ({r['unit']})",
                f"{r['origin']} -> {r['destination']}",
                _mt(r["volume_t"]),
                *(["no route"] + ["-"] * 6),
            )
            continue
        ot.add_row(
            f"{r['class']} ({r['unit']})",
            f"{r['origin']} -> {r['destination']}",
            _mt(r["volume_t"]),
            f"{r['free_time_h'] / 24:.1f}",
            f"{r['eq_time_h'] / 24:.1f}",
            f"{r['free_money_usd']:,.0f}",
            f"{r['eq_money_usd']:,.0f}",
            f"{free:,.0f}",
            f"{eq:,.0f}",
            f"{(eq / free - 1):+.1%}" if free > 0 else "-",
        )
    console.print(ot)
    a = result.assignment
    console.print(
        f"{result.capacitated} capacitated elements, {result.uncapacitated} without a "
        f"capacity figure (uncapacitated); {a.method} gap {a.relative_gap:.1e} after "
        f"{a.iterations} iterations, {a.seconds:.1f} s"
        + (
            " (the free-flow all-or-nothing load is already an equilibrium: no delay it "
            "causes changes a route)"
            if a.iterations == 0 and a.method != "psl"
            else ""
        ),
        highlight=False,
    )
    params = "; ".join(
        f"{k} = {v['value']:g}{'' if v['unit'] in ('', '1') else ' ' + v['unit']} ({v['basis']}"
        + (f", {', '.join(v['source_ids'])})" if v["source_ids"] else ")")
        for k, v in result.parameters.items()
    )
    console.print(f"parameters: {params}", highlight=False)
    if a.unreachable_pairs:
        pairs = ", ".join(f"{p.user_class}" for p in a.unreachable_pairs)
        err_console.print(
            rich("[yellow]warning:[/] ") + f"no path for {pairs} — that demand was not assigned",
            highlight=False,
        )
    if not a.converged:
        err_console.print(
            rich("[yellow]warning:[/] ")
            + f"target gap {a.target_gap:g} not reached — raise --max-iter",
            highlight=False,
        )


def _print_select_link(found: Any) -> None:
    from rich.table import Table

    from instc.cli._common import console

    where = f", scenario {found.scenario}" if found.scenario else ""
    table = Table(
        title=f"Select link {found.query} ({', '.join(found.elements)}), {found.year}{where}: "
        f"{_mt(found.total_t)} Mt/yr",
        title_justify="left",
    )
    for col in ("class", "origin -> destination", "OD Mt/yr", "through Mt/yr", "share of OD"):
        table.add_column(col, justify="left" if col[0] in "co" else "right")
    for r in found.ods.to_dict(orient="records"):
        table.add_row(
            r["class"],
            f"{r['origin']} -> {r['destination']}",
            _mt(r["volume_t"]),
            _mt(r["through_t"]),
            f"{r['share']:.1%}",
        )
    console.print(table)
    if found.ods.empty:
        console.print("no OD pair's equilibrium flow uses it", highlight=False)


def _select_link(
    element: str,
    year: int,
    scenario: str | None,
    demand_level: str,
    algorithm: str,
    gap: float,
    max_iter: int,
    json_out: bool,
) -> None:
    from rich.table import Table

    from instc.cli._common import console, print_json
    from instc.service import select_link

    found = select_link(
        year=year,
        element=element,
        scenario=scenario,
        demand_level=demand_level,
        algorithm=algorithm,
        gap=gap,
        max_iter=max_iter,
    )
    if json_out:
        print_json(found.to_dict())
        return
    where = f", scenario {found.scenario}" if found.scenario else ""
    table = Table(
        title=f"Select link {found.query} ({', '.join(found.elements)}), {found.year}{where}: "
        f"{_mt(found.total_t)} Mt/yr",
        title_justify="left",
    )
    for col in ("class", "origin -> destination", "OD Mt/yr", "through Mt/yr", "share of OD"):
        table.add_column(col, justify="left" if col[0] in "co" else "right")
    for r in found.ods.to_dict(orient="records"):
        table.add_row(
            r["class"],
            f"{r['origin']} -> {r['destination']}",
            _mt(r["volume_t"]),
            _mt(r["through_t"]),
            f"{r['share']:.1%}",
        )
    console.print(table)
    if found.ods.empty:
        console.print("no OD pair's equilibrium flow uses it", highlight=False)


def _print_demand(demand: Any) -> None:
    """The cargo classes: tonnes and share of the run's tonnes (a class with its own scope
    says so), demand rows and sources of the share and of the OD split."""
    from rich.table import Table

    from instc.cli._common import console

    table = Table(title="OD demand by cargo class: which demand rows and sources")
    for col in ("class", "Mt/yr", "share", "share basis", "OD basis", "demand rows", "sources"):
        table.add_column(col, justify="right" if col in ("Mt/yr", "share") else "left")
    for c in demand.classes:
        table.add_row(
            f"{c.name} ({c.cargo})",
            _mt(demand.class_t[c.name]),
            f"{demand.class_t[c.name] / demand.total_t:.1%}" if demand.total_t > 0 else "-",
            f"{c.basis} (own scope {c.scope})" if c.scope else c.basis,
            f"{c.od_basis}: {len(c.ods)} OD",
            ", ".join(c.demand_ids) or "-",
            ", ".join(c.all_source_ids()) or "-",
        )
    console.print(table)


def _other_checks(network: Any, result: Any) -> Any:
    from instc.assignment.branches import branch_check, other_observations

    return other_observations(network, branch_check(network, result), result.year)


def _print_other_checks(network: Any, result: Any) -> None:
    """Model shares against observation sets of another scope (e.g. RZD rail, Q1)."""
    from rich.table import Table

    from instc.cli._common import console

    other = _other_checks(network, result)
    for name, rows in other.groupby("set", sort=False):
        table = Table(title=f"Branch shares {result.year}: model vs {rows['label'].iloc[0]}")
        for col in ("branch", "model share", "observed Mt", "observed share", "row (sources)"):
            table.add_column(col, justify="right" if col[0] in "mo" else "left")
        for _, r in rows.iterrows():
            table.add_row(
                str(r["branch"]),
                f"{r['model_share']:.1%}",
                _mt(r["observed_t"]),
                f"{r['observed_share']:.1%}",
                f"{r['demand_id']} ({', '.join(r['source_ids'])})",
            )
        console.print(table)
        console.print(
            f"observation set {name}: another scope than the model's (all modes, whole "
            "year): read it as a second, disagreeing observation, not a correction",
            highlight=False,
        )


def _print_branches(network: Any, result: Any) -> None:
    from rich.table import Table

    from instc.assignment.branches import branch_check, observed_branch_years
    from instc.cli._common import console

    check = branch_check(network, result)
    years = observed_branch_years(network)
    table = Table(title=f"Branch shares {result.year}: model vs observed (among the branches)")
    for col in ("branch", "model Mt/yr", "model share", "observed Mt/yr", "observed share"):
        table.add_column(col, justify="left" if col == "branch" else "right")
    table.add_column("observed row (sources)")
    for _, r in check.iterrows():
        share = r["observed_share"]
        table.add_row(
            r["label"],
            _mt(r["model_t"]),
            f"{r['model_share']:.1%}" if math.isfinite(r["model_share"]) else "-",
            _mt(r["observed_t"]),
            f"{share:.1%}" if math.isfinite(share) else "-",
            f"{r['demand_id']} ({', '.join(r['source_ids'])})" if r["demand_id"] else "none",
        )
    console.print(table)
    if check["observed_share"].isna().any():
        console.print(
            f"observed volumes for {result.year} do not cover every branch: no observed share; "
            f"years with a full check: {', '.join(map(str, years)) or 'none'}",
            highlight=False,
        )
