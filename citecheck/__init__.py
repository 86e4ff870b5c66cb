"""citecheck — check the references of a scholarly text."""

__version__ = "0.1.0"
