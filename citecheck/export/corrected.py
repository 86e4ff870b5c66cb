"""The corrected bibliography: each entry's fields after matching, with every change listed.

Only a confident match (`verified` or `corrected`) may change an entry: the
fields its diffs show to be wrong, and the fields the entry lacks (a DOI, a
missing issue). Every change is returned as a `Change` so nothing is altered
silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from citecheck.model import ACCEPTED, CSL, Audit, Match

FIELDS = ("type", "author", "title", "container-title", "issued", "volume", "issue", "page", "DOI", "PMID",
          "publisher", "URL")


@dataclass(frozen=True)
class Change:
    key: str
    field: str
    old: Any
    new: Any
    source: str
    confidence: float


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(
            (a.get("literal") or " ".join(x for x in (a.get("family"), a.get("given")) if x)) if isinstance(a, dict)
            else str(a) for a in value)
    if isinstance(value, dict) and "date-parts" in value:
        try:
            return "-".join(str(p) for p in value["date-parts"][0])
        except (IndexError, TypeError):
            return str(value)
    return "" if value is None else str(value)


def corrected_fields(match: Match, prefer: str = "record") -> tuple[CSL, list[Change]]:
    """Fields to export for one reference, and what differs from what the document says.

    Only fields the match shows to be wrong are replaced, and fields the entry
    lacks are filled; an abbreviated journal or a differently styled but equal
    value stays as the author wrote it (we never reformat what is right).
    With ``prefer="source"`` only gaps are filled (and a wrong DOI replaced).
    """
    ours = dict(match.reference.fields)
    if match.verdict not in ACCEPTED or match.record is None:
        return ours, []
    theirs = match.record.fields
    wrong = {d.field: d for d in match.diffs if d.is_error and d.kind != "missing"}
    out = dict(ours)
    changes: list[Change] = []
    for name in FIELDS:
        new = theirs.get(name)
        if new in (None, "", []):
            continue
        old = ours.get(name)
        missing = old in (None, "", [])
        if not missing and (name not in wrong or (prefer == "source" and name != "DOI")):
            continue
        if name == "container-title" and name in wrong and wrong[name].theirs:
            new = wrong[name].theirs  # the record's name closest to the entry's own (abbreviated or full)
        if _show(old) == _show(new):
            continue
        out[name] = new
        changes.append(Change(match.reference.key, name, _show(old), _show(new), match.record.source,
                              match.confidence))
    changed = {c.field for c in changes}
    if "author" not in changed and any(d.field == "author" for d in match.diffs if d.is_error):
        if prefer == "record" and theirs.get("author") and _show(ours.get("author")) != _show(theirs["author"]):
            out["author"] = theirs["author"]
            changes.append(Change(match.reference.key, "author", _show(ours.get("author")),
                                  _show(theirs["author"]), match.record.source, match.confidence))
    return out, changes


def corrected_bibliography(matches: list[Match], prefer: str = "record") -> tuple[list[CSL], list[Change]]:
    items: list[CSL] = []
    changes: list[Change] = []
    for m in matches:
        fields, ch = corrected_fields(m, prefer)
        items.append(fields)
        changes += ch
    return items, changes


def changes_text(changes: list[Change]) -> str:
    """One line per change: `key field: old → new (source, confidence)`."""
    return "".join(
        f"{c.key} {c.field}: {c.old or '(none)'} → {c.new} ({c.source}, confidence {c.confidence:.2f})\n"
        for c in changes)


def bibliography(audits: Sequence[Audit], prefer: str = "record") -> tuple[list[Any], list[Change]]:
    """What a bibliography export of these audits holds: corrected entries when they were matched,
    else the references as parsed (a `refs` run), with the changes made."""
    matches = [m for a in audits for m in a.matches]
    if matches:
        return corrected_bibliography(matches, prefer)
    return [r for a in audits for r in a.references], []
