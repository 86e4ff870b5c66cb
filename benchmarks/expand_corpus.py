"""Synthetic distractor records derived from the real bench corpus, for index benchmarks at scale.

Why: the bench corpus has 44k real records; an index's search cost and
recall change with size, and the distractors that hurt are the ones that look
like the real work — same journal, same vocabulary. Each variant takes a real
record and keeps its journal, type and page-count shape, but gets a title made
of words from titles of the same journal (else the same first subject), other
authors (family and given names drawn from the whole corpus), another year,
volume, issue and first page, another journal article's abstract and a DOI of
its own under the same prefix. Deterministic: file `k` of seed `s` is always
the same. Written in the Crossref public-data-file layout (a directory of
``*.json.gz`` files, each ``{"items": [...]}``), so loading them also exercises
that reader.

    python benchmarks/expand_corpus.py OUT_DIR N [--seed 16]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PER_FILE = 5000
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass
class Pools:
    """What variants are made from, read once from the real corpus (only the fields they need)."""

    items: list[dict[str, Any]]
    groups: dict[str, list[int]]
    families: list[str]
    givens: list[str]


def _slim(item: dict[str, Any]) -> dict[str, Any]:
    keep = ("DOI", "type", "title", "container-title", "author", "issued", "volume", "issue", "page",
            "abstract", "subject", "ISSN")
    return {k: item[k] for k in keep if k in item}


def load_pools(corpus: Path) -> Pools:
    items: list[dict[str, Any]] = []
    groups: dict[str, list[int]] = defaultdict(list)
    families: list[str] = []
    givens: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            item = _slim(json.loads(line))
            if not item.get("title") or not item.get("DOI"):
                continue
            i = len(items)
            items.append(item)
            journal = ((item.get("container-title") or [""])[0] or "").casefold()
            subject = ((item.get("subject") or [""])[0] or "").casefold()
            groups["j:" + journal if journal else "s:" + subject].append(i)
            if subject:
                groups["s:" + subject].append(i)
            for a in item.get("author") or []:
                if a.get("family"):
                    families.append(a["family"])
                if a.get("given"):
                    givens.append(a["given"])
    return Pools(items=items, groups=dict(groups), families=families, givens=givens)


def _donor(rng: random.Random, pools: Pools, src: dict[str, Any]) -> dict[str, Any]:
    """Another record of the same journal, else of the same first subject, else any."""
    journal = ((src.get("container-title") or [""])[0] or "").casefold()
    subject = ((src.get("subject") or [""])[0] or "").casefold()
    for key in ("j:" + journal if journal else "", "s:" + subject if subject else ""):
        members = pools.groups.get(key) if key else None
        if members and len(members) > 1:
            return pools.items[rng.choice(members)]
    return pools.items[rng.randrange(len(pools.items))]


def _mix_title(rng: random.Random, a: str, b: str) -> str:
    """The head of one title and the tail of another (for Chinese, character runs)."""
    if _CJK.search(a):
        cut_a, cut_b = rng.randint(2, max(2, len(a) - 2)), rng.randint(1, max(1, len(b) - 1))
        return a[:cut_a] + b[cut_b:] if b[cut_b:] else a[::-1]
    wa, wb = a.split(), b.split()
    head = wa[: rng.randint(1, max(1, len(wa) * 2 // 3))]
    tail = wb[rng.randint(min(len(wb) - 1, len(wb) // 3), len(wb) - 1):] if wb else []
    words = head + tail
    if words == wa:  # the donor was the record itself: take the other end of it
        words = wa[len(wa) // 2:] + wa[: len(wa) // 2]
    return " ".join(words)


def _number(rng: random.Random, value: Any, spread: int) -> str | None:
    if value is None:
        return None
    text = str(value)
    return str(max(1, int(text) + rng.randint(-spread, spread))) if text.isdigit() else text


def variant(rng: random.Random, pools: Pools, n: int, seed: int) -> dict[str, Any]:
    """One distractor made from a random real record and a donor of the same field."""
    src = pools.items[rng.randrange(len(pools.items))]
    donor = _donor(rng, pools, src)
    out = dict(src)
    out["title"] = [_mix_title(rng, src["title"][0], donor["title"][0])]
    prefix = src["DOI"].split("/", 1)[0]
    out["DOI"] = f"{prefix}/synth.{seed}.{n}"
    authors = src.get("author") or [{}]
    out["author"] = [{"family": rng.choice(pools.families), "given": rng.choice(pools.givens)}
                     for _ in range(min(len(authors), 8))] if pools.families else []
    try:
        year = int(src["issued"]["date-parts"][0][0]) + rng.randint(-6, 6)
    except (KeyError, IndexError, TypeError, ValueError):
        year = rng.randint(1970, 2024)
    out["issued"] = {"date-parts": [[min(year, 2025)]]}
    if "volume" in src:
        out["volume"] = _number(rng, src["volume"], 20)
    if "issue" in src:
        out["issue"] = str(rng.randint(1, 12))
    if "page" in src:
        first = rng.randint(1, 2500)
        out["page"] = f"{first}-{first + rng.randint(3, 20)}"
    if donor.get("abstract"):
        out["abstract"] = donor["abstract"]
    else:
        out.pop("abstract", None)
    return out


def variant_files(out_dir: Path, count: int, seed: int, corpus: Path) -> list[Path]:
    """The first ceil(count / PER_FILE) variant files under `out_dir`, written when missing."""
    out_dir.mkdir(parents=True, exist_ok=True)
    n_files = -(-count // PER_FILE)
    paths = [out_dir / f"synth-{seed}-{k:04d}.json.gz" for k in range(n_files)]
    missing = [k for k, p in enumerate(paths) if not p.exists()]
    if missing:
        pools = load_pools(corpus)
        for k in missing:
            rng = random.Random(f"{seed}:{k}")
            items = [variant(rng, pools, k * PER_FILE + i, seed) for i in range(PER_FILE)]
            tmp = paths[k].with_suffix(".tmp")
            with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
                json.dump({"items": items}, fh, ensure_ascii=False)
            tmp.replace(paths[k])
    return paths


def iter_items(paths: list[Path]) -> Iterator[dict[str, Any]]:
    for p in paths:
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            yield from json.load(fh)["items"]


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import BENCH

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    paths = variant_files(args.out, args.count, args.seed, BENCH / "corpus" / "works.jsonl.gz")
    print(f"{len(paths)} files, {len(paths) * PER_FILE} variants in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
