"""Finding the documents a command line names: files, directories, globs — each document once.

Directories and ``**`` globs are walked by `walk_files`, which follows
symlinked directories but never into a directory it has already visited (by
real path): a symlink loop (``a/loop -> ..``) made ``glob('**')`` list one
document 41 times (once per level until ELOOP), and two loops in one folder
would have made the walk exponential. Results are deduplicated by real path,
so a document reached through a link and directly is checked once.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path


def walk_files(root: str) -> Iterator[str]:
    """Every file under `root` (sorted per directory), each real directory entered once."""
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) not in seen)
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    for i, part in enumerate(pattern.split("/")):
        last = i == len(pattern.split("/")) - 1
        if part == "**":
            parts.append("(?:[^/]+/)*" if not last else ".*")
            continue
        body = fnmatch.translate(part)
        body = body[: body.rindex(r"\Z")].replace(".*", "[^/]*")
        parts.append(body + ("" if last else "/"))
    return re.compile("".join(parts) + r"\Z", re.S)


def glob_files(pattern: str) -> list[str]:
    """Files matching `pattern` (``**`` crosses directories), loop-safe; hidden names are skipped."""
    if "**" not in pattern:
        return [m for m in sorted(glob.glob(pattern)) if os.path.isfile(m)]
    parts = pattern.split("/")
    fixed = 0
    while fixed < len(parts) and not glob.has_magic(parts[fixed]):
        fixed += 1
    root = "/".join(parts[:fixed]) or ("/" if pattern.startswith("/") else ".")
    rest = _pattern_regex("/".join(parts[fixed:]))
    out = []
    for path in walk_files(root):
        rel = os.path.relpath(path, root)
        if any(seg.startswith(".") for seg in rel.split(os.sep)):
            continue
        if rest.match(rel.replace(os.sep, "/")) and os.path.isfile(path):
            out.append(path if root != "." or pattern.startswith("./") else rel)
    return out


def unique_real(paths: Iterable[str]) -> list[str]:
    """`paths` in order, each real file once (``-`` kept as is)."""
    seen: set[str] = set()
    out: list[str] = []
    for p in paths:
        key = p if p == "-" else os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def documents_in(directory: str, suffixes: Iterable[str]) -> list[str]:
    """Documents (by suffix, not hidden) under `directory`, loop-safe."""
    wanted = {s.lower() for s in suffixes}
    out = []
    for path in walk_files(directory):
        p = Path(path)
        rel = os.path.relpath(path, directory)
        if p.suffix.lower() in wanted and not any(seg.startswith(".") for seg in rel.split(os.sep)) \
                and os.path.isfile(path):
            out.append(path)
    return out


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Documents named by paths, folders (walked for every format citecheck reads) and globs, once each.

    Raises `DocumentError` for a name that is none of these.
    """
    from citecheck.document import SUFFIXES, DocumentError

    out: list[str] = []
    for item in inputs:
        path = Path(item)
        if item == "-" or path.is_file():
            out.append(item)
        elif path.is_dir():
            out += sorted(documents_in(item, SUFFIXES))
        else:
            matches = glob_files(item)
            if not matches and not glob.glob(item):
                raise DocumentError(f"{item}: no such file, directory or matching documents")
            out += matches
    return unique_real(out)  # symlink loops and aliases: each real document once
