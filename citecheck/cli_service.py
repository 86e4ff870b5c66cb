"""`citecheck serve` and `citecheck worker`: the service's two commands (see `citecheck.service`)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from citecheck.cli_common import fail

RedisOpt = Annotated[str, typer.Option("--redis", help="Redis URL of the queue, job store and shared rate "
                                       "limits. Env CITECHECK_REDIS_URL.", envvar="CITECHECK_REDIS_URL")]


def _reachable(url: str) -> None:
    """Fail in one line when Redis is not there (rather than a traceback from the first request)."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(url, socket_connect_timeout=3).ping()
    except (RedisError, ValueError, OSError) as exc:
        fail(f"cannot reach Redis at {url}: {exc}")


def serve(
    redis: RedisOpt = "redis://127.0.0.1:6379/0",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the upload page and the JSON API; documents are queued for `citecheck worker` processes."""
    import uvicorn

    from citecheck.service.app import create_app

    _reachable(redis)
    uvicorn.run(create_app(redis), host=host, port=port, log_level="warning")


def worker(
    redis: RedisOpt = "redis://127.0.0.1:6379/0",
    burst: Annotated[bool, typer.Option("--burst", help="Exit when the queue is empty.")] = False,
) -> None:
    """Check queued documents with this machine's settings (index, cache, sources) until stopped."""
    from citecheck.config import ConfigError
    from citecheck.service.tasks import open_worker_sources, run_worker

    _reachable(redis)
    os.environ["CITECHECK_REDIS_URL"] = redis  # the outside APIs' budgets are shared through it
    try:
        open_worker_sources()  # bad settings (index, cache) end here in one line, before any job is taken
    except (ConfigError, OSError, ValueError) as exc:
        fail(f"worker not started: {exc}")
    run_worker(redis, burst=burst)
