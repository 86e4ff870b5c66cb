"""Embeddings kept on disk: each work's title and abstract sentences are embedded once, not per run.

A small SQLite file (``vectors.sqlite`` in the cache directory, WAL mode, so `check --jobs N` and
service workers share it) maps (model, side, SHA-1 of the text) to the vector. A re-run of the same
document, or another document citing the same works, reads them back instead of running the model.
A damaged or unwritable file is not an error: the scorer just embeds again.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

VECTORS_FILE = "vectors.sqlite"
MAX_ROWS = 2_000_000
"""Beyond this many vectors the store stops growing (≈ 2 GB at 512 float32 dimensions)."""


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class VectorStore:
    """Persisted vectors of one cache directory (thread-safe: one connection per thread)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / VECTORS_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.broken = False
        self._conn()

    def _conn(self) -> sqlite3.Connection | None:
        if self.broken:
            return None
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, side INTEGER, key BLOB, vec BLOB, "
                             "PRIMARY KEY (model, side, key)) WITHOUT ROWID")
            except sqlite3.Error:
                self.broken = True  # embeddings are a convenience: go on without them
                return None
            self._local.conn = conn
        return conn

    def get_many(self, model: str, side: bool, texts: Sequence[str]) -> dict[str, np.ndarray]:
        conn = self._conn()
        if conn is None or not texts:
            return {}
        by_key = {text_key(t): t for t in texts}
        out: dict[str, np.ndarray] = {}
        keys = list(by_key)
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in conn.execute(f"SELECT key, vec FROM vectors WHERE model=? AND side=? AND key IN ({marks})",
                                              (model, int(side), *chunk)):
                    out[by_key[bytes(key)]] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error:
            self.broken = True
            return {}
        return out

    def put_many(self, model: str, side: bool, items: dict[str, np.ndarray]) -> None:
        conn = self._conn()
        if conn is None or not items:
            return
        try:
            (count,) = conn.execute("SELECT count(*) FROM vectors").fetchone()
            if count >= MAX_ROWS:
                return
            with conn:
                conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                                 [(model, int(side), text_key(t), np.asarray(v, dtype=np.float32).tobytes())
                                  for t, v in items.items()])
        except sqlite3.Error:
            self.broken = True
