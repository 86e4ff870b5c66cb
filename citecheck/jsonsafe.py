"""JSON that is JSON: no ``NaN``/``Infinity`` in anything citecheck writes.

Python's `json.dumps` writes ``NaN`` and ``Infinity`` by default, which no
strict parser (browsers' ``JSON.parse``, jq, most languages) accepts — one
non-finite number from a server or a computation made the whole JSON report
and the HTML report's data block unreadable. `dumps` writes with
``allow_nan=False``; when that refuses, non-finite numbers are replaced by
``null`` and it writes again (the common case costs nothing extra).
"""

from __future__ import annotations

import io
import json
import math
from typing import Any


def finite(obj: Any) -> Any:
    """`obj` with every non-finite float replaced by None (containers copied, the rest as is)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


def _encode(obj: Any, **kwargs: Any) -> str:
    if kwargs.get("indent") is None:
        return json.dumps(obj, **kwargs)  # the C encoder: one pass, no intermediate pieces
    # With `indent`, json.dumps runs the pure-Python encoder and joins a list of millions of small
    # strings at the end (a 20,000-reference report: ~1 GB of list and pieces at once). Streaming the
    # pieces into a StringIO keeps only the growing text.
    out = io.StringIO()
    write = out.write
    for chunk in json.JSONEncoder(**kwargs).iterencode(obj):
        write(chunk)
    return out.getvalue()


def dumps(obj: Any, **kwargs: Any) -> str:
    """`json.dumps` that never writes NaN or Infinity (see the module docstring), in bounded extra memory."""
    kwargs["allow_nan"] = False
    try:
        return _encode(obj, **kwargs)
    except ValueError as exc:
        if "Out of range float" not in str(exc):
            raise
        return _encode(finite(obj), **kwargs)
