"""What every `citecheck` subcommand shares: exit codes, one-line errors, output files, progress bars."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from citecheck.pipeline import Event

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_UNCHECKED = 0, 1, 2, 3, 4


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One line on stderr naming the problem, then a non-zero exit."""
    typer.echo(f"citecheck: error: {message}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"citecheck: {message}", err=True)


def write_output(text: str, output: Path | None) -> None:
    """Write to stdout, or atomically to a file (never a half-written file)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        fail(f"{output}: output directory {directory} does not exist")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, output)
    except OSError as exc:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # never leave a temporary file behind
        fail(f"{output}: cannot write ({exc.strerror or exc})")


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
