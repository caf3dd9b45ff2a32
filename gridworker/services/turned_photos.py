"""Writes that take photos as the user turned them on screen: (path, quarter turns clockwise).

Turned copies (and copies without GPS, when the user typed a different place)
are made in a temporary folder that is gone when the write returns.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..domain.enums import Action
from ..domain.fieldwork import Incident
from ..photos.turning import prepared_copy
from .incidents import report_incident, transition_incident

TurnedPhotos = Sequence[tuple[str | Path, int]]


@contextmanager
def _upright(photos: TurnedPhotos, keep_position: bool, prefix: str) -> Iterator[list[Path]]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield [
            prepared_copy(p, turns, tmp, keep_position=keep_position) if turns % 4 or not keep_position else Path(p)
            for p, turns in photos
        ]


def report_with_rotations(
    store: Any, photos_dir: str | Path, photos: TurnedPhotos, *, keep_photo_position: bool = True, **report: Any
) -> Incident:
    """report_incident with turned photos."""
    with _upright(photos, keep_photo_position, "gw-report-") as paths:
        return report_incident(store, photos_dir, photos=paths, **report)


def photos_to_existing_incident(
    store: Any,
    photos_dir: str | Path,
    incident_id: str,
    photos: TurnedPhotos,
    *,
    actor_id: str,
    actor_role: str,
    note: str,
    keep_photo_position: bool = True,
) -> Any:
    """"The same problem": a report not made, its photos added to the incident it repeats, as a comment event.

    Returns the incident's new state."""
    with _upright(photos, keep_photo_position, "gw-same-") as paths:
        return transition_incident(
            store, incident_id, Action.comment.value, actor_id=actor_id, actor_role=actor_role, note=note,
            photos=paths, photos_dir=photos_dir,
        )  # fmt: skip
