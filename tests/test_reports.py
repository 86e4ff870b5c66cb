"""Report renderers: terminal, Markdown, HTML, JSON — content, escaping, schema, determinism.

The audits are built by hand from invented references and records, so every verdict,
diff kind, severity and claim evidence is present and known exactly.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from citecheck.model import (
    Audit,
    Citation,
    Claim,
    FieldDiff,
    Finding,
    Issue,
    Match,
    Record,
    Reference,
    ReferenceList,
    Span,
)
from citecheck.report import View, formats_for, render, safe_href, short_evidence, summarize
from citecheck.report.html import json_for_script, render_html
from citecheck.report.jsonout import render_json, report_dict
from citecheck.report.markdown import md_escape, render_markdown
from citecheck.report.terminal import render_terminal, terminal_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "schema.json"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '" onerror="alert(1)'
XSS_URL = "javascript:alert(1)"


def _csl(authors: list[tuple[str, str]], title: str, journal: str, year: int, volume: str = "", page: str = "",
         doi: str | None = None, **extra: str) -> dict:
    fields = {"type": "article-journal", "author": [{"family": f, "given": g} for f, g in authors], "title": title,
              "container-title": journal, "issued": {"date-parts": [[year]]}}
    if volume:
        fields["volume"] = volume
    if page:
        fields["page"] = page
    if doi:
        fields["DOI"] = doi
    fields.update(extra)
    return fields


def _ref(n: int, raw: str, fields: dict, line: int, start: int, warnings: list[Issue] | None = None) -> Reference:
    return Reference(list_id="L1", n=n, raw=f"[{n}] {raw}", span=Span(start, start + len(raw) + 4, line),
                     fields=fields, warnings=warnings or [], label=f"[{n}]", text=raw)


def sample_audit() -> Audit:
    """An invented review on estuary hydrology with one problem of every sort the reports show."""
    f1 = _csl([("Moreau", "L"), ("Okafor", "T")], "Tidal mixing in shallow estuaries", "Journal of Coastal Hydrology",
              2018, "12", "45-67", "10.5555/jch.2018.045")
    r1 = _ref(1, "Moreau L, Okafor T. Tidal mixing in shallow estuaries[J]. Journal of Coastal Hydrology, 2018, "
                 "12(3): 45-67. DOI: 10.5555/jch.2018.045", f1, 40, 1000)
    f2 = _csl([("Lindqvist", "E")], "Sediment trasport under storm surges", "J Coast Hydrol", 2020, "14", "101-119")
    r2 = _ref(2, "Lindqvist E. Sediment trasport under storm surges[J]. J Coast Hydrol, 2020, 14: 101-119.", f2, 41,
              1200)
    rec2 = Record(_csl([("Lindqvist", "E")], "Sediment transport under storm surges", "Journal of Coastal Hydrology",
                       2021, "14", "101-119", "10.5555/JCH.2021.101"), source="index", score=41.5)
    f3 = _csl([("Ferreira", "P")], "Salt wedge dynamics", "Estuarine Letters", 2016)
    r3 = _ref(3, "Ferreira P. Salt wedge dynamics[J]. Estuarine Letters, 2016.", f3, 42, 1400)
    cand_a = Record(_csl([("Ferreira", "P")], "Salt wedge dynamics in the Tagus", "Estuarine Letters", 2016,
                         doi="10.5555/el.2016.1"), source="crossref", score=60.0)
    cand_b = Record(_csl([("Ferreira", "P")], "Salt wedge dynamics in the Douro", "Estuarine Letters", 2016,
                         doi="10.5555/el.2016.2"), source="crossref", score=59.0)
    evil = f"Evil A. {XSS_SCRIPT} and {XSS_ATTR} [bold]loud[/bold] a|b `tick`"
    f4 = _csl([("Evil", "A")], f"{XSS_SCRIPT} {XSS_ATTR}", "Hack Journal", 2020, doi=XSS_URL, URL=XSS_URL)
    r4 = _ref(4, evil, f4, 43, 1600)
    f5 = _csl([("王", "小明"), ("李", "华")], "湿地碳汇的遥感估算 | A|B 方法", "地理科学进展", 2019, "38", "500-510")
    r5 = _ref(5, "王小明, 李华. 湿地碳汇的遥感估算 | A|B 方法[J]. 地理科学进展, 2019, 38(4): 500-510.", f5, 44, 1800,
              [Issue("hyphenation", "word split by a hyphen joined", "湿地 碳汇", "湿地碳汇")])
    f6 = _csl([("Nakamura", "K")], "Mangrove carbon burial and wetland carbon budgets", "Blue Carbon Review", 2022,
              "3", "1-20")
    r6 = _ref(6, "Nakamura K. Mangrove carbon burial and wetland carbon budgets[J]. Blue Carbon Review, 2022, 3: "
                 "1-20.", f6, 45, 2000)
    lst = ReferenceList(id="L1", heading="参考文献", span=Span(990, 2200, 39), references=[r1, r2, r3, r4, r5, r6],
                        style="gbt7714")

    matches = [
        Match(r1, "verified", Record(dict(f1), source="index", score=70.0), 0.98),
        Match(r2, "corrected", rec2, 0.91, [
            FieldDiff("issued", "2020", "2021", "wrong_value"),
            FieldDiff("title", "Sediment trasport under storm surges", "Sediment transport under storm surges", "typo"),
            FieldDiff("container-title", "J Coast Hydrol", "Journal of Coastal Hydrology", "abbreviation"),
            FieldDiff("DOI", "", "10.5555/jch.2021.101", "missing"),
        ]),
        Match(r3, "ambiguous", None, 0.5, candidates=[cand_a, cand_b], reason="two candidates within 2%"),
        Match(r4, "not_found", None, 0.0, reason=f"no candidate for {XSS_SCRIPT}"),
        Match(r5, "unchecked", None, 0.0, reason="source offline"),
        Match(r6, "verified", Record(dict(f6), source="crossref", score=80.0), 0.95),
    ]

    s1 = "盐水楔的动态决定了河口的分层[3]。"
    s2 = f"Wetlands store carbon in peat and roots [2], see also {XSS_SCRIPT} | pipe."
    s3 = "Storm surges move sediment inland [6,9]."
    claims = [
        Claim(s1, Span(100, 100 + len(s1), 10), [Citation("[3]", Span(114, 117, 10), (3,), "L1")], "1 引言"),
        Claim(s2, Span(200, 200 + len(s2), 12), [Citation("[2]", Span(240, 243, 12), (2,), "L1")], "2 Carbon"),
        Claim(s3, Span(300, 300 + len(s3), 14), [Citation("[6,9]", Span(334, 339, 14), (6, 9), "L1")], "3 Storms"),
    ]

    def ev(m: Match, d: FieldDiff) -> dict:
        return {"verdict": m.verdict, "confidence": m.confidence, "doi": m.doi, "source": "index",
                "field": d.field, "ours": d.ours, "theirs": d.theirs, "diff": d.kind}

    m2 = matches[1]
    findings = [
        Finding("wrong_value", "error", "[2]", "issued: the entry says '2020', the record says '2021' (wrong_value)",
                ev(m2, m2.diffs[0]), r2.span),
        Finding("typo", "warning", "[2]", "title: misspelt", ev(m2, m2.diffs[1]), r2.span),
        Finding("missing_field", "info", "[2]", "DOI: the entry lacks it", ev(m2, m2.diffs[3]), r2.span),
        Finding("ambiguous", "warning", "[3]", "several works fit; none chosen",
                {"verdict": "ambiguous", "reason": "two candidates within 2%",
                 "candidates": [{"doi": c.doi, "title": c.fields["title"], "score": c.score}
                                for c in (cand_a, cand_b)]}, r3.span),
        Finding("not_found", "warning", "[4]", f"no source knows this work {XSS_SCRIPT}",
                {"verdict": "not_found", "reason": f"{XSS_ATTR}", "raw": r4.raw}, r4.span),
        Finding("unchecked", "info", "[5]", "not checked: source offline", {"reason": "source offline"}, r5.span),
        Finding("ocr_repair", "info", "[5]", "word split by a hyphen joined",
                {"code": "hyphenation", "raw": r5.raw, "before": "湿地 碳汇", "after": "湿地碳汇"}, r5.span),
        Finding("dangling_citation", "error", "L1:9", "[6,9] cites [9], which is not in the reference list",
                {"number": 9, "marker": "[6,9]", "line": 14, "list_id": "L1", "list_size": 6}, Span(334, 339, 14)),
        Finding("citation_unrelated", "warning", "[2]", "the cited work is not about what the sentence claims",
                {"marker": "[2]", "number": 2, "list_id": "L1", "line": 12, "claim_terms": ["wetland", "carbon"],
                 "work_about": {"title": "Sediment transport under storm surges", "top_terms": ["sediment", "storm surge"]},
                 "better": {"number": 6, "citation": "Ortega 2019",
                            "title": "Mangrove carbon burial and wetland carbon budgets"},
                 "score": 0.08, "grade": "strong"},
                Span(240, 243, 12)),
        Finding("uncited_entry", "warning", "L1:1", "entry [1] is never cited in the text",
                {"number": 1, "list_id": "L1", "line": 40, "entry": r1.text}, r1.span),
    ]
    return Audit(document="demo/estuaries<1>.md", lists=[lst], matches=matches, claims=claims, findings=findings,
                 warnings=[Issue("encoding", "decoded as gb18030 <guess>")])


def empty_audit() -> Audit:
    return Audit(document="empty.txt", findings=[Finding("no_reference_list", "warning", "empty.txt",
                                                         "no reference list found", {})])


@pytest.fixture
def audits() -> list[Audit]:
    return [sample_audit(), empty_audit()]


# ---------------------------------------------------------------- shared helpers


def test_summary_counts_every_verdict_and_severity() -> None:
    s = summarize(sample_audit())
    assert s.verdicts == {"verified": 2, "corrected": 1, "ambiguous": 1, "not_found": 1, "unchecked": 1}
    assert s.severities == {"error": 2, "warning": 5, "info": 3}
    assert list(s.kinds)[:2] == ["dangling_citation", "wrong_value"]  # errors first
    assert s.references == 6 and s.claims == 3 and s.findings == 10


def test_short_evidence_shows_the_diff() -> None:
    a = sample_audit()
    assert short_evidence(a.findings[0]) == "issued: 2020 → 2021 (wrong_value)"
    assert short_evidence(a.findings[6]) == "湿地 碳汇 → 湿地碳汇"
    unrelated = next(f for f in a.findings if f.kind == "citation_unrelated")
    assert short_evidence(unrelated) == ("claim: wetland, carbon; work: sediment, storm surge; "
                                         "better: [6] Mangrove carbon burial and wetland carbon budgets")


@pytest.mark.parametrize("url", [XSS_URL, "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,x",
                                 "//evil.example/x", "http://a b", 'https://x.example/"onerror=', "vbscript:x",
                                 "java\tscript:alert(1)", None, 42])
def test_safe_href_rejects_everything_but_http(url: object) -> None:
    assert safe_href(url) is None


def test_safe_href_keeps_http_urls() -> None:
    assert safe_href("https://doi.org/10.5555/x") == "https://doi.org/10.5555/x"
    assert safe_href("http://example.org/a?b=1") == "http://example.org/a?b=1"


def test_render_dispatch(audits: list[Audit]) -> None:
    assert set(formats_for(View.CHECK)) == {"table", "md", "html", "json", "bib", "csl-json", "list"}
    for fmt in (*formats_for(View.CHECK), "terminal", "markdown", "bibtex"):
        assert render(audits, fmt)
    with pytest.raises(ValueError, match="no such writer format"):
        render(audits, "pdf")
    with pytest.raises(ValueError, match="not an output format of `check`"):
        render(audits, "csv")


# ---------------------------------------------------------------- terminal


def test_terminal_counts_worst_first_and_cap() -> None:
    out = terminal_text([sample_audit()], limit=3, width=200)
    assert "6 references · 3 citing sentences · 10 findings" in out
    assert "verified 2  corrected 1  ambiguous 1  not_found 1  unchecked 1" in out
    assert "error 2  warning 5  info 3" in out
    assert "issued: 2020 → 2021 (wrong_value)" in out
    assert "… 7 more (see the HTML/Markdown report)" in out
    body = out.split("worst first", 1)[1]
    assert body.index("error") < body.index("warning")


def test_terminal_document_text_is_not_markup() -> None:
    console = Console(record=True, width=200, color_system=None)
    a = sample_audit()
    a.findings.insert(0, Finding("parse_problem", "error", "[4]", "[bold]loud[/bold] [red]x", {}, None))
    render_terminal([a], console, limit=50)
    text = console.export_text()
    assert "[bold]loud[/bold] [red]x" in text
    assert "demo/estuaries<1>.md" in text


def test_terminal_empty_document() -> None:
    out = terminal_text([Audit(document="nothing.txt")])
    assert "no findings" in out


# ---------------------------------------------------------------- markdown


def _table_rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("| ")]


def test_markdown_content(audits: list[Audit]) -> None:
    md = render_markdown(audits)
    assert md.startswith("# citecheck report\n")
    assert "## demo/estuaries&lt;1>.md" in md
    assert "| references | 2 | 1 | 1 | 1 | 1 |" in md
    assert "| findings | 2 | 5 | 3 |" in md
    assert md.index("#### 🔴 Errors (2)") < md.index("#### 🟠 Warnings (5)") < md.index("#### 🔵 Notes (3)")
    assert "issued: ~~2020~~ → **2021** (`wrong_value`)" in md
    assert "container-title: J Coast Hydrol → Journal of Coastal Hydrology (`abbreviation`, not an error)" in md
    assert "[10.5555/jch.2021.101](https://doi.org/10.5555/jch.2021.101)" in md
    assert "| 2 | Sediment trasport under storm surges | `corrected` |" in md
    assert "claim is about: wetland, carbon<br>cited work is about: sediment, storm surge<br>fits better: \\[6\\] " \
           "Mangrove carbon burial" in md
    assert "repair: 湿地 碳汇 → 湿地碳汇" in md


def test_markdown_escapes_document_text(audits: list[Audit]) -> None:
    md = render_markdown(audits)
    assert XSS_SCRIPT not in md and "<script" not in md
    assert "&lt;script>alert(1)&lt;/script>" in md
    assert "](javascript:" not in md.lower()
    assert "a\\|b \\`tick\\`" in md
    assert "湿地碳汇的遥感估算 \\| A\\|B 方法" in md
    # every table row keeps its column count: no unescaped `|` from document text
    for table in re.split(r"\n\n", md):
        rows = _table_rows(table)
        if rows:
            counts = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
            assert len(counts) == 1, rows


def test_md_escape() -> None:
    assert md_escape("a|b`c`<d>&e\n[x](javascript:y) *s* _u_") == \
        "a\\|b\\`c\\`&lt;d>&amp;e \\[x\\](javascript:y) \\*s\\* \\_u\\_"


# ---------------------------------------------------------------- JSON


def test_json_structure(audits: list[Audit]) -> None:
    data = json.loads(render_json(audits))
    assert data["schema_version"] == "1.1"
    assert re.fullmatch(r"citecheck \S+", data["generated_by"])
    assert data["count"] == 2 and len(data["documents"]) == 2
    assert data["summary"]["severities"] == {"error": 2, "warning": 6, "info": 3}
    doc = data["documents"][0]
    assert doc["summary"]["verdicts"]["corrected"] == 1
    ref2 = doc["references"][1]
    assert ref2["key"] == "L1:2"
    assert ref2["match"]["verdict"] == "corrected"
    assert ref2["match"]["doi"] == "10.5555/jch.2021.101"
    assert ref2["match"]["record"]["fields"]["issued"] == {"date-parts": [[2021]]}
    assert {d["kind"]: d["is_error"] for d in ref2["match"]["diffs"]}["abbreviation"] is False
    assert [c["doi"] for c in doc["references"][2]["match"]["candidates"]] == ["10.5555/el.2016.1",
                                                                                  "10.5555/el.2016.2"]
    assert doc["findings"][0]["severity"] == "error"
    assert doc["claims"][2]["citations"][0]["numbers"] == [6, 9]
    assert doc["warnings"][0]["code"] == "encoding"


def _validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_validates_against_schema(audits: list[Audit]) -> None:
    validator = _validator()
    errors = sorted(validator.iter_errors(report_dict(audits, generated_at="2024-01-01T00:00:00Z")), key=str)
    assert not errors, [e.message for e in errors[:5]]


def test_real_report_validates_against_schema() -> None:
    """The demo document through the real pipeline, rendered and validated."""
    from citecheck.audit import run_audit
    from citecheck.document import load

    validator = _validator()
    audit = run_audit(load(str(ROOT / "citecheck" / "data" / "demo" / "review.zh.md")))
    data = json.loads(render_json([audit]))
    errors = list(validator.iter_errors(data))
    assert not errors, [e.message for e in errors[:5]]
    assert data["documents"][0]["summary"]["references"] == len(audit.references)


def test_schema_rejects_drift(audits: list[Audit]) -> None:
    validator = _validator()
    data = report_dict(audits)
    data["documents"][0]["references"][0]["match"]["verdict"] = "probably"
    assert list(validator.iter_errors(data))


# ---------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    """Tags, attributes and script bodies of a page, to assert what a browser would build."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


