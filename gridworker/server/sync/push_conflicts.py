"""A push's collisions: the rows of the conflicts table, who wrote the value that lost, the error a pusher gets."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..core.schema import tokens
from .merge import CONFLICT, Merge, author_of
from .records import SERVER_WRITER, Rec, dumps

if TYPE_CHECKING:
    from .push import Mutation


class ConflictNotes:
    """Part of PushRun (push.py): it has conn, device_id, conflict_rows, _device_users and msg()."""

    def _record_conflicts(self, m: Mutation, rec: Rec, merge: Merge) -> None:
        now = time.time()
        for name, c in merge.collisions.items():
            loser_user, loser_device = self._author(rec, merge.overwritten.get(name))
            self.conflict_rows.append(
                {
                    "at": now, "entity": m.entity, "record_id": m.id, "area_id": rec.area_id, "field": name,
                    "mine": dumps(c["mine"]), "theirs": dumps(c["theirs"]), "winner": c["winner"],
                    "user_id": self.user.id, "device_id": self.device_id, "mutation_id": m.mutation_id,
                    "loser_user_id": loser_user, "loser_device_id": loser_device,
                }
            )  # fmt: skip

    def _author(self, rec: Rec, stamp: list | None) -> tuple[str | None, str | None]:
        """(user, device) that wrote a value this push overwrote, or (None, None): the server's own
        values have no one to tell, and neither has a value whose author cannot be told apart."""
        if stamp is None:
            return None, None
        device = stamp[2]
        user = author_of(rec, stamp)
        if user is not None:
            return user, device
        if device == SERVER_WRITER:
            return None, None
        # Written before authors were kept: the device's user, if only one user ever signed in with it.
        if device not in self._device_users:
            q = select(tokens.c.user_id).where(tokens.c.device_id == device).distinct().limit(2)
            users = self.conn.execute(q).scalars().all()
            self._device_users[device] = users[0] if len(users) == 1 else None
        user = self._device_users[device]
        return (user, device) if user else (None, None)

    def _conflict_error(self, merge: Merge) -> dict[str, Any] | None:
        if not merge.collisions:
            return None
        if "deleted" in merge.collisions:
            zh, en = "该记录已被他人删除或修改，双方的内容都已保留在服务器上", "The record was deleted or changed by someone else; both versions are kept on the server"
        else:
            zh, en = "与他人的修改冲突：按时间较晚的修改逐项保留，另一方的值已记录", "Conflicts with someone else's edit: the later edit wins field by field, the other value is recorded"
        return {"code": CONFLICT, "message": self.msg(zh, en), "details": merge.collisions}
