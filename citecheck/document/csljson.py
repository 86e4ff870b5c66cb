"""CSL-JSON (`.json`, `.csl.json`): a list of CSL items — what Zotero, Mendeley, pandoc and citeproc exchange.

A `.json` file could be anything, so it is accepted only when it *is* CSL-JSON:
a list of objects (or ``{"items": [...]}``) most of which carry CSL variables
(``type`` and ``title``/``author``/``issued``/``DOI``…); anything else is refused
with one line saying so, never read as text. Items are mapped with the same
function the index uses for CSL-JSON records (`sources.convert.fields_from_csl`).
For a top-level list each item's span is its own JSON text in the file, found
with the standard library's `raw_decode`, so the document text is the file.
"""

from __future__ import annotations

import json
from typing import Any

from citecheck.document import entries as E
from citecheck.document.errors import DocumentError
from citecheck.model import CSL, Document, Issue

MAX_JSON_BYTES = 100 * 1024 * 1024
_CSL_KEYS = {"title", "author", "issued", "DOI", "container-title", "editor", "URL", "page", "volume"}


def item_fields(item: dict[str, Any]) -> tuple[CSL, list[Issue]]:
    """CSL fields of one CSL-JSON item (cleaned), and a malformed DOI as an Issue."""
    from citecheck.sources.convert import fields_from_csl

    f = fields_from_csl(item)
    for key in ("title", "container-title", "publisher"):
        value = f.get(key)
        if isinstance(value, str) and ("{" in value or "\\" in value):
            # BibTeX leftovers in items imported into Mendeley/Zotero (`{ANYONE}`, `\&`)
            from citecheck.document.latex import latex_to_text

            f[key] = latex_to_text(value)
    issues: list[Issue] = []
    if isinstance(item.get("id"), (str, int)) and not isinstance(item.get("id"), bool):
        f = {"id": str(item["id"]), **f}
    doi, issue = E.clean_doi(item.get("DOI") or item.get("doi"))
    if doi:
        f["DOI"] = doi
    if issue:
        issues.append(issue)
    return E.clean_fields(f), issues


def is_csl_item(item: Any) -> bool:
    return isinstance(item, dict) and bool(_CSL_KEYS & item.keys()) and (
        isinstance(item.get("type"), str) or isinstance(item.get("id"), (str, int)))


def load_csljson(name: str, data: bytes) -> Document:
    text, encoding, warnings = E.read_text(name, data, MAX_JSON_BYTES, "JSON")
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise DocumentError(f"{name}: not valid JSON ({getattr(exc, 'msg', 'too deeply nested')}"
                            f"{f' at line {exc.lineno}' if isinstance(exc, json.JSONDecodeError) else ''})") from None
    items = value.get("items") if isinstance(value, dict) else value
    if not isinstance(items, list) or not items or sum(map(is_csl_item, items)) < max(1, len(items) // 2):
        raise DocumentError(f"{name}: JSON, but not CSL-JSON (expected a list of CSL items with type and "
                            "title/author/issued); citecheck reads no other JSON")
    E.check_count(name, len(items), "items")
    if isinstance(value, dict):
        from citecheck.document.endnote import document_from_items

        doc = document_from_items(name, "csl-json", [item_fields(i) for i in items if isinstance(i, dict)])
        doc.warnings = warnings
        return doc
    lines = E.Lines(text)
    refs = []
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    for item in items:
        while text[pos] in " \t\r\n,":
            pos += 1
        _, end = decoder.raw_decode(text, pos)
        if isinstance(item, dict):
            fields, issues = item_fields(item)
            refs.append(E.reference("L1", len(refs) + 1, text[pos:end], pos, lines, fields, issues))
        pos = end
    lst = E.reference_list("L1", "", refs, text, lines, style="csl-json", whole=True)
    return Document(text=text, source=name, encoding=encoding, format="csl-json", warnings=warnings, lists=[lst])