def test_html_content(audits: list[Audit]) -> None:
    html = render_html(audits)
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>citecheck report</title>" in html
    page = _parse(html)
    tables = [a.get("class") for t, a in page.tags if t == "table"]
    assert tables.count("findings") == 2 and "references" in tables and "claims" in tables
    rows = [a for t, a in page.tags if t == "tr" and a.get("class") == "finding"]
    assert len(rows) == 11
    assert [r["data-severity"] for r in rows[:2]] == ["error", "error"]
    assert {r["data-kind"] for r in rows} >= {"wrong_value", "typo", "citation_unrelated", "dangling_citation"}
    assert '<del>2020</del> → <ins>2021</ins> <span class="kind">wrong_value</span>' in html
    # a typo highlights the changed characters only
    assert "<del>Sediment trasport under storm surges</del> → <ins>Sediment tra<mark>n</mark>sport" in html
    assert '<del><span class="none">(none)</span></del> → <ins>10.5555/jch.2021.101</ins>' in html
    assert '<li class="diff abbr">' in html and "abbreviation · not an error" in html
    assert 'href="https://doi.org/10.5555/jch.2021.101"' in html
    assert 'href="https://doi.org/10.5555/el.2016.1"' in html  # ambiguous candidates are linked
    assert '<dd class="better">[6] Mangrove carbon burial and wetland carbon budgets</dd>' in html
    assert 'data-table="ftable-1" hidden' in html  # filters appear only when JS runs


