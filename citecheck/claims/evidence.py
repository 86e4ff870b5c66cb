"""What we can read about a cited work, and where a claim and that text disagree.

The support scorer (`citecheck.claims.support`) ranks works against claims; this module says what a
work's evidence is — the matched record's title, journal and abstract sentences, else the parsed
title — and names the disagreements a reader should see: another disease or cell type
(`citecheck.claims.entities`), opposite directions of effect, the subject words one side lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from citecheck.claims.entities import mentions
from citecheck.claims.terms import Term
from citecheck.model import ACCEPTED, Match, Reference

_USABLE_VERDICTS = ACCEPTED


@dataclass
class Work:
    """What we know a cited work is about."""

    title: str
    text: str
    source: str
    subjects: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    """The abstract's sentences, when the matched record has one."""
    stems: set[str] = field(default_factory=set)
    terms: list[Term] = field(default_factory=list)
    head: set[str] = field(default_factory=set)



# ---------------------------------------------------------------- what the work is about


def work_of(ref: Reference, match: Match | None) -> Work | None:
    """The best text about a cited work: the matched record's title, abstract and subjects,
    else the parsed title; None when we know nothing but the raw entry."""
    rec = match.record if match is not None and match.verdict in _USABLE_VERDICTS else None
    if rec is not None:
        title = title_text(rec.fields.get("title")) or title_text(ref.fields.get("title"))
        abstract = plain_abstract(rec.abstract or "")
        parts = [title, abstract, "; ".join(rec.subjects or [])]
        text = ". ".join(p for p in parts if p)
        if title:
            return Work(title, text, rec.source or "record", list(rec.subjects or []),
                        abstract_sentences(abstract))
    title = title_text(ref.fields.get("title"))
    return Work(title, title, "parsed title") if title else None


_TAG_RE = re.compile(r"<[^>]{1,200}>")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?。！？])\s+(?=[A-Z0-9\u4e00-\u9fff(])|(?<=[。！？])")
_ABSTRACT_HEAD_RE = re.compile(r"^(?:abstract|background|objectives?|aims?|methods?|results?|conclusions?|"
                               r"purpose|introduction|findings|significance|summary)\s*[:.]?\s+", re.IGNORECASE)
MAX_SENTENCES = 8
"""Abstract sentences read per work (an abstract has 6–10): bounds the reader's cost per list."""


def plain_abstract(text: str) -> str:
    """An abstract as plain text: Crossref's JATS tags (``<jats:p>``) dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", _TAG_RE.sub(" ", text)).strip()


def abstract_sentences(text: str) -> list[str]:
    """The abstract's sentences (structured-abstract headings such as ``Methods:`` dropped), at most
    `MAX_SENTENCES`; fragments under 20 characters are not evidence."""
    out = []
    for part in _SENTENCE_END_RE.split(text):
        part = _ABSTRACT_HEAD_RE.sub("", part.strip())
        if len(part) >= 20:
            out.append(part)
        if len(out) >= MAX_SENTENCES:
            break
    return out


def evidence_kind(work: Work) -> str:
    """What a judgement about `work` read: ``abstract``, a matched record's ``title`` or a ``parsed title``."""
    if work.sentences:
        return "abstract"
    return "parsed title" if work.source == "parsed title" else "title"


def title_text(value: Any) -> str:
    """A CSL title (a string or a list of them) as one clean line."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return re.sub(r"\s+", " ", str(value or "")).strip()



_UP = re.compile(r"\b(?:promot|increas|enhanc|induc|stimulat|activat|accelerat|upregulat|up-regulat|augment|"
                 r"exacerbat|worsen)\w*|促进|增加|增强|提高|诱导|激活|加速|上调|加剧|加重")
_DOWN = re.compile(r"\b(?:inhibit|suppress|reduc|decreas|attenuat|block|impair|prevent|downregulat|down-regulat|"
                   r"alleviat|ameliorat|diminish|abrogat)\w*|抑制|减少|降低|减轻|阻断|下调|减弱|阻止|缓解|改善")


@lru_cache(maxsize=4096)
def mentions_of(text: str) -> dict[str, set[str]]:
    """`entities.mentions`, once per distinct text (a work is cited many times)."""
    return mentions(text)


def direction(text: str) -> int:
    """+1 when the text says only that something rises (promotes, increases, 促进), −1 only that it falls
    (inhibits, suppresses, 抑制), 0 when it says neither or both."""
    up, down = bool(_UP.search(text.lower())), bool(_DOWN.search(text.lower()))
    return (up and not down) - (down and not up)


def opposite_direction(claim: str, evidence: str) -> str:
    """A conflict note when the claim and the work's closest sentence state opposite directions of effect
    (``stem cells increase invasiveness`` ← ``stem cells suppress glioma cells``); else empty."""
    a, b = direction(claim), direction(evidence)
    if a and b and a != b:
        words = (_UP if a > 0 else _DOWN).search(claim.lower()), (_UP if b > 0 else _DOWN).search(evidence.lower())
        return f"direction: claim says {words[0].group(0) if words[0] else '?'}, work says {words[1].group(0) if words[1] else '?'}"
    return ""


def _word_for(stem: str, text: str) -> str:
    """The word of `text` a stem came from (``prolifer`` → ``proliferation``), for the report."""
    m = re.search(rf"\b{re.escape(stem)}[\w-]*", text, re.IGNORECASE)
    return m.group(0) if m else stem


def subject_conflicts(claim: set[str], echo: set[str], work: Work, core: set[str], claim_text: str = "",
                      k: int = 3) -> list[str]:
    """What the claim is about that the work is not, and the work's subject the claim never mentions."""
    def in_order(stems: set[str], text: str) -> list[str]:  # as the text says them: its subject comes first
        low = text.lower()
        return sorted(stems, key=lambda t: (low.find(t) if t in low else len(low), t))[:k]

    mine_only = [_word_for(t, claim_text) for t in in_order(claim - core - work.stems, claim_text)]
    theirs = [_word_for(t, work.title) for t in in_order(work.head - echo, work.title)]
    out = []
    if mine_only:
        out.append("claim: " + ", ".join(mine_only))
    if theirs:
        out.append("work: " + ", ".join(theirs))
    return out



def reader_text(work: Work, ref: Reference) -> str:
    """What the reader sees of a work: its title and the journal it appeared in (a journal's name says
    its field — *Diabetes Care*, *Arthritis Res Ther* — where a short title may not)."""
    journal = title_text(ref.fields.get("container-title"))
    return f"{work.title}. {journal}" if journal else work.title


