"""The local copy of the area tree: which areas lie below which."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from ..domain.models import Area


def areas_below(s: Session, area_ids: Iterable[str], *, include_deleted: bool = False) -> set[str]:
    """The areas given and every area below them (a community → its grids and micro-grids).

    `include_deleted` also walks through areas the server has removed, for
    deciding which records an unassigned area leaves behind.
    """
    q = select(Area.id, Area.parent_id)
    if not include_deleted:
        q = q.where(Area.deleted == False)  # noqa: E712
    children: dict[str | None, list[str]] = {}
    for area_id, parent_id in s.connection().execute(q):
        children.setdefault(parent_id, []).append(area_id)
    found: set[str] = set()
    todo = list(area_ids)
    while todo:
        area_id = todo.pop()
        if area_id in found:
            continue
        found.add(area_id)
        todo.extend(children.get(area_id, ()))
    return found
