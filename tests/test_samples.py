"""The two shared sample documents, read in place (skipped when ../shared is absent).

They are third-party texts: nothing from them is copied into the project; the
assertions name only entry numbers, warning codes and short damaged fragments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.refs.extract import extract_lists
from citecheck.text import normalize

SAMPLES = Path(__file__).parents[2] / "shared" / "samples"


def _lists(name: str):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {name} not available")
    text = normalize(path.read_text(encoding="utf-8"))
    return text, extract_lists(text)


def _codes(ref) -> list[str]:
    return [w.code for w in ref.warnings]


def _by_n(lst):
    return {r.n: r for r in lst.references}


def test_rheumatic_review_list() -> None:
    text, lists = _lists("msc-rheumatic-review.zh.md")
    assert len(lists) == 1
    (lst,) = lists
    assert lst.heading == "[参考文献]"
    assert lst.style == "gbt7714"
    assert [r.n for r in lst.references] == list(range(1, 48))
    assert not lst.warnings
    for r in lst.references:
        assert text[r.span.start : r.span.end] == r.raw
    refs = _by_n(lst)

    # [24] broken across a page: one entry, joined, with a warning
    assert "broken_entry" in _codes(refs[24])
    assert "Mol Immunol" in refs[24].text and "2516-2529" in refs[24].text
    assert "*" not in refs[24].text  # markdown emphasis dropped from text, kept in raw
    assert "*Cell*" in refs[24].raw

    # OCR / typing damage reported with before/after
    def repaired(n: int, code: str, before: str, after: str) -> None:
        hits = [w for w in refs[n].warnings if w.code == code]
        assert any(before in w.before and after in w.after for w in hits), refs[n].warnings
        assert after in refs[n].text

    repaired(11, "hyphenation", "pluripo-tent", "pluripotent")
    repaired(32, "spaced_hyphen", "Shiri - Shahsavar", "Shiri-Shahsavar")
    repaired(32, "spaced_hyphen", "cord - derived", "cord-derived")
    repaired(30, "page_spacing", "1785 - 1803", "1785-1803")
    repaired(42, "page_spacing", "14 (7)", "14(7)")
    repaired(22, "ocr_spacing", "- β /", "-β/")
    repaired(3, "ocr_spacing", "/ β -", "/β-")
    assert "missing_author" in _codes(refs[26])

    # not repaired but flagged: `xeno-graft` stands in `xeno-graft-versus-host` and the hyphen may be
    # the writer's; journal typos are for matching
    assert "xeno-graft-versus-host" in refs[15].text
    assert any(w.code == "hyphenation" and w.before == "xeno-graft" and w.confidence < 1 for w in refs[15].warnings)
    assert "Curr Rheumatol Repm" in refs[2].text
    typo = next(w for w in refs[2].warnings if w.code == "journal_typo")  # found offline, via ISO 4
    assert (typo.before, typo.after) == ("Repm", "Rep")

    # no false alarms on intact entries
    damaged = {3, 10, 11, 15, 22, 23, 24, 26, 30, 32, 42, 43}
    for n, r in refs.items():
        ours = [c for c in _codes(r) if c in _OUR_CODES]
        if n not in damaged:
            assert ours == [], (n, r.warnings)


def test_t2dm_trial_list() -> None:
    text, lists = _lists("uc-msc-t2dm-trial.zh.txt")
    assert len(lists) == 1
    (lst,) = lists
    assert lst.heading == "参考文献"
    assert lst.style == "vancouver"
    assert [r.n for r in lst.references] == list(range(1, 34))
    assert not lst.warnings
    refs = _by_n(lst)
    for r in lst.references:
        assert text[r.span.start : r.span.end] == r.raw
        assert r.label == f"{r.n}、"

    # 21 ran into 22: split apart, both flagged, the lost last page said
    assert "merged_entries" in _codes(refs[21]) and "merged_entries" in _codes(refs[22])
    assert refs[21].raw.endswith("143–")
    assert refs[22].text.startswith("Mageed AS")
    assert refs[21].span.line == refs[22].span.line
    msg = next(w.message for w in refs[21].warnings if w.code == "merged_entries")
    assert "last page" in msg
    # entry 17: the title's end is fused with the journal `Stem Cells Dev`
    fused = next(w for w in refs[17].warnings if w.code == "fused_title_journal")
    assert fused.after.endswith("Stem Cells Dev")

    for n, r in refs.items():
        ours = [c for c in _codes(r) if c in _OUR_CODES]
        if n not in (21, 22):
            assert ours == [], (n, r.warnings)


_OUR_CODES = {
    "letter_spacing", "run_together", "hyphenation", "spaced_hyphen", "page_spacing", "punctuation",
    "volume_page_run_together", "broken_entry", "merged_entries", "missing_author", "ocr_spacing", "ligature",
}


@pytest.mark.parametrize(
    ("name", "count", "kinds"),
    [("msc-rheumatic-review.zh.md", 47, {"broken_entry", "missing_author", "journal_typo", "ocr_repair"}),
     ("uc-msc-t2dm-trial.zh.txt", 33, {"merged_entries", "fused_title_journal"})],
)
def test_check_offline_without_index(name: str, count: int, kinds: set[str], tmp_path: Path) -> None:
    """`citecheck check` offline with no index: every entry listed, the damage reported, nothing crashes."""
    import json

    from typer.testing import CliRunner

    from citecheck.cli import app

    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {name} not available")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["check", str(path), "--offline", "--cache-dir", str(tmp_path / "c"),
                                      "--no-support", "--fail-on", "never", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))["documents"][0]
    assert len(doc["references"]) == count
    assert all(r["match"]["verdict"] == "unchecked" for r in doc["references"])
    assert kinds <= {f["kind"] for f in doc["findings"]}
