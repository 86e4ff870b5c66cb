"""Local metadata index: SQLite + FTS5 (trigram) over records keyed by DOI.

Why SQLite: one file, no server, transactional, and FTS5's trigram tokenizer
gives substring search that works for Chinese titles without segmentation.
The `works` table holds each record as JSON (abstract included, for support
scoring later) plus a locator (first author, year, volume, first page),
indexed both from the author and from the first page, for exact look-ups;
`works_fts` indexes only title, family names, container titles and number
tokens — not abstracts, which would drown the ranking.

Loading streams items from `loaders.iter_records`, commits in batches, and is
idempotent by DOI: re-adding a record updates it in place (or leaves it alone
when nothing changed). A bad item is counted, never fatal.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citecheck.model import Record
from citecheck.sources.base import SourceUnavailable, normalize_doi
from citecheck.sources.convert import ConversionError
from citecheck.sources.loaders import LoadError, expand_paths, iter_records
from citecheck.sources.ranking import (
    FTS_CANDIDATES,
    IndexText,
    QueryTerms,
    fold_words,
    index_text,
    locator_keys,
    page_key,
    query_terms,
    quote_term,
    rerank,
)

INDEX_SCHEMA_VERSION = 1
INSERT_BATCH = 2000
LOCATOR_CANDIDATES = 10
LOCATOR_BELOW = 0.75
"""The exact look-up runs only when no FTS candidate re-ranks this well (a title-less or damaged string)."""

LoadProgress = Callable[[str, int], None]
"""Called as ``progress(path, records_done_in_this_file)`` every few thousand records and at file end."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS works (
    id INTEGER PRIMARY KEY,
    doi TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    type TEXT NOT NULL,
    first_family TEXT NOT NULL,
    year INTEGER,
    volume TEXT NOT NULL,
    first_page TEXT NOT NULL,
    record TEXT NOT NULL,
    added_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS works_locator ON works (first_family, year, volume, first_page);
