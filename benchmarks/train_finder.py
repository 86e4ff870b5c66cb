"""Train the line classifier shipped as citecheck/refs/finder.crfsuite (which lines are references).

Data, read from ../shared/training (never copied into the project):
* anystyle-finder/*.ttx — AnyStyle's finder training data (BSD-2-Clause): every line of 15 theses and
  articles (pdftotext layout) labelled ref / text / title / meta / blank. Each document is used twice:
  as laid out, and with its blank lines and leading spaces removed (what a PDF reader without layout
  hints gives), so the model works with and without those hints.
* grobid-segmentation/*.tei.xml — GROBID's segmentation corpus (Apache-2.0): 645 articles, lines
  (`<lb/>`) in zones: `<listBibl>` = references, `<note place="headnote|footnote">` and `<page>` = meta,
  `<front>` / `<titlePage>` = other, the rest text. GROBID does not mark section headings: short
  heading-shaped lines in text zones are labelled `heading` by a rule (silver labels).

Held-out evaluation leaves whole documents out (a deterministic fifth of the documents of each corpus,
by a hash of the file name): no line of a test document is in training. The shipped model is the one
trained on the other four fifths, so the figures printed are the model's.

Usage: .venv/bin/python benchmarks/train_finder.py [--iterations K] [--max-grobid N] [--out PATH]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pycrfsuite

from benchmarks.common import SHARED, write_section
from citecheck.refs import finder

TRAINING = SHARED / "training"
_ANYSTYLE_MAP = {"ref": "ref", "text": "text", "title": "heading", "meta": "meta", "blank": "blank"}


def is_heldout(name: str) -> bool:
    return zlib.crc32(name.encode("utf-8")) % 5 == 0


def read_ttx(path: Path) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    labels: list[str] = []
    cur = "text"
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if "|" not in raw:
            continue
        lab, _, txt = raw.partition("|")
        lab = lab.strip()
        if lab:
            cur = _ANYSTYLE_MAP.get(lab, "text")
        txt = html.unescape(txt[1:] if txt.startswith(" ") else txt)
        lines.append(txt)
        labels.append("blank" if not txt.strip() else cur if cur != "blank" else "text")
    return lines, labels


def flatten(lines: list[str], labels: list[str]) -> tuple[list[str], list[str]]:
    """The same document as a reader without layout hints gives it: no blank lines, no indentation."""
    pairs = [(ln.strip(), lab) for ln, lab in zip(lines, labels, strict=True) if ln.strip()]
    return [p[0] for p in pairs], [p[1] for p in pairs]


_TAG_RE = re.compile(r"<(/?)([a-zA-Z]+)([^>]*?)(/?)>")
_ZONE = {
    "listBibl": "ref",
    "page": "meta",
    "front": "other",
    "titlePage": "other",
    "cover": "other",
}
_SILVER_HEAD = re.compile(
    r"(?:(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.|[A-Z]\.)\s*)?[A-Z][A-Za-z][^.!?;]{0,55}$"
)


def read_grobid(path: Path) -> tuple[list[str], list[str]]:
    t = path.read_text(encoding="utf-8", errors="replace")
    a = t.find("<text")
    t = t[a:] if a >= 0 else t
    lines: list[str] = []
    labels: list[str] = []
    stack: list[str] = []
    buf: list[str] = []

    def zone() -> str:
        for tag in reversed(stack):
            if tag in ("headnote", "footnote"):
                return "meta"
            if tag in _ZONE:
                return _ZONE[tag]
            if tag == "toc":
                return "other"
        return "text"

    def flush() -> None:
        s = html.unescape("".join(buf)).strip()
        buf.clear()
        if s:
            lines.append(s)
            labels.append(zone())

    pos = 0
    for m in _TAG_RE.finditer(t):
        buf.append(t[pos : m.start()].replace("\n", " "))
        pos = m.end()
        close, name, attrs, selfclose = m.group(1), m.group(2), m.group(3), m.group(4)
        if name == "lb":
            flush()
            continue
        if name in ("tei", "teiHeader", "fileDesc", "text"):
            continue
        flush()
        if selfclose:
            continue
        if close:
            if stack:
                stack.pop()
        else:
            place = re.search(r'(?:place|type)="([^"]+)"', attrs)
            key = name
            if name == "note" and place and place.group(1) in ("headnote", "footnote"):
                key = place.group(1)
            elif name == "div" and place and place.group(1) == "toc":
                key = "toc"
            stack.append(key)
    flush()
    # silver headings and the references heading
    for k, (s, lab) in enumerate(zip(lines, labels, strict=True)):
        words = s.split()
        if lab == "ref" and (k == 0 or labels[k - 1] != "ref") and finder._REFHEAD_RE.match(s):
            labels[k] = "heading"
        elif lab == "text" and len(s) < 60 and len(words) <= 7 and _SILVER_HEAD.match(s):
            prev_end = lines[k - 1][-1:] if k else "."
            nxt = lines[k + 1][:1] if k + 1 < len(lines) else "A"
            if (prev_end in ".:" or re.match(r"\d", s) or (k and labels[k - 1] != "text")) and nxt.isupper():
                labels[k] = "heading"
    return lines, labels


def documents(max_grobid: int) -> list[tuple[str, list[str], list[str]]]:
    docs: list[tuple[str, list[str], list[str]]] = []
    for p in sorted((TRAINING / "anystyle-finder").glob("*.ttx")):
        lines, labels = read_ttx(p)
        docs.append((f"anystyle/{p.stem}", lines, labels))
        fl, fb = flatten(lines, labels)
        docs.append((f"anystyle/{p.stem}#flat", fl, fb))
    for p in sorted((TRAINING / "grobid-segmentation").glob("*.tei.xml"))[:max_grobid]:
        lines, labels = read_grobid(p)
        if lines:
            docs.append((f"grobid/{p.name}", lines, labels))
    return docs


class Trainer(pycrfsuite.Trainer):
    def on_iteration(self, log: str, info: dict) -> None:
        k = info.get("num", 0)
        if k % 10 == 0:
            print(f"  iteration {k}: loss {info.get('loss', 0):.0f}", flush=True)

    def message(self, log: str) -> None:  # quiet
        pass


def evaluate(tagger: pycrfsuite.Tagger, test: list[tuple[str, list[str], list[str]]]) -> str:
    conf: Counter[tuple[str, str]] = Counter()
    for _, lines, labels in test:
        idx, feats = finder.document_features(lines)
        if not idx:
            continue
        pred = tagger.tag(feats)
        for i, p in zip(idx, pred, strict=True):
            conf[(labels[i], p)] += 1
    total = sum(conf.values())
    correct = sum(v for (g, p), v in conf.items() if g == p)
    out = [f"held-out lines: {total}, accuracy {correct / total:.4f}"]
    for lab in finder.LINE_LABELS:
        tp = conf[(lab, lab)]
        fp = sum(v for (g, p), v in conf.items() if p == lab and g != lab)
        fn = sum(v for (g, p), v in conf.items() if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out.append(f"  {lab:8s} P {prec:.3f} R {rec:.3f} F1 {f1:.3f} (gold {tp + fn})")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--max-grobid", type=int, default=10000, help="at most this many GROBID documents")
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--out", type=Path, default=finder.FINDER_MODEL_PATH)
    args = ap.parse_args(argv)
    if not TRAINING.is_dir():
        print(f"training data not found at {TRAINING}; nothing to train on")
        return 0
    t0 = time.perf_counter()
    docs = documents(args.max_grobid)
    train = [d for d in docs if not is_heldout(d[0].split("#")[0])]
    test = [d for d in docs if is_heldout(d[0].split("#")[0])]
    trainer = Trainer(algorithm="lbfgs", verbose=False)
    n_lines = 0
    counts: Counter[str] = Counter()
    for _, lines, labels in train:
        idx, feats = finder.document_features(lines)
        if not idx:
            continue
        labs = [labels[i] for i in idx]
        trainer.append(feats, labs)
        n_lines += len(idx)
        counts.update(labs)
    print(f"{len(train)} training documents ({n_lines} lines: {dict(counts)}), {len(test)} held out; "
          f"features in {time.perf_counter() - t0:.0f}s")
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.possible_transitions": True})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    finder.reset_finder_model()
    tagger = pycrfsuite.Tagger()
    tagger.open(str(args.out))
    report = evaluate(tagger, test)
    summary = (f"{len(train)} training documents ({n_lines} lines), {len(test)} held out (whole documents); "
               f"{args.iterations} L-BFGS iterations, c1 {args.c1}, c2 {args.c2}")
    print(report)
    print(f"model: {args.out} ({args.out.stat().st_size / 1e3:.0f} kB); total {time.perf_counter() - t0:.0f}s")
    if args.out == finder.FINDER_MODEL_PATH:
        write_section("train-finder", "## Line classifier (`make train-finder`)\n\n"
                      "Command: `make train-finder` (benchmarks/train_finder.py over ../shared/training).\n\n"
                      f"{summary}.\n\n```\n{report}\n```")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
