"""CLI commands of the routing area: ``instc route``, ``instc compare``, ``instc pareto``.

Only Typer is imported at start-up; the network, pandas and scipy load inside the
commands. Every instc error becomes one red line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from instc.routing.results import RouteOption

_CARGO = typer.Option("container", "--cargo", help="container, bulk, liquid, truck, passenger")
_AS_OF = typer.Option(None, "--as-of", help="network date: YYYY, YYYY-MM or YYYY-MM-DD")
_AVOID_COUNTRY = typer.Option(None, "--avoid-country", help="ISO code or name; repeatable")
_AVOID_MODE = typer.Option(None, "--avoid-mode", help="sea, rail, road, ferry, ...; repeatable")
_AVOID_NODE = typer.Option(None, "--avoid-node", help="a place to avoid; repeatable")
_AVOID_LINK = typer.Option(None, "--avoid-link", help="a link id to avoid; repeatable")
_AVOID_BORDER = typer.Option(None, "--avoid-border", help="a border id to avoid; repeatable")
_VIA = typer.Option(
    None, "--via", help="pass here, in order: place, PLACE@layer, border:ID, link:ID; repeatable"
)
_FLAG = typer.Option(
    None, "--vessel-flag", help="carrier's flag (ISO); hides waters it may not sail"
)
_VOT = typer.Option(None, "--value-of-time", help="USD per cargo unit-day for --by generalised")
_TPU = typer.Option(
    None, "--tonnes-per-unit", help="tonnes in one TEU/truck (default from parameters.toml)"
)
_JSON = typer.Option(False, "--json", help="print JSON instead of tables")
_GEOJSON = typer.Option(None, "--geojson", help="also write the options as GeoJSON here")
_DATA = typer.Option(None, "--data", help="dataset directory (default: the embedded one)")


def _fmt(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}"


def _layer_label(layer: str) -> str:
    """A liner's layer ('svc:ID#N') reads as the sea it is on."""
    return "sea" if layer.startswith("svc:") else layer


def _display_rows(option: RouteOption) -> list[dict[str, Any]]:
    """Legs for display: consecutive plain links on one layer shown as one row; a liner
    shows one row per sailing between two calls (boarding wait or the port stay at the
    call it leaves, then the lanes to the next call, then alighting: at a hub, a leg of its
    own with no distance, time or cost, shown in the sailing it ends)."""
    from instc.network.graph import is_service_layer

    rows: list[dict[str, Any]] = []
    for leg in option.legs:
        # the leg's own part; its surcharges get rows of their own below
        own = {
            "distance_km": leg.distance_km,
            "moving_h": leg.moving_h,
            "waiting_h": leg.waiting_h,
            "dwell_h": leg.dwell_h - sum(s.dwell_h for s in leg.surcharges),
            "cost_usd": leg.cost_usd - leg.surcharges_usd,
            "co2e_kg": leg.co2e_kg,
        }
        last = rows[-1] if rows else None
        aboard = leg.to_layer if is_service_layer(leg.to_layer) else leg.from_layer
        group = f"{leg.service_id}:{aboard}" if leg.service_id else leg.from_layer
        if (
            last is not None
            and leg.kind == "link"
            and last["kind"] == "link"
            and last["layer"] == group
        ):
            last["to"], last["to_name"] = leg.to_node, leg.to_name
            for key, value in own.items():
                last[key] += value
            last["sources"].update(dict.fromkeys(leg.source_ids))
            last["expected"] |= leg.expected
        else:
            rows.append(
                {
                    "kind": leg.kind,
                    "layer": group,
                    "mode": f"{leg.mode} {leg.service_id}" if leg.service_id else leg.mode,
                    "transfer": f"{leg.transfer_kind} {_layer_label(leg.from_layer)}→"
                    f"{_layer_label(leg.to_layer)}"
                    + (f" ({leg.terminal} terminal)" if leg.terminal else ""),
                    "from": leg.from_node,
                    "to": leg.to_node,
                    "from_name": leg.from_name,
                    "to_name": leg.to_name,
                    **own,
                    "sources": dict.fromkeys(leg.source_ids),
                    "expected": leg.expected,
                }
            )
        for item in leg.surcharges:
            rows.append(
                {
                    "kind": "surcharge",
                    "layer": "",
                    "mode": item.kind,
                    "transfer": "",
                    "from": item.surcharge_id,
                    "to": "",
                    "from_name": item.name,
                    "to_name": "",
                    "distance_km": 0.0,
                    "moving_h": 0.0,
                    "waiting_h": 0.0,
                    "dwell_h": item.dwell_h,
                    "cost_usd": item.usd,
                    "co2e_kg": 0.0,
                    "sources": dict.fromkeys(item.source_ids),
                    "expected": False,
                }
            )
    return rows


