"""`check --jobs N`: worker processes give the very reports one process gives, in input order."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.config import Settings
from citecheck.pipeline import EventKind, check_batch, runs_in_parallel
from citecheck.report.jsonout import report_dict

DEMO = Path(__file__).resolve().parent.parent / "citecheck" / "data" / "demo"


def _docs(tmp_path: Path) -> list[str]:
    text = (DEMO / "review.zh.md").read_text(encoding="utf-8")
    a = tmp_path / "a.md"
    a.write_text(text, encoding="utf-8")
    b = tmp_path / "b.md"  # a shorter second document: the first half of the list only
    b.write_text(text.split("[参考文献]")[0] + "[参考文献]\n" + "\n".join(text.split("[参考文献]")[1].splitlines()[:15]),
                 encoding="utf-8")
    bad = tmp_path / "c.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    return [str(a), str(bad), str(b)]


def _settings(tmp_path: Path, jobs: int) -> Settings:
    return Settings(offline=True, indexes=[DEMO / "index.jsonl"], cache_dir=tmp_path / f"cache{jobs}", jobs=jobs,
                    embed_model="none", sources=["crossref"])


def _without_time(data: dict) -> dict:
    data.pop("generated_at", None)
    return data


def test_two_processes_give_the_same_reports_in_order(tmp_path: Path) -> None:
    paths = _docs(tmp_path)
    events: list = []
    one = check_batch(paths, _settings(tmp_path, 1))
    two = check_batch(paths, _settings(tmp_path, 2), on_event=events.append)
    assert [a.document for a in two.audits] == [paths[0], paths[2]]
    assert [e.path for e in two.failed] == [paths[1]]  # the unreadable one, reported, not fatal
    assert _without_time(report_dict(one.audits)) == _without_time(report_dict(two.audits))
    checked = [e.path for e in events if e.kind is EventKind.CHECKED]
    assert checked == [paths[0], paths[2]]  # events in input order too


def test_parallel_only_when_it_can_be(tmp_path: Path) -> None:
    s = _settings(tmp_path, 2)
    assert runs_in_parallel(["a", "b"], s)
    assert not runs_in_parallel(["a"], s) and not runs_in_parallel(["a", "-"], s)
    assert not runs_in_parallel(["a", "b"], _settings(tmp_path, 1))


def test_cli_jobs_option(tmp_path: Path) -> None:
    paths = _docs(tmp_path)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["check", paths[0], paths[2], "--offline", "--index", str(DEMO / "index.jsonl"),
                                      "--cache-dir", str(tmp_path / "c"), "--no-support", "--fail-on", "never",
                                      "--jobs", "2", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["count"] == 2
    bad = CliRunner().invoke(app, ["check", paths[0], "--jobs", "0", "--offline"])
    assert bad.exit_code == 2 and "jobs" in bad.stderr
