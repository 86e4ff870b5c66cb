"""Local index at scale: Tantivy and SQLite side by side at 44k, ~300k and ~1M records.

For each size the index is built from the real bench corpus plus the first
synthetic distractor files of `expand_corpus` (same journals and vocabulary,
deterministic seed), by the `citecheck index add` command in a child process
(so its peak memory is its own), under `nice`. Then every string of
../shared/bench/matching.jsonl is searched (rows=5) in this process with the
index opened read-only: latency p50/p95 and recall@1/@5 of the target DOI.
Build time, size on disk and peak RSS of the build are reported too. SQLite
above ``--sqlite-max`` records is skipped (its build is the slow part; the
table says so). Results go to BENCHMARKS.md between the ``bench-index-scale``
markers.

    python benchmarks/bench_index_scale.py [--scales 44268,300000,1000000] [--sqlite-max N] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import BENCH, ROOT, shared_available, write_section
from expand_corpus import PER_FILE, variant_files

from citecheck.sources.backends import open_local_index

CORPUS = BENCH / "corpus" / "works.jsonl.gz"
MATCHING = BENCH / "matching.jsonl"
COMMAND = "nice python benchmarks/bench_index_scale.py"
REAL = 44268


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def dir_size(path: Path) -> int:
    if path.is_file():
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(backend: str, path: Path, files: list[Path]) -> dict[str, Any]:
    """`citecheck index add` in a child process; wall time, its CPU time and peak RSS."""
    if path.exists():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    cmd = ["/usr/bin/time", "-f", "%e %U %S %M", "nice", sys.executable, "-m", "citecheck", "index", "add",
           "--backend", backend, "--index", str(path), *map(str, files)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    wall, user, system, rss_kb = done.stderr.strip().splitlines()[-1].split()
    report = json.loads(done.stdout)
    return {"build_s": float(wall), "build_cpu_s": float(user) + float(system), "rss_mb": int(rss_kb) / 1024,
            "records": report["added"] + report["updated"] + report["unchanged"], "size_mb": dir_size(path) / 1e6}


def search(path: Path, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Every matching string through the read-only index: latency and recall."""
    index = open_local_index(path, read_only=True)
    index.search("warm up the page cache")
    wall: list[float] = []
    hit1 = hit5 = n_in = 0
    for item in items:
        t0 = time.perf_counter()
        hits = index.search(item["ref_string"], rows=5)
        wall.append(time.perf_counter() - t0)
        if item["target_doi"]:
            dois = [h.doi for h in hits]
            n_in += 1
            hit1 += bool(dois) and dois[0] == item["target_doi"]
            hit5 += item["target_doi"] in dois
    index.close()
    return {"p50_ms": 1000 * pct(wall, 0.5), "p95_ms": 1000 * pct(wall, 0.95),
            "mean_ms": 1000 * sum(wall) / len(wall), "r1": hit1 / max(1, n_in), "r5": hit5 / max(1, n_in),
            "n_in": n_in, "queries": len(items)}


def render(rows: list[dict[str, Any]], skipped: list[str], seed: int) -> str:
    lines = [
        "## Local index at scale (`citecheck/sources/tantivy_index.py` vs `index.py`)",
        "",
        f"Command: `{COMMAND}` (2-core machine shared with other work; builds by `citecheck index add` in a "
        f"child process under `nice`; distractors from `benchmarks/expand_corpus.py`, seed {seed}: real records "
        "with titles recombined from the same journal's titles, other authors, years, volumes, pages and DOIs; "
        "search = every `matching.jsonl` string, rows=5, index opened read-only).",
        "",
        "| records | backend | build wall / CPU | peak RSS of the build | on disk | search p50 / p95 / mean | "
        "recall@1 / @5 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['records']:,} | {r['backend']} | {r['build_s']:.0f} / {r['build_cpu_s']:.0f} s | "
                     f"{r['rss_mb']:.0f} MB | {r['size_mb']:.0f} MB | {r['p50_ms']:.2f} / {r['p95_ms']:.2f} / "
                     f"{r['mean_ms']:.2f} ms | {r['r1']:.3f} / {r['r5']:.3f} |")
    lines += [""] + [f"- {s}" for s in skipped]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=f"{REAL},300000,1000000", help="comma-separated record counts")
    parser.add_argument("--sqlite-max", type=int, default=1_000_000, help="skip SQLite above this many records")
    parser.add_argument("--backends", default="tantivy,sqlite")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "scale")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--limit", type=int, default=None, help="only the first N matching strings")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    if not shared_available() or not CORPUS.exists():
        print(f"bench_index_scale: skipped, benchmark data not found at {BENCH}")
        return 0
    scales = sorted(int(s) for s in args.scales.split(","))
    synth = variant_files(args.work / "synth", max(0, scales[-1] - REAL), args.seed, CORPUS)
    items = [json.loads(line) for line in MATCHING.open(encoding="utf-8")][: args.limit]
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for scale in scales:
        files = [CORPUS, *synth[: round(max(0, scale - REAL) / PER_FILE)]]
        for backend in args.backends.split(","):
            if backend == "sqlite" and scale > args.sqlite_max:
                skipped.append(f"SQLite at {scale:,} records not built (`--sqlite-max {args.sqlite_max}`): its "
                               "build is the slow part on this shared 2-core machine")
                continue
            path = args.work / (f"{backend}-{scale}" + (".sqlite" if backend == "sqlite" else ""))
            row = {"backend": backend, **build(backend, path, files)}
            row.update(search(path, items))
            rows.append(row)
            print(json.dumps(row), flush=True)
            if path.is_dir():
                shutil.rmtree(path)
            else:
                for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    p.unlink(missing_ok=True)
    text = render(rows, skipped, args.seed)
    print(text)
    if not args.no_write:
        write_section("bench-index-scale", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
