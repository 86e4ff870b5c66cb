"""Index files: another application's database is never modified, empty/foreign/damaged files are named
up front (one line, exit 2), damage met mid-run leaves the affected references ``unchecked`` and the run
goes on, and a build cut short by a file-size limit leaves no temporary file."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from tests.reliability_docs import build_index, make_document, make_works

ROOT = Path(__file__).resolve().parent.parent


def env(tmp_path: Path) -> dict[str, str]:
    return {"CITECHECK_INDEX": "", "XDG_DATA_HOME": str(tmp_path / "data"), "CITECHECK_OFFLINE": "1",
            "CITECHECK_CACHE_DIR": str(tmp_path / "cache"), "CITECHECK_MAILTO": "t@example.org"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    p = tmp_path / "paper.md"
    p.write_text(make_document(make_works(6)), encoding="utf-8")
    return p


def foreign_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('my lab notebook')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("name", ["app.sqlite", "app.db"])
def test_another_applications_database_is_refused_and_untouched(tmp_path: Path, doc: Path, name: str) -> None:
    db = foreign_db(tmp_path / name)
    before = digest(db)
    records = tmp_path / "w.jsonl"
    records.write_text("\n".join(json.dumps(w) for w in make_works(3)) + "\n")
    for args in (["check", str(doc), "--index", str(db), "--no-support", "-f", "json"],
                 ["index", "add", str(records), "--index", str(db)],
                 ["index", "info", "--index", str(db)]):
        result = CliRunner().invoke(app, args, env=env(tmp_path))
        assert result.exit_code == 2, (args, result.exit_code, result.stderr, result.exception)
        assert "not a citecheck index" in result.stderr and str(db) in result.stderr
        assert result.stderr.count("citecheck: error:") == 1
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(name)) == [name]  # no -wal, -shm
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["notes"]


@pytest.mark.parametrize("content,message", [(b"", "empty file"), (b"not sqlite at all\n" * 10, "not a SQLite"),
                                             (b"SQLite format 3\x00" + b"\xff" * 4000, "damaged index")])
def test_an_empty_or_damaged_index_file_is_named_up_front(tmp_path: Path, doc: Path, content: bytes,
                                                          message: str) -> None:
    idx = tmp_path / "index.sqlite"
    idx.write_bytes(content)
    result = CliRunner().invoke(app, ["check", str(doc), "--index", str(idx), "--no-support", "-f", "json"],
                                env=env(tmp_path))
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert message in result.stderr and str(idx) in result.stderr
    assert idx.read_bytes() == content


def test_searching_an_index_does_not_write_to_it(tmp_path: Path, doc: Path) -> None:
    idx = tmp_path / "index.sqlite"
    build_index(idx, make_works(6)).close()
    conn = sqlite3.connect(idx)
    conn.execute("PRAGMA journal_mode=DELETE")  # as a copy handed over by a colleague may be
    conn.execute("DELETE FROM trigram_df")  # stats missing: a writer would refresh them
    conn.commit()
    conn.close()
    before = digest(idx)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["check", str(doc), "--index", str(idx), "--no-support", "--fail-on", "never",
                                      "-o", str(out)], env=env(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert digest(idx) == before
    refs = json.loads(out.read_text())["documents"][0]["references"]
    assert {r["match"]["verdict"] for r in refs} == {"verified"}


def test_damage_met_mid_run_leaves_those_references_unchecked(tmp_path: Path, doc: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The file passes the up-front check; searches then hit damaged pages."""
    from citecheck.sources.index import LocalIndex

    idx = tmp_path / "index.sqlite"
    build_index(idx, make_works(6)).close()
    real = LocalIndex._search
    calls = {"n": 0}

    def flaky(self: LocalIndex, query: str, rows: int = 5) -> list:
        calls["n"] += 1
        if calls["n"] % 2 == 0:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real(self, query, rows)

    monkeypatch.setattr(LocalIndex, "_search", flaky)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["check", str(doc), "--index", str(idx), "--no-support", "--fail-on", "never",
                                      "-o", str(out)], env=env(tmp_path))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.stderr
    refs = json.loads(out.read_text())["documents"][0]["references"]
    verdicts = [r["match"]["verdict"] for r in refs]
    assert "unchecked" in verdicts and "verified" in verdicts
    for r in refs:
        if r["match"]["verdict"] == "unchecked":
            assert "malformed" in r["match"]["reason"] and str(idx) in r["match"]["reason"]


def test_a_really_damaged_index_mid_file_does_not_end_the_run(tmp_path: Path, doc: Path) -> None:
    idx = tmp_path / "index.sqlite"
    build_index(idx, make_works(400)).close()
    conn = sqlite3.connect(idx)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    data = bytearray(idx.read_bytes())
    page = 4096
    for start in range(len(data) // 3 // page * page, len(data) - page, 3 * page):
        data[start:start + page] = b"\xa5" * page  # every third page from a third on
    idx.write_bytes(bytes(data))
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["check", str(doc), "--index", str(idx), "--no-support", "--fail-on", "never",
                                      "-o", str(out)], env=env(tmp_path))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:  # found up front: one line naming the file
        assert str(idx) in result.stderr and result.stderr.count("citecheck: error:") == 1
    else:
        refs = json.loads(out.read_text())["documents"][0]["references"]
        assert len(refs) == 6
        assert all(r["match"]["reason"] for r in refs if r["match"]["verdict"] == "unchecked")


def test_an_index_build_cut_short_by_a_file_size_limit_cleans_up(tmp_path: Path, doc: Path) -> None:
    records = tmp_path / "works.jsonl"
    records.write_text("\n".join(json.dumps(w) for w in make_works(3000)) + "\n")
    cache = tmp_path / "cache"
    limit = 600_000

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", "citecheck", "check", str(doc), "--index", str(records),
                           "--no-support", "-f", "json", "--cache-dir", str(cache)],
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env(tmp_path)}, preexec_fn=cap,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "could not build an index" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("citecheck: error:") == 1
    leftovers = [p.name for p in (cache / "indexes").iterdir()] if (cache / "indexes").exists() else []
    assert leftovers == [], leftovers
