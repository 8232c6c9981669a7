"""Run many independent tasks (scenarios × parameter grids × Monte Carlo) on Dask.

Each task's result is written to its own Parquet file as soon as it finishes (a
temporary file, then :func:`os.replace`, so a file is either complete or absent). A
worker that dies loses only the task it was running, and running the same sweep again
skips every task whose file exists: the sweep resumes. Finally the task files are
combined, in task order, into ``summary.parquet``.

Where the work runs:

- ``workers=0``: in this process, one task after another (no Dask).
- ``workers=N`` (N >= 1): a new Dask ``LocalCluster`` of N worker processes with one
  thread each; ``workers=None``: one worker per CPU core this process may use.
- ``scheduler="tcp://host:port"``: an existing Dask cluster (``workers`` is ignored).

Each task carries its own :class:`numpy.random.SeedSequence` (spawned from the sweep's
seed by task position), so results do not depend on where or in which order the tasks
run.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from instc._errors import DataError, InstcError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SweepError", "SweepResult", "SweepTask", "make_tasks", "run_sweep"]

TaskFunction = Callable[..., Any]
Progress = Callable[[int, int], None]

TASKS_DIR = "tasks"
SUMMARY_FILE = "summary.parquet"
# How long to try to reach an existing scheduler before giving up.
SCHEDULER_TIMEOUT_S = 10.0


class SweepError(InstcError, RuntimeError):
    """A sweep could not start or a task failed; the message names the task."""


@dataclass(frozen=True)
class SweepTask:
    """One unit of work: ``function(**inputs, seed=seed)``.

    ``function`` must be importable by name (a module-level function) so that Dask
    workers can run it. It returns a mapping of scalars (one row) or a DataFrame; the
    ``labels`` (scalars such as grid values) are added as columns in front.
    """

    task_id: str
    function: TaskFunction
    inputs: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, Any] = field(default_factory=dict)
    seed: np.random.SeedSequence | None = None

    def fingerprint(self) -> str:
        """A hash of what the task computes: a changed task does not reuse old files.

        Inputs and labels are hashed by their pickled bytes (a ``repr`` would abbreviate
        large tables and could let a changed input match an old file). Inputs that
        pickle differently from run to run (sets of strings under hash randomisation)
        only cost a re-run, never a wrong resume.
        """
        import pickle

        import cloudpickle

        seed = None if self.seed is None else (self.seed.entropy, self.seed.spawn_key)
        head = (
            getattr(self.function, "__module__", ""),
            getattr(self.function, "__qualname__", repr(self.function)),
            seed,
        )
        digest = hashlib.sha256(repr(head).encode())
        for mapping in (self.inputs, self.labels):
            for key in sorted(mapping):
                digest.update(key.encode())
                try:
                    digest.update(cloudpickle.dumps(mapping[key], protocol=pickle.DEFAULT_PROTOCOL))
                except Exception:  # not picklable here: Dask could not ship it either
                    digest.update(repr(mapping[key]).encode())
        return digest.hexdigest()[:16]

    def file_name(self) -> str:
        return f"{self.task_id}-{self.fingerprint()}.parquet"


def make_tasks(
    function: TaskFunction,
    grid: Sequence[Mapping[str, Any]],
    *,
    seed: int | None,
    common: Mapping[str, Any] | None = None,
    labels: Sequence[Mapping[str, Any]] | None = None,
    prefix: str = "task",
    streams: Sequence[int] | None = None,
) -> list[SweepTask]:
    """One task per grid point, seeded from ``SeedSequence(seed).spawn(...)``.

    ``grid[i]`` are the inputs of task ``i`` (merged over ``common``); ``labels[i]``
    (default: the scalar entries of ``grid[i]``) become columns of its result row.
    Task ``i`` draws from child ``streams[i]`` of the root seed (default: ``i``, every
    task its own stream). Giving tasks the same stream on purpose (one per replication)
    gives common random numbers: differences between grid points are then not Monte
    Carlo noise.
    """
    from instc.reliability.montecarlo import batch_seeds, root_seed

    keys = list(range(len(grid))) if streams is None else [int(k) for k in streams]
    if len(keys) != len(grid):
        raise DataError(f"{len(keys)} streams for {len(grid)} tasks — give one per task")
    children = batch_seeds(root_seed(seed), max(keys) + 1 if keys else 0)
    seeds = [children[k] for k in keys]
    tasks = []
    width = max(4, len(str(len(grid))))
    for i, point in enumerate(grid):
        if labels is not None:
            label = dict(labels[i])
        else:
            label = {k: v for k, v in point.items() if isinstance(v, str | int | float | bool)}
        tasks.append(
            SweepTask(
                task_id=f"{prefix}{i:0{width}d}",
                function=function,
                inputs={**(common or {}), **point},
                labels=label,
                seed=seeds[i],
            )
        )
    return tasks


@dataclass(frozen=True)
class SweepResult:
    """Where the results are and how the run went."""

    out_dir: Path
    summary_path: Path
    n_tasks: int
    n_run: int
    n_resumed: int
    workers: int
    elapsed_s: float

    def to_frame(self) -> pd.DataFrame:
        """The combined results, one block of rows per task, in task order."""
        import pandas as pd

        return pd.read_parquet(self.summary_path)

    def to_dict(self) -> dict[str, Any]:
        """How the run went: task counts, workers, seconds and the results file."""
        return {
            "tasks": self.n_tasks,
            "run": self.n_run,
            "resumed": self.n_resumed,
            "workers": self.workers,
            "elapsed_s": round(self.elapsed_s, 3),
            "summary_parquet": str(self.summary_path),
        }


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _task_frame(task: SweepTask, value: Any) -> pd.DataFrame:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        frame = value.reset_index(drop=True)
    elif isinstance(value, Mapping):
        frame = pd.DataFrame([dict(value)])
    else:
        raise SweepError(
            f"task {task.task_id}: {getattr(task.function, '__qualname__', task.function)} "
            f"returned {type(value).__name__}; a task must return a mapping or a DataFrame"
        )
    front = {"task_id": task.task_id, **task.labels}
    for i, (name, v) in enumerate(front.items()):
        if name in frame.columns:
            frame = frame.drop(columns=name)
        frame.insert(i, name, v)
    return frame


def execute_task(task: SweepTask, path: str) -> str:
    """Run one task and write its result to ``path`` atomically; returns the path.

    Module-level so Dask workers can import it. The path is named by the submitting
    process: a fingerprint recomputed from an unpickled task could differ (pickle bytes
    depend on which equal objects are shared).
    """
    kwargs = dict(task.inputs)
    if task.seed is not None:
        kwargs["seed"] = task.seed
    value = task.function(**kwargs)
    _write_atomic(_task_frame(task, value), Path(path))
    return path


def _check_tasks(tasks: Sequence[SweepTask]) -> None:
    seen: set[str] = set()
    for task in tasks:
        if task.task_id in seen:
            raise DataError(f"task id {task.task_id!r} appears twice — give every task its own id")
        if not task.task_id or any(c in task.task_id for c in "/\\:"):
            raise DataError(
                f"task id {task.task_id!r} must be non-empty and free of '/', '\\\\' and ':'"
            )
        seen.add(task.task_id)


def _usable_cores() -> int:
    """Cores this process may run on (the affinity mask; a container may see more)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _run_dask(
    todo: Sequence[SweepTask],
    paths: Mapping[str, str],
    *,
    workers: int | None,
    scheduler: str | None,
    on_done: Callable[[], None],
    on_failed: Callable[[SweepTask, BaseException], None],
) -> int:
    """Run ``todo`` on Dask; returns the number of workers used."""
    import logging
    import warnings

    from distributed import Client, LocalCluster, as_completed

    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    cluster = None
    try:
        if scheduler is not None:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
        else:
            n = workers if workers is not None else _usable_cores()
            with warnings.catch_warnings(), _workers_ignore_ctrl_c():
                # the scheduler's HTTP endpoint moves to a free port when 8787 is taken
                warnings.filterwarnings("ignore", message="Port .* is already in use")
                cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    # a failing task is reported once, by run_sweep, not by worker logs
                    silence_logs=logging.CRITICAL,
                )
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        where = scheduler or "a LocalCluster"
        raise SweepError(
            f"cannot start Dask on {where}: {exc} — check the address, or run in-process "
            "with --workers 0"
        ) from exc
    try:
        n_workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
        token = uuid.uuid4().hex[:8]
        futures = {
            client.submit(
                execute_task,
                task,
                paths[task.task_id],
                key=f"instc-sweep-{task.task_id}-{token}",
                pure=False,
                # no retries: a task that raises raises again; a worker that dies is
                # handled by the scheduler, which reruns its task on another worker
            ): task
            for task in todo
        }
        for future in as_completed(futures):
            task = futures[future]
            try:
                future.result()
            except Exception as exc:
                on_failed(task, exc)
            else:
                on_done()
        return n_workers
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Ignore SIGINT while worker processes start, so that they inherit it: Ctrl-C in a
    terminal reaches the whole process group, and only this process should answer it
    (by closing the cluster), not each worker with a traceback of its own."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_sweep(
    tasks: Iterable[SweepTask],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    out_dir: str | os.PathLike[str],
    progress: Progress | None = None,
) -> SweepResult:
    """Run ``tasks`` (resuming finished ones) and write ``out_dir/summary.parquet``.

    ``progress(done, total)`` is called once at the start and after every task.
    """
    import pandas as pd

    task_list = list(tasks)
    _check_tasks(task_list)
    if workers is not None and workers < 0:
        raise DataError(f"workers={workers} must be >= 0 (0 runs in-process)")
    out = Path(out_dir)
    tasks_dir = out / TASKS_DIR
    try:
        tasks_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from instc._files import write_error

        raise write_error(out, exc, option="sweep results folder") from exc
    start = time.perf_counter()

    # fingerprints are computed once, here, for every task
    paths = {t.task_id: str(tasks_dir / t.file_name()) for t in task_list}
    todo = [t for t in task_list if not Path(paths[t.task_id]).exists()]
    total = len(task_list)
    done = total - len(todo)
    resumed = done
    if progress is not None:
        progress(done, total)

    def on_done() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    failures: list[tuple[SweepTask, BaseException]] = []

    def on_failed(task: SweepTask, exc: BaseException) -> None:
        failures.append((task, exc))

    n_workers = 0
    if todo:
        if workers == 0 and scheduler is None:
            for task in todo:
                try:
                    execute_task(task, paths[task.task_id])
                except Exception as exc:
                    on_failed(task, exc)
                else:
                    on_done()
        else:
            n_workers = _run_dask(
                todo,
                paths,
                workers=workers,
                scheduler=scheduler,
                on_done=on_done,
                on_failed=on_failed,
            )
    if failures:
        failed_task, error = failures[0]
        raise SweepError(
            f"{len(failures)} of {total} tasks failed; first: task {failed_task.task_id}: "
            f"{type(error).__name__}: {error} — the {done} finished tasks are kept in "
            f"{tasks_dir}; fix the cause and run the sweep again to resume"
        ) from error

    missing = [t.task_id for t in task_list if not Path(paths[t.task_id]).exists()]
    if missing:
        raise SweepError(
            f"{len(missing)} task results are missing from {tasks_dir} (first: {missing[0]}) "
            "although no task failed — was the directory changed meanwhile? Run again to resume"
        )
    frames = [pd.read_parquet(paths[t.task_id]) for t in task_list]
    summary = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    summary_path = out / SUMMARY_FILE
    _write_atomic(summary, summary_path)
    return SweepResult(
        out_dir=out,
        summary_path=summary_path,
        n_tasks=total,
        n_run=total - resumed,
        n_resumed=resumed,
        workers=n_workers,
        elapsed_s=time.perf_counter() - start,
    )
