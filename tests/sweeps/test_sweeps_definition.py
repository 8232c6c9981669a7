"""Sweep TOML definitions: grid expansion, factors applied to the right legs, errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from instc._errors import DataError
from instc.sweeps import load_sweep, run_sweep

SWEEP = """
[sweep]
name = "border-delays"
seed = 42
samples = 20000
within_days = 12
replications = 2

[[legs]]
name = "sea"
time_h = [96, 120, 168]

[[legs]]
name = "Astara border"
kind = "border"
time_h = [10, 12, 72]

[[legs]]
name = "ferry"
time_h = 22
frequency_per_week = 2

[grid]
border_delay_factor = [1.0, 2.0]
frequency_factor = [1.0, 0.5]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sweep.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_grid_expands_and_factors_hit_the_right_legs(tmp_path: Path) -> None:
    d = load_sweep(_write(tmp_path, SWEEP))
    assert d.name == "border-delays" and d.replications == 2
    points = d.points()
    assert len(points) == 4
    assert len(d.tasks()) == 8
    base = d.legs_at({"border_delay_factor": 1.0, "frequency_factor": 1.0})
    slow = d.legs_at({"border_delay_factor": 2.0, "frequency_factor": 0.5})
    assert slow[0].mean_h == pytest.approx(base[0].mean_h)  # links untouched
    assert slow[1].mean_h == pytest.approx(2 * base[1].mean_h)  # border doubled
    # half the frequency doubles the mean wait (84 h -> 168 h); sailing time unchanged
    assert slow[2].mean_h - 22.0 == pytest.approx(2 * (base[2].mean_h - 22.0))


def test_sweep_runs_and_doubling_border_delays_raises_mean_by_border_mean(tmp_path: Path) -> None:
    d = load_sweep(_write(tmp_path, SWEEP))
    frame = run_sweep(d.tasks(), workers=0, out_dir=tmp_path / "out").to_frame()
    assert len(frame) == 8
    assert {"border_delay_factor", "frequency_factor", "replication", "p90_h"} <= set(frame)
    by = frame.groupby(["border_delay_factor", "frequency_factor"])["mean_h"].mean()
    border_mean = d.legs_at({"border_delay_factor": 1.0, "frequency_factor": 1.0})[1].mean_h
    assert by[(2.0, 1.0)] - by[(1.0, 1.0)] == pytest.approx(border_mean, rel=0.05)
    # replications use different seeds
    reps = frame[(frame.border_delay_factor == 1.0) & (frame.frequency_factor == 1.0)]
    assert reps["p90_h"].iloc[0] != reps["p90_h"].iloc[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sweep]\nseed = 1\n", "no legs given"),
        (SWEEP.replace("border_delay_factor", "border_factor"), "grid.border_factor: unknown"),
        (SWEEP.replace("samples = 20000", "samples = 0"), "sweep.samples"),
        (SWEEP.replace("time_h = [10, 12, 72]", "time_h = [10, 72]"), "legs\\[1\\]"),
        ("[sweep\n", "not valid TOML"),
    ],
)
def test_bad_definitions_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as info:
        load_sweep(_write(tmp_path, text))
    assert "sweep.toml" in str(info.value)


def test_grid_points_share_random_numbers_per_replication(tmp_path: Path) -> None:
    text = """
[sweep]
seed = 8
samples = 3000
replications = 2
[[legs]]
name = "border"
kind = "border"
time_h = [10, 12, 72]
[grid]
border_delay_factor = [1.0, 2.0]
"""
    d = load_sweep(_write(tmp_path, text))
    frame = run_sweep(d.tasks(), workers=0, out_dir=tmp_path / "out").to_frame()
    for rep in (0, 1):
        rows = frame[frame.replication == rep].set_index("border_delay_factor")
        # the same draws, scaled: every percentile doubles exactly
        for col in ("p50_h", "p90_h", "p95_h", "mean_h"):
            assert rows.loc[2.0, col] == pytest.approx(2 * rows.loc[1.0, col], rel=1e-12)
    assert (
        frame[frame.replication == 0]["p90_h"].iloc[0]
        != frame[frame.replication == 1]["p90_h"].iloc[0]
    )


ROUTE_SWEEP = """
[sweep]
seed = 1
samples = 100
[route]
origin = "Nhava Sheva"
destination = "Moscow"
scenarios = ["baseline", "red-sea-closed"]
families = ["suez"]
[grid]
tariff_factor = [1.0, 0.5]
"""


@pytest.mark.parametrize("text", [SWEEP, ROUTE_SWEEP], ids=["legs", "route"])
def test_task_fingerprints_are_stable_across_processes(tmp_path: Path, text: str) -> None:
    """Resume works from one run to the next only if a new process hashes tasks alike."""
    import subprocess
    import sys

    path = _write(tmp_path, text)
    here = [t.file_name() for t in load_sweep(path).tasks()]
    code = (
        "import sys; from instc.sweeps import load_sweep; "
        "print('\\n'.join(t.file_name() for t in load_sweep(sys.argv[1]).tasks()))"
    )
    for hash_seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert proc.stdout.split() == here
    assert len(set(here)) == len(here)


@pytest.mark.parametrize("name", ["corridor-seasons", "border-delays"])
def test_bundled_examples_parse(name: str) -> None:
    from instc.sweeps import definition

    path = Path(definition.__file__).parent / "examples" / f"{name}.toml"
    d = load_sweep(path)
    assert d.name == name
    tasks = d.tasks()
    assert len({t.task_id for t in tasks}) == len(tasks) > 1
