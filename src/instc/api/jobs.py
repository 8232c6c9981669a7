"""Long work as jobs: a process pool, progress shared through a manager, results kept.

``POST /api/jobs/<kind>`` queues a job (202 and its id); the job runs in a worker
process of a ``spawn`` pool (no fork of the threaded server), reports ``(done,
total)`` through a managed dict, and leaves its result as bytes with a media type.
Finished jobs are kept until :data:`KEEP_JOBS` newer ones push them out.

``DELETE /api/jobs/<id>`` cancels a job: a queued one never starts; a running one
cannot be stopped inside its worker process, so it runs to its end and its result is
discarded. Either way the job's status is ``cancelled`` at once.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

KEEP_JOBS = 64
MAX_PENDING = 8


@dataclass(frozen=True)
class Where:
    """What the server was started on: its dataset (``None``: embedded) and its folder
    of TNTP networks (``None``: no TNTP jobs)."""

    data: str | None = None
    tntp: str | None = None


@dataclass
class Job:
    job_id: str
    kind: str
    status: str = "queued"
    error: str | None = None
    media_type: str = "application/json"
    result: bytes | None = None
    created: float = field(default_factory=time.time)
    future: Future[tuple[str, bytes]] | None = None


def _progress_callback(shared: Any, job_id: str) -> Any:
    def progress(done: int, total: int) -> None:
        shared[job_id] = (int(done), int(total))

    return progress


def _gap_callback(shared: Any, job_id: str, max_iter: int) -> Any:
    def progress(record: Any) -> None:
        shared[job_id] = (int(record.iteration), int(max_iter))

    return progress


def run_job(
    kind: str, params: dict[str, Any], shared: Any, job_id: str, where: Where
) -> tuple[str, bytes]:
    """Run one job in a worker process; returns ``(media_type, body)``."""
    from instc import service
    from instc.api import models as m

    shared[job_id] = (0, 1)
    if kind == "criticality":
        req = m.CriticalityRequest(**params)
        query = replace(req.to_service(), data=where.data)
        result = service.criticality(query, progress=_progress_callback(shared, job_id))
        body: Any = result.to_dict(top=req.top)
    elif kind == "assign":
        a = m.AssignRequest(**params)
        result = service.assign_corridor(
            year=a.year,
            scenario=a.scenario,
            demand_level=a.demand_level,
            algorithm=a.algorithm,
            gap=a.gap,
            max_iter=a.max_iter,
            progress=_gap_callback(shared, job_id, a.max_iter),
            data=where.data,
        )
        body = result.to_dict(top=a.top)
    elif kind == "assign-tntp":
        t = m.TntpAssignRequest(**params)
        assert where.tntp is not None  # the route refuses TNTP jobs without --tntp
        result = service.assign_tntp(
            f"{where.tntp}/{t.network}",
            algorithm=t.algorithm,
            gap=t.gap,
            max_iter=t.max_iter,
            toll_factor=t.toll_factor,
            distance_factor=t.distance_factor,
            progress=_gap_callback(shared, job_id, t.max_iter),
        )
        body = result.to_dict()
    elif kind == "reliability":
        mc = m.ReliabilityJobRequest(**params).to_service()
        body = service.reliability(replace(mc, data=where.data)).to_json()
    elif kind == "scenario-run":
        run = m.ScenarioRunRequest(**params).to_service()
        body = service.scenario_run_json(service.scenario_run(replace(run, data=where.data)))
    elif kind == "report":
        r = m.ReportRequest(**params)
        html = service.report_html(
            scenarios=tuple(r.scenarios),
            origin=r.origin,
            destination=r.destination,
            cargo=r.cargo,
            by=r.by,
            title=r.title,
            as_of=r.as_of,
            data=where.data,
        )
        shared[job_id] = (1, 1)
        return "text/html; charset=utf-8", html.encode("utf-8")
    else:  # the routes only submit known kinds
        raise ValueError(f"unknown job kind {kind!r}")
    shared[job_id] = (1, 1) if shared[job_id][1] <= 1 else shared[job_id]
    return "application/json", service.dumps(body).encode("utf-8")


class JobQueue:
    """The jobs of one server: submit, status, progress and results; thread-safe."""

    def __init__(self, workers: int = 1, where: Where | None = None) -> None:
        self._workers = workers
        self._where = where or Where()
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
            job.future = self._pool.submit(
                run_job, kind, params, self._shared, job.job_id, self._where
            )
        job.future.add_done_callback(lambda f: self._finish(job, f))
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued or running job (see the module text); ``None`` if unknown.

        A job that has already ended keeps its status.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status not in ("queued", "running"):
                return job
            job.status = "cancelled"
            job.result = None
        if job.future is not None:
            job.future.cancel()  # False when the worker has it: its result is discarded
        return job

    def _finish(self, job: Job, future: Future[tuple[str, bytes]]) -> None:
        with self._lock:
            if job.status == "cancelled":
                return
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