def test_html_escapes_everything(audits: list[Audit]) -> None:
    html = render_html(audits)
    page = _parse(html)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS_ATTR not in html and "&#34; onerror=&#34;alert(1)" in html
    assert [t for t, _ in page.tags if t == "script"] == ["script", "script"]
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for key in ("href", "src", "action", "formaction"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value or value.startswith(("https://", "http://", "#")), (tag, attrs)
    assert f'<span class="nolink">{XSS_URL}</span>' in html
    assert "demo/estuaries&lt;1&gt;.md" in html


def test_html_csp_forbids_external_loads(audits: list[Audit]) -> None:
    html = render_html(audits)
    page = _parse(html)
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html.split("</header>")[0])
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_html_embedded_json_is_inert_and_complete(audits: list[Audit]) -> None:
    html = render_html(audits)
    block = re.search(r'<script type="application/json" id="citecheck-data">(.*?)</script>', html, re.S)
    assert block is not None
    assert "<" not in block.group(1)
    data = json.loads(block.group(1))
    assert data["report"] == report_dict(audits)
    assert data["checks"]["wrong_value"]["severity"] == "error"
    assert str(json_for_script({"x": "</script><!--\u2028"})) == '{"x":"\\u003c/script\\u003e\\u003c!--\\u2028"}'


# ---------------------------------------------------------------- determinism


@pytest.mark.parametrize("fmt", formats_for(View.CHECK))
def test_same_input_same_output(fmt: str) -> None:
    a = render([sample_audit(), empty_audit()], fmt)
    b = render([sample_audit(), empty_audit()], fmt)
    assert a == b
    assert not re.search(r"20\d\d-\d\d-\d\d[T ]\d\d:\d\d", a)


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_timestamp_only_when_injected(fmt: str) -> None:
    assert "2031-02-03T04:05:06Z" in render([sample_audit()], fmt, generated_at="2031-02-03T04:05:06Z")
