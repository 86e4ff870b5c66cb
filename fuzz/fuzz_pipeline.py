"""Coverage-guided fuzzing of citecheck's text stages with atheris (libFuzzer).

    .venv/bin/python fuzz/fuzz_pipeline.py -max_total_time=600 -timeout=30 .fuzz-corpus fuzz/corpus

(new inputs go to the first directory, ``.fuzz-corpus``; ``fuzz/corpus`` holds the seeds).

Each input is a document: raw bytes through `citecheck.document.load`
(encoding detection, normalisation), a .docx (raw, or the fuzz bytes as the
body of ``word/document.xml``), an HTTP answer from a loopback server to the
Crossref client (status, content type, gzip and body from the input; every
outcome must be records or ``SourceUnavailable``), or — chosen by the first byte — text
built from the fuzzer's data around a real reference list, so inputs reach the
splitting, parsing and claim stages often. Every stage call is timed
(`fuzz.targets`); a call over 2 s raises `SlowCall`, which atheris reports as a
crash with the input saved (``crash-*``), so a pathological slowdown fails the
run exactly like an exception. ``-timeout=N`` is libFuzzer's own watchdog for
an input that never returns. Without atheris (no wheel for the platform) the
same interface runs a hypothesis-driven loop for ``-max_total_time`` seconds.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SKELETON = ("{a} [1] {b} [2,3] {c}¹ (Smith et al., 2020) {d}\n\nReferences\n"
            "1. Hollis M, Okafor C. {e}. J Coast Ecol. 2015;12(3):201-15.\n"
            "[2] 王小明, 李华. {f}[J]. 计算机学报, 2019, 42(5): 1001-1012.\n"
            "3. {g}\n")


def build_text(data: bytes) -> str:
    """Text from fuzzer bytes: raw decoding (mode 0) or the bytes spliced into a paper (mode 1)."""
    if not data:
        return ""
    mode, rest = data[0] % 3, data[1:]
    text = rest.decode("utf-8", errors="replace")
    if mode == 0:
        return text
    parts = [text[i::7] for i in range(7)]
    filled = SKELETON.format(**dict(zip("abcdefg", parts, strict=True)))
    return filled if mode == 1 else text + "\n" + filled


def one_input(data: bytes) -> None:
    """First byte 0: document bytes; 1: a .docx; 2: an HTTP answer to the Crossref client; else text."""
    from fuzz.targets import run_bytes, run_docx, run_http, run_text_stages

    if data[:1] == b"\x00":
        run_bytes(data[1:])
    elif data[:1] == b"\x01":
        run_docx(data[1:])
    elif data[:1] == b"\x02":
        run_http(data[1:])
    else:
        run_text_stages(build_text(data))


def _option(name: str, default: float) -> float:
    for arg in sys.argv[1:]:
        if arg.startswith(f"-{name}="):
            return float(arg.split("=", 1)[1])
    return default


def _hypothesis_loop() -> None:
    """Fallback when atheris is not installed: random and adversarial inputs for -max_total_time."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    deadline = time.monotonic() + _option("max_total_time", 600)
    runs = 0

    @settings(max_examples=10**9, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.binary(max_size=8192))
    def fuzz(data: bytes) -> None:
        nonlocal runs
        if time.monotonic() > deadline:
            raise _Done
        one_input(data)
        runs += 1

    class _Done(Exception):
        pass

    try:
        fuzz()
    except _Done:
        print(f"hypothesis fallback: {runs} inputs, no failure", file=sys.stderr)


def main() -> None:
    from fuzz.targets import warm_up

    try:
        import atheris
    except ImportError:
        warm_up()
        _hypothesis_loop()
        return
    with atheris.instrument_imports(include=["citecheck"]):
        import citecheck.claims
        import citecheck.document
        import citecheck.document.word
        import citecheck.refs.extract
        import citecheck.refs.parse
        import citecheck.sources.crossref
        import citecheck.sources.http  # noqa: F401
    for arg in sys.argv[1:]:
        if not arg.startswith("-"):
            os.makedirs(arg, exist_ok=True)  # corpus directories: libFuzzer wants them to exist
    warm_up()
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
