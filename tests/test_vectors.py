"""Embeddings kept on disk: a second run (or another process) reads them instead of embedding again."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from citecheck.claims.embed import Cached
from citecheck.claims.vectors import VectorStore


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        self.seen += list(texts)
        return np.array([[len(t), 1.0 if query else 0.0, 1.0] for t in texts], dtype=np.float32)


def test_second_run_reads_vectors_from_disk(tmp_path: Path) -> None:
    first = Cached(Counting())
    first.store = VectorStore(tmp_path)
    a = first.embed(["title one", "title two"], query=False)
    again = Cached(Counting())  # a new process: empty memory, same directory
    again.store = VectorStore(tmp_path)
    b = again.embed(["title two", "title one", "title three"], query=False)
    assert again.inner.seen == ["title three"]  # type: ignore[attr-defined]
    assert np.array_equal(b[1], a[0]) and np.array_equal(b[0], a[1])
    c = again.embed(["title one"], query=True)  # the other side is a different vector
    assert again.inner.seen[-1] == "title one" and c[0][1] == 1.0  # type: ignore[attr-defined]


def test_damaged_store_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "vectors.sqlite").write_bytes(b"not a database at all" * 100)
    model = Cached(Counting())
    model.store = VectorStore(tmp_path)
    assert model.embed(["x"], query=False).shape == (1, 3)  # embedded in memory, run goes on
    assert model.store.broken
