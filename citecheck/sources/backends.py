"""Which local-index backend a path holds, and opening it: the one place the choice is made.

SQLite (one ``.sqlite`` file) stays the zero-set-up default; a Tantivy index is
a directory with a marker file (`tantivy_index.MARKER`). Opening an existing
index goes by what is on disk, never by a flag, so ``--index`` accepts either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from citecheck.sources.index import IndexFileError, LocalIndex

Backend = Literal["sqlite", "tantivy"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "tantivy")


def detect_backend(path: Path) -> Backend | None:
    """The backend of the index at `path`, or None when nothing (or an empty directory) is there."""
    from citecheck.sources.tantivy_index import is_tantivy_index

    if is_tantivy_index(path):
        return "tantivy"
    if path.is_file():
        return "sqlite"
    return None


def open_local_index(path: Path, *, read_only: bool, backend: Backend | None = None,
                     name: str = "index") -> LocalIndex:
    """The index at `path`; for writing a new one, `backend` chooses (default SQLite).

    A `backend` that contradicts what is already on disk is refused (`IndexFileError`).
    """
    found = detect_backend(path)
    if found is None and path.is_dir() and (read_only or backend != "tantivy"):
        raise IndexFileError(f"{path}: a directory, not a citecheck index (a Tantivy index directory holds "
                             "citecheck-index.json; build one with `citecheck index add --backend tantivy`)")
    if found and backend and backend != found:
        raise IndexFileError(f"{path}: holds a {found} index, not {backend}")
    if (found or backend) == "tantivy":
        from citecheck.sources.tantivy_index import TantivyIndex

        return TantivyIndex(path, name=name, read_only=read_only)
    return LocalIndex(path, name=name, read_only=read_only)
