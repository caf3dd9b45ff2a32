"""s7 outbox: no `created_at`, and a reference create's mutation id not stored until it is sent
(issue 14 target 3, the database's size)

- `created_at` goes: nothing read it but the incident card's refused edits, and an edit's time is its
  stamp (`hlc`, milliseconds since 1970 first), which the push sends. 26 bytes of each row.
- `mutation_id` may be NULL: a reference create (store/outbox.py) that was never put on the wire has no
  stored id; its id is derived from its record and stamp (outbox.mutation_id_of) until the push stores it
  with the fields it stood for. 37 bytes of each imported create.
The table is made again (SQLite cannot drop a NOT NULL), in seq order, with its two indexes.

Revision ID: 0013_s7_outbox
Revises: 0012_s7_search
Create Date: 2026-12-07 17:20:00
"""
from alembic import op


revision = '0013_s7_outbox'
down_revision = '0012_s7_search'
branch_labels = None
depends_on = None

_BEFORE = (
    "seq INTEGER NOT NULL, mutation_id VARCHAR(36) NOT NULL, entity VARCHAR(32) NOT NULL, "
    "record_id VARCHAR(36) NOT NULL, op VARCHAR(8) NOT NULL, fields JSON NOT NULL, base_version INTEGER, "
    "hlc VARCHAR(40) NOT NULL, created_at DATETIME NOT NULL, state VARCHAR(12) NOT NULL, result JSON, "
    "PRIMARY KEY (seq)"
)
_AFTER = (
    "seq INTEGER NOT NULL, mutation_id VARCHAR(36), entity VARCHAR(32) NOT NULL, "
    "record_id VARCHAR(36) NOT NULL, op VARCHAR(8) NOT NULL, fields JSON NOT NULL, base_version INTEGER, "
    "hlc VARCHAR(40) NOT NULL, state VARCHAR(12) NOT NULL, result JSON, PRIMARY KEY (seq)"
)
_KEPT = "seq, mutation_id, entity, record_id, op, fields, base_version, hlc, state, result"


def _remake(columns: str, names: str, values: str) -> None:
    op.execute(f"CREATE TABLE outbox_remade ({columns})")
    op.execute(f"INSERT INTO outbox_remade ({names}) SELECT {values} FROM outbox ORDER BY seq")
    op.execute("DROP TABLE outbox")
    op.execute("ALTER TABLE outbox_remade RENAME TO outbox")
    op.execute("CREATE INDEX ix_outbox_record ON outbox (entity, record_id)")
    op.execute("CREATE INDEX ix_outbox_state ON outbox (state)")


def upgrade() -> None:
    _remake(_AFTER, _KEPT, _KEPT)


def downgrade() -> None:
    # A create never sent has no stored id: it gets a random one, as the older app made them.
    derived = ("lower(substr(hex(randomblob(16)), 1, 8) || '-' || substr(hex(randomblob(16)), 1, 4) || '-4' || "
               "substr(hex(randomblob(16)), 1, 3) || '-a' || substr(hex(randomblob(16)), 1, 3) || '-' || "
               "substr(hex(randomblob(16)), 1, 12))")
    values = _KEPT.replace("mutation_id", f"coalesce(mutation_id, {derived})").replace(
        "hlc, state", "hlc, '1970-01-01 00:00:00.000000', state")
    _remake(_BEFORE, _KEPT.replace("hlc, state", "hlc, created_at, state"), values)
