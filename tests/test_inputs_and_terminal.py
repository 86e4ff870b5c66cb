"""Inputs: a ``**`` glob or a directory walk over symlink loops lists each document once and ends;
terminal output: control characters from file names and text are escaped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citecheck.inputs import expand_inputs


@pytest.fixture
def looped(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "paper.md").write_text("x")
    (root / "sub" / "deeper" / "other.md").write_text("y")
    (root / "loop").symlink_to(root)  # a loop to itself
    (root / "sub" / "up").symlink_to(root)  # and a second loop: two loops made glob exponential
    (root / "sub" / "deeper" / "up2").symlink_to(root / "sub")
    (root / "alias.md").symlink_to(root / "paper.md")
    return root


def test_a_recursive_glob_over_symlink_loops_lists_each_document_once(looped: Path) -> None:
    found = expand_inputs([f"{looped}/**/*.md"])
    assert sorted(os.path.realpath(p) for p in found) == sorted(
        [os.path.realpath(looped / "paper.md"), os.path.realpath(looped / "sub" / "deeper" / "other.md")])


def test_a_directory_walk_over_symlink_loops_lists_each_document_once(looped: Path) -> None:
    found = expand_inputs([str(looped)])
    assert len(found) == 2


def test_plain_globs_still_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "c.md").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert expand_inputs(["*.md"]) == ["a.md"]
    assert sorted(expand_inputs(["**/*.md"])) == ["a.md", "s/c.md"]
    assert expand_inputs(["a.md", "./a.md"]) == ["a.md"]


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[1A\u202e\x9b"


def test_control_characters_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from citecheck.cli import app

    doc = tmp_path / f"paper{HOSTILE}.md"
    doc.write_text(f"Intro {HOSTILE} claim [1].\n\nReferences\n\n1. Hollis M{HOSTILE}. Tidal rhythms. "
                   "J Coast Ecol. 2015;12:201-215.\n", encoding="utf-8")
    env = {"CITECHECK_INDEX": "", "XDG_DATA_HOME": str(tmp_path / "d"), "CITECHECK_OFFLINE": "1",
           "CITECHECK_CACHE_DIR": str(tmp_path / "c"), "CITECHECK_MAILTO": "t@example.org"}
    for args in (["check", str(doc), "-f", "table", "--no-support"], ["refs", str(doc), "-f", "table"],
                 ["claims", str(doc), "-f", "table"], ["match", str(doc), "-f", "table"],
                 ["check", str(tmp_path / f"missing{HOSTILE}.md")]):
        result = CliRunner().invoke(app, args, env=env)
        for stream in (result.stdout, result.stderr):
            assert not any(ch in stream for ch in "\x1b\x07\x9b\u202e"), (args, stream[:300])
    assert "\\x1b" in result.stderr  # the name is shown, escaped


def test_escape() -> None:
    from citecheck.termsafe import escape

    assert escape("a\x1b[2Jb\nc\td") == "a\\x1b[2Jb\nc\td"
    assert escape("a\nb", one_line=True) == "a\\nb"
    assert escape("plain 中文 é") == "plain 中文 é"


def test_a_text_file_starting_with_the_pdf_signature_is_read_as_text() -> None:
    from citecheck.document import load

    doc = load("notes.txt", b"%PDF-1.4 is the header of a PDF file.\n\nReferences\n\n"
                            b"1. Hollis M. Tidal rhythms. J Coast Ecol. 2015;12:201-215.\n")
    assert "Hollis" in doc.text
    assert any("%PDF-" in w.message for w in doc.warnings)


def test_a_docx_on_stdin_is_read_as_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from citecheck.document import load
    from tests.reliability_docs import docx_bytes

    data = docx_bytes(["Intro [1].", "References", "[1] Hollis M. Tidal rhythms. J Coast Ecol. 2015;12:201-215."])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    doc = load("-")
    assert doc.format == "docx" and "Hollis" in doc.text
