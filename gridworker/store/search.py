"""Search over the register (placeholder; the FTS5 index is being written)."""

from __future__ import annotations


def reindex(s, records: dict[str, set[str]]) -> None:
    """Bring the index up to date for these records: {"person"|"household"|"building": {ids}}.

    Deleted (tombstoned) records leave the index; a household or building
    change re-indexes the people living there.
    """
