"""The transaction helper every service uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from ..domain.display import ENTITY_LABELS
from ..domain.errors import NotFound
from ..domain.models import Meta, SyncedRecord
from ..domain.rows import new_record, row_template, row_values
from ..store import rowload
from ..store.database import Store
from ..store.meta import device_id, get_meta, next_hlc
from .changes import Changes, publish

T = TypeVar("T", bound=SyncedRecord)
M = TypeVar("M", bound=SQLModel)


def create_record(model: type[M], values: dict[str, Any]) -> tuple[M, dict[str, Any]]:
    """A new record holding `values`, and those that differ from the model's defaults.

    The pair is what `new_record(model)` followed by `apply_fields(record, values)`
    gives (the second is the mutation's `fields`), without a __setattr__ per field.
    """
    row, changed = record_values(model, values)
    return new_record(model, **row), changed


def record_values(model: type[SQLModel], values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`create_record` as plain values: every field of the new row, and those of `values` that differ from
    the model's defaults (the mutation's `fields`)."""
    row = row_values(model, values)
    unknown = values.keys() - row.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    return row, {k: v for k, v in values.items() if v != _default(model, k)}


def _default(model: type[SQLModel], name: str) -> Any:
    factory, default = _defaults(model)[name]
    return factory() if factory is not None else default


@cache
def _defaults(model: type[SQLModel]) -> dict[str, tuple[Any, Any]]:
    return {name: (factory, default) for name, factory, default in row_template(model)[1]}


class Tx:
    """One open write transaction, what it changed so far, and what the search index must catch up on."""

    def __init__(self, s: Session, changes: Changes):
        self.s = s
        self.changes = changes
        self.reindex: dict[str, set[str]] = {"person": set(), "household": set(), "building": set()}
        self._held: list[Meta] = []

    def hold_clock(self) -> None:
        """Keep the clock's Meta rows in the session until the transaction ends (bulk writers call this once).

        `next_hlc` reads two Meta rows for every change. A row that was flushed
        and is referenced by nobody drops out of the session's identity map, and
        the next read becomes a SELECT that autoflushes first: one flush per
        change, which turns a 50,000-row import from seconds into many minutes.
        """
        device_id(self.s)
        if get_meta(self.s, "hlc") is None:
            next_hlc(self.s)
        self.s.flush()
        self._held = list(self.s.exec(select(Meta).where(Meta.key.in_(("device_id", "hlc")))))

    def touch(self, entity: str, record_id: str) -> None:
        """Mark a record whose searchable text changed; indexed once, in bulk, before commit."""
        self.reindex[entity].add(record_id)

    def flush_index(self) -> None:
        from ..store import search

        if any(self.reindex.values()):
            search.reindex(self.s, self.reindex)
            self.reindex = {k: set() for k in self.reindex}


@contextmanager
def transaction(store: Store, initiator: Any = None, *, cache_kib: int | None = None) -> Iterator[Tx]:
    """One write transaction (`cache_kib`: a larger page cache for it, store.write)."""
    with store.write(cache_kib=cache_kib) as s:
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
    obj = _get(s, model, record_id) if record_id else None
    if obj is None or obj.deleted:
        kind = {
            "building": ("楼栋", "building"),
            "household": ("住户", "household"),
            "person": ("人员", "person"),
            "visit": ("走访记录", "visit"),
            "incident": ("事件", "incident"),
            "walkround": ("巡查计划", "walk-round"),
            "photo": ("照片", "photo"),
            "member": ("党员", "member"),
            "service_order": ("服务单", "service order"),
            "ledger_entry": ("积分记录", "ledger entry"),
            "shop_item": ("商品", "shop item"),
            "redemption": ("兑换单", "redemption"),
        }.get(model.entity) or ENTITY_LABELS.get(model.entity, ("记录", "record"))
        # No id in the words: a screen must never show one (the id stays in the details for the log).
        raise NotFound(f"找不到该{kind[0]}：它可能已被删除", f"No such {kind[1]}: it may have been deleted",
                       details={"entity": model.entity, "id": record_id})
    return obj


def _get(s: Session, model: type[T], record_id: str) -> T | None:
    """`s.get` without flushing the transaction's earlier changes first, unless the record is not found without it.

    A key look-up cannot depend on unsaved changes to other rows: 10,000 edits in
    one transaction then save in one batch at the commit, not one flush per edit.
    A record added to the session and not yet saved is only found after a flush:
    the second look-up.
    """
    obj = rowload.get(s, model, record_id)  # the session's copy, else one plain SELECT (store/rowload.py)
    return obj if obj is not None else s.get(model, record_id)
