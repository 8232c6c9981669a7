"""Long work as jobs: a process pool, progress shared through a manager, results kept.

``POST /api/jobs/<kind>`` queues a job (202 and its id); the job runs in a worker
process of a ``spawn`` pool (no fork of the threaded server), reports ``(done,
total)`` through a managed dict, and leaves its result as bytes with a media type.
Finished jobs are kept until :data:`KEEP_JOBS` newer ones push them out.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

KEEP_JOBS = 64
MAX_PENDING = 8


@dataclass
class Job:
    job_id: str
    kind: str
    status: str = "queued"
    error: str | None = None
    media_type: str = "application/json"
    result: bytes | None = None
    created: float = field(default_factory=time.time)


def _progress_callback(shared: Any, job_id: str) -> Any:
    def progress(done: int, total: int) -> None:
        shared[job_id] = (int(done), int(total))

    return progress


def _gap_callback(shared: Any, job_id: str, max_iter: int) -> Any:
    def progress(record: Any) -> None:
        shared[job_id] = (int(record.iteration), int(max_iter))

    return progress


def run_job(kind: str, params: dict[str, Any], shared: Any, job_id: str) -> tuple[str, bytes]:
    """Run one job in a worker process; returns ``(media_type, body)``."""
    from instc import service

    shared[job_id] = (0, 1)
    if kind == "criticality":
        from instc.api.models import CriticalityRequest

        req = CriticalityRequest(**params)
        result = service.criticality(req.to_service(), progress=_progress_callback(shared, job_id))
        body: Any = result.to_dict(top=req.top)
    elif kind == "assign":
        from instc.api.models import AssignRequest

        a = AssignRequest(**params)
        result = service.assign_corridor(
            year=a.year,
            scenario=a.scenario,
            demand_level=a.demand_level,
            algorithm=a.algorithm,
            gap=a.gap,
            max_iter=a.max_iter,
            progress=_gap_callback(shared, job_id, a.max_iter),
        )
        body = result.to_dict(top=a.top)
    elif kind == "reliability":
        from instc.api.models import ReliabilityJobRequest

        body = service.reliability(ReliabilityJobRequest(**params).to_service()).to_json()
    elif kind == "scenario-run":
        from instc.api.models import ScenarioRunRequest

        diffs = service.scenario_run(ScenarioRunRequest(**params).to_service())
        body = service.scenario_run_json(diffs)
    elif kind == "report":
        from instc.api.models import ReportRequest

        r = ReportRequest(**params)
        html = service.report_html(
            scenarios=tuple(r.scenarios),
            origin=r.origin,
            destination=r.destination,
            cargo=r.cargo,
            by=r.by,
            title=r.title,
            as_of=r.as_of,
        )
        shared[job_id] = (1, 1)
        return "text/html; charset=utf-8", html.encode("utf-8")
    else:  # the routes only submit known kinds
        raise ValueError(f"unknown job kind {kind!r}")
    shared[job_id] = (1, 1) if shared[job_id][1] <= 1 else shared[job_id]
    return "application/json", service.dumps(body).encode("utf-8")


class JobQueue:
    """The jobs of one server: submit, status, progress and results; thread-safe."""

    def __init__(self, workers: int = 1) -> None:
        self._workers = workers
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._pool: ProcessPoolExecutor | None = None
        self._manager: Any = None
        self._shared: Any = None

    def _start(self) -> None:
        import multiprocessing

        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._manager = ctx.Manager()
            self._shared = self._manager.dict()
            self._pool = ProcessPoolExecutor(max_workers=self._workers, mp_context=ctx)

    def pending(self) -> int:
        with self._lock:
            return sum(j.status in ("queued", "running") for j in self._jobs.values())

    def submit(self, kind: str, params: dict[str, Any]) -> Job | None:
        """Queue a job; ``None`` when :data:`MAX_PENDING` jobs already wait or run."""
        with self._lock:
            if sum(j.status in ("queued", "running") for j in self._jobs.values()) >= MAX_PENDING:
                return None
            self._start()
            job = Job(uuid.uuid4().hex, kind)
            self._jobs[job.job_id] = job
            while len(self._jobs) > KEEP_JOBS:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].status in ("queued", "running"):
                    break
                del self._jobs[oldest]
            assert self._pool is not None
            future = self._pool.submit(run_job, kind, params, self._shared, job.job_id)
        future.add_done_callback(lambda f: self._finish(job, f))
        return job

    def _finish(self, job: Job, future: Future[tuple[str, bytes]]) -> None:
        with self._lock:
            try:
                job.media_type, job.result = future.result()
                job.status = "done"
            except Exception as exc:  # the job's own error, reported to its owner
                from instc._errors import InstcError

                job.status = "failed"
                job.error = str(exc) if isinstance(exc, InstcError) else _short(exc)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def progress(self, job: Job) -> tuple[int, int]:
        """``(done, total)`` of a job as its worker last reported it."""
        if self._shared is None:
            return (0, 0)
        try:
            done, total = self._shared.get(job.job_id, (0, 0))
        except (OSError, EOFError, BrokenPipeError):  # the manager is shutting down
            return (1, 1) if job.status == "done" else (0, 0)
        if job.status == "queued" and (done or total):
            job.status = "running"
        return int(done), int(total)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._manager is not None:
            self._manager.shutdown()
        self._pool = self._manager = self._shared = None


def _short(exc: BaseException) -> str:
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"the job failed: {last}"
