"""The wire's field types and the Entity description (domain.wire builds its table from them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# JSON types of field values on the wire. Every field may also be null.
TEXT, INT, NUMBER, BOOL, DATE, DATETIME, ID, TEXT_LIST, ID_LIST = (
    "text", "int", "number", "bool", "date", "datetime", "id", "text_list", "id_list",
)  # fmt: skip


@dataclass(frozen=True)
class Entity:
    name: str
    fields: Mapping[str, str]  # field → wire type
    server_managed: bool = False  # pull only
    create_only: bool = False  # upsert of a new id only; never changed or deleted afterwards
    read_only: frozenset[str] = frozenset()  # derived by the server; in pull data, never in push fields
    extension: bool = False  # not in PROTOCOL.md's table of core entities
    extension_fields: frozenset[str] = frozenset()  # fields beyond PROTOCOL.md's table

    def writable(self) -> frozenset[str]:
        """Fields a client may send in a push mutation (the sync engine filters its outbox rows with it)."""
        return frozenset(self.fields) - self.read_only


def entity(name: str, fields: dict[str, str], **kw: Any) -> Entity:
    return Entity(name, fields, **kw)
