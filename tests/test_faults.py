"""Faults while checking a 300-reference document against the loopback Crossref server.

The whole `check` command runs (no local index, Crossref pointed at the server
with ``CITECHECK_CROSSREF_URL``) while the server misbehaves on a schedule:
429 with and without ``Retry-After``, 500/502/503 bursts, answers slower than
the client's timeout, connections reset mid-body, broken JSON and HTML instead
of JSON. What must hold: no crash, bounded time, every reference either
matched exactly as in a fault-free run or ``unchecked`` with its reason — no
fault may turn into a wrong verdict — the error cut-off stops the asking when
the service is down or mostly failing, and a second run with the faults gone
asks only for what is missing (successful answers were cached).

Retry settings are shrunk through the environment (the same declarative
settings users have), so the file runs in well under a minute.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from tests.crossref_server import CrossrefTestServer, Fault
from tests.reliability_docs import build_index, make_document, make_works

N_REFS = 300
TIMEOUT = 0.5
HANG = 1.0
RETRY_AFTER = 1.0


@dataclass
class ScheduledServer(CrossrefTestServer):
    """The loopback server, misbehaving on chosen request numbers (1-based, in arrival order).

    A schedule spreads faults over the run; the base class's queue would spend them all on
    the first requests.
    """

    schedule: dict[int, Fault] = field(default_factory=dict)
    rule: Any = None
    """Optional ``rule(n) -> Fault | None`` applied when `schedule` has nothing for request n."""
    offset: int = 0
    """Requests before this many are not counted (set with `plan`)."""

    def plan(self, schedule: dict[int, Fault] | None = None, rule: Any = None) -> None:
        """Faults for the requests from now on, numbered from 1."""
        with self._lock:
            self.offset = len(self.requests)
            self.schedule = dict(schedule or {})
            self.rule = rule

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            n = len(self.requests) - self.offset
            fault = self.schedule.pop(n, None)
        if fault is None and self.rule is not None:
            fault = self.rule(n)
        return fault


@dataclass
class Run:
    exit_code: int
    stderr: str
    seconds: float
    requests: int
    references: list[dict[str, Any]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict[str, Any]]]:
    """The server's index (300 invented works) and a document citing all of them."""
    root = tmp_path_factory.mktemp("faults")
    works = make_works(N_REFS)
    build_index(root / "server.sqlite", works).close()
    doc = root / "paper.md"
    doc.write_text(make_document(works, "Three hundred references"), encoding="utf-8")
    return root / "server.sqlite", doc, works


@pytest.fixture
def server(corpus: tuple[Path, Path, list[dict[str, Any]]]) -> Iterator[ScheduledServer]:
    from citecheck.sources.index import LocalIndex

    srv = ScheduledServer(LocalIndex(corpus[0])).start()
    try:
        yield srv
    finally:
        srv.stop()


