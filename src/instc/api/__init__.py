"""The HTTP API (FastAPI) and the offline web map, on :mod:`instc.service`.

``create_app()`` builds the application; ``instc serve`` runs it with uvicorn on
127.0.0.1. Every answer is the JSON that ``instc ... --json`` prints for the same
query; errors are RFC 9457 problems (``application/problem+json``) naming the field
and the fix. Long work (criticality, corridor assignment, big reliability runs,
scenario runs, the report) runs as jobs in a process pool.

Importing this module imports FastAPI; the dataset loads on the first request.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as Path_
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from instc import service
from instc.api import models as m
from instc.api.jobs import JobQueue, Where

__all__ = ["WEB_DIR", "create_app"]

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
PROBLEM = "application/problem+json"
MAX_BODY_BYTES = 64 * 1024
REQUEST_TIMEOUT_S = 30.0

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {
        "model": m.Problem,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "description": why,
    }
    for code, why in (
        (400, "the request names something the dataset does not have, or no route exists"),
        (404, "no such job or file"),
        (409, "the job has already ended"),
        (413, "the request body is too large"),
        (422, "a field is missing, unknown or out of bounds"),
        (429, "too many jobs are waiting; try again later"),
        (503, "the request took longer than the time limit"),
    )
}


class JSONText(JSONResponse):
    """JSON written exactly as the CLI prints it (:func:`instc.service.dumps`)."""

    def render(self, content: Any) -> bytes:
        return (service.dumps(content) + "\n").encode("utf-8")


def _problem(status: int, title: str, detail: str, errors: list[dict[str, str]] = ()) -> Response:  # type: ignore[assignment]
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body["errors"] = list(errors)
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=PROBLEM)


def _fix(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "remove this field; the schema at /openapi.json lists the fields"
    if kind == "missing":
        return "add this field"
    if kind == "value_error":
        return "pick a bundled scenario from GET /api/scenarios"
    if kind == "literal_error":
        return f"use one of {ctx.get('expected', 'the allowed values')}"
    if kind == "string_pattern_mismatch":
        return "use the documented format, e.g. 2030 or 2030-06-01 for a date"
    for bound, word in (("le", "at most"), ("lt", "below"), ("ge", "at least"), ("gt", "above")):
        if bound in ctx:
            return f"give a value {word} {ctx[bound]}"
    if "max_length" in ctx:
        return f"give at most {ctx['max_length']} characters or items"
    if "min_length" in ctx:
        return f"give at least {ctx['min_length']} characters or items"
    return "see the schema at /openapi.json"


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def _allowed(request: Request, names: set[str]) -> Response | None:
    """A 422 problem for query parameters the endpoint does not take."""
    extra = sorted(set(request.query_params) - names)
    if not extra:
        return None
    errors = [
        {"field": f"query.{n}", "message": "unknown parameter", "fix": "remove it"} for n in extra
    ]
    return _problem(422, "Unknown query parameter", f"unknown parameter {extra[0]!r}", errors)


class _Limits:
    """Request size and time limits, as plain ASGI middleware.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware``
    runs each request in an extra task and copies the response through a stream, which
    cost about a millisecond per request under load.
    """

    def __init__(self, app: ASGIApp, *, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        size = dict(scope["headers"]).get(b"content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY_BYTES):
            too_large = f"the body may hold at most {MAX_BODY_BYTES} bytes"
            await _problem(413, "Request too large", too_large)(scope, receive, send)
            return
        if scope["path"].endswith("/events"):
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        deadline = asyncio.timeout(self.timeout_s)
        try:
            async with deadline:
                await self.app(scope, receive, send_tracked)
        except TimeoutError:
            if started or not deadline.expired():
                raise
            late = (
                f"the request took longer than {self.timeout_s:g} s — ask for less "
                "(fewer samples, smaller k) or use a job under /api/jobs"
            )
            await _problem(503, "Time limit", late)(scope, receive, send)


def create_app(
    *,
    workers: int = 1,
    timeout_s: float = REQUEST_TIMEOUT_S,
    data: str | None = None,
    tntp: str | None = None,
) -> FastAPI:
    """The FastAPI application.

    ``workers``: processes of the job pool; ``timeout_s``: time limit of one request in
    seconds; ``data``: the dataset folder every answer uses (``None``: the embedded
    data); ``tntp``: a folder of TNTP networks for ``POST /api/jobs/assign-tntp``.
    """
    where = Where(data=data, tntp=tntp)
    jobs = JobQueue(workers=workers, where=where)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="instc",
        version=_version(),
        description="Freight on the International North–South Transport Corridor: routes, "
        "comparisons, Pareto sets, reliability, scenarios and the network as of a date. "
        "Answers are the JSON of `instc ... --json`.",
        lifespan=lifespan,
        default_response_class=JSONText,
        responses=_PROBLEMS,
    )
    app.state.jobs = jobs
    app.add_middleware(_Limits, timeout_s=timeout_s)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"field": _field(tuple(e["loc"])), "message": e["msg"], "fix": _fix(e)}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "body", "message": "invalid", "fix": ""}
        detail = f"{first['field']}: {first['message']} — {first['fix']}"
        return _problem(422, "Invalid request", detail, errors)

    from starlette.exceptions import HTTPException

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> Response:
        fix = {
            400: "send a JSON object as the body (Content-Type: application/json)",
            404: "see /docs for the endpoints",
            405: "see /docs for the methods of this path",
        }.get(exc.status_code, "see /docs")
        return _problem(exc.status_code, str(exc.detail), f"{exc.detail} — {fix}")

    from instc._errors import InstcError

    @app.exception_handler(InstcError)
    async def instc_error(_: Request, exc: InstcError) -> Response:
        return _problem(400, type(exc).__name__, str(exc))

    _routes(app, jobs, where)
    _job_routes(app, jobs, where)
    _web_routes(app)
    return app


def _version() -> str:
    from instc import __version__

    return __version__


def _routes(app: FastAPI, jobs: JobQueue, where: Where) -> None:
    def on_data(query: Any) -> Any:
        """The service query of a request, on the server's dataset."""
        return dataclasses.replace(query, data=where.data)

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": _version(), "jobs_pending": jobs.pending()}

    @app.get("/api/places", tags=["network"])
    def places(
        request: Request,
        q: str = Query(..., min_length=1, max_length=120, description="part of a name or id"),
        limit: int = Query(10, ge=1, le=50),
    ) -> Any:
        """Places whose id, name or alias matches ``q``, best first."""
        return _allowed(request, {"q", "limit"}) or service.places(q, limit=limit, data=where.data)

    @app.post("/api/route", tags=["routing"])
    async def route(req: m.RouteRequest) -> Response:
        """``instc route --json``: the best route (a list when ``k`` > 1)."""
        return await _answer("route", on_data(req.to_service()))

    @app.post("/api/route/geojson", tags=["routing"])
    def route_geojson(req: m.RouteRequest) -> Any:
        """The route's legs as GeoJSON, sea legs on water, land legs on their alignment."""
        return service.route(on_data(req.to_service())).to_geojson()

    @app.post("/api/compare", tags=["routing"])
    async def compare(req: m.CompareRequest) -> Response:
        """``instc compare --json``: the best option overall, then per corridor family."""
        return await _answer("compare", on_data(req.to_service()))

    @app.post("/api/compare/geojson", tags=["routing"])
    def compare_geojson(req: m.CompareRequest) -> Any:
        return service.compare(on_data(req.to_service())).to_geojson()

    @app.post("/api/pareto", tags=["routing"])
    async def pareto(req: m.ParetoRequest) -> Response:
        """``instc pareto --json``: options not beaten on cost, time and CO2e at once."""
        return await _answer("pareto", on_data(req.to_service()))

    @app.post("/api/pareto/geojson", tags=["routing"])
    def pareto_geojson(req: m.ParetoRequest) -> Any:
        return service.pareto(on_data(req.to_service())).to_geojson()

    @app.post("/api/reliability", tags=["reliability"])
    async def reliability(req: m.ReliabilityRequest) -> Response:
        """``instc reliability --json`` (up to 50,000 samples; more as a job)."""
        return await _answer("reliability", on_data(req.to_service()))

    @app.get("/api/network", tags=["network"])
    def network(
        request: Request,
        as_of: str | None = Query(None, pattern=m.AS_OF_PATTERN),
        scenario: str | None = Query(None, min_length=1, max_length=120),
    ) -> Any:
        """The network usable at ``as_of`` (with ``scenario``) as GeoJSON."""
        bad = _allowed(request, {"as_of", "scenario"})
        if bad is not None:
            return bad
        if scenario is not None and not _bundled(scenario):
            return _problem(
                422,
                "Invalid request",
                f"scenario: no bundled scenario {scenario!r} — see /api/scenarios",
                [
                    {
                        "field": "query.scenario",
                        "message": "unknown scenario",
                        "fix": "pick one of GET /api/scenarios",
                    }
                ],
            )
        from instc.network.geometry import network_with_geometry

        collection = service.network_geojson(as_of=as_of, scenario=scenario, data=where.data)
        network = service.get_network(as_of=as_of, scenario=scenario, data=where.data)
        return network_with_geometry(collection, network)

    @app.get("/api/network/summary", tags=["network"])
    def network_summary(
        request: Request, as_of: str | None = Query(None, pattern=m.AS_OF_PATTERN)
    ) -> Any:
        """``instc network summary --json``: counts, length by mode, projects."""
        bad = _allowed(request, {"as_of"})
        return bad or service.network_summary(as_of=as_of, data=where.data)

    @app.get("/api/network/places/{node}", tags=["network"])
    def network_place(
        request: Request,
        node: str = Path_(..., min_length=1, max_length=120),
        as_of: str | None = Query(None, pattern=m.AS_OF_PATTERN),
    ) -> Any:
        """``instc network show NODE --json``: a place, its links, borders and sources."""
        bad = _allowed(request, {"as_of"})
        return bad or service.place(node, as_of=as_of, data=where.data)

    @app.get("/api/network/audit", tags=["network"])
    def network_audit() -> Any:
        """``instc network audit --json``: estimates, ranges and gaps per table."""
        return service.audit(data=where.data)

    @app.get("/api/sources", tags=["network"])
    def sources() -> Any:
        """``instc sources --json``: every source the data cites."""
        return service.sources(data=where.data)

    @app.get("/api/sources/{source_id}", tags=["network"])
    def source(source_id: str = Path_(..., min_length=1, max_length=120)) -> Any:
        """``instc sources ID --json``: one source and the rows that cite it."""
        return service.sources(source_id, data=where.data)

    @app.get("/api/basemap", tags=["network"])
    def basemap() -> Any:
        """Country outlines (Natural Earth 1:110m, public domain) as GeoJSON."""
        from instc.network.geometry import basemap_geojson

        return basemap_geojson()

    @app.get("/api/scenarios", tags=["scenarios"])
    def scenarios() -> Any:
        """``instc scenario list --json``."""
        return service.scenarios()

    @app.get("/api/scenarios/{name}", tags=["scenarios"])
    def scenario_show(
        request: Request,
        name: str,
        changes: bool = False,
        as_of: str | None = Query(None, pattern=m.AS_OF_PATTERN),
    ) -> Any:
        """``instc scenario show NAME --json`` (only bundled scenarios by name)."""
        bad = _allowed(request, {"changes", "as_of"})
        if bad is not None:
            return bad
        if not _bundled(name):
            from instc._names import did_you_mean
            from instc.scenarios import bundled_names

            return _problem(
                404,
                "Unknown scenario",
                f"no bundled scenario {name!r} — " + did_you_mean(name, list(bundled_names())),
            )
        return service.scenario_show(name, changes=changes, as_of=as_of, data=where.data)[1]

    @app.post("/api/scenarios/run", tags=["scenarios"])
    def scenario_run(req: m.ScenarioRunRequest) -> Any:
        """``instc scenario run --json`` (bundled pairs; with ``flows``, the corridor
        assignment before and after, which takes seconds: better as a job)."""
        query = on_data(req.to_service())
        return service.scenario_run_json(
            service.scenario_run(query), service.wanted_flows(query, req.flows)
        )


