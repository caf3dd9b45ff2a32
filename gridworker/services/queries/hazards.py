"""Hazards of places, what their screens read beside services.queries.places_register: their photos."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import select

from ...domain.fieldwork import Photo


def hazard_photos(store: Any, photo_ids: Sequence[str]) -> list[Photo]:
    """The photos of a hazard (taken when it was found), in the order the hazard names them; withdrawn ones left out."""
    wanted = [i for i in photo_ids if i]
    if not wanted:
        return []
    with store.read() as s:
        found = {p.id: p for p in s.exec(select(Photo).where(Photo.id.in_(wanted), Photo.deleted == False))}  # noqa: E712
    return [found[i] for i in wanted if i in found]
