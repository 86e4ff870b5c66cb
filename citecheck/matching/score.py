"""Calibrated confidence that a candidate is the cited work: a logistic model over `Evidence`.

The weights below were fitted by `python benchmarks/bench_match.py --fit`
(L2-regularised logistic regression, Newton/IRLS, λ = 1.0) on the 14,998
(reference, candidate) pairs that the local index returned (rows=5) for the
3,000 strings of the public matching set, 2,189 of them positive (label:
candidate DOI == the string's true DOI); held-out log-loss per pair when
fitted on even items and scored on odd ones: 0.031. They are
constants so that matching is deterministic and needs no data at run time;
refit when `compare.py` changes. The model is small on purpose — 20
interpretable features — so each weight can be read: a missing first author
costs more than a missing issue, and so on.

One correction after fitting: the fit put `journal_found` (0.365) *below*
`journal_missing` (0.775) — the journal's words already raise `string_cov`, so
the two features are collinear — which made a rival whose journal the string
does not show outrank the record whose journal it does. A journal found now
weighs what a missing one does (0.775): no candidate's confidence went down,
and one that shows its journal is never ranked below one that does not. Strings
that name only a journal and a year are held back by `identify.container_only`,
not by this weight. A full refit with the two tied was measured too (recall
0.967 against 0.9705 at the same thresholds, which were set with these weights).
"""

from __future__ import annotations

import math

from citecheck.matching.compare import Evidence

FEATURES: tuple[str, ...] = (
    "bias",
    "title",
    "title_hi",
    "title_absent",
    "title_cov",
    "string_cov",
    "fa_found",
    "fa_missing",
    "authors",
    "year_exact",
    "year_off",
    "year_wrong",
    "volume_found",
    "volume_missing",
    "issue_found",
    "issue_missing",
    "page_found",
    "page_missing",
    "journal_found",
    "journal_missing",
    "unexplained_numbers",
    "notice_mismatch",
    "title_numbers_mismatch",
    "title_x_author",
    "locator_complete",
)

# Fitted weights (see module docstring). Signs are relative to "unknown" (record lacks the field) and
# partly absorb correlations: e.g. `title` is negative because `title_hi` carries the strong-title effect.
WEIGHTS: dict[str, float] = {
    "bias": -4.400,
    "title": -0.132,
    "title_hi": 3.540,
    "title_absent": -0.000,
    "title_cov": -1.151,
    "string_cov": 4.125,
    "fa_found": -0.270,
    "fa_missing": -1.903,
    "authors": 1.737,
    "year_exact": -0.278,
    "year_off": -1.181,
    "year_wrong": -2.329,
    "volume_found": 0.919,
    "volume_missing": -1.306,
    "issue_found": -0.853,
    "issue_missing": -1.032,
    "page_found": 0.653,
    "page_missing": -0.689,
    "journal_found": 0.775,  # tied to journal_missing (module docstring)
    "journal_missing": 0.775,
    "unexplained_numbers": -1.705,
    "notice_mismatch": -0.395,
    "title_numbers_mismatch": -0.103,
    "title_x_author": -0.262,
    "locator_complete": 1.219,
}


def features(ev: Evidence) -> list[float]:
    """The model's input vector for one candidate, in `FEATURES` order."""
    t = ev.title if ev.title is not None else 0.0

    def found(v: float | None) -> float:
        return 1.0 if v == 1.0 else 0.0

    def missing(v: float | None) -> float:
        return 1.0 if v == 0.0 else 0.0

    return [
        1.0,
        t,
        max(0.0, t - 0.85) / 0.15,
        1.0 if ev.title is None else 0.0,
        ev.title_cov if ev.title_cov is not None else 0.0,
        ev.string_cov,
        found(ev.first_author),
        missing(ev.first_author),
        ev.authors or 0.0,
        found(ev.year),
        1.0 if ev.year_off else 0.0,
        1.0 if ev.year == 0.0 and not ev.year_off else 0.0,
        found(ev.volume),
        missing(ev.volume),
        found(ev.issue),
        missing(ev.issue),
        found(ev.page),
        missing(ev.page),
        found(ev.journal),
        missing(ev.journal),
        float(min(ev.unexplained_numbers, 4)),
        1.0 if ev.notice_mismatch else 0.0,
        float(min(ev.title_numbers_mismatch, 2)),
        max(0.0, t - 0.85) / 0.15 * (ev.authors or 0.0),
        _locator_complete(ev),
    ]


def _locator_complete(ev: Evidence) -> float:
    """1 when the year (±1), volume and first page the record has are all in the string."""
    parts = [ev.year if not ev.year_off else 1.0, ev.volume, ev.page]
    known = [p for p in parts if p is not None]
    return 1.0 if len(known) >= 2 and all(p == 1.0 for p in known) else 0.0


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def probability(ev: Evidence, weights: dict[str, float] | None = None) -> float:
    """P(candidate is the cited work | evidence), from the logistic model."""
    w = weights or WEIGHTS
    z = sum(w.get(name, 0.0) * x for name, x in zip(FEATURES, features(ev), strict=True))
    return sigmoid(z)


def fit_logistic(xs: list[list[float]], ys: list[int], l2: float = 1.0, iters: int = 25) -> list[float]:
    """L2-regularised logistic regression by Newton's method (IRLS); pure Python, small d.

    The bias (column 0) is not regularised. Used by the benchmark's `--fit`.
    """
    d = len(xs[0])
    w = [0.0] * d
    for _ in range(iters):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, y in zip(xs, ys, strict=True):
            p = sigmoid(sum(wi * xi for wi, xi in zip(w, x, strict=True)))
            g = p - y
            s = p * (1 - p)
            for i in range(d):
                if x[i] == 0.0:
                    continue
                grad[i] += g * x[i]
                sxi = s * x[i]
                row = hess[i]
                for j in range(d):
                    if x[j] != 0.0:
                        row[j] += sxi * x[j]
        for i in range(1, d):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        hess[0][0] += 1e-6
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (d ≈ 20, so no numpy needed)."""
    n = len(b)
    m = [[*row[:], b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        piv = m[c][c] or 1e-12
        for r in range(c + 1, n):
            f = m[r][c] / piv
            if f:
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / (m[r][r] or 1e-12)
    return x