def settings_env(server: CrossrefTestServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Small, declarative retry settings; no local index (the user data dir is empty)."""
    env = {
        "CITECHECK_CROSSREF_URL": server.url, "CITECHECK_MAILTO": "faults@example.org",
        "CITECHECK_TIMEOUT": str(TIMEOUT), "CITECHECK_RETRIES": "3", "CITECHECK_BACKOFF": "0.05",
        "CITECHECK_MAX_RETRY_AFTER": "2", "CITECHECK_RETRY_BUDGET": "10", "CITECHECK_COOLDOWN": "0",
        "CITECHECK_WORKERS": "3", "CITECHECK_INDEX": "", "XDG_DATA_HOME": str(tmp_path / "data"),
        "CITECHECK_OFFLINE": "", "CITECHECK_CACHE_DIR": "", "CITECHECK_SOURCES": "crossref",
    }
    env.update(extra)
    return env


def run_check(server: CrossrefTestServer, doc: Path, tmp_path: Path, cache: Path, **extra: str) -> Run:
    out = tmp_path / f"report-{time.monotonic_ns()}.json"
    before = len(server.requests)
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["check", str(doc), "--cache-dir", str(cache), "--no-support",
                                      "--fail-on", "never", "-o", str(out)],
                                env=settings_env(server, tmp_path, **extra))
    seconds = time.perf_counter() - started
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    report = json.loads(out.read_text(encoding="utf-8"))
    (document,) = report["documents"]
    return Run(result.exit_code, result.stderr, seconds, len(server.requests) - before, document["references"])


def verdicts(run: Run) -> Counter[str]:
    return Counter(r["match"]["verdict"] for r in run.references)


def fault_plan() -> tuple[dict[int, Fault], float, Counter[str]]:
    """Faults spread over the first ~300 requests, the delay they inject, and how many of each."""
    kinds: list[tuple[str, Fault]] = []
    for _ in range(2):
        kinds.append(("429 Retry-After", Fault("status", status=429, retry_after=str(int(RETRY_AFTER)))))
    for _ in range(3):
        kinds.append(("429", Fault("status", status=429)))
    for status in (500, 502, 503):
        for _ in range(4):  # a burst: four requests in a row
            kinds.append((f"{status} burst", Fault("status", status=status, json_body=status == 502)))
    for _ in range(3):
        kinds.append(("slow past timeout", Fault("hang", seconds=HANG)))
    for _ in range(3):
        kinds.append(("reset mid-body", Fault("drop")))
    for _ in range(3):
        kinds.append(("malformed JSON", Fault("malformed")))
    for _ in range(3):
        kinds.append(("wrong content type", Fault("wrong_type")))
    schedule: dict[int, Fault] = {}
    n = 5
    previous = ""
    for label, fault in kinds:
        n += 1 if label == previous and "burst" in label else 11  # bursts back to back, others spread
        schedule[n] = fault
        previous = label
    delay = 2 * RETRY_AFTER + 3 * TIMEOUT  # Retry-After pauses; each hang costs one timeout
    return schedule, delay, Counter(label for label, _ in kinds)


def test_faults_lose_nothing_and_a_rerun_completes(server: ScheduledServer,
                                                   corpus: tuple[Path, Path, list[dict[str, Any]]],
                                                   tmp_path: Path) -> None:
    _, doc, works = corpus
    expected = {w["DOI"].lower() for w in works}

    clean = run_check(server, doc, tmp_path, tmp_path / "cache-clean")
    assert clean.exit_code == 0, clean.stderr
    assert verdicts(clean) == {"verified": N_REFS} and clean.requests == N_REFS
    truth = {r["n"]: r["match"]["doi"] for r in clean.references}
    assert set(truth.values()) == expected

    schedule, injected_delay, injected = fault_plan()
    server.plan(schedule)
    faulty = run_check(server, doc, tmp_path, tmp_path / "cache")
    assert faulty.exit_code == 0, faulty.stderr
    assert not server.schedule, "every scheduled fault was served"
    assert len(faulty.references) == N_REFS
    unchecked = []
    for ref in faulty.references:
        m = ref["match"]
        if m["verdict"] == "unchecked":
            assert m["reason"], ref  # never unchecked without saying why
            assert "stopped" not in m["reason"]  # the cut-off must not trip on scattered faults
            unchecked.append(ref["n"])
        else:
            # a fault never becomes a wrong answer: what is decided is what the fault-free run decided
            assert m["verdict"] == "verified" and m["doi"] == truth[ref["n"]], ref
    # the non-retryable faults (broken bodies) each leave one reference unchecked; retried ones recover
    assert 6 <= len(unchecked) <= 6 + 4, Counter(
        r["match"]["reason"] for r in faulty.references if r["match"]["verdict"] == "unchecked")
    bound = 2 * clean.seconds + injected_delay + 3.0
    assert faulty.seconds <= bound, (faulty.seconds, clean.seconds, injected_delay)

    # faults gone: the second run asks only for what is missing, and completes it
    rerun = run_check(server, doc, tmp_path, tmp_path / "cache")
    assert rerun.requests == len(unchecked)
    assert verdicts(rerun) == {"verified": N_REFS}
    assert {r["n"]: r["match"]["doi"] for r in rerun.references} == truth

    FIGURES.update(references=N_REFS, faults_injected=sum(injected.values()), by_kind=dict(injected),
                   unchecked_after_faults=len(unchecked), rerun_requests=rerun.requests, results_lost=0,
                   clean_seconds=round(clean.seconds, 2), fault_seconds=round(faulty.seconds, 2),
                   injected_delay_seconds=injected_delay, bound_seconds=round(bound, 2),
                   rerun_seconds=round(rerun.seconds, 2), fault_run_requests=faulty.requests)


FIGURES: dict[str, Any] = {}
"""Filled by the test above; printed with ``pytest -s`` for RELIABILITY.md."""


def test_dead_service_trips_the_cut_off(server: ScheduledServer, corpus: tuple[Path, Path, list[dict[str, Any]]],
                                        tmp_path: Path) -> None:
    """Every request fails: after `max_failures` failed requests in a row nothing more is asked."""
    _, doc, _ = corpus
    server.plan(rule=lambda n: Fault("status", status=503))
    run = run_check(server, doc, tmp_path, tmp_path / "cache", CITECHECK_MAX_FAILURES="5", CITECHECK_RETRIES="2")
    assert run.exit_code == 0
    assert verdicts(run) == {"unchecked": N_REFS}
    reasons = Counter(r["match"]["reason"] for r in run.references)
    stopped = sum(n for reason, n in reasons.items() if "stopped after" in reason and "in a row" in reason)
    assert stopped >= N_REFS - 10
    # at most the failing requests in flight when the cut-off tripped (3 workers), each with 2 tries
    assert run.requests <= (5 + 3) * 2
    assert run.seconds < 30
    FIGURES.update(cut_off_requests=run.requests, cut_off_seconds=round(run.seconds, 2))


def test_mostly_failing_service_trips_the_error_rate(server: ScheduledServer,
                                                     corpus: tuple[Path, Path, list[dict[str, Any]]],
                                                     tmp_path: Path) -> None:
    """Three requests in five get a broken body (not retried): past 50 % failed, asking stops."""
    _, doc, _ = corpus
    server.plan(rule=lambda n: Fault("malformed") if n % 5 in (1, 2, 3) else None)
    run = run_check(server, doc, tmp_path, tmp_path / "cache", CITECHECK_MAX_FAILURES="0")
    counts = verdicts(run)
    assert set(counts) <= {"verified", "unchecked"} and sum(counts.values()) == N_REFS
    reasons = [r["match"]["reason"] for r in run.references if r["match"]["verdict"] == "unchecked"]
    assert any("error rate above 50%" in reason for reason in reasons)
    assert run.requests <= 20 + 3 + 3  # min_requests, plus requests in flight
    assert all(r["match"]["reason"] for r in run.references if r["match"]["verdict"] == "unchecked")


def test_print_figures() -> None:
    """Runs last in this file: the figures for RELIABILITY.md (visible with ``pytest -s``)."""
    if FIGURES:
        print("\nfault-run figures:", json.dumps(FIGURES, indent=1))
