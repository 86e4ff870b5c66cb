"""The command line: formats, stdin, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pybtex.database import parse_string
from typer.testing import CliRunner

from citecheck.cli import app

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[1] / "citecheck" / "data" / "demo" / "review.zh.md"

SMALL = """A short paper.

References
1. Smith J, Jones K. A study of things. Nature. 2020;581(7806):123-130.
2. Li W, Zhang S. Another study. Cell. 2019;177(2):45-60.
"""


def test_refs_json_on_demo() -> None:
    result = runner.invoke(app, ["refs", str(DEMO), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)  # the one report shape of every stage
    assert payload["count"] == 1 and payload["summary"]["references"] == 32
    doc = payload["documents"][0]
    assert [lst["count"] for lst in doc["lists"]] == [32]
    numbers = [item["n"] for item in doc["references"]]
    assert numbers == list(range(1, 33))
    first = doc["references"][0]
    assert {"raw", "span", "fields", "warnings", "list_id", "key"} <= set(first)
    assert first["match"] is None


def test_refs_lines_from_stdin() -> None:
    text = "Smith J. A study of things. Nature. 2020;581:123-130.\n\nLi W. Another study. Cell. 2019;177:45-60.\n"
    result = runner.invoke(app, ["refs", "-", "--lines", "--format", "jsonl"], input=text)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["n"] for r in rows] == [1, 2]
    assert rows[1]["raw"].startswith("Li W.")


def test_refs_bibtex_parses_back(tmp_path: Path) -> None:
    doc = tmp_path / "paper.md"
    doc.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out.bib"
    result = runner.invoke(app, ["refs", str(doc), "--format", "bibtex", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    bib = parse_string(out.read_text(encoding="utf-8"), "bibtex")
    assert len(bib.entries) == 2


def test_refs_csl_json(tmp_path: Path) -> None:
    doc = tmp_path / "paper.txt"
    doc.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(app, ["refs", str(doc), "--format", "csl-json"])
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert len(items) == 2 and all("id" in item for item in items)


@pytest.mark.parametrize("args", [["refs", "no/such/file.txt"], ["refs", "--format", "nope", "x.txt"]])
def test_bad_input_exits_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2


def test_missing_file_one_line_error() -> None:
    result = runner.invoke(app, ["refs", "no/such/file.txt"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such file" in result.stderr


def test_missing_output_directory(tmp_path: Path) -> None:
    doc = tmp_path / "paper.txt"
    doc.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(app, ["refs", str(doc), "--format", "json", "-o", str(tmp_path / "nodir" / "x.json")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_python_dash_m_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "citecheck", "--version"], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("citecheck ")


def test_match_string_is_read_like_a_document() -> None:
    """`--string` gets the document normal form: full-width digits and mojibake repaired before matching."""
    index = DEMO.parent / "index.jsonl"
    text = ("Rosin AJ, Devereux D, Eng N, Calne DB. Parkinsonism with 'on-off' phenomena. Intravenous treatment "
            "with levodopa after major abdominal surgery. Arch Neurol. １９７９；３６(１)：５２-４.")
    result = runner.invoke(app, ["match", "--string", text, "--index", str(index), "--offline", "--format", "json"])
    assert result.exit_code == 0, result.output
    item = json.loads(result.stdout)["documents"][0]["references"][0]
    assert item["match"]["doi"] == "10.1001/archneur.1979.00500370062014"
    assert item["fields"]["volume"] == "36" and item["raw"].endswith("1979;36(1):52-4.")


def test_refs_match_and_check_write_one_json_shape(tmp_path: Path) -> None:
    """The same schema (docs/schema.json) for every stage: a consumer reads refs, match and check alike."""
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[1] / "docs" / "schema.json").read_text(encoding="utf-8"))
    index = str(DEMO.parent / "index.jsonl")
    runs = {
        "refs": ["refs", str(DEMO), "-f", "json"],
        "match": ["match", str(DEMO), "--offline", "--index", index, "--cache-dir", str(tmp_path), "-f", "json"],
        "check": ["check", str(DEMO), "--offline", "--index", index, "--cache-dir", str(tmp_path), "--no-support",
                  "--fail-on", "never", "-f", "json"],
    }
    shapes = {}
    for name, args in runs.items():
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (name, result.output)
        payload = json.loads(result.stdout)
        jsonschema.validate(payload, schema)
        refs = payload["documents"][0]["references"]
        shapes[name] = (len(refs), set(refs[0]))
    assert shapes["refs"] == shapes["match"] == shapes["check"]
