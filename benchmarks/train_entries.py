"""Would a learned model split author–year entries better than the rules? (It does not: not shipped.)

Data: GROBID's reference-segmenter corpus in ../shared/training (Apache-2.0): every `<listBibl>` as its
printed lines, each line B (an entry starts) or I. A CRF over the lines gets the rules' own evidence
(`split.start_evidence`: author-like start, strong name patterns, year at the head, the line before ending
an entry or an author list, lengths against the list's width) and the line classifier's shape features.
Cross-validated by document; on the unnumbered lists the rules (`split.rule_start`) give starts
P 0.978 R 0.916 and the model P 0.958 R 0.918, so `scan_labelled` keeps the rules. (The rules were
tuned looking at this corpus, so their figure is optimistic.)

Usage: .venv/bin/python benchmarks/train_entries.py [--folds K]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pycrfsuite

from benchmarks.bench_entries import CORPUS, read
from citecheck.refs import finder, split


def fold_of(name: str, folds: int) -> int:
    return zlib.crc32(name.encode("utf-8")) % folds


def features(lines: list[str]) -> list[list[str]]:
    lengths = sorted(len(x) for x in lines)
    width = lengths[int(len(lengths) * 0.8)] if len(lines) >= 5 else 0
    own = [finder._line_own(x, width or 80) for x in lines]
    out = []
    for k, line in enumerate(lines):
        f = ["b"]
        prev = lines[k - 1] if k else ""
        f.extend(split.start_evidence(line, prev, width) if k else ["first"])
        for key in ("lab", "nm", "yr", "end", "st", "init", "cap", "rlen", "q", "vol", "pg", "doi", "url"):
            if key in own[k]:
                f.append(f"{key}={own[k][key]}")
        if k:
            for key in ("end", "rlen", "yr"):
                if key in own[k - 1]:
                    f.append(f"-1{key}={own[k - 1][key]}")
        if k + 1 < len(lines):
            for key in ("nm", "yr", "st"):
                if key in own[k + 1]:
                    f.append(f"+1{key}={own[k + 1][key]}")
        out.append(f)
    return out


def lists() -> list[tuple[str, list[str], list[str], bool]]:
    out = []
    for path in sorted(CORPUS.glob("*.tei.xml")):
        lines, gold, labelled = read(path)
        if not gold:
            continue
        first = gold[0][0]
        body = lines[first:]
        starts = {a - first for a, _ in gold}
        tags = ["B" if k in starts else "I" for k in range(len(body))]
        out.append((path.name, body, tags, labelled))
    return out


def rule_tags(lines: list[str]) -> list[str]:
    lengths = sorted(len(x) for x in lines)
    width = lengths[int(len(lengths) * 0.8)] if len(lines) >= 5 else 0
    text = "\n".join(lines)
    pos = 0
    rows = []
    for x in lines:
        rows.append((pos, pos + len(x), False, 0))
        pos += len(x) + 1
    tags = ["B"]
    for k in range(1, len(lines)):
        name = split._name_start(lines[k])
        near = split._year_near(text, rows, k)
        tags.append("B" if split.rule_start(lines[k], lines[k - 1], name, near, width) else "I")
    return tags


def score(pairs: list[tuple[list[str], list[str]]]) -> str:
    tp = fp = fn = 0
    for gold, pred in pairs:
        for g, p in zip(gold, pred, strict=True):
            tp += g == "B" and p == "B"
            fp += g != "B" and p == "B"
            fn += g == "B" and p != "B"
    return f"starts P {tp / (tp + fp):.3f} R {tp / (tp + fn):.3f} (gold {tp + fn})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"no {CORPUS}: nothing to do", file=sys.stderr)
        return 0
    data = lists()
    rules: list[tuple[list[str], list[str]]] = []
    model: list[tuple[list[str], list[str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "entries.crfsuite")
        for fold in range(args.folds):
            trainer = pycrfsuite.Trainer(verbose=False)
            for name, body, tags, _ in data:
                if fold_of(name, args.folds) != fold:
                    trainer.append(features(body), tags)
            trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True})
            trainer.train(path)
            tagger = pycrfsuite.Tagger()
            tagger.open(path)
            test = [d for d in data if fold_of(d[0], args.folds) == fold and not d[3]]
            rules += [(d[2], rule_tags(d[1])) for d in test]
            model += [(d[2], list(tagger.tag(features(d[1])))) for d in test]
            tagger.close()
    print(f"unnumbered lists, {args.folds}-fold by document: rules {score(rules)}; model {score(model)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
