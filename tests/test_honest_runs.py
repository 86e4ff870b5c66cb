"""Honest runs: references left unchecked by a failing source end `check`/`match` with one line and exit 4."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.cli_common import EXIT_UNCHECKED
from tests.test_check_cli import SMALL

runner = CliRunner()
DEAD = {"CITECHECK_CROSSREF_URL": "http://127.0.0.1:9", "CITECHECK_SOURCES": "crossref", "CITECHECK_RETRIES": "1",
        "CITECHECK_COOLDOWN": "30", "CITECHECK_TIMEOUT": "1", "CITECHECK_MAILTO": "t@example.org"}


def _doc(tmp_path: Path) -> Path:
    doc = tmp_path / "note.md"
    doc.write_text(SMALL, encoding="utf-8")
    return doc


def test_check_with_an_unreachable_source_exits_4_with_one_line(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["check", str(_doc(tmp_path)), "--cache-dir", str(tmp_path / "c"), "--no-support", "-o", str(out)]
    result = runner.invoke(app, args, env=DEAD)
    assert result.exit_code == EXIT_UNCHECKED == 4
    last = result.stderr.strip().splitlines()[-1]
    assert "2 of 2 references could not be checked" in last and "crossref" in last and "connection" in last
    assert json.loads(out.read_text())["documents"][0]["summary"]["verdicts"]["unchecked"] == 2  # report written
    result = runner.invoke(app, [*args, "--fail-on", "never"], env=DEAD)
    assert result.exit_code == 0 and "could not be checked" not in result.stderr


def test_match_exits_4_too(tmp_path: Path) -> None:
    result = runner.invoke(app, ["match", "--string", "Lind B. Clock drift in captive crabs. J Mar Biol. 2016;13(1):5-9.",
                                 "--cache-dir", str(tmp_path / "c")], env=DEAD)
    assert result.exit_code == 4 and "1 of 1 references could not be checked" in result.stderr
    result = runner.invoke(app, ["match", "--string", "Lind B. Clock drift. 2016.", "--cache-dir", str(tmp_path / "c")],
                           env={**DEAD, "CITECHECK_FAIL_ON": "never"})
    assert result.exit_code == 0
    result = runner.invoke(app, ["match", "--string", "Lind B. Clock drift. 2016.", "--cache-dir", str(tmp_path / "c"),
                                 "--fail-on", "never"], env=DEAD)
    assert result.exit_code == 0


def test_offline_runs_are_not_failures_but_say_so(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["check", str(_doc(tmp_path)), "--offline", "--cache-dir", str(tmp_path / "c"),
                                 "--no-support", "-o", str(out)], env={"CITECHECK_FAIL_ON": "never"})
    assert result.exit_code == 0
    assert "offline run: only the response cache and local indexes" in out.read_text(encoding="utf-8")
