"""A push's answers: each mutation's Outcome, whether an applied record is exactly what was sent (the
`exact` flag, docs/sync-protocol.md §4.2), and a result's JSON text (the mutations table and the answer)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .merge import APPLIED, Merge
from .records import Rec, dumps

if TYPE_CHECKING:
    from .push import Mutation


@dataclass
class Outcome:
    status: str
    version: int | None
    error: dict[str, Any] | None = None
    exact: bool = False  # the record stored is its version before plus the fields exactly as sent (docs: §4.2)

    def result(self, mutation_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {"mutation_id": mutation_id, "status": self.status, "version": self.version}
        if self.error is not None:
            out["error"] = self.error
        if self.exact:
            out["exact"] = True
        return out


def exact_record(m: Mutation, values: dict[str, Any], rec: Rec, before: tuple[int, dict[str, Any]], merge: Merge) -> bool:
    """Whether an `applied` record is now exactly its `base_version` with the fields as sent: the record had
    not moved since that version (not even by this device: a restored local backup edits an older one), and
    nothing was cleaned, added or derived (a client holding that version may keep its own copy: docs §4.2)."""
    sent = m.fields
    version, data = before
    if merge.status != APPLIED or version != (m.base_version or 0) or values is sent or values != sent:
        return False
    saved = bool(merge.take) or version == 0
    return rec.version == version + saved and not rec.deleted and rec.data == {**data, **sent}


def result_text(result: dict[str, Any]) -> str:
    """dumps(result); the usual one (no error: an id checked as a UUID, a status word, a version, perhaps `exact`)
    formatted directly."""
    exact = result.get("exact") is True
    if len(result) == 3 + exact and PLAIN_ID.fullmatch(result["mutation_id"]):
        version = result["version"]
        version = "null" if version is None else version if type(version) is int else None
        if version is not None:
            tail = ',"exact":true}' if exact else "}"
            return f'{{"mutation_id":"{result["mutation_id"]}","status":"{result["status"]}","version":{version}{tail}'
    return dumps(result)


PLAIN_ID = re.compile(r"[0-9A-Za-z-]{1,64}")  # nothing JSON would escape
