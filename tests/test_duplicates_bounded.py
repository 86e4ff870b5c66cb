"""Near-duplicate detection in bounded time with bounded findings: 1,000 near-identical references took
53 s, 2.1 GB and gave 303,263 ``same_work_twice`` pair findings; now one finding per group."""

from __future__ import annotations

import pytest

import citecheck.claims.structure as structure
from citecheck.claims import extract_claims
from citecheck.claims.structure import structural_findings
from citecheck.refs.extract import extract_lists
from tests.reliability_docs import make_document, make_works


def near_identical(n: int) -> str:
    works = make_works(n)
    for i, w in enumerate(works):
        w["title"] = [f"Tidal rhythms in the foraging of intertidal crabs and their seasonal variation {i}"]
    return make_document(works)


def duplicates(text: str) -> list:
    lists = extract_lists(text)
    found = structural_findings(text, lists, extract_claims(text, lists))
    return [f for f in found if f.kind in ("same_work_twice", "duplicate_entry")]


@pytest.mark.parametrize("full_up_to", [5000, 20])  # all pairs in C / sorted neighbourhoods
def test_near_identical_references_give_one_finding_per_group(full_up_to: int, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    monkeypatch.setattr(structure, "FULL_COMPARISON_TITLES", full_up_to)
    found = duplicates(near_identical(400))
    titles = [f for f in found if "alike" in f.evidence["reason"]]
    assert len(titles) == 1
    assert titles[0].evidence["count"] == 400
    assert len(titles[0].evidence["numbers"]) <= structure.MAX_LISTED
    assert "380 more" in titles[0].message
    assert len(found) < 10


def test_the_neighbourhood_path_still_finds_a_lone_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(structure, "FULL_COMPARISON_TITLES", 20)
    works = make_works(300)
    works[250]["title"] = [works[10]["title"][0] + "s"]  # one near-identical title among distinct ones
    found = duplicates(make_document(works))
    pairs = [f.evidence["numbers"] for f in found if "alike" in f.evidence["reason"]]
    assert pairs == [[11, 251]]


def test_many_identical_entries_give_one_duplicate_finding() -> None:
    works = make_works(1) * 300
    found = duplicates(make_document(works))
    assert len(found) == 1 and found[0].evidence["count"] == 300
