"""The new households and people of an import as plain rows: the register services' rules, no ORM records.

A fresh import of 50,000 people makes ~140,000 records and as many outbox
rows; as ORM records in the session each cost ~100 µs of state and identity
bookkeeping. Here a new record's values come from the rule functions the
services themselves use (register.new_household_values, new_person_values,
membership_values, becomes_head), its check and outbox row from
changes.values_upsert, and both are held for one executemany per table
(store/bulk.py). The records and the outbox rows are those `register_household`
and `register_person` would write, field for field and in the same order.

A household made here whose head is named later in the import is changed in
memory and, once written, updated in one executemany (`settle`). Its create is
a reference row (store/outbox.py), which carries the head itself: instead of a
second row it takes the head's stamp (changes.values_restamp) — what the push's
squash sends for a create and its head's row, one row fewer. The importer
settles before it calls any service, so a service reads every household as
the services would have left it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm.util import identity_key

from ..domain.models import Household, Membership, Outbox, Person, utcnow
from ..domain.rows import row_values
from ..store import bulk, outbox
from . import register as reg
from .base import Tx, get_live
from .changes import apply_fields, record_upsert, values_restamp, values_update, values_upsert

_RESTAMP = (
    update(Outbox.__table__)
    .where(Outbox.__table__.c.entity == "household", Outbox.__table__.c.record_id == bindparam("rid"),
           outbox.reference_sql(Outbox.__table__.c.fields))
    .values(hlc=bindparam("stamp"))
)  # fmt: skip  (no state test: SQLite would then scan every pending row by ix_outbox_state for each household)
_SET_HEAD = (
    update(Household.__table__)
    .where(Household.__table__.c.id == bindparam("hid"))
    .values(head_person_id=bindparam("head"), updated_at=bindparam("at"))
)


class NewRows:
    """Writes an import's new households and people; `settle()` before any service reads them."""

    def __init__(self, tx: Tx):
        self.tx = tx
        self.heads: dict[str, dict[str, Any]] = {}  # household id → its new head, for the stored row
        self.creates: dict[str, bulk.Plain] = {}  # household id → its create's outbox row (a reference)
        self.stamps: dict[str, dict[str, Any]] = {}  # household id → its create's new stamp, for the stored row

    def household(self, values: dict[str, Any], building: Any) -> bulk.Plain:
        """`register.register_household(tx, values, cleaned=True)` for a building the caller holds."""
        row, changed = reg.new_household_values(dict(values), building)
        return values_upsert(self.tx.s, Household, row, changed, self.tx.changes, self.creates)

    def person(self, values: dict[str, Any], household: Any) -> bulk.Plain:
        """`register.register_person(tx, values, id_checked=True, cleaned=True)` for a household the caller
        holds (a record, a row made here, or None)."""
        s, changes = self.tx.s, self.tx.changes
        row, changed = reg.new_person_values(dict(values), household)
        p = values_upsert(s, Person, row, changed, changes)
        if household is not None:
            relation = row["relation"]
            stay = reg.membership_values(p.id, household, relation, None, None)
            values_upsert(s, Membership, row_values(Membership, stay), stay, changes)
            if reg.becomes_head(household, p.id, relation):
                self._set_head(household, p.id)
        self.tx.touch("person", p.id)
        return p

    def _set_head(self, household: Any, person_id: str) -> None:
        s = self.tx.s
        if isinstance(household, bulk.Plain):  # made here: a record only if a service has read it since
            record = s.identity_map.get(identity_key(Household, household.id))
        else:  # stored: a record, or its columns as the import read them
            record = household if isinstance(household, Household) else get_live(s, Household, household.id)
        if record is not None:  # the services' own way
            record_upsert(s, record, apply_fields(record, {"head_person_id": person_id}), self.tx.changes)
            if record is not household:
                household.head_person_id = person_id
            return
        household.head_person_id = person_id
        household.updated_at = utcnow()
        create = self.creates.get(household.id)
        if create is not None:
            stamp = values_restamp(s, create, household.area_id, {"head_person_id": person_id}, self.tx.changes)
            self.stamps[household.id] = {"rid": household.id, "stamp": stamp}
        else:
            values_update(s, "household", household.id, household.area_id, {"head_person_id": person_id}, self.tx.changes)
        self.heads[household.id] = {"hid": household.id, "head": person_id, "at": household.updated_at}

    def settle(self) -> None:
        """Write the held rows, and the heads named since their households were written."""
        if self.heads:
            bulk.flush(self.tx.s)
            self.tx.s.connection().execute(_SET_HEAD, list(self.heads.values()))
            self.heads = {}
        if self.stamps:  # a create row written before its head was named has the older stamp
            self.tx.s.connection().execute(_RESTAMP, list(self.stamps.values()))
            self.stamps = {}