def _option_table(option: RouteOption, title: str) -> Any:
    """Legs as a table: full width shows names, the time split and source ids; a narrow
    terminal gets ids, total hours and the number of sources."""
    from rich.table import Table

    from instc.cli._common import console, rich

    wide = console.width >= 140
    split = console.width >= 110
    table = Table(title=title, title_justify="left", show_lines=False)
    hours = ["move h", "wait h", "dwell h"] if split else ["h"]
    columns = ["#", "mode", "from → to", "km", *hours, "USD", "kg CO2e", "sources"]
    for name in columns:
        table.add_column(
            name, justify="left" if name in ("mode", "from → to", "sources") else "right"
        )
    for i, row in enumerate(_display_rows(option), 1):
        if row["kind"] == "transfer":
            mode = ("⇄ " + row["transfer"]) if split else "⇄ " + row["transfer"].split()[0]
            where = row["from_name"] if wide else row["from"]
        elif row["kind"] == "surcharge":
            mode = "+ " + row["mode"]
            where = row["from_name"] if wide else row["from"]
        else:
            mode = row["mode"] + (" ⊢border" if row["kind"] == "border" else "")
            where = (
                f"{row['from_name']} → {row['to_name']}" if wide else f"{row['from']} → {row['to']}"
            )
        if row["expected"]:
            mode += " *"
        if split:
            times = [_fmt(row[k], 1) for k in ("moving_h", "waiting_h", "dwell_h")]
        else:
            times = [_fmt(row["moving_h"] + row["waiting_h"] + row["dwell_h"], 1)]
        ids = list(row["sources"])
        if wide:
            sources = ", ".join(ids[:5]) + (f" +{len(ids) - 5}" if len(ids) > 5 else "")
        else:
            sources = str(len(ids))
        table.add_row(
            str(i),
            mode,
            where,
            _fmt(row["distance_km"]),
            *times,
            _fmt(row["cost_usd"]),
            _fmt(row["co2e_kg"], 1),
            sources,
        )
    t = option.totals
    table.add_row(
        "",
        rich("[bold]total[/]"),
        rich(f"[bold]{t.time_days:.1f} days[/]"),
        rich(f"[bold]{_fmt(t.distance_km)}[/]"),
        *([""] * (len(hours) - 1)),
        rich(f"[bold]{_fmt(t.time_h, 1)}[/]") if not split else "",
        rich(f"[bold]{_fmt(t.cost_usd)}[/]"),
        rich(f"[bold]{_fmt(t.co2e_kg, 1)}[/]"),
        f"TTW {_fmt(t.co2e_kg_ttw, 1)} kg" if wide else "",
    )
    return table


def _print_option(option: RouteOption, title: str, *, assumptions: bool = True) -> None:
    from instc.cli._common import console

    console.print(_option_table(option, title))
    console.print(
        f"  per {option.unit}: {_fmt(option.totals.cost_usd)} USD, "
        f"{option.totals.time_days:.1f} days, {_fmt(option.totals.co2e_kg, 1)} kg CO2e WTW "
        f"({_fmt(option.totals.co2e_kg_ttw, 1)} TTW)"
        + ("; * = relies on an expected project" if option.expected else "")
        + "; --json lists every source id",
        highlight=False,
    )
    if assumptions:
        for a in option.assumptions:
            console.print(f"  • {a}", style="dim", highlight=False)


def _print_account(option: RouteOption, units: float) -> None:
    from rich.table import Table

    from instc.cli._common import console, rich
    from instc.emissions.accounting import account

    acc = account(option, units=units)
    table = Table(
        title=f"ISO 14083 account: {units:g} {option.unit} = {acc.tonnes:,.1f} t, "
        f"{acc.tkm:,.0f} tkm, {acc.intensity_g_per_tkm:.1f} g CO2e/tkm (WTW)",
        title_justify="left",
    )
    for name in ("element", "kg CO2e WTW", "kg CO2e TTW"):
        table.add_column(name, justify="left" if name == "element" else "right")
    for mode, wtw in sorted(acc.by_mode().items(), key=lambda kv: -kv[1]):
        ttw = sum(e.co2e_kg_ttw for e in acc.elements if e.mode == mode)
        label = "hub operations" if mode == "transfer" else f"{mode} vehicle operations"
        table.add_row(label, _fmt(wtw, 1), _fmt(ttw, 1))
    table.add_row(
        rich("[bold]total[/]"), rich(f"[bold]{_fmt(acc.co2e_kg, 1)}[/]"), _fmt(acc.co2e_kg_ttw, 1)
    )
    console.print(table)


