"""Sweep runner: determinism across worker counts, atomic per-task files, resume."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pandas as pd
import pytest

from instc._errors import DataError
from instc.reliability.distributions import Lognormal, TimedLeg, Triangular, UniformWait
from instc.sweeps import SweepError, SweepTask, make_tasks, run_sweep
from instc.sweeps.tasks import legs_reliability

# Dask workers cannot import this test module by name: ship its functions by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

LEGS = [
    TimedLeg("sea", (Triangular(90.0, 120.0, 170.0),)),
    TimedLeg("border", (Lognormal.from_low_mode_high(10.0, 12.0, 72.0),), kind="border"),
    TimedLeg("ferry", (UniformWait(84.0),)),
]


def _tasks(n: int = 6, seed: int = 2026) -> list[SweepTask]:
    grid = [{"legs": [leg.scaled(1.0 + 0.1 * i) for leg in LEGS]} for i in range(n)]
    labels = [{"factor": 1.0 + 0.1 * i} for i in range(n)]
    return make_tasks(
        legs_reliability,
        grid,
        seed=seed,
        common={"samples": 20_000, "within_days": 10.0},
        labels=labels,
    )


def test_in_process_results_are_per_task_and_summarised(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    result = run_sweep(
        _tasks(), workers=0, out_dir=tmp_path, progress=lambda d, t: seen.append((d, t))
    )
    frame = result.to_frame()
    assert list(frame["task_id"]) == [f"task{i:04d}" for i in range(6)]
    assert frame["factor"].tolist() == pytest.approx([1.0 + 0.1 * i for i in range(6)])
    # scaling every leg by f scales the mean by f
    assert frame["mean_h"].iloc[5] / frame["mean_h"].iloc[0] == pytest.approx(1.5, rel=0.02)
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    files = sorted((tmp_path / "tasks").iterdir())
    assert len(files) == 6 and all(f.suffix == ".parquet" for f in files)  # no temp files left
    assert (result.n_run, result.n_resumed) == (6, 0)


def test_same_seed_same_numbers_in_process_on_one_and_two_workers(tmp_path: Path) -> None:
    import logging

    from distributed import LocalCluster

    tasks = _tasks()
    in_process = run_sweep(tasks, workers=0, out_dir=tmp_path / "w0")
    one = run_sweep(tasks, workers=1, out_dir=tmp_path / "w1")  # a LocalCluster of its own
    # an existing cluster of 2 workers, reached through its scheduler address
    with LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=logging.CRITICAL
    ) as cluster:
        two = run_sweep(tasks, scheduler=cluster.scheduler_address, out_dir=tmp_path / "w2")
    assert (in_process.workers, one.workers, two.workers) == (0, 1, 2)
    pd.testing.assert_frame_equal(in_process.to_frame(), one.to_frame())
    pd.testing.assert_frame_equal(in_process.to_frame(), two.to_frame())
    # a different seed gives different numbers
    other = run_sweep(_tasks(seed=7), workers=0, out_dir=tmp_path / "other").to_frame()
    assert not np.allclose(other["p90_h"], in_process.to_frame()["p90_h"])


def test_unreachable_scheduler_is_an_actionable_error(tmp_path: Path, monkeypatch) -> None:
    from instc.sweeps import runner

    monkeypatch.setattr(runner, "SCHEDULER_TIMEOUT_S", 1.0)
    with pytest.raises(SweepError, match=r"cannot start Dask on tcp://127\.0\.0\.1:9"):
        run_sweep(_tasks(1), scheduler="tcp://127.0.0.1:9", out_dir=tmp_path)


def test_rerun_resumes_and_changed_tasks_rerun(tmp_path: Path) -> None:
    tasks = _tasks(4)
    first = run_sweep(tasks[:2], workers=0, out_dir=tmp_path)
    assert first.n_run == 2
    second = run_sweep(tasks, workers=0, out_dir=tmp_path)
    assert (second.n_run, second.n_resumed) == (2, 2)
    assert len(second.to_frame()) == 4
    # a task whose inputs changed does not reuse the old file
    changed = _tasks(4, seed=99)
    third = run_sweep(changed, workers=0, out_dir=tmp_path)
    assert third.n_run == 4


_CALLS: list[int] = []


def _fail_on_three(*, i: int, seed: np.random.SeedSequence) -> dict[str, float]:
    if i == 3:
        raise RuntimeError("boom")
    return {"value": float(np.random.default_rng(seed).random())}


def test_failed_task_keeps_finished_results_and_resume_fills_in(tmp_path: Path) -> None:
    tasks = make_tasks(_fail_on_three, [{"i": i} for i in range(5)], seed=1)
    with pytest.raises(
        SweepError, match=r"1 of 5 tasks failed; first: task task0003: RuntimeError: boom"
    ):
        run_sweep(tasks, workers=0, out_dir=tmp_path)
    assert len(list((tmp_path / "tasks").glob("*.parquet"))) == 4
    fixed = [
        t if t.labels["i"] != 3 else SweepTask(t.task_id, _one, {}, t.labels, t.seed) for t in tasks
    ]
    result = run_sweep(fixed, workers=0, out_dir=tmp_path)
    assert (result.n_run, result.n_resumed) == (1, 4)
    assert result.to_frame()["value"].notna().all()


def _one(*, seed: np.random.SeedSequence) -> dict[str, float]:
    return {"value": 1.0}


def _crash_worker_once(*, i: int, flag: str, seed: np.random.SeedSequence) -> dict[str, float]:
    if i == 1 and not os.path.exists(flag):
        Path(flag).touch()
        os._exit(1)  # the worker process dies mid-task
    return {"value": float(np.random.default_rng(seed).random())}


def test_worker_death_is_survived_on_dask(tmp_path: Path) -> None:
    flag = str(tmp_path / "crashed")
    tasks = make_tasks(
        _crash_worker_once, [{"i": i} for i in range(4)], seed=3, common={"flag": flag}
    )
    result = run_sweep(tasks, workers=1, out_dir=tmp_path / "out")
    assert Path(flag).exists()  # the worker did die once
    reference = run_sweep(tasks, workers=0, out_dir=tmp_path / "ref")
    pd.testing.assert_frame_equal(result.to_frame(), reference.to_frame())


def test_bad_task_lists_raise(tmp_path: Path) -> None:
    t = _tasks(1)[0]
    with pytest.raises(DataError, match="appears twice"):
        run_sweep([t, t], workers=0, out_dir=tmp_path)
    with pytest.raises(DataError, match="workers=-1"):
        run_sweep([t], workers=-1, out_dir=tmp_path)
    bad = SweepTask("x", _returns_list)
    with pytest.raises(SweepError, match="must return a mapping or a DataFrame"):
        run_sweep([bad], workers=0, out_dir=tmp_path)


def _returns_list() -> list[int]:
    return [1]


def _echo(*, payload: object, seed: np.random.SeedSequence) -> dict[str, str]:
    return {"kind": type(payload).__name__}


def test_result_files_are_named_by_the_submitting_process(tmp_path: Path) -> None:
    """Pickle bytes depend on which equal objects are shared, so a task unpickled on a
    worker may hash differently (a parsed scenario does): workers must write to the path
    the submitting process named, or the sweep cannot find their results."""
    import pickle

    from instc.scenarios import load_bundled

    scenario = load_bundled("red-sea-closed")
    task = make_tasks(_echo, [{"payload": scenario}], seed=0)[0]
    twin = pickle.loads(pickle.dumps(task))
    assert twin.inputs == task.inputs  # equal content; the hash may still differ
    result = run_sweep([task], workers=1, out_dir=tmp_path)
    assert result.to_frame()["kind"].tolist() == ["Scenario"]
