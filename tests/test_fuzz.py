"""No pathological slowness: random and adversarial text through every text stage, each call timed.

Property tests (hypothesis) feed reference-list extraction, reference parsing,
marker detection, claim extraction and clause finding (`fuzz.targets`), and
fail when any single call takes over `LIMIT_SECONDS` — measured around each
call with ``time.perf_counter``, not a speed benchmark: real calls take
milliseconds, so only a blow-up (regex backtracking, a quadratic walk) trips
it. The long-running, coverage-guided version of the same targets is
``fuzz/fuzz_pipeline.py`` (`make fuzz`).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz.fuzz_pipeline import build_text
from fuzz.targets import LIMIT_SECONDS, SlowCall, run_bytes, run_text_stages, timed, warm_up

# characters that matter to the stages: brackets, separators, digits, superscripts, CJK, dashes, quotes
ALPHABET = st.sampled_from(list(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n\r.,;:()[]{}<>-–—/\\&'\"*_^"
    "¹²³⁴⁵⁶⁷⁸⁹⁰⁻，。；：、（）【】［］《》“”王李张等著研究参考文献年卷期页éüßØ\u00a0\u3000\ufffd"))

# pieces of real and broken citation syntax, repeated to adversarial lengths
PIECES = [
    "[", "[1", "[1,", "[1-", "[1]", "[1,2,3]", "[1–3]", "(", "((", "(Smith", "(Smith et al., ", "(Smith, 2020",
    "(2020)", "(2020a, 2020b)", "Smith and Jones ", "et al. ", "e.g. ", "Fig. ", "¹", "¹,", "¹⁻³", "^[1]",
    "张三等", "张三等(2020)", "。", "；", "，", ". ", ";", ":", "1. ", "[J]. ", "2020;12(3):201-15. ",
    "References\n", "参考文献\n", "\n", "\n\n", "1.1 标题\n", "doi:10.5555/", "https://example.org/",
    "Hollis M, Okafor C. ", "Tidal rhythms of crabs. ", "J Coast Ecol. ", "  ", "\t", "-", "--", "...",
]


@st.composite
def adversarial(draw: st.DrawFn) -> str:
    """A few pieces, each repeated up to thousands of times, then shuffled together."""
    parts = draw(st.lists(st.tuples(st.sampled_from(PIECES), st.integers(1, 3000)), min_size=1, max_size=4))
    return "".join(piece * times for piece, times in parts)[:60_000]


@st.composite
def paper_like(draw: st.DrawFn) -> str:
    """Random text spliced into a paper with a real reference list (reaches every stage)."""
    noise = draw(st.text(ALPHABET, max_size=2000))
    mode = draw(st.sampled_from([b"\x01", b"\x02"]))
    return build_text(mode + noise.encode("utf-8"))


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()  # model loading is not charged to the first example


@FAST
@given(st.text(ALPHABET, max_size=5000))
def test_random_text_is_handled_quickly(text: str) -> None:
    run_text_stages(text)


@FAST
@given(adversarial())
@example(" " * 4000 + "[[1]")  # found by this test: the boilerplate regex split a blank run every way (cubic)
def test_adversarial_repetitions_are_handled_quickly(text: str) -> None:
    run_text_stages(text)


@FAST
@given(paper_like())
def test_paper_with_noise_is_handled_quickly(text: str) -> None:
    run_text_stages(text)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_load_or_fail_cleanly(data: bytes) -> None:
    run_bytes(data)


@pytest.mark.parametrize("name", ["markers", "word markers", "commas", "parens", "cjk clauses", "glued"])
def test_known_worst_cases_stay_linear(name: str) -> None:
    """Inputs that were quadratic before: one long 'sentence' dense with markers (clause finding)."""
    n = 40_000
    text = {
        "markers": "[1] " * (n // 4),
        "word markers": "word [1] " * (n // 9),
        "commas": "," * n + " x [1]",
        "parens": "(" * (n // 2) + ")" * (n // 2) + " [1]",
        "cjk clauses": "研究表明[1]，" * (n // 8),
        "glued": "[1][2][3]" * (n // 9),
    }[name] + "\n\nReferences\n1. Hollis M. Tidal rhythms. J Coast Ecol. 2015;12(3):201-15.\n"
    timings = run_text_stages(text)
    assert max(timings.values()) < LIMIT_SECONDS


def test_the_watchdog_fires() -> None:
    import time

    with pytest.raises(SlowCall, match="slow took"):
        timed("slow", lambda: time.sleep(0.05), limit=0.01)
