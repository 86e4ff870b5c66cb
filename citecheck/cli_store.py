"""`citecheck index …` and `citecheck cache …`: the local metadata index and the response cache."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from citecheck.cli_common import fail

index_app = typer.Typer(help="The local metadata index (SQLite FTS5) used offline and in bulk.",
                         no_args_is_help=True)
cache_app = typer.Typer(help="The on-disk cache of Crossref responses.", no_args_is_help=True)

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index file (default: $CITECHECK_INDEX or the "
                                               "user data directory).")]
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
        return cache_dir or load_settings().cache_dir
    except ConfigError as exc:
        fail(str(exc))


def _print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@index_app.command("add")
def index_add(
    files: Annotated[list[Path], typer.Argument(help="Crossref works JSON/JSONL(.gz), API envelopes, "
                                                "public-data-file folders, CSL-JSON or BibTeX.")],
    index: IndexOpt = None,
) -> None:
    """Load metadata records into the local index (streaming, idempotent by DOI)."""
    from dataclasses import asdict

    from citecheck.sources.index import LocalIndex

    path = _index_path(index)
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(name: str, done: int) -> None:
        typer.echo(f"citecheck: {name}: {done} records", err=True)

    with LocalIndex(path) as idx:
        stats = idx.add_files(files, progress=progress)
    report = asdict(stats)
    _print_json(report)
    kept = stats.added + stats.updated + stats.unchanged
    if files and kept == 0 and all(fs.error for fs in stats.by_file.values()):
        fail("no input file could be read: " + "; ".join(f"{k}: {v.error}" for k, v in stats.by_file.items()))
    for fs in stats.by_file.values():
        if fs.error:  # a file broken part-way keeps what was read before the damage
            typer.echo(f"citecheck: warning: {fs.error} (kept the {fs.added + fs.updated + fs.unchanged} "
                       f"records read before it)", err=True)
    skipped = stats.skipped_bad + stats.skipped_no_doi
    if skipped:
        typer.echo(f"citecheck: warning: {skipped} records skipped ({stats.skipped_bad} unreadable, "
                   f"{stats.skipped_no_doi} without DOI); kept {kept}", err=True)


@index_app.command("info")
def index_info(index: IndexOpt = None) -> None:
    """Counts and size of the local index."""
    from citecheck.sources.index import LocalIndex

    path = _index_path(index)
    if not path.exists():
        fail(f"{path}: no index here yet (load one with `citecheck index add FILE`)")
    with LocalIndex(path) as idx:
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
    typer.echo(f"citecheck: removed {removed} cached responses", err=True)
