"""Small helpers shared by the benchmark scripts: where the data is, where results go."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citecheck.model import Reference

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT / ".." / "shared").resolve()
BENCH = SHARED / "bench"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"


def shared_available() -> bool:
    """True when ../shared/bench (the benchmark data, never committed) is present."""
    return BENCH.is_dir()


def write_section(name: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) the section between `<!-- NAME:start -->` and `<!-- NAME:end -->`.

    Other sections of the file are left exactly as they are, so several
    benchmark scripts can share one BENCHMARKS.md.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(old):
        new = pattern.sub(lambda _m: block, old, count=1)
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    path.write_text(new, encoding="utf-8")


def read_reference(string: str) -> Reference:
    """One reference string read the way `citecheck match --string` reads it: the text's normal form, the
    citation label, the entry's repairs (full-width punctuation, hyphenation, spacing…), then the parser; its
    `text` (the repaired entry) is what the sources are searched with."""
    from citecheck.refs import references_from_lines
    from citecheck.text import normalize

    lists = references_from_lines(normalize(string).replace("\n", " "))
    return lists[0].references[0]

