"""JSON that is JSON: no ``NaN``/``Infinity`` in anything citecheck writes.

Python's `json.dumps` writes ``NaN`` and ``Infinity`` by default, which no
strict parser (browsers' ``JSON.parse``, jq, most languages) accepts — one
non-finite number from a server or a computation made the whole JSON report
and the HTML report's data block unreadable. `dumps` writes with
``allow_nan=False``; when that refuses, non-finite numbers are replaced by
``null`` and it writes again (the common case costs nothing extra).
"""

from __future__ import annotations

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


def dumps(obj: Any, **kwargs: Any) -> str:
    """`json.dumps` that never writes NaN or Infinity (see the module docstring)."""
    kwargs["allow_nan"] = False
    try:
        return json.dumps(obj, **kwargs)
    except ValueError as exc:
        if "Out of range float" not in str(exc):
            raise
        return json.dumps(finite(obj), **kwargs)
