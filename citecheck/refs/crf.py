"""The CRF sequence labeller: label set, model loading and tagging.

The model file ships inside the package (``parser.crfsuite``) and is loaded once,
lazily, into a module-level tagger. python-crfsuite's `Tagger` is not safe to
share between threads while tagging, so a lock guards it; tagging one reference
takes well under a millisecond, so contention is not a concern.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from citecheck.refs.features import sequence_features
from citecheck.refs.tokens import Token

MODEL_PATH = Path(__file__).with_name("parser.crfsuite")

# Field labels the model predicts; "O" marks separators between fields.
LABELS = (
    "O",
    "num",  # citation label [12] / 12.
    "author",
    "editor",
    "title",
    "container",
    "date",
    "volume",
    "issue",
    "pages",
    "publisher",
    "location",
    "doi",
    "url",
    "pmid",
    "type",  # GB/T 7714 type code, e.g. J in [J]
    "edition",
    "note",
)



class CrfModel:
    """A python-crfsuite model file opened on first use and kept for the process (thread-safe):
    the field parser and the line finder each hold one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tagger: Any = None
        self._path: Path | None = None

    def tag(self, features: list[Any], path: Path) -> list[str] | None:
        """Labels for a feature sequence, or None when there is no model file at `path`."""
        with self._lock:
            if self._tagger is None or self._path != path:
                if not path.exists():
                    return None
                import pycrfsuite

                tagger = pycrfsuite.Tagger()
                tagger.open(str(path))
                self._tagger, self._path = tagger, path
            return list(self._tagger.tag(features))

    def reset(self) -> None:
        """Forget the loaded model (after retraining in the same process)."""
        with self._lock:
            self._tagger, self._path = None, None


_MODEL = CrfModel()


def model_available(path: Path = MODEL_PATH) -> bool:
    return path.exists()


def tag(tokens: list[Token], text: str, path: Path = MODEL_PATH) -> list[str] | None:
    """Labels for `tokens` (one per token), or None when no model is installed."""
    if not tokens:
        return []
    return _MODEL.tag(sequence_features(tokens, text), path)


def reset_model() -> None:
    """Forget the loaded model (after retraining in the same process)."""
    _MODEL.reset()


def token_labels_from_chars(tokens: list[Token], char_labels: list[str]) -> list[str]:
    """Token labels from per-character labels: a token takes the label of its first labelled char.

    Used to turn span annotations (gold segments, synthetic renderings) into
    training sequences. Punctuation tokens at the edge of a labelled run become
    "O", so the separator convention is the same whatever the annotation source
    did with trailing punctuation (AnyStyle keeps it, GROBID drops it).
    """
    labels: list[str] = []
    for tok in tokens:
        lab = "O"
        for c in range(tok.start, tok.end):
            if char_labels[c] != "O":
                lab = char_labels[c]
                break
        labels.append(lab)
    _trim_edges(tokens, labels)
    return labels


_EDGE_PUNCT = set(".,;:")
_OPEN = set("([“\"'")
_CLOSE = set(")]”\"'")


def _trim_edges(tokens: list[Token], labels: list[str]) -> None:
    """Relabel separator punctuation and wrapping brackets/quotes at the edges of each run as "O"."""
    n = len(tokens)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and labels[j + 1] == labels[i]:
            j += 1
        if labels[i] not in ("O", "doi", "url"):
            a, b = i, j
            changed = True
            while changed and a <= b:
                changed = False
                tb, ta = tokens[b], tokens[a]
                if tb.kind == "punct" and (
                    tb.text in _EDGE_PUNCT or (tb.text in _CLOSE and _unbalanced_close(tokens, a, b))
                ):
                    labels[b] = "O"
                    b -= 1
                    changed = True
                elif ta.kind == "punct" and (
                    ta.text in _EDGE_PUNCT or (ta.text in _OPEN and _unbalanced_open(tokens, a, b))
                ):
                    labels[a] = "O"
                    a += 1
                    changed = True
                elif b > a and ta.text in _PAIRS and tb.text == _PAIRS[ta.text] and _encloses(tokens, a, b):
                    labels[a] = labels[b] = "O"
                    a += 1
                    b -= 1
                    changed = True
        i = j + 1


_PAIRS = {"(": ")", "[": "]", "“": "”", '"': '"', "'": "'"}


def _encloses(tokens: list[Token], a: int, b: int) -> bool:
    """True when the bracket at `a` is closed exactly by the one at `b` (not `(a) b (c)`)."""
    opener, close = tokens[a].text, tokens[b].text
    if opener == close:
        return all(t.text != opener for t in tokens[a + 1 : b])
    depth = 0
    for k in range(a, b + 1):
        t = tokens[k].text
        if t == opener:
            depth += 1
        elif t == close:
            depth -= 1
            if depth == 0 and k < b:
                return False
    return depth == 0


def _unbalanced_close(tokens: list[Token], a: int, b: int) -> bool:
    """True when the closing bracket at `b` has no opener inside [a, b)."""
    close = tokens[b].text
    opener = {")": "(", "]": "[", "”": "“", '"': '"', "'": "'"}[close]
    inner = [t.text for t in tokens[a:b]]
    if opener == close:
        return inner.count(close) % 2 == 0
    return inner.count(opener) <= inner.count(close)


def _unbalanced_open(tokens: list[Token], a: int, b: int) -> bool:
    """True when the opening bracket at `a` is not closed inside (a, b]."""
    opener = tokens[a].text
    close = {"(": ")", "[": "]", "“": "”", '"': '"', "'": "'"}[opener]
    inner = [t.text for t in tokens[a + 1 : b + 1]]
    if opener == close:
        return inner.count(close) % 2 == 0
    return inner.count(close) <= inner.count(opener)
