"""Train the CRF reference parser shipped as citecheck/refs/parser.crfsuite.

Reproducible: fixed seeds, deterministic held-out split, data only from ../shared/bench:
* parsing.jsonl minus its held-out fifth (`parser_data.is_heldout`), aligned to tokens;
* synthetic strings rendered from corpus records by our own templates, excluding every
  DOI that appears in matching.jsonl (`target_doi`/`true_doi`), since the evaluation set
  parsing_rendered.jsonl is rendered from those records.

Usage: .venv/bin/python benchmarks/train_parser.py [--synthetic N] [--gold-weight K] [--iterations K] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pycrfsuite
from common import BENCH, shared_available
from parser_data import (
    is_heldout,
    load_corpus,
    load_parsing,
    synthetic,
    training_examples,
)

from citecheck.refs import crf
from citecheck.refs.features import sequence_features
from citecheck.refs.tokens import tokenize

SEED = 20240611


class Trainer(pycrfsuite.Trainer):
    """pycrfsuite trainer that reports progress every 10 iterations instead of crfsuite's verbose log."""

    def on_iteration(self, log: str, info: dict) -> None:
        k = info.get("num", 0)
        if k % 10 == 0:
            print(
                f"  iteration {k}: loss {info.get('loss', 0):.0f}, active features {info.get('active_features', 0)}, "
                f"{info.get('time', 0):.1f}s/iter",
                flush=True,
            )

    def on_start(self, log: str) -> None:
        pass

    def on_featgen_progress(self, log: str, percent: int) -> None:
        pass

    def on_featgen_end(self, log: str) -> None:
        pass

    def on_prepared(self, log: str) -> None:
        pass

    def on_prepare_error(self, log: str) -> None:
        pass

    def on_optimization_end(self, log: str) -> None:
        pass

    def on_end(self, log: str) -> None:
        pass


def excluded_dois(path: Path) -> set[str]:
    out: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            for k in ("target_doi", "true_doi"):
                if d.get(k):
                    out.add(d[k].lower())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--synthetic", type=int, default=20000, help="number of synthetic strings")
    ap.add_argument(
        "--gold-weight", type=int, default=2, help="times each parsing.jsonl training example is appended"
    )
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--minfreq", type=float, default=2)
    ap.add_argument("--out", type=Path, default=crf.MODEL_PATH)
    args = ap.parse_args(argv)
    if not shared_available():
        print(f"benchmark data not found at {BENCH}; nothing to train on")
        return 0
    t0 = time.perf_counter()
    items = load_parsing(BENCH / "parsing.jsonl")
    train_items = [it for it in items if not is_heldout(it)]
    gold_ex, failed = training_examples(train_items)
    print(
        f"parsing.jsonl: {len(items)} items, {len(train_items)} for training, {len(gold_ex)} aligned, {failed} skipped"
    )
    recs = load_corpus(
        BENCH / "corpus" / "works.jsonl.gz", excluded_dois(BENCH / "matching.jsonl"), 40000, SEED
    )
    syn = list(synthetic(recs, args.synthetic, SEED))
    print(f"synthetic: {len(syn)} strings from {len(recs)} corpus records")
    trainer = Trainer(algorithm="lbfgs", verbose=True)
    n_tok = 0
    # real annotated strings count more than our own renderings: they carry the noise and
    # the styles the templates do not (the held-out fifth is never among them)
    for text, char_labels in gold_ex * args.gold_weight + syn:
        toks = tokenize(text)
        if not toks:
            continue
        labels = crf.token_labels_from_chars(toks, char_labels)
        trainer.append(sequence_features(toks, text), labels)
        n_tok += len(toks)
    t1 = time.perf_counter()
    print(f"features: {n_tok} tokens in {t1 - t0:.0f}s; training ({args.iterations} iterations)...")
    trainer.set_params(
        {
            "c1": args.c1,
            "c2": args.c2,
            "max_iterations": args.iterations,
            "feature.minfreq": args.minfreq,
            "feature.possible_transitions": True,
        }
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    crf.reset_model()
    size = args.out.stat().st_size / 1e6
    print(f"model: {args.out} ({size:.1f} MB); total time {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
