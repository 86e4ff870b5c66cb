"""Matching internals: field comparison, diff classification, journal abbreviations, scoring.

The public entry points are re-exported by `citecheck.match`.
"""
