"""Clean CSL-JSON export, and the cleaning step the BibTeX writer shares.

Parsed references carry whatever the parser produced: numbers as strings, empty
values, names with blank parts, an `et al.` marker in the author list. Tools
that read CSL-JSON (pandoc, Zotero, citeproc) want none of that, so every item
is reduced to the CSL shape: `id` (the same key the BibTeX file uses), `type`
from the CSL vocabulary, name lists of ``{family, given}`` / ``{literal}``,
dates as ``{"date-parts": [[y, m, d]]}`` with ints, and only non-empty values.

A truncated author list (`et al.`, `others`, `等`) has no CSL representation;
the marker is dropped from CSL-JSON (a processor would print it as a name) and
kept by the BibTeX writer as ``and others``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from citecheck.export.keys import bibtex_key, is_et_al
from citecheck.jsonsafe import dumps as json_dumps  # never NaN/Infinity
from citecheck.model import CSL, Audit

ET_AL: CSL = {"literal": "others"}
"""How `clean_csl` marks a truncated author list (always last); `to_csl_json` removes it."""

NAME_VARIABLES = frozenset(
    """author chair collection-editor compiler composer container-author contributor curator
    director editor editorial-director executive-producer guest host illustrator interviewer
    narrator organizer original-author performer producer recipient reviewed-author
    script-writer series-creator translator""".split()
)
DATE_VARIABLES = frozenset("accessed available-date event-date issued original-date submitted".split())
NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
CSL_TYPES = frozenset(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
    graphic hearing interview legal_case legislation manuscript map motion_picture musical_score
    pamphlet paper-conference patent performance periodical personal_communication post
    post-weblog regulation report review review-book software song speech standard thesis
    treaty webpage""".split()
)
DEFAULT_TYPE = "article"
"""CSL's generic type (valid in CSL 1.0.1 and 1.0.2), used when the type is missing or unknown."""

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DASH_RUN = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")


def fields_of(item: Any) -> CSL:
    """The CSL fields of a `Reference`, `Record` or plain CSL dict.

    A reference whose parse found no title keeps its raw text as `note`, so an
    exported entry is never an empty shell.
    """
    fields = getattr(item, "fields", item)
    if not isinstance(fields, Mapping):
        return {}
    fields = dict(fields)
    raw = getattr(item, "raw", "")
    if raw and not fields.get("title") and not fields.get("note"):
        fields["note"] = raw
    return fields


def clean_name(name: Any) -> CSL | None:
    """One CSL name with only non-empty string parts; a bare string becomes a literal."""
    if isinstance(name, str):
        name = {"literal": name}
    if not isinstance(name, Mapping):
        return None
    out = {part: str(name[part]).strip() for part in NAME_PARTS if name.get(part) not in (None, "")}
    out = {k: v for k, v in out.items() if v}
    if "literal" in out and ("family" in out or "given" in out):
        del out["literal"]
    if set(out) <= {"dropping-particle", "non-dropping-particle", "suffix"}:
        return None
    return out


def clean_names(names: Any) -> list[CSL]:
    """A clean name list; any `et al.` marker becomes one `ET_AL` at the end."""
    if isinstance(names, (str, Mapping)):
        names = [names]
    if not isinstance(names, list):
        return []
    out: list[CSL] = []
    truncated = False
    for name in names:
        clean = clean_name(name)
        if clean is None:
            continue
        if is_et_al(clean):
            truncated = True
        else:
            out.append(clean)
    if truncated and out:
        out.append(dict(ET_AL))
    return out


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,4}\s*", value):
        return int(value)
    return None


def clean_date(date: Any) -> CSL | None:
    """``{"date-parts": [[y, m, d]]}`` with ints; a year found in raw/literal text also counts."""
    if isinstance(date, (str, int)):
        date = {"raw": str(date)}
    if not isinstance(date, Mapping):
        return None
    ranges = []
    for parts in date.get("date-parts") or []:
        if not isinstance(parts, (list, tuple)):
            continue
        ints = []
        for part in parts[:3]:
            n = _int(part)
            if n is None:
                break
            ints.append(n)
        if ints:
            ranges.append(ints)
    if ranges:
        return {"date-parts": ranges[:2]}
    text = str(date.get("raw") or date.get("literal") or "").strip()
    year = re.search(r"\d{4}", text)
    if year:
        return {"date-parts": [[int(year.group(0))]]}
    return {"literal": text} if text else None


def _scalar(value: Any) -> str | int | float | None:
    """A string or number value; the first usable element of a list (Crossref gives lists)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (list, tuple)):
        for element in value:
            scalar = _scalar(element)
            if scalar is not None:
                return scalar
    return None


def clean_value(variable: str, value: Any) -> Any:
    """The clean form of one variable's value, or None to drop it."""
    if variable in NAME_VARIABLES:
        return clean_names(value) or None
    if variable in DATE_VARIABLES:
        return clean_date(value)
    scalar = _scalar(value)
    if isinstance(scalar, str):
        if variable == "DOI":
            scalar = _DOI_PREFIX.sub("", scalar).strip() or None
        elif variable == "page":
            scalar = _DASH_RUN.sub("-", scalar)
    return scalar


def clean_csl(fields: Mapping[str, Any]) -> CSL:
    """The CSL shape of `fields`, without `id`; internal keys (leading ``_``) are dropped."""
    out: CSL = {}
    kind = fields.get("type")
    out["type"] = kind if isinstance(kind, str) and kind in CSL_TYPES else DEFAULT_TYPE
    for variable, value in fields.items():
        if variable in ("id", "type") or not isinstance(variable, str) or variable.startswith("_"):
            continue
        clean = clean_value(variable, value)
        if clean not in (None, "", [], {}):
            out[variable] = clean
    return out


def keyed(items: Iterable[Any]) -> list[tuple[str, CSL]]:
    """Clean fields of every item with its unique citation key, in input order.

    Both exports go through here so the CSL `id` and the BibTeX key of an item agree.
    """
    taken: set[str] = set()
    out = []
    for item in items:
        fields = clean_csl(fields_of(item))
        out.append((bibtex_key(fields, taken), fields))
    return out


def to_csl_json(items: Iterable[Any]) -> list[CSL]:
    """CSL-JSON items for `Reference`s, `Record`s or CSL dicts; `id` is the BibTeX key."""
    out = []
    for key, fields in keyed(items):
        item: CSL = {"id": key, **fields}
        for variable in NAME_VARIABLES & item.keys():
            item[variable] = [name for name in item[variable] if name != ET_AL]
            if not item[variable]:
                del item[variable]
        out.append(item)
    return out


def dumps_csl_json(items: Iterable[Any]) -> str:
    """CSL-JSON text: UTF-8 as is (CJK unescaped), indented, with a final newline."""
    return json_dumps(to_csl_json(items), ensure_ascii=False, indent=2) + "\n"


def render_csl_json(audits: Sequence[Audit], prefer: str = "record", **_: Any) -> str:
    """The `csl-json` output format: the audits' bibliography (corrected where matched) as CSL-JSON."""
    from citecheck.export.corrected import bibliography

    return dumps_csl_json(bibliography(audits, prefer)[0])
