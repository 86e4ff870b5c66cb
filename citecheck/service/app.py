"""The HTTP side of the service: an upload page and a small JSON API (Starlette, served by uvicorn).

Why Starlette: a small, well-kept ASGI toolkit (routing, multipart forms, background lifespan) with
nothing we do not use; uvicorn serves it.

    GET  /                          upload page (progress and each report, in a sandboxed frame)
    POST /api/jobs                  multipart ``files`` (one or many) → 202 {"jobs": [{id, name}], "errors": [...]}
                                    (one job per file; a .tex file is checked with the .bib/.bbl files sent with it)
    GET  /api/jobs                  how many jobs are in each status (never their ids)
    GET  /api/jobs/{id}             one job: status, attempts, error, report links when done
    GET  /api/jobs/{id}/report.json the JSON report        GET /api/jobs/{id}/report.html  the HTML report

Uploaded names and contents are hostile: names are reduced to a safe form before they are stored or
shown (`store.safe_name`), the page writes them with ``textContent`` only, reports are served with a
sandboxing Content-Security-Policy, and sizes are capped.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from citecheck.service.store import MAX_DOCUMENT_BYTES, QUEUE, JobStatus, JobStore, UploadError, safe_name
from citecheck.service.tasks import Sweeper, enqueue

MAX_FILES = 200
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""One request's whole body; a request must say its length (uvicorn holds the body to it)."""
_JOB_ID_RE = re.compile(r"^[0-9a-f]{32}$")
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                     "X-Frame-Options": "SAMEORIGIN"}


def _asset(name: str) -> str:
    return resources.files("citecheck.service").joinpath(name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page() -> HTMLResponse:
    """The upload page: our own inline script and style, allowed by hash and nothing else."""
    script, style = _asset("upload.js"), _asset("upload.css")
    html = _asset("upload.html").replace("/*STYLE*/", style).replace("/*SCRIPT*/", script)
    csp = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; connect-src 'self'; "
           "frame-src 'self'; form-action 'self'; base-uri 'none'; img-src 'none'")
    return HTMLResponse(html, headers={"Content-Security-Policy": csp, **_SECURITY_HEADERS})


def companions(name: str, uploads: list[tuple[str, bytes]]) -> dict[str, bytes] | None:
    """A LaTeX file's bibliography: the ``.bib``/``.bbl`` files of the same upload (safe names, sizes
    capped, the first of two that come out with one name), which the reader finds beside it."""
    if not safe_name(name).lower().endswith(".tex"):
        return None
    out: dict[str, bytes] = {}
    for other, data in uploads:
        safe = safe_name(other)
        if safe.lower().endswith((".bib", ".bbl")) and 0 < len(data) <= MAX_DOCUMENT_BYTES:
            out.setdefault(safe, data)
    return out or None


def create_app(redis_url: str, sweep: bool = True) -> Starlette:
    """The service's ASGI app on the Redis at `redis_url`; `sweep` runs the lost-job sweeper."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(redis_url)
    store = JobStore(connection)
    queue = Queue(QUEUE, connection=connection)

    def job_view(job_id: str) -> dict[str, Any] | None:
        info = store.info(job_id)
        if info is None:
            return None
        out: dict[str, Any] = {"id": info.id, "name": info.name, "status": info.status, "attempts": info.attempts,
                               "error": info.error}
        if info.status is JobStatus.DONE:
            out["report"] = {"json": f"/api/jobs/{job_id}/report.json", "html": f"/api/jobs/{job_id}/report.html"}
        return out

    async def index(_: Request) -> Response:
        return page()

    async def submit(request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            return JSONResponse({"error": "say the upload's length (Content-Length)"}, status_code=411)
        if int(length) > MAX_UPLOAD_BYTES:
            return JSONResponse({"error": f"upload larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"},
                                status_code=413)
        form = await request.form(max_files=MAX_FILES, max_part_size=MAX_DOCUMENT_BYTES)
        uploads = [(item.filename or "document", await item.read(MAX_DOCUMENT_BYTES + 1))
                   for item in form.getlist("files") if not isinstance(item, str)]
        await form.close()
        jobs, errors = [], []
        for name, data in uploads:
            try:
                job_id = store.create(name, data, companions(name, uploads))
            except UploadError as exc:
                errors.append(str(exc))
                continue
            enqueue(queue, job_id)
            jobs.append({"id": job_id, "name": store.info(job_id).name})  # type: ignore[union-attr]
        if not jobs and not errors:
            return JSONResponse({"error": "no files: send them as multipart field 'files'"}, status_code=400)
        return JSONResponse({"jobs": jobs, "errors": errors}, status_code=202 if jobs else 400)

    async def list_jobs(_: Request) -> Response:
        # counts only: a job id is the capability to read its report, so ids are never listed
        counts = store.counts()
        return JSONResponse({"count": sum(counts.values()), "statuses": counts})

    async def one_job(request: Request) -> Response:
        job_id = request.path_params["job_id"]
        view = job_view(job_id) if _JOB_ID_RE.match(job_id) else None
        if view is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        return JSONResponse(view)

    async def report(request: Request) -> Response:
        job_id, kind = request.path_params["job_id"], request.path_params["kind"]
        text = store.report(job_id, kind) if _JOB_ID_RE.match(job_id) and kind in ("json", "html") else None
        if text is None:
            return JSONResponse({"error": "no report (yet)"}, status_code=404)
        if kind == "json":
            return Response(text, media_type="application/json", headers=_SECURITY_HEADERS)
        # the report's own meta CSP allows only its inline script and style; the header adds a sandbox
        return HTMLResponse(text, headers={"Content-Security-Policy": "sandbox allow-scripts", **_SECURITY_HEADERS})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        sweeper = Sweeper(store, queue).start() if sweep else None
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.stop()

    routes = [
        Route("/", index),
        Route("/api/jobs", submit, methods=["POST"]),
        Route("/api/jobs", list_jobs, methods=["GET"]),
        Route("/api/jobs/{job_id}", one_job),
        Route("/api/jobs/{job_id}/report.{kind}", report),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
