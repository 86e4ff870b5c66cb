"""The `citecheck` command line: one subcommand per pipeline stage.

Data goes to stdout (or `-o FILE`), progress and errors to stderr. Exit codes:
0 ran and found nothing at or above `--fail-on`; 1 findings at or above it;
2 bad input or usage.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from citecheck import __version__
from citecheck.model import Document

app = typer.Typer(
    name="citecheck",
    help="Check the references of a scholarly text: parse, match, audit citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class RefsFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csl_json = "csl-json"
    bibtex = "bibtex"
    bib = "bib"


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr naming the problem, then a non-zero exit."""
    typer.echo(f"citecheck: error: {message}", err=True)
    raise typer.Exit(code)


def write_output(text: str, output: Path | None) -> None:
    """Write to stdout, or atomically to a file (never a half-written file)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        fail(f"{output}: output directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, output)
    except OSError as exc:
        fail(f"{output}: cannot write ({exc.strerror or exc})")


def default_format(output: Path | None) -> str:
    """A table for people at a terminal, JSON for pipes and files."""
    if output is None and sys.stdout.isatty():
        return "table"
    return "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"citecheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """citecheck: is the bibliography right, and does each citation back its sentence?"""


InputArg = Annotated[str, typer.Argument(help="Document path (.txt .md .pdf .docx) or '-' for stdin.")]
OutputOpt = Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE instead of stdout.")]


@app.command()
def refs(
    input: InputArg,
    format: Annotated[RefsFormat | None, typer.Option("--format", "-f", help="Output format.")] = None,
    output: OutputOpt = None,
    lines: Annotated[bool, typer.Option("--lines", help="Each non-empty input line is one reference string.")] = False,
) -> None:
    """Find every reference list in INPUT and parse each entry into fields."""
    from citecheck.refs.extract import extract_lists, references_from_lines

    doc = _load_or_fail(input)
    lists = references_from_lines(doc.text) if lines else extract_lists(doc.text)
    fmt = format.value if format else default_format(output)
    if not lists:
        typer.echo(f"citecheck: warning: {input}: no reference list found", err=True)
    if fmt == "table":
        from rich.console import Console

        from citecheck.report.refs import refs_table

        if output is None:
            refs_table(lists, Console())
        else:
            console = Console(record=True, width=160, file=io.StringIO())
            refs_table(lists, console)
            write_output(console.export_text(), output)
        return
    refs_list = [r for lst in lists for r in lst.references]
    if fmt == "json":
        from citecheck.report.refs import refs_json

        text = refs_json(doc.source, lists, doc.warnings)
    elif fmt == "jsonl":
        from citecheck.report.refs import refs_jsonl

        text = refs_jsonl(lists)
    elif fmt == "csl-json":
        from citecheck.export.csljson import dumps_csl_json

        text = dumps_csl_json(refs_list)
    else:
        from citecheck.export.bibtex import to_bibtex

        text = to_bibtex(refs_list)
    write_output(text, output)


class ClaimsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


@app.command()
def claims(
    input: InputArg,
    format: Annotated[ClaimsFormat | None, typer.Option("--format", "-f", help="Output format.")] = None,
    output: OutputOpt = None,
) -> None:
    """Citation markers of INPUT, sentence by sentence, with the entries they point to."""
    from citecheck.claims import claim_rows, claims_table, extract_claims, render_claims
    from citecheck.refs.extract import extract_lists

    doc = _load_or_fail(input)
    lists = extract_lists(doc.text)
    found = extract_claims(doc.text, lists)
    fmt = format.value if format else default_format(output)
    if fmt == "table" and output is None:
        from rich.console import Console

        Console().print(claims_table(claim_rows(found, lists)))
    else:
        write_output(render_claims(found, lists, fmt), output)


def _load_or_fail(input: str) -> Document:
    from citecheck.document import DocumentError, load

    try:
        doc = load(input)
    except DocumentError as exc:
        fail(str(exc))
    for issue in doc.warnings:
        typer.echo(f"citecheck: warning: {issue.message}", err=True)
    return doc


index_app = typer.Typer(help="The local metadata index (SQLite FTS5) used offline and in bulk.",
                         no_args_is_help=True)
cache_app = typer.Typer(help="The on-disk cache of Crossref responses.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(cache_app, name="cache")

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index file (default: $CITECHECK_INDEX or the "
                                               "user data directory).")]
CacheOpt = Annotated[Path | None, typer.Option("--cache-dir", help="Cache directory (default: "
                                               "$CITECHECK_CACHE_DIR or the user cache directory).")]


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

    from citecheck.sources.index import LocalIndex, default_index_path

    path = index or default_index_path()
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(name: str, done: int) -> None:
        typer.echo(f"citecheck: {name}: {done} records", err=True)

    with LocalIndex(path) as idx:
        stats = idx.add_files(files, progress=progress)
    report = asdict(stats)
    _print_json(report)
    if files and all(fs.error for fs in stats.by_file.values()):
        fail("no input file could be read: " + "; ".join(f"{k}: {v.error}" for k, v in stats.by_file.items()))


@index_app.command("info")
def index_info(index: IndexOpt = None) -> None:
    """Counts and size of the local index."""
    from citecheck.sources.index import LocalIndex, default_index_path

    path = index or default_index_path()
    if not path.exists():
        fail(f"{path}: no index here yet (load one with `citecheck index add FILE`)")
    with LocalIndex(path) as idx:
        _print_json(idx.info())


@cache_app.command("info")
def cache_info(cache_dir: CacheOpt = None) -> None:
    """Entries, size and age of the response cache."""
    from citecheck.sources.cache import ResponseCache

    with ResponseCache(cache_dir) as cache:
        _print_json(cache.info())


@cache_app.command("clear")
def cache_clear(cache_dir: CacheOpt = None) -> None:
    """Remove every cached response."""
    from citecheck.sources.cache import ResponseCache

    with ResponseCache(cache_dir) as cache:
        removed = cache.clear()
    typer.echo(f"citecheck: removed {removed} cached responses", err=True)


def main() -> None:
    app()