CREATE INDEX IF NOT EXISTS works_page ON works (first_page, volume);
CREATE VIRTUAL TABLE IF NOT EXISTS works_fts USING fts5 (
    title, authors, container, numbers, tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS trigram_df (trigram TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""


_REQUIRED_TABLES = frozenset({"meta", "works", "works_fts", "trigram_df"})


class IndexFileError(ValueError):
    """The file given as an index is not one citecheck can use (empty, another application's database,
    damaged, another schema version); the message is one line naming the file."""


def check_index_file(path: Path) -> None:
    """`IndexFileError` unless `path` is a readable citecheck index. Opened read-only: nothing is written."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise IndexFileError(f"{path}: cannot read the index ({exc.strerror or exc})") from None
    if size == 0:
        raise IndexFileError(f"{path}: empty file, not a citecheck index (build one with `citecheck index add`)")
    if head != b"SQLite format 3\x00":
        raise IndexFileError(f"{path}: not a SQLite database, so not a citecheck index")
    try:
        conn = _connect_ro(path)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
            if not _REQUIRED_TABLES <= tables:
                shown = ", ".join(sorted(tables)[:6]) or "none"
                raise IndexFileError(f"{path}: not a citecheck index (another application's database? tables: "
                                     f"{shown}); refusing to use it")
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None or str(row[0]) != str(INDEX_SCHEMA_VERSION):
                raise IndexFileError(f"{path}: index schema version {row[0] if row else None}, this citecheck "
                                     f"reads {INDEX_SCHEMA_VERSION}; rebuild it with `citecheck index add`")
            conn.execute("SELECT id, doi, record FROM works ORDER BY id LIMIT 1").fetchall()
            conn.execute("SELECT rowid FROM works_fts LIMIT 1").fetchall()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "unable to open" in str(exc) or "readonly" in str(exc):
            raise IndexFileError(f"{path}: cannot open the index read-only ({exc}; a WAL index needs to create "
                                 "its -shm file next to it: is the directory writable?)") from None
        raise IndexFileError(f"{path}: damaged index ({exc}); rebuild it with `citecheck index add`") from None
    except sqlite3.DatabaseError as exc:
        raise IndexFileError(f"{path}: damaged index ({exc}); rebuild it with `citecheck index add`") from None


def _connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``): searching never creates tables or changes the journal mode."""
    from urllib.request import pathname2url

    uri = f"file:{pathname2url(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False)


def default_index_path() -> Path:
    """``<user data dir>/citecheck/index.sqlite`` (``CITECHECK_INDEX`` is read by `citecheck.config`)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("citecheck")) / "index.sqlite"


@dataclass
class FileStats:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_bad: int = 0
    skipped_no_doi: int = 0
    error: str = ""


@dataclass
class AddStats:
    """Outcome of `LocalIndex.add_files`; `errors` holds the first few reasons records were skipped."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_bad: int = 0
    skipped_no_doi: int = 0
    seconds: float = 0.0
    by_file: dict[str, FileStats] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, fs: FileStats, what: str, n: int = 1) -> None:
        setattr(fs, what, getattr(fs, what) + n)
        setattr(self, what, getattr(self, what) + n)


def _record_json(rec: Record) -> str:
    return json.dumps(
        {"fields": rec.fields, "abstract": rec.abstract, "subjects": rec.subjects},
        ensure_ascii=False, separators=(",", ":"), sort_keys=True,
    )


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _record_from_json(text: str, source: str, score: float = 0.0) -> Record:
    data = json.loads(text)
    return Record(fields=data["fields"], source=source, score=score,
                  abstract=data.get("abstract", ""), subjects=data.get("subjects", []))


class LocalIndex:
    """A local, searchable store of records; implements the `Source` protocol.

    Connections are per thread (SQLite connections must not be shared across
    threads), so one `LocalIndex` may serve a thread pool.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, name: str = "index", *,
                 read_only: bool = False) -> None:
        """`read_only`: for searching (``--index``, ``index info``) — the file is checked to be a citecheck
        index (`check_index_file`) and opened ``mode=ro``. Otherwise (loading) it is created if missing, and
        an existing file that is not a citecheck index is refused rather than given our tables."""
        self.path = Path(path) if path is not None else default_index_path()
        self.name = name
        self.read_only = read_only
        self._local = threading.local()
        self._stats: tuple[dict[str, int], int] | None = None
        if read_only:
            check_index_file(self.path)
            return
        if self.path.exists() and self.path.stat().st_size > 0:
            check_index_file(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._init_schema()

    # ------------------------------------------------------------ connection
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.read_only:
                conn = _connect_ro(self.path)
            else:
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-65536")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __enter__(self) -> LocalIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _init_schema(self) -> None:
        conn = self._conn()
        conn.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(INDEX_SCHEMA_VERSION),))
        elif int(row[0]) != INDEX_SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path}: index schema version {row[0]}, this citecheck reads {INDEX_SCHEMA_VERSION}; "
                "rebuild it with `citecheck index add`")

    # ------------------------------------------------------------ loading
    def add_files(self, paths: Iterable[str | os.PathLike[str]], progress: LoadProgress | None = None) -> AddStats:
        """Load records from files or directories (any layout `loaders` reads); idempotent by DOI."""
        stats = AddStats()
        start = time.perf_counter()
        for path in expand_paths(paths):
            fs = stats.by_file.setdefault(str(path), FileStats())
            try:
                self._add_stream(iter_records(path), stats, fs, str(path), progress)
            except LoadError as exc:
                fs.error = str(exc)
                stats.errors.append(str(exc))
        if stats.added + stats.updated > 1000:
            self.optimize()
        if stats.added + stats.updated:
            self.refresh_stats()
        stats.seconds = round(time.perf_counter() - start, 3)
        return stats

    def add_records(self, records: Iterable[Record | ConversionError], label: str = "<records>") -> AddStats:
        """Load already converted records (used by tests and by callers holding records in memory)."""
        stats = AddStats()
        fs = stats.by_file.setdefault(label, FileStats())
        self._add_stream(records, stats, fs, label, None)
        if stats.added + stats.updated:
            self.refresh_stats()
        return stats

    def _add_stream(self, items: Iterable[Record | ConversionError], stats: AddStats, fs: FileStats,
                    label: str, progress: LoadProgress | None) -> None:
        conn = self._conn()
        done = 0
        conn.execute("BEGIN IMMEDIATE")
        try:
            for item in items:
                if isinstance(item, ConversionError):
                    kind = "skipped_no_doi" if "no DOI" in str(item) else "skipped_bad"
                    stats.count(fs, kind)
                    if len(stats.errors) < 20:
                        stats.errors.append(f"{label}: {item}")
                else:
                    try:
                        stats.count(fs, self._upsert(conn, item))
                    except (TypeError, ValueError, KeyError, AttributeError) as exc:
                        stats.count(fs, "skipped_bad")
                        if len(stats.errors) < 20:
                            stats.errors.append(f"{label}: {item.doi}: {exc}")
                done += 1
                if done % self.commit_every == 0:
                    self._before_commit()
                    conn.execute("COMMIT")
                    conn.execute("BEGIN IMMEDIATE")
                    if progress:
                        progress(label, done)
            self._before_commit()
            conn.execute("COMMIT")
        except LoadError:
            self._before_commit()
            conn.execute("COMMIT")  # keep what was read before the file broke
            raise
        except BaseException:
            conn.execute("ROLLBACK")
            self._after_rollback()
            raise
        if progress:
            progress(label, done)

    def _upsert(self, conn: sqlite3.Connection, rec: Record) -> str:
        doi = normalize_doi(rec.doi or "")
        if not doi:
            raise ValueError("no DOI")
        rec.fields["DOI"] = doi
        blob = _record_json(rec)
        it = index_text(rec.fields)
        origin = str(rec.fields.get("citecheck:origin") or "unknown").split(":", 1)[0]
        row = conn.execute("SELECT id, record FROM works WHERE doi = ?", (doi,)).fetchone()
        values = (origin, rec.fields.get("type", "document"), it.first_family, it.year, it.volume,
                  it.first_page, blob, time.time())
        if row is not None:
            if row[1] == blob:
                return "unchanged"
            rowid = row[0]
            conn.execute(
                "UPDATE works SET origin=?, type=?, first_family=?, year=?, volume=?, first_page=?, "
                "record=?, added_at=? WHERE id=?", (*values, rowid))
            kind = "updated"
        else:
            cur = conn.execute(
                "INSERT INTO works (doi, origin, type, first_family, year, volume, first_page, record, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (doi, *values))
            rowid = cur.lastrowid
            kind = "added"
        self._index_row(conn, int(rowid or 0), it, replaced=kind == "updated")
        return kind

    # Hooks for a backend that keeps its search index outside this file (`tantivy_index.TantivyIndex`).
    commit_every = INSERT_BATCH

    def _index_row(self, conn: sqlite3.Connection, rowid: int, it: IndexText, *, replaced: bool) -> None:
        """Make row `rowid` searchable under `it` (FTS5 here), replacing its old entry when `replaced`."""
        if replaced:
            conn.execute("DELETE FROM works_fts WHERE rowid = ?", (rowid,))
        conn.execute("INSERT INTO works_fts (rowid, title, authors, container, numbers) VALUES (?, ?, ?, ?, ?)",
                     (rowid, it.title, it.authors, it.container, it.numbers))

    def _before_commit(self) -> None:
        """Called before each batch's SQLite COMMIT: an outside search index commits first."""

    def _after_rollback(self) -> None:
        """Called after a batch was rolled back: an outside search index drops its uncommitted rows."""

    def optimize(self) -> None:
        """Merge FTS segments after a bulk load: searches touch one b-tree per term instead of many."""
        conn = self._conn()
        conn.execute("INSERT INTO works_fts (works_fts) VALUES ('optimize')")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def refresh_stats(self) -> None:
        """Recompute per-trigram document frequencies (one pass over the FTS vocabulary, ~1 s for 44k works).

        Search uses them to pick cheap, selective terms; they are stored so a
        new process does not pay for the pass.
        """
        conn = self._conn()
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.works_vocab USING fts5vocab(main, works_fts, row)")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM trigram_df")
            conn.execute("INSERT INTO trigram_df SELECT term, doc FROM temp.works_vocab")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._stats = None

    def _term_stats(self) -> tuple[dict[str, int], int]:
        stats = self._stats
        if stats is None:
            conn = self._conn()
            df = dict(conn.execute("SELECT trigram, df FROM trigram_df"))
            n_docs = len(self)
            if not df and n_docs and not self.read_only:  # filled by an older version, or added without refresh
                self.refresh_stats()
                df = dict(conn.execute("SELECT trigram, df FROM trigram_df"))
            stats = self._stats = (df, max(1, n_docs))
        return stats

    # ------------------------------------------------------------ look-ups
    def _damaged(self, exc: sqlite3.DatabaseError) -> SourceUnavailable:
        """A database error during a look-up: this reference is unchecked, the run goes on."""
        return SourceUnavailable(f"index {self.path} unreadable ({exc})")

    def search(self, query: str, rows: int = 5) -> list[Record]:
        try:
            return self._search(query, rows)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        except (ValueError, TypeError, KeyError) as exc:  # a damaged record blob
            raise SourceUnavailable(f"index {self.path}: bad record ({type(exc).__name__}: {exc})") from None

    def _search(self, query: str, rows: int = 5) -> list[Record]:
        """Best `rows` candidates for a whole reference string; `Record.score` is a 0..1 similarity.

        Each chosen term is looked up on its own and rows are scored by the
        summed IDF of the terms they contain (BM25 without length/frequency
        parts). One OR query ranked by FTS5's bm25() found the same records but
        was ~5x slower: bm25() runs for every row any term matches. The top
        rows are re-ranked by `ranking.rerank_score`. When none re-ranks above
        `LOCATOR_BELOW`, matched rows whose locator the string shows are added
        by an exact look-up (`_locator_hits`): strings without a title, or with
        a title shared by many records, have few selective words.
        """
        conn = self._conn()
        df, n_docs = self._term_stats()
        q = query_terms(query, df or None)
        acc: dict[int, float] = {}
        self._look_up(q.terms, acc, n_docs)
        pool = heapq.nlargest(max(FTS_CANDIDATES, 2 * rows), acc, key=acc.__getitem__)
        found = self._fts_rows(pool, acc)
        ranked = rerank(q, found)
        if df and (not ranked or ranked[0][0] < LOCATOR_BELOW):
            # a poor first answer: the next cheapest terms too (a wrong number or a common word took the budget)
            more = query_terms(query, df, skip=q.terms).terms
            if more:
                self._look_up(more, acc, n_docs)
                pool = heapq.nlargest(max(FTS_CANDIDATES, 2 * rows), acc, key=acc.__getitem__)
                found = self._fts_rows(pool, acc)
                ranked = rerank(q, found)
        if not ranked or ranked[0][0] < LOCATOR_BELOW:
            seen = set(pool)
            extra = [k for k in self._locator_hits(q) if k in acc and k not in seen]
            if extra:
                ranked = rerank(q, found + self._fts_rows(extra, acc))
        best = ranked[:rows]
        if not best:
            return []
        blobs = dict(conn.execute(f"SELECT id, record FROM works WHERE id IN ({_marks(best)})", [k for _, k in best]))
        return [_record_from_json(blobs[k], self.name, score) for score, k in best if k in blobs]

    def _look_up(self, terms: tuple[str, ...], acc: dict[int, float], n_docs: int) -> None:
        """Add each term's IDF to the rows it matches (`acc`, summed over terms)."""
        conn = self._conn()
        for term in terms:
            ids = conn.execute("SELECT rowid FROM works_fts WHERE works_fts MATCH ?", (quote_term(term),)).fetchall()
            if ids:
                idf = math.log(1.0 + n_docs / len(ids))
                get = acc.get  # (the inner loop runs once per posting: thousands per string)
                for (rowid,) in ids:
                    acc[rowid] = get(rowid, 0.0) + idf

    def _fts_rows(self, keys: list[int], acc: dict[int, float]) -> list[tuple[int, str, str, str, float]]:
        """(rowid, title, authors, numbers, FTS score) of the given rows, for `rerank`."""
        if not keys:
            return []
        return [(r[0], r[1], r[2], r[3], acc.get(r[0], 0.0)) for r in self._conn().execute(
            f"SELECT rowid, title, authors, numbers FROM works_fts WHERE rowid IN ({_marks(keys)})", keys)]

    def _locator_hits(self, q: QueryTerms, limit: int = LOCATOR_CANDIDATES) -> list[int]:
        """Rows whose locator the string shows: (first page, volume) with a year within one of the string's,
        or (first author's family, year, first page) for works without a volume.

        The biblio-glutton-style second path: indexed probes per combination of
        values, so its cost does not grow with the index.
        """
        keys = locator_keys(q)
        if not keys.pages:
            return []
        conn = self._conn()
        out: list[int] = []
        if keys.volumes:
            sql = (f"SELECT id, year, volume, first_page FROM works WHERE first_page IN ({_marks(keys.pages)}) "
                   f"AND volume IN ({_marks(keys.volumes)}) LIMIT {4 * limit}")
            for rowid, year, volume, page in conn.execute(sql, [*keys.pages, *keys.volumes]):
                if volume == page and volume not in keys.repeated:
                    continue  # one number of the string cannot be both
                if not keys.years or year is None or any(abs(year - y) <= 1 for y in keys.years):
                    out.append(rowid)
        if keys.years and keys.families:
            years = sorted({y + d for y in keys.years for d in (-1, 0, 1)})
            # The planner would rather scan every row of a common first page ("1"); the family is selective.
            sql = (f"SELECT id FROM works INDEXED BY works_locator WHERE first_family IN ({_marks(keys.families)}) "
                   f"AND year IN ({_marks(years)}) AND first_page IN ({_marks(keys.pages)}) LIMIT {limit}")
            out += [r[0] for r in conn.execute(sql, [*keys.families, *years, *keys.pages]) if r[0] not in out]
        return out[:limit]

    def get(self, doi: str) -> Record | None:
        try:
            row = self._conn().execute("SELECT record FROM works WHERE doi = ?", (normalize_doi(doi),)).fetchone()
            return _record_from_json(row[0], self.name, 1.0) if row else None
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        except (ValueError, TypeError, KeyError) as exc:
            raise SourceUnavailable(f"index {self.path}: bad record ({type(exc).__name__}: {exc})") from None

    def at_locator(self, volume: str, page: str, limit: int = 10) -> list[Record]:
        """Works printed in `volume` starting at the first page of `page` (any journal: the caller compares)."""
        first = page_key({"page": page})
        if not first or not volume:
            return []
        sql = f"SELECT record FROM works WHERE first_page = ? AND volume = ? LIMIT {int(limit)}"
        args = (first, fold_words(volume).replace(" ", ""))
        return [_record_from_json(r[0], self.name, 1.0) for r in self._conn().execute(sql, args)]

    def find_by_locator(self, family: str, year: int | None = None, volume: str | None = None,
                        first_page: str | None = None, limit: int = 10) -> list[Record]:
        """Exact look-up by first author's family name plus any of year, volume and first page."""
        sql = "SELECT record FROM works WHERE first_family = ?"
        args: list[Any] = [fold_words(family).replace(" ", "")]
        if year is not None:
            sql += " AND year = ?"
            args.append(int(year))
        if volume:
            sql += " AND volume = ?"
            args.append(fold_words(volume).replace(" ", ""))
        if first_page:
            sql += " AND first_page = ?"
            args.append(str(first_page).strip().lower())
        sql += f" LIMIT {int(limit)}"
        return [_record_from_json(r[0], self.name, 1.0) for r in self._conn().execute(sql, args)]

    def __len__(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM works").fetchone()[0])

    def info(self) -> dict[str, Any]:
        """Counts by origin and type, size on disk, path and schema version (for ``index info``)."""
        conn = self._conn()
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return {
            "path": str(self.path),
            "records": len(self),
            "by_source": dict(conn.execute("SELECT origin, count(*) FROM works GROUP BY origin ORDER BY 2 DESC")),
            "by_type": dict(conn.execute("SELECT type, count(*) FROM works GROUP BY type ORDER BY 2 DESC")),
            "size_bytes": size,
            "schema_version": INDEX_SCHEMA_VERSION,
            "backend": "sqlite",
            "tokenizer": "trigram",
            "sqlite_version": sqlite3.sqlite_version,
        }
