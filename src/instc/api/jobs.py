"""Long work as jobs: a pool of worker processes, progress and results over pipes.

``POST /api/jobs/<kind>`` queues a job (202 and its id). A job runs in one of the
server's worker processes (``spawn``: no fork of the threaded server), each owned by a
thread of the server that hands it one job at a time over a pipe and reads back
``(done, total)`` progress and the result (bytes with a media type). Finished jobs are
kept until :data:`KEEP_JOBS` newer ones push them out.

``DELETE /api/jobs/<id>`` cancels a job: a queued one never starts; a running one's
worker process is killed (the work stops at once and frees its place in the pool) and a
new worker process takes its place for the next job. Either way the job's status is
``cancelled`` at once.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

KEEP_JOBS = 64
MAX_PENDING = 8
# how long (s) a worker process may take to exit when the server shuts down
_EXIT_WAIT_S = 5.0


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
    params: dict[str, Any] = field(default_factory=dict, repr=False)
    status: str = "queued"
    error: str | None = None
    media_type: str = "application/json"
    result: bytes | None = None
    created: float = field(default_factory=time.time)
    # (done, total) as the worker last reported it
    done_total: tuple[int, int] = (0, 0)
    # the worker process running it (once started)
    worker_pid: int | None = None
    # set when the job has ended (done, failed or cancelled) and its worker is free
    ended: threading.Event = field(default_factory=threading.Event, repr=False)


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
        body = service.assign_corridor_json(result, top=a.top, scenario=a.scenario, data=where.data)
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
        asked = m.ScenarioRunRequest(**params)
        run = replace(asked.to_service(), data=where.data)
        body = service.scenario_run_json(
            service.scenario_run(run), service.wanted_flows(run, asked.flows)
        )
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


class _Progress:
    """What :func:`run_job` writes its progress into, in a worker process: each
    ``progress[job_id] = (done, total)`` goes to the server over the pipe."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._last: dict[str, tuple[int, int]] = {}

    def __setitem__(self, job_id: str, value: tuple[int, int]) -> None:
        self._last[job_id] = value
        self._conn.send(("progress", value))

    def __getitem__(self, job_id: str) -> tuple[int, int]:
        return self._last[job_id]