_ANSWERING: dict[str, Callable[[Any], Any]] = {
    "route": service.route,
    "pareto": service.pareto,
    "compare": service.compare,
    "reliability": service.reliability,
}


async def _answer(kind: str, query: Any) -> Response:
    """The ``--json`` text of a query's answer. A warm (cached) answer is sent from the
    event loop with its text rendered once; a new one is computed in the thread pool."""
    answer = service.cached_answer(kind, query)
    if answer is None:
        answer = await run_in_threadpool(_ANSWERING[kind], query)
    return Response(answer.json_text + "\n", media_type="application/json")


def _bundled(name: str) -> bool:
    from instc.scenarios import bundled_names

    return name in bundled_names()


def _job_routes(app: FastAPI, jobs: JobQueue, where: Where) -> None:
    def submit(kind: str, params: dict[str, Any], request: Request) -> Response:
        if params.get("scenario") and not _bundled(params["scenario"]):
            return _problem(400, "Unknown scenario", f"no bundled scenario {params['scenario']!r}")
        job = jobs.submit(kind, params)
        if job is None:
            return _problem(429, "Too many jobs", "wait for a running job to finish")
        base = f"/api/jobs/{job.job_id}"
        body = m.JobAccepted(
            job_id=job.job_id,
            kind=kind,
            status=job.status,
            status_url=base,
            events_url=f"{base}/events",
            result_url=f"{base}/result",
        )
        return JSONText(body.model_dump(), status_code=202, headers={"Location": base})

    accepted: dict[int | str, dict[str, Any]] = {
        202: {"model": m.JobAccepted, "description": "the job is queued"}
    }

    @app.post("/api/jobs/criticality", tags=["jobs"], status_code=202, responses=accepted)
    def job_criticality(req: m.CriticalityRequest, request: Request) -> Response:
        return submit("criticality", req.model_dump(), request)

    @app.post("/api/jobs/assign", tags=["jobs"], status_code=202, responses=accepted)
    def job_assign(req: m.AssignRequest, request: Request) -> Response:
        return submit("assign", req.model_dump(), request)

    @app.post("/api/jobs/reliability", tags=["jobs"], status_code=202, responses=accepted)
    def job_reliability(req: m.ReliabilityJobRequest, request: Request) -> Response:
        return submit("reliability", req.model_dump(), request)

    @app.post("/api/jobs/scenario-run", tags=["jobs"], status_code=202, responses=accepted)
    def job_scenario_run(req: m.ScenarioRunRequest, request: Request) -> Response:
        return submit("scenario-run", req.model_dump(), request)

    @app.post("/api/jobs/assign-tntp", tags=["jobs"], status_code=202, responses=accepted)
    def job_assign_tntp(req: m.TntpAssignRequest, request: Request) -> Response:
        """``instc assign tntp DIR --json`` on a network under the server's ``--tntp``."""
        if where.tntp is None:
            return _problem(
                400,
                "No TNTP folder",
                "this server has no TNTP networks — start it with instc serve --tntp DIR",
            )
        names = sorted(p.name for p in Path(where.tntp).iterdir() if p.is_dir())
        if req.network not in names:
            from instc._names import did_you_mean

            return _problem(
                400,
                "Unknown TNTP network",
                f"no network {req.network!r} — {did_you_mean(req.network, names)}",
            )
        return submit("assign-tntp", req.model_dump(), request)

    @app.post("/api/jobs/report", tags=["jobs"], status_code=202, responses=accepted)
    def job_report(req: m.ReportRequest, request: Request) -> Response:
        return submit("report", req.model_dump(), request)

    def status_of(job_id: str) -> m.JobStatus | None:
        job = jobs.get(job_id)
        if job is None:
            return None
        done, total = jobs.progress(job)
        return m.JobStatus(
            job_id=job.job_id,
            kind=job.kind,
            status=job.status,  # type: ignore[arg-type]
            done=done,
            total=total,
            error=job.error,
        )

    def missing(job_id: str) -> Response:
        return _problem(404, "Unknown job", f"no job {job_id!r} — POST /api/jobs/<kind> first")

    @app.get("/api/jobs/{job_id}", tags=["jobs"], response_model=m.JobStatus)
    def job_status(job_id: str) -> Any:
        found = status_of(job_id)
        return missing(job_id) if found is None else found.model_dump()

    @app.delete("/api/jobs/{job_id}", tags=["jobs"], response_model=m.JobStatus)
    def job_cancel(job_id: str) -> Any:
        """Cancel a queued or running job: a queued job never starts, a running one's
        worker process is stopped (and replaced for the next job); its status becomes
        ``cancelled``. An ended job: 409."""
        job = jobs.cancel(job_id)
        if job is None:
            return missing(job_id)
        if job.status != "cancelled":
            return _problem(409, "Job ended", f"job {job_id} is already {job.status}")
        found = status_of(job_id)
        return missing(job_id) if found is None else found.model_dump()

    @app.get("/api/jobs/{job_id}/events", tags=["jobs"])
    async def job_events(job_id: str) -> Response:
        """Server-sent events: the job's status and progress until it ends."""
        if jobs.get(job_id) is None:
            return missing(job_id)

        async def stream() -> AsyncIterator[str]:
            last = None
            while True:
                found = await run_in_threadpool(status_of, job_id)
                if found is None:
                    return
                text = found.model_dump_json()
                if text != last:
                    yield f"event: {found.status}\ndata: {text}\n\n"
                    last = text
                if found.status in ("done", "failed", "cancelled"):
                    return
                await asyncio.sleep(0.25)

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.get("/api/jobs/{job_id}/result", tags=["jobs"])
    def job_result(job_id: str) -> Response:
        """The finished job's result (JSON, or HTML for the report)."""
        job = jobs.get(job_id)
        if job is None:
            return missing(job_id)
        if job.status == "failed":
            return _problem(400, "Job failed", job.error or "the job failed")
        if job.status == "cancelled":
            return _problem(409, "Job cancelled", f"job {job_id} was cancelled; submit it again")
        if job.status != "done" or job.result is None:
            return _problem(404, "Not ready", f"job {job_id} is {job.status}; see its events")
        ext = "html" if job.media_type.startswith("text/html") else "json"
        return Response(
            job.result,
            media_type=job.media_type,
            headers={"Content-Disposition": f'attachment; filename="{job.kind}.{ext}"'},
        )


def _web_routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/static/{name:path}", include_in_schema=False)
    def static(name: str) -> Response:
        target = (WEB_DIR / name).resolve()
        if WEB_DIR not in target.parents or not target.is_file():
            return _problem(404, "Not found", f"no file {name!r}")
        return FileResponse(target)
