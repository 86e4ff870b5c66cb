"""Chinese word segmentation: jieba's own tokenizer instance, or whole CJK runs when jieba is absent."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"


@lru_cache(maxsize=1)
def _jieba() -> object | None:
    if importlib.util.find_spec("jieba") is None:
        return None
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()  # our own instance: the process-wide one stays untouched
    tokenizer.initialize()
    return tokenizer


def segment(text: str) -> list[str]:
    """Words of a Chinese text: jieba's, or each CJK run whole when jieba is absent."""
    tok = _jieba()
    if tok is None:
        return [m.group(0) for m in re.finditer(rf"[{_CJK}]+|[^{_CJK}]+", text)]
    return list(tok.lcut(text))  # type: ignore[attr-defined]
