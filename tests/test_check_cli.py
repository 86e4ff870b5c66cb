"""`citecheck check`: every report format, inputs as files/directories/globs, exit codes, settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pybtex.database import parse_string
from typer.testing import CliRunner

from citecheck.cli import app

DEMO_DIR = Path(__file__).resolve().parents[1] / "citecheck" / "data" / "demo"
DEMO = DEMO_DIR / "review.zh.md"
INDEX = DEMO_DIR / "index.jsonl"
runner = CliRunner()

SMALL = """# A note

Shore crabs keep tidal time [1]. Their clocks drift in the lab [2].

References
1. Okafor A, Lind B. Tidal rhythms of shore crabs. J Mar Biol. 2015;12(3):101-110.
2. Lind B. Clock drift in captive crabs. J Mar Biol. 2016;13(1):5-9.
"""


def _check(tmp_path: Path, *args: str) -> object:
    return runner.invoke(app, ["check", *args, "--offline", "--cache-dir", str(tmp_path / "cache"),
                               "--no-support"])


def test_every_format_from_one_run(tmp_path: Path) -> None:
    outs = {fmt: tmp_path / name for fmt, name in (("html", "r.html"), ("md", "r.md"), ("json", "r.json"),
                                                    ("bib", "r.bib"), ("csl-json", "r.csl.json"),
                                                    ("table", "r.txt"))}
    args = [str(DEMO), "--index", str(INDEX), "--fail-on", "never"]
    for path in outs.values():
        args += ["-o", str(path)]
    result = _check(tmp_path, *args)
    assert result.exit_code == 0, result.stderr
    html = outs["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html
    assert "wrong_doi" in outs["md"].read_text(encoding="utf-8")
    report = json.loads(outs["json"].read_text(encoding="utf-8"))
    assert report["documents"][0]["summary"]["references"] == 32
    bib = parse_string(outs["bib"].read_text(encoding="utf-8"), "bibtex")
    assert len(bib.entries) == 32
    dois = {e.fields.get("doi") for e in bib.entries.values()}
    assert "10.1016/j.bonr.2021.101093" in dois  # the wrong DOI of [6] corrected
    assert len(json.loads(outs["csl-json"].read_text(encoding="utf-8"))) == 32
    assert "verified" in outs["table"].read_text(encoding="utf-8")


def test_list_format_restyles(tmp_path: Path) -> None:
    out = tmp_path / "list.txt"
    result = _check(tmp_path, str(DEMO), "--index", str(INDEX), "--fail-on", "never", "-f", "list",
                    "--style", "vancouver", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("1. Bagheri-Mohammadi S.") and lines[30].startswith("30. ")


def test_exit_codes(tmp_path: Path) -> None:
    doc = tmp_path / "note.md"
    doc.write_text(SMALL, encoding="utf-8")
    assert _check(tmp_path, str(doc), "-f", "json", "-o", str(tmp_path / "a.json")).exit_code == 0
    # an uncited entry is a warning: failing on warnings turns it into exit 1
    doc.write_text(SMALL.replace(" Their clocks drift in the lab [2].", ""), encoding="utf-8")
    assert _check(tmp_path, str(doc), "-o", str(tmp_path / "b.json")).exit_code == 0
    assert _check(tmp_path, str(doc), "--fail-on", "warning", "-o", str(tmp_path / "c.json")).exit_code == 1
    bad = _check(tmp_path, str(tmp_path / "missing.md"))
    assert bad.exit_code == 2 and "no such file" in bad.stderr
    assert _check(tmp_path, str(doc), "--fail-on", "sometimes").exit_code == 2
    assert _check(tmp_path, str(doc), "-o", str(tmp_path / "x.unknown")).exit_code == 2


def test_directory_and_glob_inputs_with_one_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text(SMALL, encoding="utf-8")
    (folder / "b.txt").write_text(SMALL, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "batch.json"
    result = _check(tmp_path, str(folder), "-o", str(out))
    assert result.exit_code == 2  # one document could not be read ...
    assert "empty" in result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))  # ... and the others are still reported
    assert sorted(Path(d["document"]).name for d in report["documents"]) == ["a.md", "b.txt"]
    result = _check(tmp_path, str(folder / "*.md"), "-o", str(tmp_path / "glob.json"))
    assert result.exit_code == 0
    assert json.loads((tmp_path / "glob.json").read_text(encoding="utf-8"))["count"] == 1


def test_list_and_explain_checks() -> None:
    listed = runner.invoke(app, ["check", "--list-checks"])
    assert listed.exit_code == 0 and "dangling_citation" in listed.stdout
    explained = runner.invoke(app, ["check", "--explain", "wrong_doi"])
    assert explained.exit_code == 0 and explained.stdout.startswith("wrong_doi (error")
    assert runner.invoke(app, ["check", "--explain", "nope"]).exit_code == 2


def test_settings_from_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "note.md"
    doc.write_text(SMALL.replace(" Their clocks drift in the lab [2].", ""), encoding="utf-8")
    (tmp_path / "citecheck.toml").write_text('fail_on = "warning"\noffline = true\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", str(doc), "--cache-dir", str(tmp_path / "cache"), "--no-support",
                                 "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 1  # fail_on from the file
    monkeypatch.setenv("CITECHECK_FAIL_ON", "error")  # the environment beats the file
    result = runner.invoke(app, ["check", str(doc), "--cache-dir", str(tmp_path / "cache"), "--no-support",
                                 "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 0
