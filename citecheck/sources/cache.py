"""On-disk cache of API responses, so a second run makes no network calls.

Why our own and not requests-cache: our calls go through httpx2, not requests, and
a cache of raw HTTP exchanges would not know which answers are data. We cache
at the level of *our* requests instead: the key is the normalised
request (base URL + endpoint + sorted parameters), the value the HTTP status,
the JSON body and when it was fetched.

SQLite in WAL mode gives atomic writes and lets several processes share one
cache file (readers never block the writer; writers wait on a busy timeout).
A cache is disposable, so a corrupt file is moved aside as
``<name>.corrupt-<timestamp>`` and rebuilt empty rather than failing the run.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

log = logging.getLogger(__name__)

CACHE_FILE = "responses.sqlite"
CACHE_SCHEMA_VERSION = 1
_OPEN_TIMEOUT = 30.0
MAX_BODY_CHARS = 8 * 1024 * 1024
"""Largest body stored or loaded (a Crossref answer is a few kB; the HTTP client refuses more than 8 MB)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    body TEXT,
    fetched_at REAL NOT NULL
);
INSERT OR IGNORE INTO meta VALUES ('schema_version', '1');
"""

_CORRUPT_CODES = {getattr(sqlite3, "SQLITE_CORRUPT", 11), getattr(sqlite3, "SQLITE_NOTADB", 26)}


def default_cache_dir() -> Path:
    """The platform's user cache directory for citecheck (``CITECHECK_CACHE_DIR`` is read by `citecheck.config`)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("citecheck"))


def request_key(base_url: str, endpoint: str, params: Mapping[str, Any] | None = None) -> str:
    """Normalised request: the same question always gives the same key.

    Parameters are sorted; whitespace in values is collapsed and text put in
    NFC, so a reference string re-extracted with different line breaks still
    hits. Identity parameters (``mailto``) do not belong in `params`: they do
    not change the answer.
    """
    norm = {k: " ".join(unicodedata.normalize("NFC", str(v)).split()) for k, v in (params or {}).items()}
    query = urlencode(sorted(norm.items()))
    return f"{base_url.rstrip('/')}{endpoint}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class CachedResponse:
    status: int
    body: Any
    fetched_at: float


class NotACacheError(ValueError):
    """The cache path names a file that is not a cache (a document, someone's database…)."""


def _is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head == b"SQLite format 3\x00" or head == b""


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code in _CORRUPT_CODES
    msg = str(exc).lower()
    return "not a database" in msg or "malformed" in msg or "corrupt" in msg


