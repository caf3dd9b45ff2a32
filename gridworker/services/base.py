"""The transaction helper every service uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from sqlmodel import Session

from ..domain.errors import NotFound
from ..domain.models import SyncedRecord
from ..store.database import Store
from .changes import Changes, publish

T = TypeVar("T", bound=SyncedRecord)


class Tx:
    """One open write transaction, what it changed so far, and what the search index must catch up on."""

    def __init__(self, s: Session, changes: Changes):
        self.s = s
        self.changes = changes
        self.reindex: dict[str, set[str]] = {"person": set(), "household": set(), "building": set()}

    def touch(self, entity: str, record_id: str) -> None:
        """Mark a record whose searchable text changed; indexed once, in bulk, before commit."""
        self.reindex[entity].add(record_id)

    def flush_index(self) -> None:
        from ..store import search

        if any(self.reindex.values()):
            search.reindex(self.s, self.reindex)
            self.reindex = {k: set() for k in self.reindex}


@contextmanager
def transaction(store: Store, initiator: Any = None) -> Iterator[Tx]:
    with store.write() as s:
        tx = Tx(s, Changes(initiator=initiator))
        yield tx
        tx.flush_index()
    publish(tx.changes)  # only after the commit: listeners see saved data


def operation(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Let a service take a Store (its own transaction) or a Tx (part of a larger one, e.g. an import)."""

    @wraps(fn)
    def wrapper(target: Store | Tx, *args: Any, **kwargs: Any) -> Any:
        if isinstance(target, Tx):
            return fn(target, *args, **kwargs)
        with transaction(target, initiator=kwargs.pop("initiator", None)) as tx:
            return fn(tx, *args, **kwargs)

    return wrapper


def get_live(s: Session, model: type[T], record_id: str | None) -> T:
    obj = s.get(model, record_id) if record_id else None
    if obj is None or obj.deleted:
        kind = {"building": ("楼栋", "building"), "household": ("住户", "household"), "person": ("人员", "person")}.get(
            model.entity, (model.entity, model.entity)
        )
        raise NotFound(f"找不到该{kind[0]}（{record_id}）", f"No such {kind[1]} ({record_id})")
    return obj
