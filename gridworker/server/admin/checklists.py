"""The inspection checklists on the server: imported like the category table, synced to every client.

`gridworker-server checklist import FILE` loads a table in the format of the
shipped resources/checklists.json (domain.places.checklists). The file
replaces the checklist in force: each of its items becomes (or updates) a
`checklist` record; an item the server held that the file lacks is withdrawn
(a tombstone carrying its code), and so is a shipped item the file lacks —
clients lay the server's records over their shipped table (services.tables),
so only a tombstone removes a shipped item there. The server checks pushed
inspections against the same table (server/sync/places.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import Connection

from ...domain.places.checklists import ChecklistItem, ChecklistTable, load_checklists
from ..sync.records import Rec
from .operations import NAMESPACE, AdminError, ImportCounts, ServerWrites, read_json_file


def record_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "checklist:" + code))


def _data(item: ChecklistItem) -> dict[str, Any]:
    return {"code": item.code, "kinds": list(item.kinds), "severity": item.severity, "days": item.days,
            "category": item.category, "name": item.name, "name_en": item.name_en, "hazard": item.hazard,
            "hazard_en": item.hazard_en}  # fmt: skip


def import_checklists(conn: Connection, table: dict[str, Any]) -> ImportCounts:
    """Replace the checklist in force with `table` (checked whole first: a bad item names itself)."""
    items = ChecklistTable.from_table(table)
    w = ServerWrites(conn)
    old = w.existing("checklist")
    counts, kept = ImportCounts(), set()
    for item in items:
        rid = record_id(item.code)
        kept.add(rid)
        rec = old.get(rid)
        if w.put(rec, "checklist", rid, _data(item)):
            counts.created += rec is None or rec.deleted
            counts.updated += rec is not None and not rec.deleted
        else:
            counts.unchanged += 1
    for rid, rec in old.items():
        if rid not in kept:
            w.delete(rec)
    for item in load_checklists():  # shipped items the file lacks: withdrawn with a tombstone naming them
        rid = record_id(item.code)
        if rid not in kept and rid not in old:
            _withdraw_shipped(w, item)
    w.flush()
    return counts


def _withdraw_shipped(w: ServerWrites, item: ChecklistItem) -> None:
    rec = Rec("checklist", record_id(item.code))
    w.put(rec, "checklist", rec.id, _data(item))
    w.delete(rec)


def withdraw_checklist_item(conn: Connection, code: str) -> None:
    """Withdraw one item (the server's or a shipped one): clients stop asking it, the server stops requiring it."""
    w = ServerWrites(conn)
    rec = w.existing("checklist").get(record_id(code))
    if rec is not None:
        w.delete(rec)
    else:
        item = load_checklists().get(code)
        if item is None:
            raise AdminError(f"没有编码为 {code} 的检查项", f"No checklist item with the code {code}")
        _withdraw_shipped(w, item)
    w.flush()


def cmd_checklist_import(cli: Any) -> int:
    """gridworker-server checklist import FILE (as `category import`)."""
    table = read_json_file(cli.args.file)
    with cli.database().write() as conn:
        c = import_checklists(conn, table)
    cli.say(f"检查项：新增 {c.created}，更新 {c.updated}，未变 {c.unchanged}",
            f"Checklist items: {c.created} created, {c.updated} updated, {c.unchanged} unchanged")
    return 0
