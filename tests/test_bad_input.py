"""The bad-input matrix: whatever lands in an editor's inbox gets an asserted outcome.

Each case ends either in a clear one-line error and exit 2, or in a report with
a warning — never a traceback, never a hang. Cases run through the CLI
(`CliRunner`, in-process, for speed); a few run ``python -m citecheck`` in a
subprocess to prove nothing but one line reaches stderr. Big inputs are
generated in ``tmp_path``. The security cases (hostile HTML, paths named in a
document, no eval/pickle/shell) are at the end.
"""

from __future__ import annotations

import ast
import html.parser
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.document import pdf as pdf_reader
from citecheck.document import word as word_reader
from tests.reliability_docs import make_document, make_works, pdf_bytes

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "citecheck"
runner = CliRunner()

SMALL = ("Tidal foraging was studied before [1], and again later [2].\n\n"
         "References\n"
         "1. Hollis M, Okafor C. Tidal rhythms in the foraging of intertidal crabs. J Coast Ecol. 2015;12(3):201-15.\n"
         "2. Vogt L, Haddad O. Fast substring search with trigram indexes. Proc Text Index. 2020:17-25.\n")


@pytest.fixture(autouse=True)
def _isolated(isolated: Path) -> None:
    """No user configuration, index or cache leaks in; nothing touches the network."""


def check(path: Path | str, *extra: str, fmt: str = "json") -> Any:
    """`citecheck check PATH --offline --no-support` with the report on stdout."""
    return runner.invoke(app, ["check", str(path), "--offline", "--no-support", "--fail-on", "never",
                               "--format", fmt, *extra])


