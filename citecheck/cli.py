"""The `citecheck` command line: one subcommand per pipeline stage, each a thin caller of the library.

Data goes to stdout (or `-o FILE`), progress and errors to stderr. Exit codes:
0 ran and found nothing at or above `--fail-on`; 1 findings at or above it;
2 bad input or usage; 3 an internal error (one line; the traceback with CITECHECK_DEBUG=1);
4 (`check`, `match`) some references could not be checked because a source was unreachable or
failing; one stderr line says how many and why; precedes 1; off with ``--fail-on never`` (an offline
run is not a failure: its reports and summary line say that only the cache and indexes answered).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from citecheck import cli_service
from citecheck.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    BatchProgress,
    default_format,
    exit_if_unchecked,
    explain_check,
    fail,
    list_checks,
    progress_bar,
    refuse_overwriting,
    report_targets,
    warn,
    write_output,
)
from citecheck.cli_store import cache_app, index_app
from citecheck.config import Settings
from citecheck.model import Audit, Document, Match, Reference, ReferenceList
from citecheck.report import View, formats_for
from citecheck.termsafe import echo
from citecheck.termsafe import install as install_safe_terminal
from citecheck.version import __version__

app = typer.Typer(
    name="citecheck",
    help="Check the references of a scholarly text: parse, match, audit citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(index_app, name="index")
app.add_typer(cache_app, name="cache")
install_safe_terminal()  # rich output: text from documents cannot drive the terminal


def _version(value: bool) -> None:
    if value:
        echo(f"citecheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """citecheck: is the bibliography right, and does each citation back its sentence?"""


def _format_opt(view: View) -> Any:
    return typer.Option("--format", "-f", help=f"Output format: {', '.join(formats_for(view))}.")


InputArg = Annotated[str, typer.Argument(help="Document path or '-' for stdin (txt, md, pdf, docx, and the "
                                         "formats `citecheck formats` lists).")]
OutputOpt = Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE instead of stdout.")]
OfflineOpt = Annotated[bool | None, typer.Option("--offline/--online", help="Never touch the network "
                                                 "(cache and local indexes only). Env CITECHECK_OFFLINE.")]
IndexesOpt = Annotated[list[Path] | None, typer.Option("--index", help="Local index (.sqlite) or records file "
                                                       "(JSONL/JSON/BibTeX); repeatable. Env CITECHECK_INDEX.")]
MailtoOpt = Annotated[str | None, typer.Option("--mailto", help="Your e-mail for Crossref's polite pool. "
                                               "Env CITECHECK_MAILTO.")]
CacheDirOpt = Annotated[Path | None, typer.Option("--cache-dir", help="Response cache directory. "
                                                  "Env CITECHECK_CACHE_DIR.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", help="Concurrent Crossref requests (default 3).")]


def _emit(audits: list[Audit], fmt: str | None, output: Path | None, view: View, **options: Any) -> None:
    """Render `audits` for `view` and write them: tables with colour at a terminal, text elsewhere."""
    from citecheck.report import FormatError, render

    fmt = fmt or default_format(output)
    if fmt in ("table", "terminal") and (output is None or str(output) == "-"):
        from rich.console import Console

        from citecheck.report.table import print_table

        print_table(audits, view, Console())
        return
    try:
        text = render(audits, fmt, view=view, **options)
    except FormatError as exc:
        fail(str(exc))
    write_output(text, output)


def _load_or_fail(input: str) -> Document:
    from citecheck.document import DocumentError, load
    from citecheck.outputs import protect

    protect(input)
    try:
        doc = load(input)
    except DocumentError as exc:
        fail(str(exc))
    for issue in doc.warnings:
        warn(f"warning: {issue.message}")
    return doc


def _lists(input: str, lines: bool) -> tuple[Document, list[ReferenceList]]:
    from citecheck.refs import extract_references

    doc = _load_or_fail(input)
    lists = extract_references(doc, lines=lines)
    if not lists:
        warn(f"warning: {input}: no reference list found")
    return doc, lists


@app.command()
def refs(
    input: InputArg,
    format: Annotated[str | None, _format_opt(View.REFS)] = None,
    output: OutputOpt = None,
    lines: Annotated[bool, typer.Option("--lines", help="Each non-empty input line is one reference string.")] = False,
) -> None:
    """Find every reference list in INPUT and parse each entry into fields."""
    doc, lists = _lists(input, lines)
    _emit([Audit(doc.source, lists=lists, warnings=doc.warnings)], format, output, View.REFS)


@app.command()
def claims(
    input: InputArg,
    format: Annotated[str | None, _format_opt(View.CLAIMS)] = None,
    output: OutputOpt = None,
) -> None:
    """Citation markers of INPUT, sentence by sentence, with the entries they point to."""
    from citecheck.claims import extract_claims
    from citecheck.refs import extract_references

    doc = _load_or_fail(input)
    lists = extract_references(doc)
    audit = Audit(doc.source, lists=lists, claims=extract_claims(doc.text, lists), warnings=doc.warnings)
    _emit([audit], format, output, View.CLAIMS)


def _settings(**overrides: object) -> Settings:
    from citecheck.config import ConfigError, load_settings

    try:
        return load_settings(overrides)
    except ConfigError as exc:
        fail(str(exc))


def _sources(settings: Settings) -> list[object]:
    from citecheck.config import ConfigError
    from citecheck.pipeline import open_sources

    try:
        sources, notes = open_sources(settings)
    except ConfigError as exc:
        fail(str(exc))
    for note in notes:
        warn(note)
    return sources


def _resolve(refs: list[Reference], settings: Settings) -> list[Match]:
    from citecheck.matching import resolve

    sources = _sources(settings)
    with progress_bar(len(refs), "matching") as bar:
        def update(done: int, _total: int) -> None:
            bar.update(bar.task_ids[0], completed=done)

        return resolve(refs, sources, workers=settings.workers, progress=update)


def _references(input: str | None, string: str | None, lines: bool) -> tuple[str, list[ReferenceList]]:
    from citecheck.refs import references_from_lines
    from citecheck.text import normalize

    if string is not None:
        return "--string", references_from_lines(normalize(string))  # the same normal form as a document's text
    if input is None:
        fail("give a document (or '-' for stdin), or --string \"REFERENCE\"")
    doc, lists = _lists(input, lines)
    return doc.source, lists


@app.command()
def match(
    input: Annotated[str | None, typer.Argument(help="Document path or '-' for stdin.")] = None,
    string: Annotated[str | None, typer.Option("--string", help="Match this one reference string.")] = None,
    lines: Annotated[bool, typer.Option("--lines", help="Each non-empty input line is one reference.")] = False,
    format: Annotated[str | None, _format_opt(View.MATCHES)] = None,
    output: OutputOpt = None,
    offline: OfflineOpt = None,
    index: IndexesOpt = None,
    mailto: MailtoOpt = None,
    cache_dir: CacheDirOpt = None,
    workers: WorkersOpt = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="`never`: exit 0 even when references could "
                                                "not be checked (otherwise exit 4).")] = None,
) -> None:
    """Match every reference against the cache, local indexes and the online sources; show verdicts and diffs.

    Exits 4 with one stderr line when a failing source left references unchecked (not with ``--fail-on never``).
    """
    settings = _settings(offline=offline, indexes=index, mailto=mailto, cache_dir=cache_dir, workers=workers,
                         fail_on=fail_on)
    source, lists = _references(input, string, lines)
    found = _resolve([r for lst in lists for r in lst.references], settings)
    _emit([Audit(source, lists=lists, matches=found)], format, output, View.MATCHES)
    exit_if_unchecked(found, settings.fail_on)


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

    refuse_overwriting([input], [output, changes])
    settings = _settings(offline=offline, indexes=index, mailto=mailto, cache_dir=cache_dir, workers=workers)
    _, lists = _references(input, None, False)
    refs = [r for lst in lists for r in lst.references]
    items, changed = corrected_bibliography(_resolve(refs, settings), prefer.value)
    write_output(dumps_csl_json(items) if csl else to_bibtex(items), output)
    listing = changes_text(changed)
    if changes is not None:
        write_output(listing, changes)
    elif listing:
        sys.stderr.write(listing)
    warn(f"{len(changed)} changes in {len(refs)} references")


@app.command()
def check(
    inputs: Annotated[list[str], typer.Argument(help="Documents, directories or globs ('-' for stdin).")],
    format: Annotated[list[str] | None, typer.Option("--format", "-f", help="Report format ("
                                                     f"{', '.join(formats_for(View.CHECK))}); repeatable, "
                                                     "paired in order with -o.")] = None,
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
    list_checks: Annotated[bool, typer.Option("--list-checks", callback=list_checks, is_eager=True,
                                              help="List every check and exit.")] = False,
    explain: Annotated[str | None, typer.Option("--explain", callback=explain_check, is_eager=True,
                                                help="Explain one check and exit.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Go on with an interrupted batch: documents "
                                         "already checked (same inputs, settings and content) are not "
                                         "checked again.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Documents checked at once, each in its own "
                                             "process (same reports as one at a time; outside APIs' request "
                                             "budgets are shared). Env CITECHECK_JOBS.")] = None,
) -> None:
    """Run the whole audit (references → matching → claims → findings) and write the reports.

    Each finished document's audit is kept (in the cache directory) until the
    reports are written, so a killed batch goes on with ``--resume``.
    """
    from citecheck.audit import exit_code
    from citecheck.document import DocumentError
    from citecheck.inputs import expand_inputs
    from citecheck.pipeline import check_batch

    settings = _settings(offline=offline, indexes=index, mailto=mailto, cache_dir=cache_dir, workers=workers,
                         fail_on=fail_on, support=support, jobs=jobs)
    targets = report_targets(format or [], output or [])
    try:
        paths = expand_inputs(inputs)
    except DocumentError as exc:
        fail(str(exc))
    if not paths:
        fail("no documents to check")
    refuse_overwriting([*paths, *map(str, settings.indexes)], [out for _, out in targets])
    with BatchProgress() as events:
        sources = _sources(settings)
        result = check_batch(paths, settings, resume=resume, on_event=events, sources=sources)
    if result.interrupted:
        done = len(result.audits)
        hint = "; run the same command with --resume to go on" if result.state is not None and done else ""
        warn(f"interrupted after {done} of {len(paths)} documents{hint}")
        if result.audits:  # the documents already done are not lost: their reports are written
            _write_reports(result.audits, targets, style)
        raise typer.Exit(130)
    if result.reused:
        warn(f"resumed: {result.reused} of {len(paths)} documents were already checked")
    if not result.audits and result.failed:
        # nothing to report: the error line of each document says it all (no empty report)
        if len(paths) > 1:
            fail(f"none of the {len(paths)} documents could be read")
        raise typer.Exit(EXIT_BAD_INPUT)
    _write_reports(result.audits, targets, style)
    result.finish()
    if result.failed:
        fail(f"{len(result.failed)} of {len(paths)} documents could not be read (reports cover the others)")
    exit_if_unchecked([m for a in result.audits for m in a.matches], settings.fail_on)
    raise typer.Exit(exit_code(result.audits, settings.fail_on))


def _write_reports(audits: list[Audit], targets: list[tuple[str, Path | None]], style: str = "auto") -> None:
    from rich.console import Console

    from citecheck.export.restyle import StyleError
    from citecheck.report.terminal import render_terminal

    for fmt, out in targets:
        try:
            _emit(audits, fmt, out, View.CHECK, style=style)
        except StyleError as exc:
            fail(str(exc))
        if out is not None:
            warn(f"wrote {out}")
    if any(fmt in {"bib", "csl-json"} for fmt, _ in targets):
        from citecheck.export.corrected import bibliography

        corrected = len(bibliography(audits)[1])  # said once, however many bibliographies were written
        if corrected:
            warn(f"{corrected} fields corrected from matched records (each listed in the reports)")
    to_terminal = any(fmt == "table" and out is None for fmt, out in targets)
    if not to_terminal and sys.stderr.isatty():
        render_terminal(audits, Console(stderr=True))


app.command()(cli_service.serve)
app.command()(cli_service.worker)


@app.command("formats")
def list_formats() -> None:
    """Every input format citecheck reads and output format it writes."""
    from citecheck.formats import formats

    for fmt in formats():
        typer.echo(f"{fmt.role:7} {fmt.name:9} {' '.join(fmt.suffixes):28} {fmt.description}")


def main() -> None:
    """Entry point: a bug still ends in one line on stderr (the traceback only with CITECHECK_DEBUG=1)."""
    try:
        app()
    except KeyboardInterrupt:
        warn("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("CITECHECK_DEBUG"):
            raise
        warn(f"internal error: {type(exc).__name__}: {exc} (set CITECHECK_DEBUG=1 for the traceback; please report it)")
        sys.exit(EXIT_INTERNAL)
