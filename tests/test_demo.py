"""The demo document end to end, offline: every problem planted in it (PLANTED.md) is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from citecheck.cli import app

DEMO_DIR = Path(__file__).resolve().parents[1] / "citecheck" / "data" / "demo"
DEMO = DEMO_DIR / "review.zh.md"
INDEX = DEMO_DIR / "index.jsonl"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("demo")
    out = tmp / "demo.json"
    result = CliRunner().invoke(app, ["check", str(DEMO), "--offline", "--index", str(INDEX),
                                      "--cache-dir", str(tmp / "cache"), "-o", str(out)])
    assert result.exit_code == 1, result.stderr  # errors are planted, so findings at `error` exist
    return json.loads(out.read_text(encoding="utf-8"))["documents"][0]


def _refs(report: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {r["n"]: r for r in report["references"]}


def _diff_kinds(ref: dict[str, Any]) -> dict[str, str]:
    return {d["field"]: d["kind"] for d in (ref.get("match") or {}).get("diffs", [])}


def _findings(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["kind"] == kind]


def test_every_entry_found(report: dict[str, Any]) -> None:
    assert sorted(_refs(report)) == list(range(1, 33))


def test_broken_and_run_together_entries(report: dict[str, Any]) -> None:
    refs = _refs(report)
    assert refs[5]["fields"].get("volume") == "33"  # the year/volume line joined its entry
    assert refs[21]["fields"].get("page") and refs[22]["raw"].startswith("[22]")


def test_repairs_reported(report: dict[str, Any]) -> None:
    refs = _refs(report)
    codes = {n: {w["code"] for w in refs[n]["warnings"]} for n in (8, 9, 23)}
    assert "hyphenation" in codes[8]
    assert "letter_spacing" in codes[9]
    assert "page_spacing" in codes[23]


def test_match_diffs(report: dict[str, Any]) -> None:
    refs = _refs(report)
    assert refs[6]["match"]["verdict"] == "corrected" and _diff_kinds(refs[6]).get("DOI") == "wrong_doi"
    assert _diff_kinds(refs[4]).get("issued") == "wrong_value"
    assert _diff_kinds(refs[29]).get("volume") == "wrong_value"
    assert _diff_kinds(refs[18]).get("container-title") == "typo"
    assert _diff_kinds(refs[22]).get("title") == "ocr_spacing"
    assert refs[26]["match"]["verdict"] == "not_found"
    clean = [n for n in range(1, 32) if n not in {4, 6, 18, 22, 26, 29}]
    assert all(refs[n]["match"]["verdict"] in {"verified", "corrected"} for n in clean)


def test_retracted_and_fabricated(report: dict[str, Any]) -> None:
    retracted = _findings(report, "retracted")
    assert [f["subject"] for f in retracted] == ["[31]"]
    assert retracted[0]["severity"] == "error" and retracted[0]["evidence"]["notice_doi"] == "10.5555/demo.regen.2022.0101"
    made_up = _findings(report, "likely_fabricated")
    assert [f["subject"] for f in made_up] == ["[32]"] and made_up[0]["severity"] == "warning"
    ev = made_up[0]["evidence"]
    assert ev["printed_doi"] == "10.1016/j.cellsig.2021.110040" and ev["at_volume_page"] and ev["confidence"] == 0.9
    assert [f["subject"] for f in _findings(report, "not_found")] == ["[26]"]  # absence alone: not fabricated
    assert any(w["code"] == "offline_run" for w in report["warnings"])


def test_structural_findings(report: dict[str, Any]) -> None:
    dangling = _findings(report, "dangling_citation")
    assert [f["evidence"].get("number") for f in dangling] == [33]
    assert sorted(f["evidence"].get("number") for f in _findings(report, "uncited_entry")) == [27, 28, 29, 30]
    order = _findings(report, "out_of_order")
    assert len(order) == 1 and order[0]["evidence"].get("found") == 5


def test_unrelated_citations(report: dict[str, Any]) -> None:
    unrelated = {f["evidence"].get("number") for f in _findings(report, "citation_unrelated")}
    flagged = unrelated | {f["evidence"].get("number") for f in _findings(report, "citation_unsupported")}
    assert {3, 14} <= unrelated  # the two strong ones, as "about something else"
    assert len(flagged & {17, 25}) >= 1  # at least half of the moderate ones, at either grade
    links = report["support"]
    assert len(flagged) <= 0.15 * len(links) + 1e-9 or len(flagged - {3, 14, 17, 25}) == 0


def test_every_link_scored_with_its_evidence(report: dict[str, Any]) -> None:
    links = report["support"]
    assert len(links) >= 26  # every resolved link, not only the flagged ones
    graded = {row["number"] for row in links if row["grade"]}
    findings = {f["evidence"]["number"] for f in report["findings"]
                if f["kind"] in ("citation_unrelated", "citation_unsupported")}
    assert graded == findings
    assert all(row["best_sentence"] and row["evidence"] in ("abstract", "title", "parsed title") for row in links)


def test_report_with_scored_links_fits_the_schema(report: dict[str, Any]) -> None:
    """The `support` rows (every scored link) are part of the published JSON schema."""
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[1] / "docs" / "schema.json").read_text(encoding="utf-8"))
    assert report["support"]
    jsonschema.validate(report, {"$ref": "#/$defs/document", "$defs": schema["$defs"]})
