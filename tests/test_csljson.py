"""CSL-JSON export: clean shape, valid JSON, ids equal to BibTeX keys, round trip."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string

from citecheck.export import clean_csl, dumps_csl_json, to_bibtex, to_csl_json
from citecheck.export.csljson import CSL_TYPES, DATE_VARIABLES, NAME_PARTS, NAME_VARIABLES
from citecheck.model import Reference, Span

# --- a tiny schema check for the CSL-JSON shape (csl-data.json, the parts we emit) ---


def check_name(name: Any) -> list[str]:
    if not isinstance(name, dict) or not name:
        return [f"name is not a non-empty object: {name!r}"]
    errors = [f"unknown name part {k!r}" for k in name if k not in NAME_PARTS]
    errors += [
        f"name part {k!r} is not a non-empty string"
        for k, v in name.items()
        if not (isinstance(v, str) and v)
    ]
    if "literal" in name and ("family" in name or "given" in name):
        errors.append("literal mixed with family/given")
    if not ({"literal", "family", "given"} & name.keys()):
        errors.append(f"name without family, given or literal: {name!r}")
    return errors


def check_date(date: Any) -> list[str]:
    if not isinstance(date, dict):
        return [f"date is not an object: {date!r}"]
    if "date-parts" in date:
        parts = date["date-parts"]
        ok = (
            isinstance(parts, list)
            and 1 <= len(parts) <= 2
            and all(
                isinstance(p, list) and 1 <= len(p) <= 3 and all(type(n) is int for n in p) for p in parts
            )
        )
        return [] if ok else [f"bad date-parts {parts!r}"]
    return [] if isinstance(date.get("literal"), str) and date["literal"] else [f"bad date {date!r}"]


def check_item(item: Any) -> list[str]:
    """Errors against the CSL-JSON item shape: id, type, names, dates, scalar values, no empties."""
    if not isinstance(item, dict):
        return ["item is not an object"]
    errors = []
    if not (isinstance(item.get("id"), str) and item["id"]):
        errors.append("missing id")
    if item.get("type") not in CSL_TYPES:
        errors.append(f"bad type {item.get('type')!r}")
    for key, value in item.items():
        if value in (None, "", [], {}):
            errors.append(f"empty value for {key}")
        elif key in NAME_VARIABLES:
            if not isinstance(value, list):
                errors.append(f"{key} is not a list")
            else:
                errors += [e for name in value for e in check_name(name)]
        elif key in DATE_VARIABLES:
            errors += check_date(value)
        elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
            errors.append(f"{key} is not a string or number: {value!r}")
    return errors


ITEMS: list[Any] = [
    {
        "type": "article-journal",
        "title": "间充质干细胞来源外泌体的研究进展",
        "author": [{"family": "曹", "given": "雪琛"}, {"family": "Li", "given": ""}, {"literal": "等"}],
        "container-title": "中国组织工程研究",
        "issued": {"date-parts": [["2021", "3"]]},
        "volume": 25,
        "issue": "",
        "page": "129–135",
        "DOI": "https://doi.org/10.3969/J.ISSN.2095-4344.2021.01.001",
        "PMID": None,
        "URL": "",
        "_internal": "dropped",
        "id": "ignored",
    },
    {
        "type": "webpage",
        "title": "WHO dashboard",
        "author": [{"literal": "World Health Organization"}],
        "URL": "https://x.org/a_b#c",
    },
    {
        "title": "No type",
        "author": "Smith J",
        "issued": {"raw": "2019a"},
        "container-title": ["J Foo", "J. Foo"],
    },
    Reference("l1", 4, "Zhang S. Raw only. 2018.", Span(0, 5, 1), fields={"type": "article-journal"}),
    {},
]


def test_output_is_valid_json_with_cjk_unescaped() -> None:
    text = dumps_csl_json(ITEMS)
    data = json.loads(text)
    assert isinstance(data, list) and len(data) == len(ITEMS)
    assert "间充质干细胞" in text and "\\u" not in text
    assert text.endswith("\n")


def test_items_have_the_csl_shape() -> None:
    for item in to_csl_json(ITEMS):
        assert check_item(item) == [], item


def test_schema_check_catches_bad_items() -> None:
    assert check_item({"id": "x", "type": "nope", "issued": {"date-parts": [["2020"]]}, "author": [{"x": 1}]})


def test_cleaning() -> None:
    first, web, untyped, ref, empty = to_csl_json(ITEMS)
    assert first["id"] == "cao2021jianchong"
    assert first["issued"] == {"date-parts": [[2021, 3]]}
    assert first["author"] == [
        {"family": "曹", "given": "雪琛"},
        {"family": "Li"},
    ]  # et al. dropped, blanks dropped
    assert first["DOI"] == "10.3969/J.ISSN.2095-4344.2021.01.001"
    assert first["page"] == "129-135"
    assert first["volume"] == 25
    assert not {"issue", "PMID", "URL", "_internal"} & first.keys()
    assert web["author"] == [{"literal": "World Health Organization"}]
    assert untyped["type"] == "article"
    assert untyped["author"] == [{"literal": "Smith J"}]
    assert untyped["issued"] == {"date-parts": [[2019]]}
    assert untyped["container-title"] == "J Foo"
    assert ref["note"] == "Zhang S. Raw only. 2018."
    assert ref["id"] == "anonnd"
    assert empty == {"id": "anonnda", "type": "article"}


def test_ids_equal_bibtex_keys() -> None:
    keys = list(parse_string(to_bibtex(ITEMS), "bibtex").entries.keys())
    assert [item["id"] for item in to_csl_json(ITEMS)] == keys


def test_duplicate_ids_get_suffixes() -> None:
    same = {
        "type": "book",
        "title": "Deep nets",
        "author": [{"family": "Smith"}],
        "issued": {"date-parts": [[2020]]},
    }
    assert [i["id"] for i in to_csl_json([same, same, same])] == [
        "smith2020deep",
        "smith2020deepa",
        "smith2020deepb",
    ]


def test_round_trip() -> None:
    items = to_csl_json(ITEMS)
    assert json.loads(dumps_csl_json(ITEMS)) == items
    assert to_csl_json(items) == items  # exporting an export changes nothing
    assert [clean_csl(i) for i in items] == [{k: v for k, v in i.items() if k != "id"} for i in items]


def test_input_is_not_modified() -> None:
    item = {
        "type": "article-journal",
        "author": [{"family": " Li ", "given": ""}],
        "issued": {"date-parts": [["2020"]]},
    }
    snapshot = json.dumps(item)
    to_csl_json([item])
    to_bibtex([item])
    assert json.dumps(item) == snapshot


_value = st.one_of(
    st.none(), st.text(max_size=10), st.integers(), st.lists(st.text(max_size=5), max_size=2), st.booleans()
)
_name = st.one_of(
    st.text(max_size=8),
    st.dictionaries(st.sampled_from(["family", "given", "literal", "suffix", "x"]), _value, max_size=3),
)
_date = st.one_of(
    st.fixed_dictionaries(
        {
            "date-parts": st.lists(
                st.lists(st.one_of(st.integers(0, 3000), st.text(max_size=4)), max_size=3), max_size=2
            )
        }
    ),
    st.fixed_dictionaries({"raw": st.text(max_size=10)}),
    st.text(max_size=6),
)
_item = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["article-journal", "book", "bogus"]),
        "title": _value,
        "author": st.lists(_name, max_size=4),
        "editor": st.lists(_name, max_size=2),
        "issued": _date,
        "volume": _value,
        "DOI": _value,
        "URL": _value,
        "container-title": _value,
    },
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_item, max_size=5))
def test_property_any_input_gives_valid_round_tripping_csl(items: list[dict[str, Any]]) -> None:
    out = to_csl_json(items)
    assert all(check_item(item) == [] for item in out)
    assert len({item["id"] for item in out}) == len(items)
    assert json.loads(dumps_csl_json(items)) == out
    assert to_csl_json(out) == out
    assert len(parse_string(to_bibtex(items), "bibtex").entries) == len(items)
