"""``instc network ...``, ``instc sources``, ``instc validate``, ``instc export``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the network commands to the main app."""
    network_app = typer.Typer(
        help="Inspect the network: summary, places, audit.", no_args_is_help=True
    )
    app.add_typer(network_app, name="network")
