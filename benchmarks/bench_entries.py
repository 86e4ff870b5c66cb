"""Entry splitting on GROBID's reference-segmenter corpus (../shared/training, Apache-2.0).

    python benchmarks/bench_entries.py [--show N] [--no-write]

Each `<listBibl>` becomes a text — a `References` heading, then its lines as printed (`<lb/>`), no
indentation and no blank lines (the hardest case: only the lines' own shapes tell where an entry
starts) — and is read by `find_lists` like any document. An entry counts as right when it starts and
ends on the gold entry's first and last line. Lists are reported apart as numbered (gold `<label>`s)
and unnumbered. None of this corpus was used to train the line classifier.
"""

from __future__ import annotations

import argparse
import bisect
import html
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import SHARED, write_section
from citecheck.refs.find import find_lists

CORPUS = SHARED / "training" / "grobid-reference-segmenter"
_TAG_RE = re.compile(r"<(/?)(bibl|lb|label|listBibl)\b[^>]*?(/?)>")


def read(path: Path) -> tuple[list[str], list[tuple[int, int]], bool]:
    """Lines, gold entries as (first line, last line), and whether the entries carry labels."""
    t = path.read_text(encoding="utf-8", errors="replace")
    a, b = t.find("<listBibl"), t.rfind("</listBibl>")
    t = t[a:b] if a >= 0 and b > a else t
    lines: list[str] = []
    entries: list[tuple[int, int]] = []
    buf: list[str] = []
    start: int | None = None
    labelled = False

    def flush() -> None:
        s = html.unescape(re.sub(r"<[^>]+>", "", "".join(buf))).replace("\n", " ").strip()
        buf.clear()
        if s:
            lines.append(re.sub(r"\s+", " ", s))

    pos = 0
    for m in _TAG_RE.finditer(t):
        buf.append(t[pos : m.start()])
        pos = m.end()
        close, name = m.group(1), m.group(2)
        if name == "lb":
            flush()
        elif name == "label":
            labelled = True
        elif name == "bibl" and not close:
            flush()
            start = len(lines)
        elif name == "bibl" and close:
            flush()
            if start is not None and len(lines) > start:
                entries.append((start, len(lines) - 1))
            start = None
    flush()
    return lines, entries, labelled


def _line_of(offsets: list[int], off: int) -> int:
    return max(bisect.bisect_right(offsets, off) - 1, 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", type=int, default=0, help="print this many lists with wrong entries")
    ap.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"no {CORPUS}: nothing to do", file=sys.stderr)
        return 0
    totals = {True: [0, 0, 0, 0], False: [0, 0, 0, 0]}  # right, found, gold, lists
    shown = 0
    for path in sorted(CORPUS.glob("*.tei.xml")):
        lines, gold, labelled = read(path)
        if not gold:
            continue
        first = gold[0][0]
        body = lines[first:]
        gold = [(a - first, b - first) for a, b in gold]
        text = "References\n" + "\n".join(body) + "\n"
        offsets = []
        pos = len("References\n")
        for ln in body:
            offsets.append(pos)
            pos += len(ln) + 1
        found = [(r_start, r_end) for f in find_lists(text) for r_start, r_end in
                 ((e.start, e.end) for e in f.scan.entries)]

        pred = {(_line_of(offsets, s), _line_of(offsets, max(s, e - 1))) for s, e in found}
        right = len(pred & set(gold))
        t = totals[labelled]
        t[0] += right
        t[1] += len(pred)
        t[2] += len(gold)
        t[3] += 1
        if args.show and shown < args.show and right < len(gold):
            shown += 1
            print(f"== {path.name}: {right}/{len(gold)} right, {len(pred)} found")
            starts = {a for a, _ in gold}
            pstarts = {a for a, _ in pred}
            for k, ln in enumerate(body[:60]):
                print(f"  {'G' if k in starts else ' '}{'P' if k in pstarts else ' '} {ln[:100]}")
    out: list[str] = []
    for labelled, (right, found, total, n) in totals.items():
        kind = "numbered" if labelled else "unnumbered"
        p = right / found if found else 0.0
        r = right / total if total else 0.0
        out.append(f"{kind}: {n} lists, {total} entries; exact entries found {right}: precision {p:.3f}, recall {r:.3f}")
    out.append(whole_documents())
    print("\n".join(out))
    if not args.no_write:
        write_section("bench-entries", "## Finding lists and splitting entries (`benchmarks/bench_entries.py`)\n\n"
                      "Command: `python benchmarks/bench_entries.py` (GROBID's reference-segmenter and held-out "
                      "segmentation documents from ../shared/training, flat text without layout hints).\n\n"
                      + "\n".join(f"- {line}" for line in out))
    return 0


def whole_documents() -> str:
    """The finder end to end on the held-out GROBID segmentation documents (never trained on):
    which lines end up inside a found entry, against the lines of the gold `<listBibl>` zone."""
    from benchmarks.train_finder import is_heldout, read_grobid

    corpus = SHARED / "training" / "grobid-segmentation"
    tp = fp = fn = docs = with_list = 0
    for path in sorted(corpus.glob("*.tei.xml")):
        if not is_heldout(f"grobid/{path.name}"):
            continue
        lines, labels = read_grobid(path)
        if not lines:
            continue
        docs += 1
        text = "\n".join(lines) + "\n"
        offsets = []
        pos = 0
        for ln in lines:
            offsets.append(pos)
            pos += len(ln) + 1
        inside = [False] * len(lines)
        lists = find_lists(text)
        with_list += bool(lists)
        for f in lists:
            for e in f.scan.entries:
                for k in range(_line_of(offsets, e.start), _line_of(offsets, max(e.start, e.end - 1)) + 1):
                    inside[k] = True
        for k, lab in enumerate(labels):
            gold = lab == "ref"
            tp += gold and inside[k]
            fp += inside[k] and not gold
            fn += gold and not inside[k]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return (f"whole documents (held-out GROBID segmentation, {docs} documents, {with_list} with a list found): "
            f"reference lines inside found entries precision {p:.3f}, recall {r:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
