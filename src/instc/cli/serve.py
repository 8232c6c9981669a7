"""``instc serve``: the HTTP API and the offline web map on http://127.0.0.1:8000.

Only Typer is imported at start-up; FastAPI, uvicorn and the dataset load when the
server starts.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer


def _serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="address to bind; 0.0.0.0 opens it to the network"
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
    workers: int = typer.Option(
        1, "--job-workers", min=1, max=32, help="processes for long jobs (assignment, ...)"
    ),
    timeout: float = typer.Option(
        30.0, "--timeout", min=1.0, max=3600.0, help="time limit of one request, seconds"
    ),
    data: Path | None = typer.Option(
        None, "--data", help="dataset folder the API answers from (default: the embedded data)"
    ),
    tntp: Path | None = typer.Option(
        None,
        "--tntp",
        help="folder of TNTP networks for POST /api/jobs/assign-tntp "
        "(default: $INSTC_TNTP_DIR when set)",
    ),
) -> None:
    """Serve the HTTP API (OpenAPI at /docs) and the web map, offline."""
    from instc.cli._common import err_console, fail, rich

    data_dir = _checked_data(data)
    if tntp is None and os.environ.get("INSTC_TNTP_DIR"):
        tntp = Path(os.environ["INSTC_TNTP_DIR"])
    if tntp is not None and not tntp.is_dir():
        fail(f"--tntp {tntp}: no such folder — give the folder that holds SiouxFalls/ etc.")
    import uvicorn

    from instc.api import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            rich("[yellow]warning:[/] ") + f"serving on {host}: anyone who can reach this machine "
            "can use the API (no authentication)",
            highlight=False,
        )
    err_console.print(f"instc: map at http://{host}:{port}/ , API docs at /docs", highlight=False)
    uvicorn.run(
        create_app(
            workers=workers,
            timeout_s=timeout,
            data=data_dir,
            tntp=None if tntp is None else str(tntp.resolve()),
        ),
        host=host,
        port=port,
        log_level="warning",
        limit_concurrency=200,
        timeout_keep_alive=5,
    )


def _checked_data(data: Path | None) -> str | None:
    """The dataset folder as a resolved path, loaded once now so that a bad folder is one
    error line at start-up rather than an error on every request."""
    if data is None:
        return None
    from instc import service
    from instc._errors import InstcError
    from instc.cli._common import fail

    folder = str(data.expanduser().resolve())
    try:
        service.get_network(data=folder)
    except InstcError as exc:
        fail(str(exc))
    return folder


def register(app: typer.Typer) -> None:
    """Attach ``instc serve`` to the main app."""
    app.command("serve")(_serve)
