"""`check --jobs N`: same reports as one document at a time, and how much faster on this machine.

Twenty documents — the demo, the two samples and the realdocs files (PDFs, Word, LaTeX, .bib/.bbl) —
are checked offline against the demo index by the `citecheck` command, once with ``--jobs 1`` and
once with ``--jobs 2``, each with a fresh cache directory; wall time includes starting the worker
processes and loading their models. The JSON reports must be identical (apart from `generated_at`).

    python benchmarks/bench_jobs.py [--no-write] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, SHARED, write_section

DEMO_INDEX = ROOT / "citecheck" / "data" / "demo" / "index.jsonl"


def documents(limit: int = 20) -> list[Path]:
    """The demo, the samples, then the realdocs files that are documents (not gold lists)."""
    docs = [ROOT / "citecheck" / "data" / "demo" / "review.zh.md"]
    docs += sorted((SHARED / "samples").glob("*.zh.*"))
    docs += sorted(p for p in (SHARED / "realdocs").iterdir()
                   if p.suffix in {".pdf", ".docx", ".tex", ".bib", ".bbl"})
    return docs[:limit]


def run(docs: list[Path], jobs: int, out: Path, cache: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all processes of the run) of one `check` run."""
    command = [str(Path(sys.executable).parent / "citecheck"), "check", *map(str, docs), "--offline",
               "--index", str(DEMO_INDEX), "--cache-dir", str(cache), "--fail-on", "never", "-o", str(out),
               "--jobs", str(jobs)]
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def report(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated_at", None)
    return data


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each, alternating; the fastest counts "
                    "(other work on a shared machine only ever slows a run down)")
    args = ap.parse_args()
    docs = documents()
    if len(docs) < 20:
        print(f"only {len(docs)} documents (../shared absent?)", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    try:
        ones, manys, same = [], [], True
        for k in range(max(1, args.repeat)):
            ones.append(run(docs, 1, tmp / "one.json", tmp / f"cache1-{k}"))
            manys.append(run(docs, args.jobs, tmp / "many.json", tmp / f"cache2-{k}"))
            same = same and report(tmp / "one.json") == report(tmp / "many.json")
        (serial, serial_cpu), (parallel, parallel_cpu) = min(ones), min(manys)
        load = os.getloadavg()[0]
        n_docs = report(tmp / "one.json")["count"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    body = "\n".join([
        "## Many documents at once (`make bench-jobs`)",
        "",
        f"`python benchmarks/bench_jobs.py` — {n_docs} documents (the demo, the two samples, the realdocs PDFs, "
        "Word, LaTeX and .bib/.bbl files) checked offline against the demo index by the `citecheck check` "
        f"command, fresh cache each time, on this {os.cpu_count()}-core machine; wall time includes starting "
        f"the worker processes and loading their models; the fastest of {max(1, args.repeat)} alternating runs "
        "of each. CPU s is user + system time of all the run's "
        "processes: what the run costs whatever else the machine is doing (wall times depend on that: "
        f"load average {load:.1f} at the end of this run).",
        "",
        "| run | wall s | × of --jobs 1 | CPU s | reports |",
        "|---|---:|---:|---:|---|",
        f"| `--jobs 1` | {serial:.1f} | 1.00 | {serial_cpu:.1f} | |",
        f"| `--jobs {args.jobs}` | {parallel:.1f} | {parallel / serial:.2f} | {parallel_cpu:.1f} | "
        f"{'identical to --jobs 1' if same else 'DIFFERENT from --jobs 1'} |",
    ])
    print(body)
    if not args.no_write:
        write_section("bench-jobs", body)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
