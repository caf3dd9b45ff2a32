"""Field-level merge of one pushed edit into the server's record.

A pushed field *collides* when, since the mutation's `base_version`, that
field was changed on the server by another writer (another device, or the
server itself) and holds a different value. Fields that do not collide are
taken as sent. For a collision the edit with the later hybrid logical clock
wins, field by field; the other value is the loser, reported back and kept
in the conflicts table. Edits from the same device never collide with each
other (its outbox sends them in order).

When the pushed value wins, the author of the value it overwrote lost: the
field's stamp ([version, hlc, writer device]) is kept in `Merge.overwritten`,
so that the conflicts table can name the losing device and its user, who are
told at their next sync (GET /conflicts/mine). The user comes from the
record's meta["a"] (device → user of every device that pushed to it), written
by `note_author`: a few bytes per record rather than per field.

Outcome:
- `applied`: nobody else changed the record since base_version;
- `merged`: someone else did, but no pushed field collided;
- `conflict`: at least one field collided (or the edit met a delete).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .records import Rec

APPLIED, MERGED, CONFLICT, REJECTED = "applied", "merged", "conflict", "rejected"


@dataclass
class Merge:
    take: dict[str, Any] = field(default_factory=dict)  # values to write
    collisions: dict[str, dict[str, Any]] = field(default_factory=dict)  # field → {mine, theirs, winner}
    others_changed: bool = False
    overwritten: dict[str, list] = field(default_factory=dict)  # field → stamp of the value a winning push replaced

    @property
    def status(self) -> str:
        if self.collisions:
            return CONFLICT
        return MERGED if self.others_changed else APPLIED


def changed_by_others(rec: Rec, base_version: int | None, writer: str) -> bool:
    base = base_version or 0
    stamps = list(rec.meta["f"].values())
    if rec.meta.get("d"):
        stamps.append(rec.meta["d"])
    return any(stamp[0] > base and stamp[2] != writer for stamp in stamps)


def merge_fields(rec: Rec, base_version: int | None, fields: dict[str, Any], hlc: str, writer: str) -> Merge:
    """Decide, field by field, what an upsert of an existing record writes."""
    base = base_version or 0
    out = Merge(others_changed=changed_by_others(rec, base_version, writer))
    for name, mine in fields.items():
        theirs = rec.data.get(name)
        stamp = rec.field_meta(name)
        untouched_since_base = stamp is None or stamp[0] <= base or stamp[2] == writer
        if untouched_since_base:
            if mine != theirs or name not in rec.data:
                out.take[name] = mine
            continue
        if mine == theirs:
            continue  # both sides made the same edit
        winner = "client" if hlc > stamp[1] else "server"
        out.collisions[name] = {"mine": mine, "theirs": theirs, "winner": winner}
        if winner == "client":
            out.take[name] = mine
            out.overwritten[name] = stamp
    return out


def note_author(rec: Rec, device_id: str, user_id: str) -> None:
    """Remember which user pushed from `device_id` to this record, so that the author of a value
    can be told when a later edit from elsewhere overwrites it."""
    rec.meta.setdefault("a", {})[device_id] = user_id


def author_of(rec: Rec, stamp: list) -> str | None:
    """The user who wrote the value a stamp describes, if the record remembers it (see note_author)."""
    return rec.meta.get("a", {}).get(stamp[2])
