"""The ``instc`` command line (Typer + Rich).

Command modules import only Typer at start-up; pandas, scipy and the dataset are
imported inside the commands, so ``instc --help`` answers at once.
"""

from __future__ import annotations

import sys

import typer

from instc.cli import assign as _assign
from instc.cli import backtest as _backtest
from instc.cli import criticality as _criticality
from instc.cli import network as _network
from instc.cli import reliability as _reliability
from instc.cli import report as _report
from instc.cli import routing as _routing
from instc.cli import scenario as _scenario
from instc.cli import serve as _serve

app = typer.Typer(
    name="instc",
    help="Freight on the International North–South Transport Corridor: sourced data, "
    "routes, scenarios, assignment and reliability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for _module in (
    _network,
    _routing,
    _scenario,
    _assign,
    _reliability,
    _criticality,
    _report,
    _backtest,
    _serve,
):
    _module.register(app)


@app.command()
def demo() -> None:
    """A short tour of the embedded dataset: network summary and route comparison."""
    from instc.cli.demo import run_demo

    run_demo()


def main() -> None:
    """Entry point: run the app, turning instc errors into one red line and exit 2."""
    from rich.markup import escape

    from instc._errors import InstcError
    from instc.cli._common import err_console

    try:
        app()
    except InstcError as exc:
        fail_line = f"[bold red]error:[/] {escape(str(exc))}"
        err_console.print(fail_line, highlight=False, soft_wrap=True)
        sys.exit(2)


__all__ = ["app", "main"]
