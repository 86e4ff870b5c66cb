"""What every `citecheck` subcommand shares: exit codes, one-line errors, output files, progress bars."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from citecheck.termsafe import echo

if TYPE_CHECKING:
    from citecheck.model import Match
    from citecheck.pipeline import Event

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_UNCHECKED = 0, 1, 2, 3, 4


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr naming the problem, then a non-zero exit."""
    echo(f"citecheck: error: {message}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    """One line on stderr; control characters from file names and documents made visible."""
    echo(f"citecheck: {message}", err=True)


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


def refuse_overwriting(inputs: list[str], outputs: list[Path | None]) -> None:
    """Exit 2 before any work when an output names one of the inputs (GNU tools refuse it too)."""
    from citecheck.outputs import OutputError, protect, refuse_inputs

    protect(*inputs)
    try:
        refuse_inputs(outputs)
    except OutputError as exc:
        fail(str(exc))


def default_format(output: Path | None) -> str:
    """A table for people at a terminal, JSON for pipes and files."""
    if output is None and sys.stdout.isatty():
        return "table"
    return "json"


def progress_bar(total: int, label: str) -> Any:
    """A transient progress bar on stderr (silent when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    bar.add_task(label, total=total)
    return bar


class BatchProgress:
    """Turns the pipeline's events into stderr lines and one transient progress bar per document."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __enter__(self) -> BatchProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __call__(self, event: Event) -> None:
        from citecheck.pipeline import EventKind

        if event.kind is EventKind.FAILED:
            warn(f"error: {event.message}")
        elif event.kind is EventKind.LOADED:
            warn(f"warning: {event.path}: {event.message}")
        elif event.kind is EventKind.NOTE:
            warn(event.message)
        elif event.kind is EventKind.PROGRESS:
            if self._bar is None:
                self._bar = progress_bar(event.total, f"checking {Path(event.path).name}")
                self._bar.start()
            self._bar.update(self._bar.task_ids[0], total=event.total, completed=event.done)
        elif event.kind is EventKind.CHECKED:
            self._close()


def list_checks(value: bool) -> None:
    """`--list-checks`: every finding kind, its severity, stage and meaning."""
    if value:
        from citecheck.checks import CHECKS

        for c in CHECKS.values():
            typer.echo(f"{c.kind:24} {c.severity:8} {c.stage:11} {c.explain}")
        raise typer.Exit()


def explain_check(value: str | None) -> None:
    """`--explain KIND`: one finding kind explained."""
    if value:
        from citecheck.checks import CHECKS

        check_ = CHECKS.get(value)
        if check_ is None:
            fail(f"{value}: no such check (see --list-checks)")
        typer.echo(f"{check_.kind} ({check_.severity}, {check_.stage}): {check_.explain}")
        raise typer.Exit()


def exit_if_unchecked(matches: list[Match], fail_on: str) -> None:
    """Exit 4 with one stderr line when a failing source left references unchecked (unless ``--fail-on
    never``); an offline run's unchecked references get one line too, and no exit code of their own."""
    from citecheck.audit import offline_line, unchecked_line

    line = unchecked_line(matches)
    if line is not None and fail_on != "never":
        warn(line)
        raise typer.Exit(EXIT_UNCHECKED)
    note = offline_line(matches)
    if note is not None:
        warn(note)


def report_targets(formats: list[str], outputs: list[Path]) -> list[tuple[str, Path | None]]:
    """`check`'s (format, output) pairs: formats paired in order with `-o`, else from the extensions."""
    from citecheck.formats import FormatError, Role, find_format

    def _format_for(path: Path) -> str:
        try:
            return find_format(filename=str(path), role=Role.WRITER).name
        except FormatError:
            fail(f"{path}: cannot tell the report format from the extension; add --format")

    if formats and outputs and len(formats) != len(outputs):
        fail("give one --format per -o, or let the extensions decide")
    if outputs:
        return [(formats[i] if formats else _format_for(p), p) for i, p in enumerate(outputs)]
    if len(formats) > 1:
        fail("several formats need one -o FILE each")
    return [(formats[0] if formats else default_format(None), None)]
