"""``instc demo``: a short tour of the embedded dataset.

1. The network as of today: places, links and kilometres by mode, project statuses.
2. Nhava Sheva → Moscow, one container (TEU): the best option of every corridor family
   (INSTC western rail/road, Caspian sea, eastern rail; deep sea via Suez and the Cape)
   side by side, then the leg-by-leg breakdown of the cheapest one.
"""

from __future__ import annotations

ORIGIN = "Nhava Sheva"
DESTINATION = "Moscow"


def run_demo() -> None:
    from rich.table import Table

    from instc.cli._common import console, rich
    from instc.cli.routing import _print_option, print_comparison
    from instc.network.graph import build_graph
    from instc.network.load import load_network
    from instc.network.timeline import summarize_network
    from instc.routing.compare import compare

    network = load_network()
    summary = summarize_network(network)
    console.rule(rich(f"[bold]instc demo[/] — the corridor network as of {summary['as_of']}"))
    graph = build_graph(network)
    counts = graph.summary()
    console.print(
        f"{summary['nodes']} places in {len(summary['countries'])} countries, "
        f"{summary['links']} usable links; for containers: {counts['virtual_nodes']} "
        f"place-layer nodes, {counts['link_edges'] + counts['border_edges']} link edges "
        f"({counts['border_edges']} across borders), {counts['transfer_edges']} transfer edges",
        highlight=False,
    )
    table = Table(title="length by mode", title_justify="left")
    table.add_column("mode")
    table.add_column("km", justify="right")
    for mode, km in sorted(summary["length_km_by_mode"].items(), key=lambda kv: -kv[1]):
        table.add_row(mode, f"{km:,.0f}")
    console.print(table)
    # an agreement in force is as much "in effect" as a railway that is open
    in_effect = ("open", "in_force")
    open_now = [p["name"] for p in summary["projects"] if p["status"] in in_effect]
    pending = [
        f"{p['name']} ({p['status']})" for p in summary["projects"] if p["status"] not in in_effect
    ]
    console.print(rich("[bold]open or in force[/]: ") + (", ".join(open_now) or "-"))
    console.print(rich("[bold]not yet, or no longer[/]: ") + (", ".join(pending) or "-"))

    console.rule(rich(f"[bold]{ORIGIN} → {DESTINATION}[/], one TEU, by corridor family"))
    result = compare(network, ORIGIN, DESTINATION, by="cost")
    print_comparison(result)
    best = result.best
    _print_option(best, f"cheapest: {best.family_label}")
    console.print(
        "\nTry: instc route 'Nhava Sheva' Moscow --by time | instc compare "
        "'Nhava Sheva' Moscow --sort co2e | instc pareto INNSA RU-MOSCOW --legs",
        highlight=False,
    )
