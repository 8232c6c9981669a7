"""``instc assign tntp``: JSON keys, parquet output (atomic), one red line on errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from instc.cli import app

runner = CliRunner()
KEYS = {"network", "algorithm", "iterations", "relative_gap", "objective", "total_cost", "seconds"}


def invoke(*args: object):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_json_keys_and_parquet(tntp_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "flows.parquet"
    result = invoke(
        "assign", "tntp", tntp_dir / "SiouxFalls", "--gap", "1e-4", "--json", "--out", out
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= KEYS
    assert data["network"] == "SiouxFalls" and data["algorithm"] == "bfw"
    assert data["relative_gap"] <= 1e-4
    assert data["objective"] == pytest.approx(4_231_335.287107, rel=1e-4)
    frame = pd.read_parquet(out)
    assert len(frame) == 76
    assert {"link", "from_node", "to_node", "flow", "time", "cost"} <= set(frame)
    assert frame["link"].tolist() == list(range(1, 77))
    assert (frame["flow"] * frame["cost"]).sum() == pytest.approx(data["total_cost"])
    assert [p.name for p in tmp_path.iterdir()] == ["flows.parquet"]  # no temp file left


def test_table_output_and_algorithm_choice(tntp_dir: Path) -> None:
    result = invoke("assign", "tntp", tntp_dir / "SiouxFalls", "--algorithm", "fw", "--gap", "1e-2")
    assert result.exit_code == 0
    assert "relative gap" in result.stdout and "Beckmann objective" in result.stdout


def test_not_converged_warns(tntp_dir: Path) -> None:
    result = invoke("assign", "tntp", tntp_dir / "SiouxFalls", "--gap", "1e-9", "--max-iter", "3")
    assert result.exit_code == 0
    assert "not reached" in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--algorithm", "newton"], "unknown algorithm 'newton'"),
        (["--out", "/nonexistent-dir/x.parquet", "--gap", "1e-2"], "does not exist"),
    ],
)
def test_errors_are_one_red_line(tntp_dir: Path, args: list[str], words: str) -> None:
    result = invoke("assign", "tntp", tntp_dir / "SiouxFalls", *args)
    assert result.exit_code == 2
    assert words in result.output
    assert result.output.strip().count("\n") == 0


def test_malformed_folder(tmp_path: Path) -> None:
    (tmp_path / "X_net.tntp").write_text("<NUMBER OF ZONES> 1\n")
    (tmp_path / "X_trips.tntp").write_text("<NUMBER OF ZONES> 1\n<END OF METADATA>\n")
    result = invoke("assign", "tntp", tmp_path)
    assert result.exit_code == 2
    assert f"{tmp_path / 'X_net.tntp'}:1: no <END OF METADATA>" in result.output.replace("\n", "")
