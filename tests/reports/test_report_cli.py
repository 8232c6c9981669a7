"""``instc report``: the HTML file and the PNG charts, atomic writes, and bad input as one
red line with exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from instc._errors import DataError
from instc.cli import app
from instc.reports.build import CHART_FILES, check_output_dir, write_atomic, write_charts

runner = CliRunner()
AS_OF = "2026-06-01"


def _main(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from instc.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "500"},
    )


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_report_html_with_two_scenarios(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "report",
            "--out",
            str(out),
            "-s",
            "rasht-astara",
            "-s",
            "red-sea-closed",
            "--as-of",
            AS_OF,
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert 'id="scenario-rasht-astara"' in text and 'id="scenario-red-sea-closed"' in text
    assert f"as of: {AS_OF}" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_report_png_writes_the_two_charts(tmp_path: Path) -> None:
    out = tmp_path / "charts"
    result = runner.invoke(app, ["report", "--format", "png", "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(CHART_FILES)
    for name in CHART_FILES:
        width, height = _png_size(out / name)
        assert width == 1500 and height > 300  # 10 in at 150 dpi


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-s", "rasht-astra"], "unknown scenario 'rasht-astra'"),
        (["--out", "missing/report.html"], "folder missing does not exist"),
        (["--origin", "Atlantis"], "unknown place 'Atlantis'"),
        (["--format", "pdf"], "unknown --format 'pdf'"),
    ],
)
def test_bad_input_is_one_red_line_and_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    full = ["report", "--out", "report.html", *args] if "--out" not in args else ["report", *args]
    result = _main(*full, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], lines
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_out_is_a_folder_or_a_file_in_a_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder" in result.output
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = runner.invoke(app, ["report", "--out", str(blocker / "report.html")])
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    result = runner.invoke(app, ["report", "--format", "png", "--out", str(blocker)])
    assert result.exit_code == 2 and "is a file" in result.output


def test_a_failed_run_keeps_the_previous_report(tmp_path: Path, network: object) -> None:
    from instc.reports import write_report

    out = tmp_path / "report.html"
    out.write_text("previous report", encoding="utf-8")
    with pytest.raises(KeyError):  # UnknownNameError is a KeyError
        write_report(network, out, origin="Atlantis")  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_write_atomic_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "a.html"
    write_atomic(target, b"one")
    write_atomic(target, b"two, longer")
    assert target.read_bytes() == b"two, longer"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]
    with pytest.raises(DataError, match="does not exist"):
        write_atomic(tmp_path / "no" / "a.html", b"x")


def test_check_output_dir_creates_one_level(tmp_path: Path) -> None:
    assert check_output_dir(tmp_path / "new").is_dir()
    with pytest.raises(DataError, match="does not exist"):
        check_output_dir(tmp_path / "a" / "b")


def test_write_charts_overwrites_in_place(tmp_path: Path, network: object) -> None:
    first = write_charts(network, tmp_path, dpi=50)  # type: ignore[arg-type]
    second = write_charts(network, tmp_path, dpi=60)  # type: ignore[arg-type]
    assert first == second
    assert _png_size(second[0])[0] == 600  # 10 in at 60 dpi, the second run's
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CHART_FILES)


def test_help_stays_light() -> None:
    code = (
        "import sys; from instc.cli import app; "
        "heavy = [m for m in ('matplotlib', 'instc.reports.build') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_pairs_file_and_by_reach_the_report(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.toml"
    pairs.write_text(
        '[[pair]]\norigin = "INNSA"\ndestination = "AZ-BAKU"\ncargo = "container"\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    args = ["report", "--out", str(out), "-s", "rasht-astara", "--pairs", str(pairs)]
    result = runner.invoke(app, [*args, "--as-of", AS_OF, "--by", "time", "--title", "Baku <test>"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    table = text[text.index('id="scenario-rasht-astara"') :]
    rows = table.count('<tr class="changed"') + table.count('<tr class="unchanged"')
    assert rows == 1  # the one pair of the file
    assert "best option by time" in table and "family by time" in text
    assert "<h1>Baku &lt;test&gt;</h1>" in text  # escaped
    result = runner.invoke(app, ["report", "--format", "png", "--out", str(tmp_path), *args[3:]])
    assert result.exit_code == 2 and "apply to the HTML report" in result.output
