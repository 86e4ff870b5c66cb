"""Reference extraction on real documents: ../shared/realdocs scored with its own score.py.

    python benchmarks/bench_docs.py [--only ID ...] [--out DIR] [--no-write]

Each document is read the way `citecheck refs DOC --format json` reads it (through the library),
its references written as JSON to DIR/<id>.json, and scored with realdocs/score.py: found/true,
title recall (first author + year where the style prints no titles), precision, year/author
accuracy, seconds. Micro figures over all documents and over the two-column PDFs are printed and
written into BENCHMARKS.md (section `docs`) unless --no-write or --only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import SHARED, write_section

REALDOCS = SHARED / "realdocs"


def _scorer():
    spec = importlib.util.spec_from_file_location("realdocs_score", REALDOCS / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def document_of(gold: dict, gold_path: Path) -> Path:
    return gold_path.parent / gold["file"]


def extract(path: Path) -> tuple[dict, float, str, dict[str, int]]:
    """References of one document, seconds taken to read and parse them, an error if any, and the
    structural findings the audit then makes (dangling citations and uncited entries: on a published
    document nearly all of them are extraction errors)."""
    from citecheck.audit import run_audit
    from citecheck.document import DocumentError, load
    from citecheck.model import to_dict
    from citecheck.refs import extract_references

    started = time.perf_counter()
    try:
        doc = load(str(path))
        lists = extract_references(doc)
    except DocumentError as exc:
        return {"references": []}, time.perf_counter() - started, str(exc), {}
    seconds = time.perf_counter() - started
    refs = [{"n": r.n, "raw": r.raw, "fields": to_dict(r.fields)} for lst in lists for r in lst.references]
    kinds = [f.kind for f in run_audit(doc, None, support=False).findings]
    counts = {k: kinds.count(k) for k in ("dangling_citation", "uncited_entry", "markers_without_list")}
    return {"references": refs}, seconds, "", counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="document ids (gold file stems) to run")
    ap.add_argument("--out", type=Path, help="keep each document's JSON here")
    ap.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    ap.add_argument("--show-missed", action="store_true", help="print the gold numbers not matched")
    args = ap.parse_args()
    if not REALDOCS.is_dir():
        print(f"no {REALDOCS}: nothing to do", file=sys.stderr)
        return 0
    score = _scorer()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-docs-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for gold_path in sorted(REALDOCS.glob("*.gold.json")):
        doc_id = gold_path.name[: -len(".gold.json")]
        if args.only and doc_id not in args.only:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        result, seconds, error, structure = extract(document_of(gold, gold_path))
        (out / f"{doc_id}.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        res = score.score(gold, result)
        res.update(id=doc_id, kind=gold.get("kind", ""), seconds=seconds, error=error, **structure)
        rows.append(res)
    table = render(rows, args.show_missed)
    print(table)
    if not args.no_write and not args.only:
        write_section("docs", "## Real documents (`make bench-docs`)\n\n"
                      "Command: `make bench-docs` (benchmarks/bench_docs.py over ../shared/realdocs, scored "
                      "with its score.py).\n\n" + table)
    return 0


def _recall(r: dict) -> tuple[int, int]:
    return (r.get("title_matched", 0) + r.get("author_year_matched", 0),
            r.get("title_total", 0) + r.get("author_year_total", 0))


def render(rows: list[dict], show_missed: bool = False) -> str:
    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    lines = ["| document | kind | found / true | recall | precision | year acc | author acc | s | dangling | uncited |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        hit, tot = _recall(r)
        lines.append(f"| {r['id']} | {r['kind']} | {r['found']} / {r['true']} | {f(hit / tot if tot else None)} "
                     f"| {f(r.get('precision'))} | {f(r.get('year_acc'))} | {f(r.get('author_acc'))} "
                     f"| {r['seconds']:.1f} | {r.get('dangling_citation', 0)} | {r.get('uncited_entry', 0)} |"
                     + (f" {r['error']}" if r.get("error") else ""))
        if show_missed and r.get("unmatched_gold"):
            lines.append(f"|   missed | {r['unmatched_gold']} |")

    def micro(sel: list[dict]) -> str:
        hit = sum(_recall(r)[0] for r in sel)
        tot = sum(_recall(r)[1] for r in sel)
        found = sum(r["found"] for r in sel)
        matched = sum(r.get("matched", 0) for r in sel)
        worst = min((_recall(r)[0] / _recall(r)[1] for r in sel if _recall(r)[1]), default=0.0)
        return (f"recall {hit / tot if tot else 0:.3f} ({hit}/{tot}), precision "
                f"{matched / found if found else 0:.3f} ({matched}/{found}), worst document {worst:.2f}, "
                f"slowest {max((r['seconds'] for r in sel), default=0):.1f} s")

    two_col = [r for r in rows if "two" in r["kind"]]
    lines.append("")
    lines.append(f"All {len(rows)} documents: {micro(rows)}.")
    lines.append(f"Structural findings after extraction: {sum(r.get('dangling_citation', 0) for r in rows)} dangling "
                 f"citations, {sum(r.get('uncited_entry', 0) for r in rows)} uncited entries "
                 "(`s` is reading and parsing only; the audit's structural checks are not timed).")
    if two_col:
        lines.append(f"Two-column PDFs ({len(two_col)}): {micro(two_col)}.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
