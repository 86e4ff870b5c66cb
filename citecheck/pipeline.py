"""The one place a document goes through every stage: load → references → matches → claims → findings.

`check_document` audits one document; `check_batch` audits many, keeping each finished
document's audit so an interrupted batch goes on with ``resume=True``, and reports
what happens through `on_event` (the CLI turns events into progress bars and messages;
a service into job status). Neither writes reports: `citecheck.report.render` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from citecheck.audit import run_audit
from citecheck.config import Settings, build_sources, load_settings
from citecheck.document import DocumentError, load
from citecheck.jobs import Outcome
from citecheck.model import Audit, Document, Issue
from citecheck.sources.cache import default_cache_dir


class EventKind(StrEnum):
    LOADED = "loaded"
    """A document was read; `issues` carries its load warnings."""
    PROGRESS = "progress"
    """`done` of `total` references matched in the current document."""
    CHECKED = "checked"
    REUSED = "reused"
    """Taken from an interrupted batch's state (``resume=True``)."""
    FAILED = "failed"
    """The document could not be read; `message` says why in one line."""
    NOTE = "note"
    """Something the user should know about the run (offline, an unkept resume state…)."""


@dataclass(frozen=True)
class Event:
    kind: EventKind
    path: str = ""
    message: str = ""
    done: int = 0
    total: int = 0


OnEvent = Callable[[Event], None]


@dataclass
class BatchResult:
    """Every audit that could be computed, what could not be read, and whether the batch was cut short."""

    audits: list[Audit] = field(default_factory=list)
    failed: list[Event] = field(default_factory=list)
    reused: int = 0
    total: int = 0
    interrupted: bool = False
    state: Any = None
    """The resume state (`citecheck.batch.BatchState`) while it is kept, else None."""

    def finish(self) -> None:
        """Forget the resume state: the caller has stored the reports."""
        if self.state is not None:
            self.state.remove()
            self.state = None


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


def open_sources(settings: Settings) -> tuple[list[Any], list[str]]:
    """The sources these settings name (cache, local indexes, Crossref) and notes about them."""
    return build_sources(settings)


def check_document(source: str | Path | Document, *, settings: Settings | None = None,
                   sources: Sequence[Any] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> Audit:
    """Audit one document (a path, '-' for stdin, or a loaded `Document`).

    `settings` default to what the command line would use (environment and
    ``citecheck.toml``); `sources` default to the ones the settings name.
    Raises `DocumentError` (one line) when the document cannot be read.
    """
    settings = _settings(settings)
    doc = source if isinstance(source, Document) else load(source)
    if sources is None:
        sources = open_sources(settings)[0]
    audit = run_audit(doc, sources, workers=settings.workers, progress=progress, support=settings.support,
                      embed_model=settings.embed_model, vectors_dir=settings.cache_dir or default_cache_dir())
    if settings.offline and audit.matches:
        asked = sorted({str(s.name) for s in sources if str(getattr(s, "name", "")).startswith("index")})
        audit.warnings.append(Issue("offline_run", "offline run: only the response cache and local indexes "
                                    f"({', '.join(asked) or 'none'}) were consulted; not_found means not in "
                                    "those, and nothing was asked online"))
    return audit


def check_batch(paths: Sequence[str], settings: Settings | None = None, *, resume: bool = False,
                on_event: OnEvent | None = None, sources: Sequence[Any] | None = None) -> BatchResult:
    """Audit many documents in order; a document that cannot be read is reported and skipped.

    Each finished audit is stored as it completes (in the cache directory), so
    after an interruption (Ctrl-C: `interrupted` is set and the audits done so
    far are returned) the same call with ``resume=True`` checks only the rest.
    Call `BatchResult.finish()` once the reports are written.

    With ``settings.jobs`` > 1 documents are checked by that many processes (`citecheck.jobs`): this one,
    with `sources`, and workers that open the sources the settings name — so pass `sources` only when
    they are the ones the settings name.
    """
    from citecheck.batch import file_digest

    settings = _settings(settings)
    emit = on_event or (lambda _event: None)
    parallel = runs_in_parallel(paths, settings)
    if sources is None:
        sources, notes = open_sources(settings)
        for note in notes:
            emit(Event(EventKind.NOTE, message=note))
    result = BatchResult(total=len(paths), state=_batch_state(settings, list(paths), resume, emit))
    state = result.state
    plan: list[tuple[str, str | None, Audit | None]] = []
    for path in paths:
        digest = file_digest(path) if state is not None else None
        plan.append((path, digest, state.load(path, digest) if resume and state is not None else None))
    todo = [path for path, _, stored in plan if stored is None]
    if parallel and len(todo) > 1:
        from citecheck.jobs import run_parallel

        outcomes = run_parallel(todo, settings, settings.jobs, sources)
    else:
        outcomes = _run_serial(todo, settings, sources or [], emit)
    try:
        for path, digest, stored in plan:
            if stored is not None:
                result.audits.append(stored)
                result.reused += 1
                emit(Event(EventKind.REUSED, path))
                continue
            outcome = next(outcomes)
            if outcome.audit is None:
                failure = Event(EventKind.FAILED, path, outcome.error or "not checked")
                result.failed.append(failure)
                emit(failure)
                continue
            if parallel:  # a serial run said these as it loaded the document
                for message in outcome.loaded:
                    emit(Event(EventKind.LOADED, path, message))
            result.audits.append(outcome.audit)
            emit(Event(EventKind.CHECKED, path))
            if state is not None:
                _save_state(state, path, digest, outcome.audit, emit)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()
    return result


def runs_in_parallel(paths: Sequence[str], settings: Settings) -> bool:
    """Will `check_batch` use worker processes? (Several documents, ``jobs`` > 1, none read from stdin.)"""
    return settings.jobs > 1 and len(paths) > 1 and "-" not in paths


def _run_serial(paths: Sequence[str], settings: Settings, sources: Sequence[Any], emit: OnEvent
                ) -> Iterator[Outcome]:
    """The outcomes of `paths` checked one after the other in this process, with progress events."""
    for path in paths:
        try:
            doc = load(path)
        except DocumentError as exc:
            yield Outcome(path, error=str(exc))
            continue
        for issue in doc.warnings:
            emit(Event(EventKind.LOADED, path, issue.message))

        def progress(done: int, total: int, _path: str = path) -> None:
            emit(Event(EventKind.PROGRESS, _path, done=done, total=total))

        audit = check_document(doc, settings=settings, sources=sources, progress=progress)
        yield Outcome(path, audit=audit, loaded=[issue.message for issue in doc.warnings])


def _batch_state(settings: Settings, paths: list[str], resume: bool, emit: OnEvent) -> Any:
    """The batch's resume state; without ``resume`` an old state of the same batch is discarded.

    Resume state is a convenience: when it cannot be kept (unwritable cache
    directory) the batch still runs, with a note.
    """
    from citecheck.batch import BatchState, StateError

    if all(p == "-" for p in paths):
        return None  # stdin cannot be read twice: nothing to resume
    try:
        state = BatchState.open(settings.cache_dir, paths, settings)
    except StateError as exc:
        emit(Event(EventKind.NOTE, message=f"warning: resume state not kept ({exc})"))
        return None
    if not resume:
        state.reset()
    return state


def _save_state(state: Any, path: str, digest: str | None, audit: Audit, emit: OnEvent) -> None:
    try:
        state.save(path, digest, audit)
    except OSError as exc:
        emit(Event(EventKind.NOTE, path, f"warning: {path}: resume state not saved ({exc.strerror or exc})"))
