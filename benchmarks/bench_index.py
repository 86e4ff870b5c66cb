"""Local index benchmark: load time of the bench corpus, search latency and search recall.

Builds a fresh LocalIndex from ../shared/bench/corpus/works.jsonl.gz in a
temporary directory (timing the load, which must stay under 60 s), then runs
every reference string of ../shared/bench/matching.jsonl through
`LocalIndex.search` (rows=5) and reports latency (wall and CPU) and, for the
strings whose work is in the corpus, recall@1/@5 of the target DOI; for the
strings whose work is not in the corpus, the top candidate's similarity (what a
chain threshold must stay above). Results go to BENCHMARKS.md between the
``bench-index`` markers.

    python benchmarks/bench_index.py [--limit N] [--keep PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import BENCH, shared_available, write_section

from citecheck.sources.index import LocalIndex

CORPUS = BENCH / "corpus" / "works.jsonl.gz"
MATCHING = BENCH / "matching.jsonl"
COMMAND = "python benchmarks/bench_index.py"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(index_path: Path, limit: int | None) -> dict:
    index = LocalIndex(index_path)
    started, cpu_started = time.perf_counter(), time.process_time()
    stats = index.add_files([CORPUS])
    load = time.perf_counter() - started
    load_cpu = time.process_time() - cpu_started
    info = index.info()

    index = LocalIndex(index_path)  # a fresh process-like handle: stats are read from disk
    items = [json.loads(line) for line in MATCHING.open(encoding="utf-8")][:limit]
    index.search("warm up the page cache")
    wall: list[float] = []
    cpu: list[float] = []
    hit1 = hit5 = n_in = 0
    null_top: list[float] = []
    in_top: list[float] = []
    for item in items:
        w0, c0 = time.perf_counter(), time.process_time()
        hits = index.search(item["ref_string"], rows=5)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        dois = [h.doi for h in hits]
        top = hits[0].score if hits else 0.0
        if item["target_doi"]:
            n_in += 1
            hit1 += bool(dois) and dois[0] == item["target_doi"]
            hit5 += item["target_doi"] in dois
            if dois and dois[0] == item["target_doi"]:
                in_top.append(top)
        else:
            null_top.append(top)
    return {
        "records": info["records"], "added": stats.added, "skipped": stats.skipped_bad + stats.skipped_no_doi,
        "load_s": load, "load_cpu_s": load_cpu, "size_mb": info["size_bytes"] / 1e6, "queries": len(items),
        "wall_mean_ms": 1000 * statistics.mean(wall), "wall_p50_ms": 1000 * pct(wall, 0.5),
        "wall_p95_ms": 1000 * pct(wall, 0.95), "cpu_mean_ms": 1000 * statistics.mean(cpu),
        "r1": hit1 / max(1, n_in), "r5": hit5 / max(1, n_in), "n_in": n_in,
        "in_top_p10": pct(in_top, 0.10) if in_top else 0.0,
        "null_top_p50": pct(null_top, 0.5) if null_top else 0.0,
        "null_top_p90": pct(null_top, 0.9) if null_top else 0.0, "n_null": len(null_top),
    }


def render(r: dict) -> str:
    return f"""## Local index (`citecheck/sources/index.py`)

Command: `{COMMAND}` (single process, one core; SQLite {__import__("sqlite3").sqlite_version}, FTS5 trigram).

| measure | value |
|---|---|
| corpus records loaded | {r["added"]:,} ({r["skipped"]} skipped) |
| load time (`index add works.jsonl.gz`, incl. FTS optimize + term stats), wall / CPU | {r["load_s"]:.1f} / {r["load_cpu_s"]:.1f} s |
| index size on disk | {r["size_mb"]:.0f} MB |
| search latency, wall mean / p50 / p95 ({r["queries"]:,} matching-set strings, rows=5) | {r["wall_mean_ms"]:.2f} / {r["wall_p50_ms"]:.2f} / {r["wall_p95_ms"]:.2f} ms |
| search CPU time, mean | {r["cpu_mean_ms"]:.2f} ms |
| recall@1 / recall@5 of the target DOI ({r["n_in"]:,} strings whose work is in the corpus) | {r["r1"]:.3f} / {r["r5"]:.3f} |
| top similarity when correct, 10th percentile | {r["in_top_p10"]:.2f} |
| top similarity for works *not* in the corpus, median / 90th pct ({r["n_null"]} strings) | {r["null_top_p50"]:.2f} / {r["null_top_p90"]:.2f} |

Search recall is the ceiling for matching: validation can only accept a candidate search returned.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N matching strings")
    parser.add_argument("--keep", type=Path, default=None, help="build the index at PATH and keep it")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    if not shared_available() or not CORPUS.exists():
        print(f"bench_index: skipped, benchmark data not found at {BENCH}")
        return 0
    if args.keep:
        args.keep.unlink(missing_ok=True)
        result = run(args.keep, args.limit)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(Path(tmp) / "index.sqlite", args.limit)
    text = render(result)
    print(text)
    if not args.no_write:
        write_section("bench-index", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
