"""``instc assign ...``: equilibrium assignment (``instc assign tntp DIR`` for benchmarks).

Only Typer and the standard library are imported here; numpy, pandas and the numba
kernels load inside the commands, so ``instc --help`` stays instant.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import typer

from instc.cli.assign_corridor import corridor as _corridor

assign_app = typer.Typer(
    rich_markup_mode=None,
    name="assign",
    help="Static user-equilibrium assignment (AON, MSA, FW, CFW, BFW).",
    no_args_is_help=True,
)


def _checked_out(path: Path) -> Path:
    """The resolved output path; its folder must exist and be writable (checked before
    any work)."""
    from instc._files import check_output_file

    return check_output_file(path.expanduser(), option="--out").resolve()


def _write_parquet_atomic(frame: Any, path: Path) -> None:
    """Write ``frame`` to ``path`` through a temporary file in the same folder."""
    target = _checked_out(path)
    from instc._files import write_error

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise write_error(path, exc, option="--out") from exc
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, target)
    except OSError as exc:
        raise write_error(path, exc, option="--out") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@assign_app.command("tntp")
def tntp(
    directory: Path = typer.Argument(..., help="TNTP folder with *_net.tntp and *_trips.tntp"),
    algorithm: str = typer.Option("bfw", "--algorithm", "-a", help="aon, msa, fw, cfw or bfw"),
    gap: float = typer.Option(1e-5, "--gap", help="target relative gap"),
    max_iter: int = typer.Option(1000, "--max-iter", help="iteration limit"),
    json_out: bool = typer.Option(False, "--json", help="print JSON for machines"),
    out: Path | None = typer.Option(None, "--out", help="write link flows to this .parquet"),
    toll_factor: float | None = typer.Option(
        None, "--toll-factor", help="cost per toll unit (default: the network README's)"
    ),
    distance_factor: float | None = typer.Option(
        None, "--distance-factor", help="cost per length unit (default: the network README's)"
    ),
) -> None:
    """Assign a TNTP benchmark network and report gap, objective and total cost."""
    from instc.cli._common import errors_as_red_line

    with errors_as_red_line():
        from instc import service
        from instc.cli._common import check_number, check_options

        check_options(gap=gap, max_iter=max_iter)
        check_number(toll_factor, "--toll-factor", low=0)
        check_number(distance_factor, "--distance-factor", low=0)
        if out is not None:
            _checked_out(out)
        options: dict[str, Any] = {
            "algorithm": algorithm,
            "gap": gap,
            "max_iter": max_iter,
            "toll_factor": toll_factor,
            "distance_factor": distance_factor,
        }
        if json_out:
            result = service.assign_tntp(directory, **options)
        else:
            from instc.cli._common import gap_progress

            with gap_progress(f"{directory.name} {algorithm}", target_gap=gap) as report:
                result = service.assign_tntp(directory, progress=report, **options)
        if out is not None:
            frame = result.to_frame()
            frame.insert(0, "link", range(1, len(frame) + 1))
            _write_parquet_atomic(frame, out)
        summary = result.to_dict()
        if json_out:
            from instc.cli._common import print_json

            print_json(summary)
            return
        _print_summary(summary, result, out)


def _print_summary(summary: dict[str, Any], result: Any, out: Path | None) -> None:
    from rich.table import Table

    from instc.cli._common import console, err_console, rich

    table = Table(title=f"{summary['network']}: {summary['algorithm']} assignment")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("iterations", str(summary["iterations"]))
    table.add_row("relative gap", f"{summary['relative_gap']:.3e}")
    table.add_row("Beckmann objective", f"{summary['objective']:,.6f}")
    table.add_row("total cost (sum flow x cost)", f"{summary['total_cost']:,.6f}")
    table.add_row("seconds", f"{summary['seconds']:.3f}")
    table.add_row("unreachable demand", f"{summary['unreachable_demand']:,.3f}")
    console.print(table)
    if not result.converged:
        err_console.print(
            rich("[yellow]warning:[/] ") + f"target gap {result.target_gap:g} not reached after "
            f"{summary['iterations']} iterations — raise --max-iter",
            highlight=False,
        )
    if result.unreachable_pairs:
        err_console.print(
            rich("[yellow]warning:[/] ") + f"{len(result.unreachable_pairs)} OD pairs "
            f"({summary['unreachable_demand']:,.3f} trips) have no path and were not loaded",
            highlight=False,
        )
    if out is not None:
        console.print(f"link flows written to {out}", highlight=False)


assign_app.command("corridor")(_corridor)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the main app."""
    app.add_typer(assign_app, name="assign")
