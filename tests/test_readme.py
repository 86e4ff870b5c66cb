"""The README's Python examples run as written (doctest), from the project root."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_examples(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("CITECHECK_INDEX", "CITECHECK_CACHE_DIR", "CITECHECK_OFFLINE", "CITECHECK_MAILTO"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5
    assert result.failed == 0
