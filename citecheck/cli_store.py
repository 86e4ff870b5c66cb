"""`citecheck index …` and `citecheck cache …`: the local metadata index and the response cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from citecheck.cli_common import fail, warn

index_app = typer.Typer(help="The local metadata index (SQLite FTS5, or Tantivy for millions) used offline and in "
                         "bulk.",
                         no_args_is_help=True)
cache_app = typer.Typer(help="The on-disk cache of Crossref responses.", no_args_is_help=True)

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index file or Tantivy index directory (default: "
                                               "$CITECHECK_INDEX or the user data directory).")]
CacheOpt = Annotated[Path | None, typer.Option("--cache-dir", help="Cache directory (default: "
                                               "$CITECHECK_CACHE_DIR or the user cache directory).")]


def _index_path(index: Path | None) -> Path:
    """`--index`, else the first index the settings name (``CITECHECK_INDEX``…), else the default one."""
    from citecheck.config import ConfigError, load_settings
    from citecheck.sources.index import default_index_path

    if index is not None:
        return index
    try:
        named = load_settings().indexes
    except ConfigError as exc:
        fail(str(exc))
    return named[0] if named else default_index_path()


def _cache_dir(cache_dir: Path | None) -> Path | None:
    from citecheck.config import ConfigError, load_settings

    try:
        chosen = cache_dir or load_settings().cache_dir
    except ConfigError as exc:
        fail(str(exc))
    if chosen is not None and chosen.exists() and not chosen.is_dir():
        fail(f"cache directory {chosen} is a file, not a directory")
    return chosen


def _print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@index_app.command("add")
def index_add(
    files: Annotated[list[Path], typer.Argument(help="Crossref works JSON/JSONL(.gz), API envelopes, "
                                                "public-data-file folders, CSL-JSON or BibTeX.")],
    index: IndexOpt = None,
    backend: Annotated[str | None, typer.Option(
        "--backend", help="For a new index: sqlite (default, one file) or tantivy (a directory; for millions of "
        "records). An existing index keeps the backend it has.")] = None,
) -> None:
    """Load metadata records into the local index (streaming, idempotent by DOI)."""
    from dataclasses import asdict

    from citecheck.sources.backends import BACKENDS

    if backend is not None and backend not in BACKENDS:
        fail(f"--backend {backend}: not one of {', '.join(BACKENDS)}")
    path = _index_path(index)
    if backend == "tantivy" and not path.exists() and path.suffix.lower() in {".sqlite", ".sqlite3", ".db"}:
        fail(f"--backend tantivy builds a directory: name it with --index DIR (not {path})")
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(name: str, done: int) -> None:
        warn(f"{name}: {done} records")

    stats = _add_to_index(path, files, progress, backend)
    report = asdict(stats)
    _print_json(report)
    kept = stats.added + stats.updated + stats.unchanged
    if files and kept == 0 and all(fs.error for fs in stats.by_file.values()):
        fail("no input file could be read: " + "; ".join(f"{k}: {v.error}" for k, v in stats.by_file.items()))
    for fs in stats.by_file.values():
        if fs.error:  # a file broken part-way keeps what was read before the damage
            warn(f"warning: {fs.error} (kept the {fs.added + fs.updated + fs.unchanged} records read before it)")
    skipped = stats.skipped_bad + stats.skipped_no_doi
    if skipped:
        warn(f"warning: {skipped} records skipped ({stats.skipped_bad} unreadable, "
             f"{stats.skipped_no_doi} without DOI); kept {kept}")


def _add_to_index(path: Path, files: list[Path], progress: Callable[[str, int], None],
                  backend: str | None = None) -> Any:
    """`LocalIndex.add_files`, with a refused or failing index file as one line (exit 2), not a traceback."""
    import sqlite3

    from citecheck.sources.backends import open_local_index
    from citecheck.sources.index import IndexFileError

    try:
        with open_local_index(path, read_only=False, backend=backend) as idx:  # type: ignore[arg-type]
            return idx.add_files(files, progress=progress)
    except IndexFileError as exc:
        fail(str(exc))
    except (sqlite3.DatabaseError, OSError, ValueError) as exc:  # ValueError: Tantivy's I/O and lock errors
        # disk full or a file-size limit mid-load: batches committed so far are kept (the index stays valid)
        fail(f"{path}: index not fully written ({getattr(exc, 'strerror', None) or exc}); "
             "records committed before the failure are kept")


@index_app.command("info")
def index_info(index: IndexOpt = None) -> None:
    """Counts and size of the local index."""
    from citecheck.sources.backends import open_local_index
    from citecheck.sources.index import IndexFileError

    path = _index_path(index)
    if not path.exists():
        fail(f"{path}: no index here yet (load one with `citecheck index add FILE`)")
    try:
        idx = open_local_index(path, read_only=True)
    except IndexFileError as exc:
        fail(str(exc))
    with idx:
        _print_json(idx.info())


@cache_app.command("info")
def cache_info(cache_dir: CacheOpt = None) -> None:
    """Entries, size and age of the response cache."""
    from citecheck.sources.cache import ResponseCache

    with ResponseCache(_cache_dir(cache_dir)) as cache:
        _print_json(cache.info())


@cache_app.command("clear")
def cache_clear(cache_dir: CacheOpt = None) -> None:
    """Remove every cached response."""
    from citecheck.sources.cache import ResponseCache

    with ResponseCache(_cache_dir(cache_dir)) as cache:
        removed = cache.clear()
    warn(f"removed {removed} cached responses")
