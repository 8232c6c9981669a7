"""``instc demo``: a short tour of the embedded dataset."""

from __future__ import annotations


def run_demo() -> None:
    from instc.cli._common import console

    console.print("[bold]instc demo[/]")
