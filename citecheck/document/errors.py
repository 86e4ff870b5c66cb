"""What every reader shares: the one error type and the limits that keep any input bounded."""

from __future__ import annotations


class DocumentError(Exception):
    """A document that cannot be read; the message is one line naming the problem."""


MAX_BYTES = 200 * 1024 * 1024
"""Largest input read at all; anything bigger is refused rather than half-read."""
MAX_CHARS = 10_000_000
"""Longest text checked (≈ 5,000 pages; a long thesis is 1–2 M characters). A bigger file is not a
manuscript but a dump or a concatenation, and would keep an unattended batch busy for minutes and
yield an unreadable report, so it is refused up front with a one-line error (exit 2)."""
