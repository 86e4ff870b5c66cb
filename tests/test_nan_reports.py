"""No NaN/Infinity in any JSON citecheck writes (reports, the HTML data block, CSL-JSON); the server side
(parse and cache) is covered in test_hostile_http.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from citecheck.audit import run_audit
from citecheck.document import load
from citecheck.jsonsafe import dumps
from citecheck.report import render
from citecheck.sources.index import LocalIndex
from tests.reliability_docs import build_index, make_document, make_works


def strict(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def audit(tmp_path: Path):
    works = make_works(3)
    idx: LocalIndex = build_index(tmp_path / "i.sqlite", works)
    doc = load("paper.md", make_document(works).encode())
    a = run_audit(doc, [idx], support=False)
    m = a.matches[0]
    m.confidence = float("nan")
    if m.record is not None:
        m.record.fields["score"] = float("inf")
        m.record.fields["volume"] = float("-inf")
    return a


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_reports_are_strict_json_even_with_non_finite_numbers(audit, fmt: str) -> None:
    text = render([audit], fmt)
    if fmt == "html":
        (text,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', text, re.S)
    strict(text)


def test_dumps() -> None:
    assert dumps({"a": [1.0, float("nan"), {"b": float("inf")}]}) == '{"a": [1.0, null, {"b": null}]}'
    assert dumps({"a": 1}) == '{"a": 1}'
