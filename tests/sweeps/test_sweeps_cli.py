"""``instc sweep``: table and JSON output, resume on re-run, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from instc.cli import app

SWEEP = """
[sweep]
name = "cli"
seed = 5
samples = 5000
within_days = 8

[[legs]]
name = "sea"
time_h = [96, 120, 168]

[[legs]]
name = "Astara border"
kind = "border"
time_h = [10, 12, 72]

[grid]
border_delay_factor = [1.0, 3.0]
"""


def test_sweep_json_then_resume(tmp_path: Path) -> None:
    file = tmp_path / "s.toml"
    file.write_text(SWEEP, encoding="utf-8")
    runner = CliRunner()
    args = ["sweep", str(file), "--workers", "0", "--out", str(tmp_path / "out"), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert (data["tasks"], data["run"], data["resumed"]) == (2, 2, 0)
    rows = {row["border_delay_factor"]: row for row in data["summary"]}
    assert rows[3.0]["p95_days"] > rows[1.0]["p95_days"]
    assert rows[3.0]["p_within"] < rows[1.0]["p_within"]
    again = json.loads(runner.invoke(app, args).stdout)
    assert (again["run"], again["resumed"]) == (0, 2)
    assert again["summary"] == data["summary"]
    table = runner.invoke(
        app, ["sweep", str(file), "--workers", "0", "--out", str(tmp_path / "o2")]
    )
    assert table.exit_code == 0 and "p95_days" in table.stdout


def test_sweep_bad_file_is_one_line_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    file = tmp_path / "bad.toml"
    file.write_text("[sweep]\nseed = 1\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from instc.cli import main; main()", "sweep", str(file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "no legs given" in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr
