"""The `citecheck` command line: one subcommand per pipeline stage.

Data goes to stdout (or `-o FILE`), progress and errors to stderr. Exit codes:
0 ran and found nothing at or above `--fail-on`; 1 findings at or above it;
2 bad input or usage.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from citecheck import __version__
from citecheck.config import Settings
from citecheck.model import Audit, Document, Match, Reference
from citecheck.termsafe import echo as _echo  # our stderr lines, control characters made visible
from citecheck.termsafe import install as _safe_terminal
from citecheck.text import normalize

if TYPE_CHECKING:
    from citecheck.batch import BatchState

app = typer.Typer(
    name="citecheck",
    help="Check the references of a scholarly text: parse, match, audit citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
_safe_terminal()  # rich output: text from documents cannot drive the terminal


class RefsFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csl_json = "csl-json"
    bibtex = "bibtex"
    bib = "bib"


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr naming the problem, then a non-zero exit."""
    _echo(f"citecheck: error: {message}", err=True)
    raise typer.Exit(code)


def write_output(text: str, output: Path | None) -> None:
    """Write to stdout, or to a file through `citecheck.outputs` (atomic for regular files, straight into
    FIFOs and devices, never over an input document)."""
    from citecheck.outputs import OutputError, write_text

    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        write_text(text, output)
    except OutputError as exc:
        fail(str(exc))


def default_format(output: Path | None) -> str:
    """A table for people at a terminal, JSON for pipes and files."""
    if output is None and sys.stdout.isatty():
        return "table"
    return "json"


def _version(value: bool) -> None:
    if value:
        _echo(f"citecheck {__version__}")
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
        _echo(f"citecheck: warning: {input}: no reference list found", err=True)
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


class ClaimsFormat(StrEnum):
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


OfflineOpt = Annotated[bool | None, typer.Option("--offline/--online", help="Never touch the network "
                                                 "(cache and local indexes only). Env CITECHECK_OFFLINE.")]
IndexesOpt = Annotated[list[Path] | None, typer.Option("--index", help="Local index (.sqlite) or records file "
                                                       "(JSONL/JSON/BibTeX); repeatable. Env CITECHECK_INDEX.")]
MailtoOpt = Annotated[str | None, typer.Option("--mailto", help="Your e-mail for Crossref's polite pool. "
                                               "Env CITECHECK_MAILTO.")]
CacheDirOpt = Annotated[Path | None, typer.Option("--cache-dir", help="Response cache directory. "
                                                  "Env CITECHECK_CACHE_DIR.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", help="Concurrent Crossref requests (default 3).")]


def _settings(**overrides: object) -> Settings:
    from citecheck.config import ConfigError, load_settings

    try:
        return load_settings(overrides)
    except ConfigError as exc:
        fail(str(exc))


def _sources(settings: Settings) -> list[object]:
    from citecheck.config import ConfigError, build_sources

    try:
        sources, notes = build_sources(settings)
    except ConfigError as exc:
        fail(str(exc))
    for note in notes:
        _echo(f"citecheck: {note}", err=True)
    return sources


def _progress(total: int, label: str) -> tuple[object, Callable[[int, int], None]]:
    """A transient progress bar on stderr (silent when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total)

    def update(done: int, _total: int) -> None:
        bar.update(task, completed=done)

    return bar, update


def _resolve(refs: list[Reference], settings: Settings) -> list[Match]:
    from citecheck.match import resolve

    sources = _sources(settings)
    bar, update = _progress(len(refs), "matching")
    with bar:  # type: ignore[attr-defined]
        return resolve(refs, sources, workers=settings.workers, progress=update)


class MatchFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _references(input: str | None, string: str | None, lines: bool) -> tuple[str, list[Reference]]:
    from citecheck.refs.extract import extract_lists, references_from_lines

    if string is not None:
        lists = references_from_lines(normalize(string))  # the same normal form as a document's text
        return "--string", [r for lst in lists for r in lst.references]
    if input is None:
        fail("give a document (or '-' for stdin), or --string \"REFERENCE\"")
    doc = _load_or_fail(input)
    lists = references_from_lines(doc.text) if lines else extract_lists(doc.text)
    if not lists:
        _echo(f"citecheck: warning: {input}: no reference list found", err=True)
    return doc.source, [r for lst in lists for r in lst.references]


@app.command()
def match(
    input: Annotated[str | None, typer.Argument(help="Document path or '-' for stdin.")] = None,
    string: Annotated[str | None, typer.Option("--string", help="Match this one reference string.")] = None,
    lines: Annotated[bool, typer.Option("--lines", help="Each non-empty input line is one reference.")] = False,
    format: Annotated[MatchFormat | None, typer.Option("--format", "-f", help="Output format.")] = None,
    output: OutputOpt = None,
    offline: OfflineOpt = None,
    index: IndexesOpt = None,
    mailto: MailtoOpt = None,
    cache_dir: CacheDirOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Match every reference against the cache, local indexes and Crossref; show verdicts and field diffs."""
    from citecheck.report import matches as render

    settings = _settings(offline=offline, indexes=index, mailto=mailto, cache_dir=cache_dir, workers=workers)
    source, refs = _references(input, string, lines)
    found = _resolve(refs, settings)
    fmt = format.value if format else default_format(output)
    if fmt == "table" and output is None:
        from rich.console import Console

        render.matches_table(found, Console())
        return
    text = {"json": lambda: render.matches_json(source, found), "jsonl": lambda: render.matches_jsonl(found),
            "csv": lambda: render.matches_csv(found)}.get(fmt, lambda: render.matches_json(source, found))()
    write_output(text, output)


class Prefer(StrEnum):
    record = "record"
    source = "source"


@app.command()
def bib(
    input: InputArg,
    prefer: Annotated[Prefer, typer.Option("--prefer", help="record: the matched record's values win; "
                                           "source: the document's values win, the record only fills gaps.")
                      ] = Prefer.record,
    changes: Annotated[Path | None, typer.Option("--changes", help="Write the list of changes here "
                                                 "(default: stderr).")] = None,
    csl: Annotated[bool, typer.Option("--csl-json", help="Write CSL-JSON instead of BibTeX.")] = False,
    output: OutputOpt = None,
    offline: OfflineOpt = None,
    index: IndexesOpt = None,
    mailto: MailtoOpt = None,
    cache_dir: CacheDirOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """BibTeX (or CSL-JSON) of INPUT's references with DOIs and corrected fields; every change listed."""
    from citecheck.export.bibtex import to_bibtex
    from citecheck.export.corrected import changes_text, corrected_bibliography
    from citecheck.export.csljson import dumps_csl_json

    _refuse_overwriting([input], [output, changes])
    settings = _settings(offline=offline, indexes=index, mailto=mailto, cache_dir=cache_dir, workers=workers)
    _, refs = _references(input, None, False)
    items, changed = corrected_bibliography(_resolve(refs, settings), prefer.value)
    write_output(dumps_csl_json(items) if csl else to_bibtex(items), output)
    listing = changes_text(changed)
    if changes is not None:
        write_output(listing, changes)
    elif listing:
        sys.stderr.write(listing)
    _echo(f"citecheck: {len(changed)} changes in {len(refs)} references", err=True)


class CheckFormat(StrEnum):
    table = "table"
    md = "md"
    html = "html"
    json = "json"
    bib = "bib"
    csl_json = "csl-json"
    list = "list"


_SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json",
                   ".bib": "bib", ".txt": "table"}


def _format_for(path: Path) -> str:
    if path.name.endswith(".csl.json"):
        return "csl-json"
    fmt = _SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        fail(f"{path}: cannot tell the report format from the extension; add --format")
    return fmt


def expand_inputs(inputs: list[str]) -> list[str]:
    """Files as given, directories walked for documents, anything else treated as a glob."""
    import glob

    from citecheck.document import SUFFIXES
    from citecheck.inputs import documents_in, glob_files, unique_real

    out: list[str] = []
    for item in inputs:
        path = Path(item)
        if item == "-" or path.is_file():
            out.append(item)
        elif path.is_dir():
            out += sorted(documents_in(item, SUFFIXES))
        else:
            matches = glob_files(item)
            if not matches and not glob.glob(item):
                fail(f"{item}: no such file, directory or matching documents")
            out += matches
    return unique_real(out)  # symlink loops and aliases: each real document once


def _list_checks(value: bool) -> None:
    if value:
        from citecheck.audit import CHECKS

        for c in CHECKS.values():
            typer.echo(f"{c.kind:24} {c.severity:8} {c.stage:11} {c.explain}")
        raise typer.Exit()


def _explain(value: str | None) -> None:
    if value:
        from citecheck.audit import CHECKS

        check_ = CHECKS.get(value)
        if check_ is None:
            fail(f"{value}: no such check (see --list-checks)")
        typer.echo(f"{check_.kind} ({check_.severity}, {check_.stage}): {check_.explain}")
        raise typer.Exit()


@app.command()
def check(
    inputs: Annotated[list[str], typer.Argument(help="Documents, directories or globs ('-' for stdin).")],
    format: Annotated[list[CheckFormat] | None, typer.Option("--format", "-f", help="Report format; "
                                                             "repeatable, paired in order with -o.")] = None,
    output: Annotated[list[Path] | None, typer.Option("-o", "--output", help="Report file; repeatable. "
                                                      "The format follows the extension unless given.")] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Exit 1 when a finding is at or above this "
                                                "severity: info, warning, error (default), never.")] = None,
    offline: OfflineOpt = None,
    index: IndexesOpt = None,
    mailto: MailtoOpt = None,
    cache_dir: CacheDirOpt = None,
    workers: WorkersOpt = None,
    support: Annotated[bool | None, typer.Option("--support/--no-support", help="Score whether each cited "
                                                 "work fits its sentence.")] = None,
    style: Annotated[str, typer.Option("--style", help="Style of the re-rendered list (--format list): auto "
                                       "(the document's own), gbt7714, vancouver, apa, a CSL style name or a "
                                       ".csl file.")] = "auto",
    list_checks: Annotated[bool, typer.Option("--list-checks", callback=_list_checks, is_eager=True,
                                              help="List every check and exit.")] = False,
    explain: Annotated[str | None, typer.Option("--explain", callback=_explain, is_eager=True,
                                                help="Explain one check and exit.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Go on with an interrupted batch: documents "
                                         "already checked (same inputs, settings and content) are not "
                                         "checked again.")] = False,
) -> None:
    """Run the whole audit (references → matching → claims → findings) and write the reports.

    Each finished document's audit is kept (in the cache directory) until the
    reports are written, so a killed batch goes on with ``--resume``.
    """
    from citecheck.audit import exit_code, run_audit
    from citecheck.batch import file_digest
    from citecheck.document import DocumentError, load

    settings = _settings(offline=offline, indexes=index, mailto=mailto, cache_dir=cache_dir, workers=workers,
                         fail_on=fail_on, support=support)
    targets = _report_targets(format or [], output or [])
    paths = expand_inputs(inputs)
    if not paths:
        fail("no documents to check")
    _refuse_overwriting([*paths, *map(str, settings.indexes)], [out for _, out in targets])
    sources = _sources(settings)
    state = _batch_state(settings, paths, resume)
    audits = []
    failed: list[str] = []
    reused = 0
    try:
        for path in paths:
            digest = file_digest(path) if state is not None else None
            if resume and state is not None:
                stored = state.load(path, digest)
                if stored is not None:
                    audits.append(stored)
                    reused += 1
                    continue
            try:
                doc = load(path)
            except DocumentError as exc:
                _echo(f"citecheck: error: {exc}", err=True)
                failed.append(path)
                continue
            for issue in doc.warnings:
                _echo(f"citecheck: warning: {path}: {issue.message}", err=True)
            bar, update = _progress(0, f"checking {Path(path).name}")
            with bar:  # type: ignore[attr-defined]
                def progress(done: int, total: int, _update: Callable[[int, int], None] = update,
                             _bar: object = bar) -> None:
                    _bar.update(_bar.task_ids[0], total=total)  # type: ignore[attr-defined]
                    _update(done, total)

                audit = run_audit(doc, sources, workers=settings.workers, progress=progress,
                                  support=settings.support)
            audits.append(audit)
            if state is not None:
                _save_state(state, path, digest, audit)
    except KeyboardInterrupt:
        done = len(audits)
        hint = "; run the same command with --resume to go on" if state is not None and done else ""
        _echo(f"citecheck: interrupted after {done} of {len(paths)} documents{hint}", err=True)
        if audits:  # the documents already done are not lost: their reports are written
            _write_reports(audits, targets, style)
        raise typer.Exit(130) from None
    if reused:
        _echo(f"citecheck: resumed: {reused} of {len(paths)} documents were already checked", err=True)
    if not audits and failed:
        # nothing to report: the error line of each document says it all (no empty report)
        if len(paths) > 1:
            fail(f"none of the {len(paths)} documents could be read")
        raise typer.Exit(EXIT_BAD_INPUT)
    _write_reports(audits, targets, style)
    if state is not None:
        state.remove()
    if failed:
        fail(f"{len(failed)} of {len(paths)} documents could not be read (reports cover the others)")
    raise typer.Exit(exit_code(audits, settings.fail_on))