def _write_geojson(answer: Any, path: Path | None) -> None:
    """Write the answer's options as GeoJSON (drawn on water and along alignments)."""
    if path is None:
        return
    import json

    from instc.cli._common import err_console

    path.write_text(json.dumps(answer.to_geojson(), ensure_ascii=False, indent=1))
    err_console.print(f"wrote {len(answer.options)} option(s) to {path}", highlight=False)


def _check_geojson(path: Path | None) -> None:
    """Fail on an unwritable ``--geojson`` path before any routing."""
    if path is not None:
        from instc._files import check_output_file

        check_output_file(path, option="--geojson")


def _constraints(*, vessel_flag: str | None, **lists: list[str] | None) -> Any:
    """The service :class:`~instc.service.Constraints` of the repeatable ``--avoid-*`` and
    ``--via`` options (a list, or None when not given) and ``--vessel-flag``."""
    from instc.service import Constraints

    tuples: dict[str, Any] = {name: tuple(given or ()) for name, given in lists.items()}
    return Constraints(vessel_flag=vessel_flag, **tuples)


def _guard(fn: Any) -> None:
    from instc._errors import InstcError
    from instc.cli._common import fail

    try:
        fn()
    except InstcError as exc:
        fail(str(exc))


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the main app."""

    @app.command("route")
    def route_cmd(
        origin: str = typer.Argument(..., help="place: UN/LOCODE, id or name"),
        destination: str = typer.Argument(..., help="place: UN/LOCODE, id or name"),
        cargo: str = _CARGO,
        by: str = typer.Option("cost", "--by", help="cost, time, co2e, distance, generalised"),
        as_of: str | None = _AS_OF,
        avoid_country: list[str] | None = _AVOID_COUNTRY,
        avoid_mode: list[str] | None = _AVOID_MODE,
        avoid_node: list[str] | None = _AVOID_NODE,
        avoid_link: list[str] | None = _AVOID_LINK,
        avoid_border: list[str] | None = _AVOID_BORDER,
        via: list[str] | None = _VIA,
        k: int = typer.Option(1, "--k", help="number of really different routes"),
        max_overlap: float = typer.Option(
            0.9,
            "--max-overlap",
            help="with --k: most of a route's km allowed on earlier ones' links",
        ),
        units: float | None = typer.Option(
            None, "--units", help="also account a shipment of this many units (ISO 14083)"
        ),
        vessel_flag: str | None = _FLAG,
        value_of_time: float | None = _VOT,
        tonnes_per_unit: float | None = _TPU,
        as_json: bool = _JSON,
        geojson: Path | None = _GEOJSON,
        data: Path | None = _DATA,
    ) -> None:
        """Door-to-door route(s) with a leg-by-leg breakdown of cost, time and CO2e."""

        def run() -> None:
            from instc.cli._common import check_options, print_json
            from instc.service import RouteQuery
            from instc.service import route as service_route

            check_options(
                k=k,
                max_overlap=max_overlap,
                units=units,
                value_of_time=value_of_time,
                tonnes_per_unit=tonnes_per_unit,
            )
            _check_geojson(geojson)
            query = RouteQuery(
                origin,
                destination,
                cargo=cargo,
                by=by,
                as_of=as_of,
                constraints=_constraints(
                    avoid_country=avoid_country,
                    avoid_mode=avoid_mode,
                    avoid_node=avoid_node,
                    avoid_link=avoid_link,
                    avoid_border=avoid_border,
                    via=via,
                    vessel_flag=vessel_flag,
                ),
                k=k,
                max_overlap=max_overlap,
                units=units,
                value_of_time=value_of_time,
                tonnes_per_unit=tonnes_per_unit,
                data=None if data is None else str(data),
            )
            answer = service_route(query)
            options = list(answer.options)
            _write_geojson(answer, geojson)
            if as_json:
                print_json(answer.to_json())
                return
            for i, option in enumerate(options, 1):
                head = f"{option.origin} → {option.destination}, {cargo} by {option.by}"
                head += f", as of {option.as_of}" if option.as_of else ""
                _print_option(option, head if k == 1 else f"option {i}: {head}")
                if units is not None:
                    _print_account(option, units)

        _guard(run)

    @app.command("compare")
    def compare_cmd(
        origin: str = typer.Argument(..., help="place: UN/LOCODE, id or name"),
        destination: str = typer.Argument(..., help="place: UN/LOCODE, id or name"),
        cargo: str = _CARGO,
        by: str = typer.Option("cost", "--by", "--sort", help="sort by cost, time or co2e"),
        as_of: str | None = _AS_OF,
        avoid_country: list[str] | None = _AVOID_COUNTRY,
        avoid_mode: list[str] | None = _AVOID_MODE,
        vessel_flag: str | None = _FLAG,
        families: Path | None = typer.Option(None, "--families", help="families TOML file"),
        max_detour: float | None = typer.Option(
            None,
            "--max-detour",
            help="hide a family option longer than this many times the best option's "
            "distance (default compare.max_detour_factor in parameters.toml, 1.6)",
        ),
        tonnes_per_unit: float | None = _TPU,
        legs: bool = typer.Option(
            True, "--legs/--no-legs", help="print each family's leg breakdown below the table"
        ),
        percentile: float | None = typer.Option(
            None,
            "--percentile",
            help="rank the families by this percentile of their simulated door-to-door time "
            "(Monte Carlo, e.g. 90 for P90) instead of --by",
        ),
        samples: int = typer.Option(
            20_000, "--samples", help="Monte Carlo samples per family (--percentile)"
        ),
        seed: int = typer.Option(0, "--seed", help="random seed (--percentile)"),
        as_json: bool = _JSON,
        geojson: Path | None = _GEOJSON,
        data: Path | None = _DATA,
    ) -> None:
        """The best option overall, then the best of each corridor family (INSTC vs Suez/Cape)."""

        def run() -> None:
            from instc.cli._common import check_options, print_json
            from instc.service import CompareQuery
            from instc.service import compare as service_compare

            check_options(
                max_detour=max_detour,
                tonnes_per_unit=tonnes_per_unit,
                percentile=percentile,
                samples=samples,
                seed=seed,
            )
            _check_geojson(geojson)
            answer = service_compare(
                CompareQuery(
                    origin,
                    destination,
                    cargo=cargo,
                    by=by,
                    as_of=as_of,
                    constraints=_constraints(
                        avoid_country=avoid_country,
                        avoid_mode=avoid_mode,
                        vessel_flag=vessel_flag,
                    ),
                    families=None if families is None else str(families),
                    max_detour=max_detour,
                    tonnes_per_unit=tonnes_per_unit,
                    percentile=percentile,
                    samples=samples,
                    seed=seed,
                    data=None if data is None else str(data),
                )
            )
            result, ranked_h = answer.result, dict(answer.ranked_h)
            _write_geojson(answer, geojson)
            if as_json:
                print_json(answer.to_json())
                return
            print_comparison(result, legs=legs)
            if percentile is not None:
                _print_percentiles(result, ranked_h, percentile=percentile, samples=samples)

        _guard(run)

    @app.command("pareto")
    def pareto_cmd(
        origin: str = typer.Argument(..., help="place: UN/LOCODE, id or name"),
        destination: str = typer.Argument(..., help="place: UN/LOCODE, id or name"),
        cargo: str = _CARGO,
        as_of: str | None = _AS_OF,
        avoid_country: list[str] | None = _AVOID_COUNTRY,
        avoid_mode: list[str] | None = _AVOID_MODE,
        avoid_node: list[str] | None = _AVOID_NODE,
        via: list[str] | None = _VIA,
        vessel_flag: str | None = _FLAG,
        tonnes_per_unit: float | None = _TPU,
        legs: bool = typer.Option(False, "--legs", help="also print each option's legs"),
        as_json: bool = _JSON,
        geojson: Path | None = _GEOJSON,
        data: Path | None = _DATA,
    ) -> None:
        """Every option not beaten on all of cost, time and CO2e at once."""

        def run() -> None:
            from rich.table import Table

            from instc.cli._common import check_options, console, print_json
            from instc.service import RouteQuery
            from instc.service import pareto as service_pareto

            check_options(tonnes_per_unit=tonnes_per_unit)
            _check_geojson(geojson)
            answer = service_pareto(
                RouteQuery(
                    origin,
                    destination,
                    cargo=cargo,
                    as_of=as_of,
                    constraints=_constraints(
                        avoid_country=avoid_country,
                        avoid_mode=avoid_mode,
                        avoid_node=avoid_node,
                        via=via,
                        vessel_flag=vessel_flag,
                    ),
                    tonnes_per_unit=tonnes_per_unit,
                    data=None if data is None else str(data),
                )
            )
            options = answer.options
            _write_geojson(answer, geojson)
            if as_json:
                print_json(answer.to_json())
                return
            table = Table(title=f"Pareto set {options[0].origin} → {options[0].destination}")
            for name in ("#", "USD", "days", "kg CO2e", "km", "route"):
                table.add_column(name, justify="left" if name == "route" else "right")
            for i, o in enumerate(options, 1):
                t = o.totals
                table.add_row(
                    str(i),
                    _fmt(t.cost_usd),
                    f"{t.time_days:.1f}",
                    _fmt(t.co2e_kg, 1),
                    _fmt(t.distance_km),
                    _summary(o),
                )
            console.print(table)
            if legs:
                for i, o in enumerate(options, 1):
                    _print_option(o, f"option {i}")

        _guard(run)


def _summary(option: RouteOption, width: int = 70) -> str:
    """The places a route passes where it changes layer, cut to ``width`` characters."""
    text = option.stretches
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_percentiles(
    result: Any, times_h: dict[str, float], *, percentile: float, samples: int
) -> None:
    from instc.cli._common import console

    best = min(times_h.values())
    console.print(
        f"ranked by P{percentile:g} of the simulated door-to-door time ({samples:,} samples):",
        highlight=False,
    )
    for o in result.options:
        label = result.short_labels.get(o.family, o.family or "")
        days = times_h[o.family] / 24.0
        console.print(
            f"  {label}: P{percentile:g} {days:.1f} days "
            f"({(times_h[o.family] - best) / 24.0:+.1f}; planned {o.totals.time_days:.1f})",
            highlight=False,
        )


def print_comparison(result: Any, *, legs: bool = False) -> None:
    """Print a :class:`~instc.routing.compare.Comparison` as a marketplace-style table."""
    from rich.markup import escape
    from rich.table import Table

    from instc.cli._common import console, rich

    best = result.options[0].totals
    first = result.options[0]
    table = Table(
        title=f"{first.origin} → {first.destination}: best {first.cargo} option overall, then "
        f"per family (sorted by {result.by}" + (f", as of {first.as_of})" if first.as_of else ")"),
        title_justify="left",
    )
    same = result.same_as_best()
    # a narrow terminal gets the figures only; the leg tables below show the way
    wide = console.width >= 110
    names = ["family", "USD", "Δ USD", "days", "Δ days", "kg CO2e", "Δ kg"]
    if wide:
        names += ["km", "route"]
    for name in names:
        table.add_column(name, justify="left" if name in ("family", "route") else "right")
    for o in result.options:
        t = o.totals
        label = result.short_labels.get(o.family, o.family or "")
        if o is first and same:
            label += " = " + ", ".join(result.short_labels.get(f, f) for f in same)
        cells = [
            label + (" *" if o.expected else ""),
            _fmt(t.cost_usd),
            f"{t.cost_usd - best.cost_usd:+,.0f}",
            f"{t.time_days:.1f}",
            f"{(t.time_h - best.time_h) / 24:+.1f}",
            _fmt(t.co2e_kg),
            f"{t.co2e_kg - best.co2e_kg:+,.0f}",
        ]
        if wide:
            cells += [_fmt(t.distance_km), _summary(o, 60)]
        table.add_row(*cells)
    console.print(table)
    if any(o.expected for o in result.options):
        console.print("  * relies on a project expected (not yet known) to be open", style="dim")
    console.print(f"  {result.criterion}", style="dim", highlight=False)
    for hidden in result.not_shown:
        hidden_label = result.short_labels.get(hidden.family, hidden.family)
        console.print(
            rich(f"  [yellow]not shown as {escape(hidden_label)}:[/] ") + hidden.reason,
            highlight=False,
        )
    for fid, why in result.missing:
        label = result.short_labels.get(fid, fid)
        console.print(rich(f"  [yellow]no {escape(label)} option:[/] ") + why, highlight=False)
    if legs:
        for o in result.options:
            _print_option(o, o.family_label or o.family or "", assumptions=False)
        # assumptions once: those every option shares, then each family's own
        shared = set.intersection(*(set(o.assumptions) for o in result.options))
        console.print("assumptions", style="bold")
        for a in result.options[0].assumptions:
            if a in shared:
                console.print(f"  • {a}", style="dim", highlight=False)
        for o in result.options:
            for a in o.assumptions:
                if a not in shared:
                    console.print(f"  • {o.family}: {a}", style="dim", highlight=False)