def _worker_main(conn: Any, where: Where) -> None:
    """A worker process: run each ``(kind, params, job_id)`` received, send back
    ``("done", media_type, body)`` or ``("failed", message)``; ``None`` ends it."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the server is gone
            return
        if task is None:
            return
        kind, params, job_id = task
        try:
            media_type, body = run_job(kind, params, _Progress(conn), job_id, where)
            conn.send(("done", media_type, body))
        except Exception as exc:  # the job's own error, reported to its owner
            conn.send(("failed", _message(exc)))


class _Slot:
    """One place in the pool: a thread of the server that owns a worker process (started
    on first use, replaced after it ends) and runs the queued jobs one by one. Only this
    thread starts, joins and closes the process; others may only :meth:`kill` it."""

    def __init__(self, pool: JobQueue) -> None:
        self._pool = pool
        self.process: Any = None
        self._conn: Any = None
        self.job: Job | None = None
        self.thread = threading.Thread(target=self._loop, daemon=True, name="instc-job-slot")
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self._pool.next_job(self)
            if job is None:
                self._close()
                return
            try:
                self._run(job)
            finally:
                self._pool.release(self, job)

    def _run(self, job: Job) -> None:
        if self.process is not None and not self.process.is_alive():
            self._close()
        if self.process is None:
            self._spawn()
        job.worker_pid = self.process.pid
        if job.status == "cancelled":  # before its process was there to be killed
            return
        try:
            self._conn.send((job.kind, job.params, job.job_id))
            while True:
                message = self._conn.recv()
                if message[0] == "progress":
                    job.done_total = (int(message[1][0]), int(message[1][1]))
                    continue
                self._pool.finish(job, message)
                return
        except (EOFError, OSError):  # the worker process was killed (or died)
            self._close()
            self._pool.finish(job, ("failed", "the job's worker process ended unexpectedly"))

    def _spawn(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, self._pool.where), daemon=True)
        self.process.start()
        child.close()

    def _close(self) -> None:
        """End the worker process (asked to, then killed if it lingers) and its pipe."""
        if self.process is not None:
            if self.process.is_alive():
                with contextlib.suppress(OSError):
                    self._conn.send(None)
                self.process.join(timeout=_EXIT_WAIT_S)
            self.kill()
            self.process.join(timeout=_EXIT_WAIT_S)
            self._conn.close()
        self.process = self._conn = None

    def kill(self) -> None:
        """Stop the worker process at once (its job was cancelled, or the server stops)."""
        process = self.process
        if process is not None and process.is_alive():
            process.kill()


class JobQueue:
    """The jobs of one server: submit, status, progress and results; thread-safe."""

    def __init__(self, workers: int = 1, where: Where | None = None) -> None:
        self._workers = workers
        self.where = where or Where()
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._slots: list[_Slot] = []

    def _start(self) -> None:
        if not self._slots:
            self._slots = [_Slot(self) for _ in range(self._workers)]

    def pending(self) -> int:
        with self._lock:
            return sum(j.status in ("queued", "running") for j in self._jobs.values())

    def submit(self, kind: str, params: dict[str, Any]) -> Job | None:
        """Queue a job; ``None`` when :data:`MAX_PENDING` jobs already wait or run."""
        with self._lock:
            if sum(j.status in ("queued", "running") for j in self._jobs.values()) >= MAX_PENDING:
                return None
            self._start()
            job = Job(uuid.uuid4().hex, kind, params)
            self._jobs[job.job_id] = job
            while len(self._jobs) > KEEP_JOBS:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].status in ("queued", "running"):
                    break
                del self._jobs[oldest]
        self._queue.put(job)
        return job

    def next_job(self, slot: _Slot) -> Job | None:
        """The next queued job for ``slot`` (it is then running); ``None``: shut down.
        Jobs cancelled while queued are skipped."""
        while True:
            job = self._queue.get()
            if job is None:
                return None
            with self._lock:
                if job.status != "queued":
                    job.ended.set()
                    continue
                job.status = "running"
                slot.job = job
                return job

    def release(self, slot: _Slot, job: Job) -> None:
        with self._lock:
            slot.job = None
        job.ended.set()

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
            for slot in self._slots:
                if slot.job is job:  # under the lock: the slot cannot move on meanwhile
                    slot.kill()
        return job

    def finish(self, job: Job, message: tuple[Any, ...]) -> None:
        """Record what the worker sent back for ``job`` (unless it was cancelled)."""
        with self._lock:
            if job.status == "cancelled":
                return
            if message[0] == "done":
                job.media_type, job.result = message[1], message[2]
                job.status = "done"
            else:
                job.status = "failed"
                job.error = message[1]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def progress(self, job: Job) -> tuple[int, int]:
        """``(done, total)`` of a job as its worker last reported it."""
        return job.done_total

    def shutdown(self) -> None:
        """Cancel every job not ended, stop the worker processes."""
        with self._lock:
            for job in self._jobs.values():
                if job.status in ("queued", "running"):
                    job.status = "cancelled"
            slots, self._slots = self._slots, []
            for slot in slots:
                if slot.job is not None:
                    slot.kill()
        for _ in slots:
            self._queue.put(None)
        for slot in slots:
            slot.thread.join(timeout=2 * _EXIT_WAIT_S)


def _message(exc: BaseException) -> str:
    """What a failed job reports: an :class:`~instc._errors.InstcError`'s own text,
    else the exception's last line."""
    from instc._errors import InstcError

    if isinstance(exc, InstcError):
        return str(exc)
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"the job failed: {last}"