class ResponseCache:
    """A response cache file; safe across threads (one connection each) and processes (WAL)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        """`path` is a cache file or a directory (file ``responses.sqlite`` inside it); default: `default_cache_dir`."""
        p = Path(path) if path is not None else default_cache_dir()
        if p.exists() and not p.is_dir() and p.name != CACHE_FILE and not _is_sqlite_file(p):
            # someone else's file: moving it aside as "corrupt" would take it from its owner
            raise NotACacheError(f"{p} is not a response cache (nor a directory); refusing to use it")
        if p.is_dir() or (path is None) or p.suffix == "":
            p = p / CACHE_FILE
        self.path = p
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._conns: list[sqlite3.Connection] = []
        self._conn()  # open now so corruption is found (and repaired) up front

    # ------------------------------------------------------------ connection
    def _open(self) -> sqlite3.Connection:
        """A connection with the schema in place, retried while another process holds the set-up lock.

        Switching to WAL and creating the schema take a lock that SQLite may refuse at once
        (``database is locked``) without waiting on the busy timeout, when two processes open
        a new cache at the same moment; the loser waits and tries again.
        """
        deadline = time.monotonic() + _OPEN_TIMEOUT
        delay = 0.01
        while True:
            try:
                return self._open_once()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _open_once(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=_OPEN_TIMEOUT, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None or int(row[0]) != CACHE_SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"cache schema version {row[0] if row else None} is unknown: corrupt")
        except BaseException:
            conn.close()
            raise
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            self._move_aside(exc, None)
            conn = self._open()
        self._local.conn = conn
        self._local.inode = self._inode()
        with self._lock:
            self._conns.append(conn)
        return conn

    def _inode(self) -> int | None:
        try:
            return self.path.stat().st_ino
        except OSError:
            return None

    def _move_aside(self, exc: Exception, opened_inode: int | None) -> None:
        """Rename the corrupt file (and its WAL/SHM) out of the way, unless another process already did."""
        if opened_inode is not None and self._inode() != opened_inode:
            return  # someone else replaced it since we opened it: just reconnect
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.getpid()}")
        log.warning("response cache %s is corrupt (%s); moved to %s and rebuilt", self.path, exc, target)
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                try:
                    os.replace(src, Path(f"{target}{suffix}"))
                except OSError:
                    src.unlink(missing_ok=True)

    def _recover(self, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        inode = getattr(self._local, "inode", None)
        if conn is not None:
            conn.close()
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)
        self._local.conn = None
        self._move_aside(exc, inode)
        return self._conn()

    def close(self) -> None:
        with self._lock:
            for conn in self._conns:
                conn.close()
            self._conns.clear()
        self._local = threading.local()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ data
    def get(self, key: str, max_age: float | None = None) -> CachedResponse | None:
        """The cached response for `key`, or None (also when older than `max_age` seconds)."""
        # a row over the cap (written by an older version, or by hand) is never loaded into memory
        sql = ("SELECT status, CASE WHEN length(body) > ? THEN NULL ELSE body END, fetched_at, "
               "length(body) > ? FROM responses WHERE key = ?")
        cap = MAX_BODY_CHARS
        try:
            row = self._conn().execute(sql, (cap, cap, key)).fetchone()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                if isinstance(exc, sqlite3.OperationalError):
                    # locked past the busy timeout, disk I/O error…: a miss, never a failed run
                    log.warning("response cache %s not readable (%s); asking the source", self.path, exc)
                    return None
                raise
            self._recover(exc)
            return None
        if row is None or (max_age is not None and time.time() - row[2] > max_age):
            return None
        if row[3]:
            log.warning("response cache %s: entry of over %d characters ignored", self.path, cap)
            return None
        try:
            body = json.loads(row[1], parse_constant=_reject_constant) if row[1] is not None else None
            return CachedResponse(status=int(row[0]), body=body, fetched_at=float(row[2]))
        except (ValueError, TypeError, RecursionError):
            return None  # a damaged row is a miss: the answer is fetched again and the row replaced

    def put(self, key: str, status: int, body: Any) -> None:
        """Store one response; a single statement, so it is atomic and last-writer-wins."""
        try:
            text = (json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
                    if body is not None else None)
        except (ValueError, TypeError, RecursionError) as exc:
            log.warning("response cache %s: answer not cached (%s)", self.path, exc)
            return
        if text is not None and len(text) > MAX_BODY_CHARS:
            log.warning("response cache %s: answer of %d characters not cached (cap %d)",
                        self.path, len(text), MAX_BODY_CHARS)
            return
        sql = "INSERT OR REPLACE INTO responses (key, status, body, fetched_at) VALUES (?, ?, ?, ?)"
        args = (key, int(status), text, time.time())
        try:
            self._conn().execute(sql, args)
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                if isinstance(exc, sqlite3.OperationalError):
                    # locked past the busy timeout, disk full…: the answer is still used by this run,
                    # it is only not remembered for the next one
                    log.warning("response cache %s not writable (%s); answer not cached", self.path, exc)
                    return
                raise
            self._recover(exc).execute(sql, args)

    def __len__(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM responses").fetchone()[0])

    def info(self) -> dict[str, Any]:
        """Path, entry count, counts by HTTP status, size on disk and age range (for ``cache info``)."""
        conn = self._conn()
        oldest, newest = conn.execute("SELECT min(fetched_at), max(fetched_at) FROM responses").fetchone()
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

        def iso(t: float | None) -> str | None:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) if t else None

        return {
            "path": str(self.path),
            "entries": len(self),
            "by_status": {str(s): n for s, n in conn.execute(
                "SELECT status, count(*) FROM responses GROUP BY status ORDER BY status")},
            "size_bytes": size,
            "oldest": iso(oldest),
            "newest": iso(newest),
        }

    def clear(self) -> int:
        """Remove every entry; returns how many there were."""
        conn = self._conn()
        n = conn.execute("DELETE FROM responses").rowcount
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        return int(n)