def one_line_error(result: Any, *needles: str) -> None:
    """Exit 2 and a single ``citecheck: error:`` line naming the problem; no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("citecheck: error:")]
    assert errors, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    for needle in needles:
        assert needle in errors[0], errors


def report_of(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    (doc,) = json.loads(result.stdout)["documents"]
    return doc


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- unreadable documents: exit 2, one line


def test_empty_file(tmp_path: Path) -> None:
    one_line_error(check(write(tmp_path, "empty.txt", b"")), "empty document")
    one_line_error(check(write(tmp_path, "blank.md", b"  \n\n\t \n")), "empty document")


def test_binary_file_with_text_extension(tmp_path: Path) -> None:
    blob = bytes(range(256)) * 64
    one_line_error(check(write(tmp_path, "paper.txt", blob)), "binary data")


def test_truncated_pdf(tmp_path: Path) -> None:
    data = pdf_bytes([SMALL] * 3)
    one_line_error(check(write(tmp_path, "cut.pdf", data[: len(data) // 2])), "truncated")


def test_encrypted_pdf(tmp_path: Path) -> None:
    one_line_error(check(write(tmp_path, "locked.pdf", pdf_bytes([SMALL], encrypted=True))), "encrypted")


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    from PIL import Image

    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (300, 400), "white").save(scan)  # an image-only PDF, as a scanner writes it
    one_line_error(check(scan), "no text layer", "OCR")


def test_missing_and_directory_inputs(tmp_path: Path) -> None:
    one_line_error(check(tmp_path / "nowhere.txt"), "no such file")
    (tmp_path / "empty-dir").mkdir()
    one_line_error(check(tmp_path / "empty-dir"), "no documents")


def test_fifty_megabyte_text_file_is_refused_at_once(tmp_path: Path) -> None:
    """Not a manuscript but a dump: refused in well under the time checking it would take."""
    line = "Plain filler text about tidal crabs and their foraging habits [1]. " * 15 + "\n"
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))
    assert path.stat().st_size >= 50 * 1024 * 1024
    started = time.perf_counter()
    result = check(path)
    assert time.perf_counter() - started < 10
    one_line_error(result, "characters, more than", "split the document")


def test_bad_documents_do_not_stop_a_batch(tmp_path: Path) -> None:
    """One unreadable file among good ones: the others are reported, then exit 2 naming the count."""
    good = write(tmp_path, "good.txt", SMALL)
    bad = write(tmp_path, "bad.txt", b"\x00\x01" * 100)
    result = runner.invoke(app, ["check", str(good), str(bad), "--offline", "--no-support", "--format", "json"])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["documents"]) == 1
    assert "1 of 2 documents could not be read" in result.stderr


# ---------------------------------------------------------------- damaged but readable: a report with a warning


def test_invalid_utf8_in_a_utf8_document_is_replaced_with_a_warning(tmp_path: Path) -> None:
    text = ("引言：已有研究表明潮汐影响觅食[1]。\n\n参考文献\n"
            "[1] 王小明, 李华. 基于深度学习的古籍文字识别研究[J]. 计算机学报, 2019, 42(5): 1001-1012.\n")
    data = text.encode("utf-8")
    data = data[:7] + b"\xff" + data[7:]
    result = check(write(tmp_path, "damaged.txt", data))
    doc = report_of(result)
    assert "invalid UTF-8" in result.stderr
    assert len(doc["references"]) == 1 and doc["references"][0]["n"] == 1


def test_legacy_8bit_encoding_is_guessed_with_a_warning(tmp_path: Path) -> None:
    result = check(write(tmp_path, "latin1.txt", SMALL.replace("foraging", "forâgé").encode("latin-1")))
    doc = report_of(result)
    assert "warning" in result.stderr and "encoding" in result.stderr
    assert len(doc["references"]) == 2


def test_gb18030_without_declaration(tmp_path: Path) -> None:
    text = ("引言：已有研究表明[1]，深度学习可用于古籍识别[2]。\n\n参考文献\n"
            "[1] 王小明, 李华. 基于深度学习的古籍文字识别研究[J]. 计算机学报, 2019, 42(5): 1001-1012.\n"
            "[2] 张三. 古籍数字化方法[M]. 北京: 科学出版社, 2018.\n")
    for encoding in ("gbk", "gb18030"):
        result = check(write(tmp_path, f"{encoding}.txt", text.encode(encoding)))
        doc = report_of(result)
        assert "gb18030" in result.stderr
        assert [r["n"] for r in doc["references"]] == [1, 2]
        assert "基于深度学习" in doc["references"][0]["raw"]


def test_mixed_line_endings_read_like_plain_newlines(tmp_path: Path) -> None:
    lines = SMALL.split("\n")
    mixed = "".join(line + ("\r\n", "\r", "\n")[i % 3] for i, line in enumerate(lines))
    a = report_of(check(write(tmp_path, "mixed.txt", mixed)))
    b = report_of(check(write(tmp_path, "plain.txt", SMALL)))
    assert [r["raw"] for r in a["references"]] == [r["raw"] for r in b["references"]]
    assert len(a["references"]) == 2


def test_reference_list_heading_without_entries(tmp_path: Path) -> None:
    doc = report_of(check(write(tmp_path, "norefs.txt", "A claim [1].\n\nReferences\n\n")))
    kinds = {f["kind"] for f in doc["findings"]}
    assert doc["references"] == [] and "no_reference_list" in kinds


def test_deeply_nested_brackets(tmp_path: Path) -> None:
    depth = 50_000
    body = "(" * depth + "claim [1]" + ")" * depth + " " + "[" * depth + " " + "{" * depth + "\n\n"
    started = time.perf_counter()
    doc = report_of(check(write(tmp_path, "nested.txt", body + SMALL)))
    assert time.perf_counter() - started < 30
    assert len(doc["references"]) == 2


def test_single_one_megabyte_line(tmp_path: Path) -> None:
    line = ("tidal crabs forage by the rhythm of the tide [1] " * 21_000)[: 1024 * 1024]
    started = time.perf_counter()
    doc = report_of(check(write(tmp_path, "line.txt", line + "\n\n" + SMALL.split("\n\n", 1)[1])))
    seconds = time.perf_counter() - started
    assert seconds < 60, seconds
    assert len(doc["references"]) == 2


def test_five_thousand_references(tmp_path: Path) -> None:
    works = make_works(5000, seed=5)
    started = time.perf_counter()
    doc = report_of(check(write(tmp_path, "long.md", make_document(works))))
    seconds = time.perf_counter() - started
    assert len(doc["references"]) == 5000
    assert [r["n"] for r in doc["references"]] == list(range(1, 5001))
    assert seconds < 120, seconds


# ---------------------------------------------------------------- index add: bad records skipped and counted


def index_add(tmp_path: Path, name: str, text: str) -> tuple[Any, dict[str, Any]]:
    path = write(tmp_path, name, text)
    result = runner.invoke(app, ["index", "add", str(path), "--index", str(tmp_path / "idx.sqlite")])
    assert "Traceback" not in result.stderr
    return result, json.loads(result.stdout)


def test_index_add_malformed_crossref_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps({"DOI": "10.5555/good.1", "type": "journal-article", "title": ["Good one"]}),
        '{"DOI": "10.5555/broken", "title": ["cut off',
        "[1, 2]",
        json.dumps({"title": ["no DOI here"]}),
        json.dumps({"DOI": "10.5555/good.2", "title": ["Odd types"], "author": "not a list",
                    "issued": {"date-parts": [["x"]]}}),
        '"just a string"',
        json.dumps({"DOI": 12345, "title": 7}),
    ]
    result, stats = index_add(tmp_path, "works.jsonl", "\n".join(lines) + "\n")
    assert result.exit_code == 0 and stats["added"] == 2
    assert stats["skipped_bad"] + stats["skipped_no_doi"] == 6
    assert "skipped" in result.stderr


def test_index_add_malformed_csl_json(tmp_path: Path) -> None:
    items = [
        {"id": "a", "type": "article-journal", "DOI": "10.5555/csl.1", "title": "Good CSL"},
        {"id": "b", "type": "article-journal", "title": "No DOI"},
        {"id": "c", "DOI": "10.5555/csl.3", "title": ["a list"], "author": "oops", "issued": {"date-parts": "x"}},
        42, None, "text",
    ]
    result, stats = index_add(tmp_path, "items.csl.json", json.dumps(items))
    assert result.exit_code == 0 and stats["added"] >= 1
    assert stats["added"] + stats["skipped_bad"] + stats["skipped_no_doi"] == len(items)


def test_index_add_malformed_bibtex_keeps_entries_after_the_damage(tmp_path: Path) -> None:
    bib = """@article{good2020, title = {A good entry}, author = {Smith, John}, year = {2020}, doi = {10.5555/bib.1}}