def _batch_state(settings: Settings, paths: list[str], resume: bool) -> BatchState | None:
    """The batch's resume state; without ``--resume`` an old state of the same batch is discarded.

    Resume state is a convenience: when it cannot be kept (unwritable cache
    directory) the batch still runs, with a warning.
    """
    from citecheck.batch import BatchState, StateError

    if all(p == "-" for p in paths):
        return None  # stdin cannot be read twice: nothing to resume
    try:
        state = BatchState.open(settings.cache_dir, paths, settings)
    except StateError as exc:
        _echo(f"citecheck: warning: resume state not kept ({exc})", err=True)
        return None
    if not resume:
        state.reset()
    return state


def _save_state(state: BatchState, path: str, digest: str | None, audit: Audit) -> None:
    try:
        state.save(path, digest, audit)
    except OSError as exc:
        _echo(f"citecheck: warning: {path}: resume state not saved ({exc.strerror or exc})", err=True)


def _report_targets(formats: list[CheckFormat], outputs: list[Path]) -> list[tuple[str, Path | None]]:
    if formats and outputs and len(formats) != len(outputs):
        fail("give one --format per -o, or let the extensions decide")
    if outputs:
        return [(formats[i].value if formats else _format_for(p), p) for i, p in enumerate(outputs)]
    if len(formats) > 1:
        fail("several formats need one -o FILE each")
    return [(formats[0].value if formats else default_format(None), None)]


def _write_reports(audits: list[Audit], targets: list[tuple[str, Path | None]], style: str = "auto") -> None:
    from rich.console import Console

    from citecheck.report import render

    to_terminal = any(fmt == "table" and out is None for fmt, out in targets)
    for fmt, out in targets:
        if fmt == "table" and out is None:
            from citecheck.report.terminal import render_terminal

            render_terminal(audits, Console())
            continue
        if fmt in {"bib", "csl-json"}:
            from citecheck.export.bibtex import to_bibtex
            from citecheck.export.corrected import corrected_bibliography
            from citecheck.export.csljson import dumps_csl_json

            items, changes = corrected_bibliography([m for a in audits for m in a.matches])
            text = to_bibtex(items) if fmt == "bib" else dumps_csl_json(items)
            if changes:
                _echo(f"citecheck: {len(changes)} fields corrected from matched records "
                           "(each listed in the reports)", err=True)
        elif fmt == "list":
            from citecheck.export.restyle import StyleError, restyled_text

            try:
                text = restyled_text(audits, style)
            except StyleError as exc:
                fail(str(exc))
        else:
            text = render(audits, fmt)
        write_output(text, out)
        if out is not None:
            _echo(f"citecheck: wrote {out}", err=True)
    if not to_terminal and sys.stderr.isatty():
        from citecheck.report.terminal import render_terminal

        render_terminal(audits, Console(stderr=True))


def _refuse_overwriting(inputs: list[str], outputs: list[Path | None]) -> None:
    from citecheck.outputs import OutputError, protect, refuse_inputs

    protect(*inputs)
    try:
        refuse_inputs(outputs)
    except OutputError as exc:
        fail(str(exc))


