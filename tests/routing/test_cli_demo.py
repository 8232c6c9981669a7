from __future__ import annotations

from typer.testing import CliRunner

from instc.cli import app
from instc.routing.compare import load_families


def test_demo_shows_the_network_and_every_family_for_nhava_sheva_moscow():
    result = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "length by mode" in out
    assert "INNSA → RU-MOSCOW" in out
    shown = [f for f in load_families() if f.short in out]
    assert len(shown) >= 5
    assert "cheapest:" in out and "total" in out
