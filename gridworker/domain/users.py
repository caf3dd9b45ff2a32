"""The server's users as this computer knows them: who a dispatcher can dispatch to, whose name the board shows.

A `user` is a server-managed record (docs/sync-protocol.md §3.1): the server
sends every user to every signed-in user, and a client never pushes one. The
pull keeps them here (gridworker/sync/mapping.py), so pickers and lists show
"陈刚（处置人员）" instead of a short id. `area_id` (every synced table has it)
stays empty: a user is not *in* an area, `area_ids` lists the areas they work in.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import JSON
from sqlmodel import Field

from .models import SyncedRecord


class User(SyncedRecord, table=True):
    """A server user: display name, user name, role (admin / dispatcher / worker / handler) and areas."""

    entity: ClassVar[str] = "user"
    __tablename__ = "user"

    username: str = Field(max_length=64)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=16)
    area_ids: list[Any] = Field(default_factory=list, sa_type=JSON)
    disabled: bool = False

    @property
    def active(self) -> bool:
        """May still sign in and be given work (not disabled by an administrator, not deleted)."""
        return not self.disabled and not self.deleted
