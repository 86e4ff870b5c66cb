"""`check --resume`: a batch killed midway goes on without re-doing finished documents.

The end-to-end test runs the real command in a subprocess against a slow
loopback Crossref server, SIGKILLs it once two documents are stored as
finished, and resumes. The proof that finished documents are not re-done does
not rely on our own messages: the response cache is deleted before resuming,
so re-checking a finished document would have to ask the server again — and
the server sees no request for any of their references.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from citecheck.batch import BatchState, batch_key
from citecheck.cli import app
from citecheck.config import Settings
from citecheck.report import render
from citecheck.report.jsonout import audit_from_dict, document_dict
from tests.crossref_server import CrossrefTestServer, Fault
from tests.reliability_docs import build_index, make_document, make_works, reference_string

ROOT = Path(__file__).resolve().parents[1]
N_DOCS, PER_DOC = 6, 3


class SlowServer(CrossrefTestServer):
    """Every request answered after `delay` seconds (a slow service, so the batch can be killed midway)."""

    delay = 0.0

    def take_fault(self, path: str) -> Fault | None:
        return Fault("hang", seconds=self.delay) if self.delay else None


@pytest.fixture
def batch(tmp_path: Path) -> Iterator[tuple[SlowServer, list[Path], list[list[dict[str, Any]]]]]:
    works = make_works(N_DOCS * PER_DOC, seed=11, prefix="10.5555/resume")
    server = SlowServer(build_index(tmp_path / "server.sqlite", works)).start()
    docs, groups = [], []
    for d in range(N_DOCS):
        group = works[d * PER_DOC : (d + 1) * PER_DOC]
        path = tmp_path / "inbox" / f"paper{d + 1}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(make_document(group, f"Paper {d + 1}"), encoding="utf-8")
        docs.append(path)
        groups.append(group)
    try:
        yield server, docs, groups
    finally:
        server.stop()


def env_for(server: CrossrefTestServer, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env.update({"CITECHECK_CROSSREF_URL": server.url, "CITECHECK_SOURCES": "crossref", "CITECHECK_MAILTO": "resume@example.org",
                "CITECHECK_WORKERS": "1", "CITECHECK_TIMEOUT": "5", "CITECHECK_RETRIES": "2",
                "CITECHECK_BACKOFF": "0.05", "XDG_DATA_HOME": str(tmp_path / "data"),
                "PYTHONPATH": str(ROOT)})
    return env


def finished_in(cache: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in cache.glob("batches/*/*.json"):
        if f.name != "batch.json":
            data = json.loads(f.read_text(encoding="utf-8"))
            out[data["path"]] = data["finished_at"]
    return out


def test_killed_batch_resumes_without_redoing_finished_documents(
        batch: tuple[SlowServer, list[Path], list[list[dict[str, Any]]]], tmp_path: Path) -> None:
    server, docs, groups = batch
    cache, out = tmp_path / "cache", tmp_path / "reports" / "batch.json"
    out.parent.mkdir()
    args = [sys.executable, "-m", "citecheck", "check", *map(str, docs), "--cache-dir", str(cache),
            "--no-support", "--fail-on", "never", "-o", str(out)]
    server.delay = 0.25
    proc = subprocess.Popen(args, env=env_for(server, tmp_path), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while len(finished_in(cache)) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the batch never got two documents done"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    done = finished_in(cache)
    k = len(done)
    assert 2 <= k < N_DOCS and not out.exists()
    assert set(done) == {str(p.resolve()) for p in docs[:k]}  # documents are done in order

    # forget every cached answer: re-checking a finished document would now have to ask the server
    for f in cache.glob("responses.sqlite*"):
        f.unlink()
    server.delay = 0.0
    before = len(server.requests)
    result = subprocess.run([*args, "--resume"], env=env_for(server, tmp_path), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"resumed: {k} of {N_DOCS} documents were already checked" in result.stderr
    asked = [r.query.get("query.bibliographic", "") for r in server.requests[before:]]
    finished_titles = [w["title"][0] for g in groups[:k] for w in g]
    assert not [q for q in asked if any(t in q for t in finished_titles)], "a finished document was re-done"
    assert len(asked) == PER_DOC * (N_DOCS - k)

    report = json.loads(out.read_text(encoding="utf-8"))
    assert [Path(d["document"]).name for d in report["documents"]] == [p.name for p in docs]
    verdicts = [r["match"]["verdict"] for d in report["documents"] for r in d["references"]]
    assert verdicts == ["verified"] * (N_DOCS * PER_DOC)
    assert not list(cache.glob("batches/*")), "the state is removed once the reports are written"


def _check(docs: list[Path], cache: Path, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(app, ["check", *map(str, docs), "--offline", "--cache-dir", str(cache),
                                    "--no-support", "--fail-on", "never", "-o", str(out), *extra])


def test_resume_reuses_only_unchanged_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: state kept when reports cannot be written; an edited document is checked again."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for var in ("CITECHECK_INDEX", "CITECHECK_CACHE_DIR", "CITECHECK_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    works = make_works(4, seed=3)
    docs = []
    for i in range(2):
        doc = tmp_path / f"d{i}.md"
        doc.write_text(make_document(works[i * 2 : i * 2 + 2]), encoding="utf-8")
        docs.append(doc)
    cache = tmp_path / "cache"
    blocked = tmp_path / "missing-dir" / "r.json"  # reports fail: the batch's state must survive
    first = _check(docs, cache, blocked)
    assert first.exit_code == 2 and "does not exist" in first.stderr
    stamps = finished_in(cache)
    assert len(stamps) == 2

    docs[1].write_text(make_document(works[2:4]) + "\nAn added line.\n", encoding="utf-8")
    out = tmp_path / "r.json"
    second = _check(docs, cache, out, "--resume")
    assert second.exit_code == 0, second.stderr
    assert "resumed: 1 of 2 documents" in second.stderr  # the edited one was checked again
    assert len(json.loads(out.read_text(encoding="utf-8"))["documents"]) == 2

    # without --resume an old state is not used
    _check(docs, cache, blocked)
    third = _check(docs, cache, out)
    assert third.exit_code == 0 and "resumed" not in third.stderr


def test_state_key_follows_inputs_and_settings(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    key = batch_key([str(a), str(b)], Settings())
    assert key == batch_key([str(b), str(a)], Settings())  # a set: order does not matter
    assert key != batch_key([str(a)], Settings())
    assert key != batch_key([str(a), str(b)], Settings(offline=True))
    assert key != batch_key([str(a), str(b)], Settings(crossref_url="http://127.0.0.1:9"))
    assert key == batch_key([str(a), str(b)], Settings(fail_on="never"))  # only changes the exit code


def test_damaged_state_file_means_check_again(tmp_path: Path) -> None:
    state = BatchState.open(tmp_path, ["x.md"], Settings())
    (state.directory / "junk.json").write_text("{not json", encoding="utf-8")
    assert state.load("x.md", "0" * 64) is None
    assert state.finished() == {}


def test_audit_round_trips_through_the_state(tmp_path: Path) -> None:
    """What a resumed run reports is exactly what the first run would have reported."""
    from citecheck.audit import run_audit
    from citecheck.config import open_index
    from citecheck.document import load

    demo = ROOT / "citecheck" / "data" / "demo"
    index = open_index(demo / "index.jsonl", tmp_path)
    audit = run_audit(load(demo / "review.zh.md"), [index], support=False)
    again = audit_from_dict(json.loads(json.dumps(document_dict(audit))))
    assert again == audit
    for fmt in ("json", "md", "html"):
        assert render([again], fmt) == render([audit], fmt)


def test_reference_string_is_found_in_its_document() -> None:
    works = make_works(2)
    assert reference_string(1, works[0]) in make_document(works)
