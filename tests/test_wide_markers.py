"""Markers of four digits and more (``[1000]``, ``[12345]``) are citations up to the list size: a
1,005-entry list had 6 false ``uncited_entry`` warnings, 20,000 entries 19,001."""

from __future__ import annotations

import pytest

from citecheck.claims import extract_claims
from citecheck.claims.markers import find_markers, parse_numbers
from citecheck.claims.structure import structural_findings
from citecheck.refs.extract import extract_lists
from tests.reliability_docs import make_document, make_works


def test_a_1005_entry_list_has_every_entry_cited() -> None:
    text = make_document(make_works(1005), "Big")
    lists = extract_lists(text)
    assert len(lists) == 1 and len(lists[0].references) == 1005
    claims = extract_claims(text, lists)
    cited = {n for c in claims for cit in c.citations for n in cit.numbers}
    assert {1000, 1001, 1005} <= cited
    findings = structural_findings(text, lists, claims)
    assert [f for f in findings if f.kind in ("uncited_entry", "dangling_citation")] == []


@pytest.mark.parametrize("content,size,expected", [
    ("1000", 1005, (1000,)), ("999-1002", 1005, (999, 1000, 1001, 1002)), ("12345", 20000, (12345,)),
    ("19999, 20000", 20000, (19999, 20000)), ("2015", 30, None), ("2015", 0, None), ("1006", 1005, None),
    ("123456", 200000, (123456,)),
])
def test_wide_numbers_count_up_to_the_list_size(content: str, size: int, expected: tuple[int, ...] | None) -> None:
    from citecheck.claims.markers import plausible_limit

    assert parse_numbers(content, plausible_limit([size]), size) == expected


def test_a_year_in_brackets_is_still_no_citation_in_a_short_list() -> None:
    text = "As shown in [2015] and later [3].\n"
    found = find_markers(text, limit=45, list_size=30)
    assert [f.numbers for f in found] == [(3,)]
    found = find_markers("Cited [2015].", limit=3100, list_size=2100)
    assert [f.numbers for f in found] == [(2015,)]