@article{broken2020,
  title = {Unclosed brace,
  doi = {10.5555/bib.2}
@article{nodoi, title = {No DOI}, year = {2001}}
@article{good2021, title = {After the damage}, author = {Li, Wei}, year = {2021}, doi = {10.5555/bib.3}}
"""
    result, stats = index_add(tmp_path, "refs.bib", bib)
    assert result.exit_code == 0
    assert stats["added"] == 2  # the entry after the unclosed brace is not lost
    assert stats["skipped_bad"] >= 1 and any("syntax error" in e for e in stats["errors"])


def test_index_add_truncated_crossref_envelope(tmp_path: Path) -> None:
    text = '{"status":"ok","message":{"items":[{"DOI":"10.5555/env.1","title":["Whole"]},{"DOI":"10.5555/env.2","ti'
    result, stats = index_add(tmp_path, "envelope.json", text)
    assert result.exit_code == 0 and stats["added"] == 1  # what was read before the cut is kept
    assert "kept the 1 records" in result.stderr


def test_index_add_nothing_readable(tmp_path: Path) -> None:
    result, stats = index_add(tmp_path, "garbage.json", "}{ not json at all")
    assert result.exit_code == 2 and stats["added"] == 0
    assert "no input file could be read" in result.stderr


# ---------------------------------------------------------------- outputs


def test_missing_output_directory(tmp_path: Path) -> None:
    doc = write(tmp_path, "paper.txt", SMALL)
    result = runner.invoke(app, ["check", str(doc), "--offline", "--no-support", "-o",
                                 str(tmp_path / "no" / "such" / "dir" / "r.json")])
    one_line_error(result, "does not exist")


def test_output_parent_is_a_file_or_output_is_a_directory(tmp_path: Path) -> None:
    doc = write(tmp_path, "paper.txt", SMALL)
    blocker = write(tmp_path, "blocker", "a file, not a directory")
    one_line_error(runner.invoke(app, ["check", str(doc), "--offline", "--no-support", "-o",
                                       str(blocker / "r.json")]), "does not exist")
    (tmp_path / "taken.json").mkdir()
    one_line_error(runner.invoke(app, ["check", str(doc), "--offline", "--no-support", "-o",
                                       str(tmp_path / "taken.json")]), "cannot write")
    assert not list(tmp_path.glob(".taken.json.*"))  # no temporary file left behind


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_output_directory(tmp_path: Path) -> None:
    doc = write(tmp_path, "paper.txt", SMALL)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        one_line_error(runner.invoke(app, ["check", str(doc), "--offline", "--no-support", "-o",
                                           str(locked / "r.json")]), "cannot write")
    finally:
        locked.chmod(0o700)


# ---------------------------------------------------------------- limits on containers


def test_zip_bomb_docx_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_reader, "MAX_DOCX_UNPACKED", 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (3 * 1024 * 1024))  # compresses to a few KB
    assert len(buf.getvalue()) < 50_000
    one_line_error(check(write(tmp_path, "bomb.docx", buf.getvalue())), "zip bomb")


def test_huge_pdf_is_read_up_to_the_page_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 3)
    result = check(write(tmp_path, "long.pdf", pdf_bytes([SMALL] * 5)))
    report_of(result)
    assert "only the first 3 of 5 pages were read" in result.stderr


# ---------------------------------------------------------------- through a real process: nothing but one line


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("empty.txt", b"", "empty document"),
    ("paper.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary data"),
])
def test_subprocess_errors_are_one_line(tmp_path: Path, name: str, data: bytes, needle: str) -> None:
    path = write(tmp_path, name, data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-m", "citecheck", "check", str(path), "--offline"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and needle in errors[0], proc.stderr


# ---------------------------------------------------------------- security

HOSTILE = """A hostile paper <script>alert('body')</script> cites [1] and [2] and [3].

References
1. Evil A. <script>alert(1)</script> Title with script. J Hack. 2020;1:1-2. https://example.org/" onerror="alert(2)
2. Evil B. <img src=x onerror=alert(3)> An image title. J Hack. 2021;2:3-4. javascript:alert(4)
3. Evil C. "><svg onload=alert(5)> Quoted <a href="javascript:alert(6)">link</a>. J Hack. 2022;3:5-6.
"""


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def test_html_report_of_a_hostile_document_is_inert(tmp_path: Path) -> None:
    hostile = write(tmp_path, "hostile.txt", HOSTILE)
    benign = write(tmp_path, "benign.txt", SMALL)
    bad = tmp_path / "hostile.html"
    good = tmp_path / "benign.html"
    for doc, out in ((hostile, bad), (benign, good)):
        result = runner.invoke(app, ["check", str(doc), "--offline", "--no-support", "--fail-on", "never",
                                     "-o", str(out)])
        assert result.exit_code == 0, result.stderr
    text = bad.read_text(encoding="utf-8")
    tags = _tags(text)
    benign_tags = _tags(good.read_text(encoding="utf-8"))
    # the document added no script and no active element: only the template's own two scripts
    assert [t for t, _ in tags].count("script") == [t for t, _ in benign_tags].count("script")
    assert not [t for t, _ in tags if t in {"img", "svg", "iframe", "object", "embed", "form", "base", "meta"}
                and t not in {b for b, _ in benign_tags}]
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), (tag, name)
            if tag == "a" and name == "href":
                assert (value or "").startswith(("https://", "http://", "#")), value
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in text or "\\u003cscript" in text  # the text is still shown, escaped


def _risky_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in {"eval", "exec", "compile", "__import__"}:
                found.append(f.id)
            if isinstance(f, ast.Attribute) and f.attr in {"system", "popen"} and getattr(f.value, "id", "") == "os":
                found.append(f"os.{f.attr}")
            for kw in node.keywords:
                if kw.arg in {"shell", "allow_pickle"} and isinstance(kw.value, ast.Constant) and kw.value.value:
                    found.append(f"{kw.arg}=True")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and
                                                   node.module else [])
            for name in names:
                if name.split(".")[0] in {"pickle", "cPickle", "dill", "marshal", "shelve", "cloudpickle",
                                          "subprocess"}:
                    found.append(f"import {name}")
    return found


def test_no_eval_exec_pickle_or_shell_in_the_package() -> None:
    """Document content must never reach an interpreter, a deserialiser of code, or a shell."""
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found = _risky_calls(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
    # and the scanner does see them
    planted = "import pickle\neval(x)\nos.system(c)\nrun(c, shell=True)\nnp.load(f, allow_pickle=True)"
    assert sorted(_risky_calls(ast.parse(planted))) == sorted(
        ["import pickle", "eval", "os.system", "shell=True", "allow_pickle=True"])


def _snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_paths_named_in_a_document_are_never_written(tmp_path: Path) -> None:
    """A document naming paths (relative escapes, absolute, file: URLs, -o look-alikes) causes no writes."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    (tmp_path / "out").mkdir()
    doc = write(tmp_path / "a", "paper.md", (
        "See ../../etc/x and ../../../etc/passwd [1]; save to /tmp/citecheck-evil-output and "
        "file:///etc/shadow [2]; -o ../../owned.html --cache-dir ../../evil [3].\n\n"
        "References\n"
        "1. Root A. Writing ../../etc/x considered harmful. J Paths. 2020;1:1-2. file:///etc/x\n"
        "2. Tmp B. Into /tmp/citecheck-evil-output. J Paths. 2021;2:3-4. https://example.org/../../etc/x\n"
        "3. Out C. -o ../../owned.html. J Paths. 2022;3:5-6. doi:10.5555/../../etc/x\n"))
    before = _snapshot(tmp_path)
    evil = Path("/tmp/citecheck-evil-output")
    assert not evil.exists()
    outputs = [tmp_path / "out" / name for name in ("r.html", "r.md", "r.json", "r.bib", "r.csl.json")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env.update(PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "data"))
    args = [sys.executable, "-m", "citecheck", "check", str(doc), "--offline", "--no-support", "--fail-on",
            "never", "--cache-dir", str(tmp_path / "cache")]
    for out in outputs:
        args += ["-o", str(out)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    created = _snapshot(tmp_path) - before
    allowed = {str(o.relative_to(tmp_path)) for o in outputs}
    unexpected = {p for p in created - allowed if not p.startswith("cache")}
    assert unexpected == set()
    assert allowed <= created
    assert not evil.exists() and not (tmp_path / "etc").exists() and not (tmp_path / "owned.html").exists()
