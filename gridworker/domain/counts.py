"""English counts with their plural, in a module light enough for the command line's start-up."""

from __future__ import annotations


def count_text(n: int, one: str, many: str) -> str:
    """English counts with their plural: count_text(1, "{0} incident", "{0} incidents") → "1 incident"."""
    return (one if n == 1 else many).format(n)
