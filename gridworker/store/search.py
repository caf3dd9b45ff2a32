"""Search over the register (placeholder hooks; the FTS5 index is being written)."""

from __future__ import annotations


def index_person(s, person_id: str) -> None:
    pass


def index_household(s, household_id: str) -> None:
    pass


def index_building(s, building_id: str) -> None:
    pass


def unindex(s, entity: str, record_id: str) -> None:
    pass