def _load_or_fail(input: str) -> Document:
    from citecheck.document import DocumentError, load
    from citecheck.outputs import protect

    protect(input)
    try:
        doc = load(input)
    except DocumentError as exc:
        fail(str(exc))
    for issue in doc.warnings:
        _echo(f"citecheck: warning: {issue.message}", err=True)
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

    from citecheck.sources.index import default_index_path

    path = index or default_index_path()
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(name: str, done: int) -> None:
        _echo(f"citecheck: {name}: {done} records", err=True)

    stats = _add_to_index(path, files, progress)
    report = asdict(stats)
    _print_json(report)
    kept = stats.added + stats.updated + stats.unchanged
    if files and kept == 0 and all(fs.error for fs in stats.by_file.values()):
        fail("no input file could be read: " + "; ".join(f"{k}: {v.error}" for k, v in stats.by_file.items()))
    for fs in stats.by_file.values():
        if fs.error:  # a file broken part-way keeps what was read before the damage
            _echo(f"citecheck: warning: {fs.error} (kept the {fs.added + fs.updated + fs.unchanged} "
                       f"records read before it)", err=True)
    skipped = stats.skipped_bad + stats.skipped_no_doi
    if skipped:
        _echo(f"citecheck: warning: {skipped} records skipped ({stats.skipped_bad} unreadable, "
                   f"{stats.skipped_no_doi} without DOI); kept {kept}", err=True)


def _add_to_index(path: Path, files: list[Path], progress: Callable[[str, int], None]) -> Any:
    """`LocalIndex.add_files`, with a refused or failing index file as one line (exit 2), not a traceback."""
    import sqlite3

    from citecheck.sources.index import IndexFileError, LocalIndex

    try:
        with LocalIndex(path) as idx:
            return idx.add_files(files, progress=progress)
    except IndexFileError as exc:
        fail(str(exc))
    except (sqlite3.DatabaseError, OSError) as exc:
        # disk full or a file-size limit mid-load: batches committed so far are kept (the index stays valid)
        fail(f"{path}: index not fully written ({getattr(exc, 'strerror', None) or exc}); "
             "records committed before the failure are kept")


@index_app.command("info")
def index_info(index: IndexOpt = None) -> None:
    """Counts and size of the local index."""
    from citecheck.sources.index import LocalIndex, default_index_path

    path = index or default_index_path()
    if not path.exists():
        fail(f"{path}: no index here yet (load one with `citecheck index add FILE`)")
    from citecheck.sources.index import IndexFileError

    try:
        idx = LocalIndex(path, read_only=True)
    except IndexFileError as exc:
        fail(str(exc))
    with idx:
        _print_json(idx.info())


@cache_app.command("info")
def cache_info(cache_dir: CacheOpt = None) -> None:
    """Entries, size and age of the response cache."""
    from citecheck.sources.cache import ResponseCache

    if cache_dir is not None and cache_dir.exists() and not cache_dir.is_dir():
        fail(f"cache directory {cache_dir} is a file, not a directory")
    with ResponseCache(cache_dir) as cache:
        _print_json(cache.info())


@cache_app.command("clear")
def cache_clear(cache_dir: CacheOpt = None) -> None:
    """Remove every cached response."""
    from citecheck.sources.cache import ResponseCache

    if cache_dir is not None and cache_dir.exists() and not cache_dir.is_dir():
        fail(f"cache directory {cache_dir} is a file, not a directory")
    with ResponseCache(cache_dir) as cache:
        removed = cache.clear()
    _echo(f"citecheck: removed {removed} cached responses", err=True)


EXIT_INTERNAL = 3


def main() -> None:
    """Entry point: a bug still ends in one line on stderr (the traceback only with CITECHECK_DEBUG=1)."""
    try:
        app()
    except KeyboardInterrupt:
        _echo("citecheck: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("CITECHECK_DEBUG"):
            raise
        _echo(f"citecheck: internal error: {type(exc).__name__}: {exc} "
                   "(set CITECHECK_DEBUG=1 for the traceback; please report it)", err=True)
        sys.exit(EXIT_INTERNAL)
