"""The ``instc`` command line (Typer + Rich).

Command modules import only Typer at start-up; pandas, scipy and the dataset are
imported inside the commands, so ``instc --help`` answers at once.
"""

from __future__ import annotations

import sys

import typer

from instc.cli import appraise as _appraise
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
    rich_markup_mode=None,  # help texts are plain: "[[pair]]" is printed as written
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
    _appraise,
    _reliability,
    _criticality,
    _report,
    _backtest,
    _serve,
):
    _module.register(app)


@app.command("demo")
def demo_cmd() -> None:
    """A short tour of the embedded dataset: network summary and route comparison."""
    from instc.cli.demo import run_demo

    run_demo()


def run(args: list[str] | None = None) -> int:
    """Run the app on ``args`` (default: ``sys.argv[1:]``) and return the exit code.

    Every way a command can fail ends here as one red line on stderr: an instc error
    (exit 2), a usage error such as an unknown option or ``--k abc`` (exit 2, with the
    command to get help), Ctrl-C (exit 130).
    """
    # Typer vendors its own copy of Click: its exceptions are not ``click.exceptions``
    from typer import Abort
    from typer._click import exceptions as click_errors

    from instc._errors import InstcError
    from instc.cli._common import Interrupted, error_line

    try:
        code = app(args=args, prog_name="instc", standalone_mode=False)
    except Interrupted as exc:
        error_line(str(exc))
        return 130
    except InstcError as exc:
        error_line(str(exc))
        return 2
    except click_errors.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "instc"
        error_line(f"{exc.format_message()} — see: {where} --help")
        return exc.exit_code
    except Abort:
        error_line("interrupted")
        return 130
    except KeyboardInterrupt:
        error_line("interrupted")
        return 130
    except click_errors.ClickException as exc:
        error_line(exc.format_message())
        return exc.exit_code
    if code == 130:
        error_line("interrupted")
    return code if isinstance(code, int) else 0


def main() -> None:
    """Entry point: run the app, turning every error into one red line (see :func:`run`)."""
    sys.exit(run())


__all__ = ["app", "main", "run"]
