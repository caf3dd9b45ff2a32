"""s6 outbox: no unique index on outbox.mutation_id; the search entries' area as a small number (issue 14
target 3, the database's size)

The index was 1.25 MB of every 10,000 imported people (3.3% of the file) and
served no query but the two look-ups of a refused row (`mutation_id = ? AND
state = 'rejected'`), which ix_outbox_state answers as well (refused rows are
few). Ids are 128 random bits made here (domain.models.new_id); the server
tells replays apart by them, not this table. SQLite drops a table's UNIQUE
constraint only by making the table again: rows, seq numbers and the two
other indexes are kept.

search_doc.area_id held the area's 36-character id, stored again in each of
its three covering indexes (1.4 MB of every 10,000 people); it now holds the
area's number in `search_area` (an INTEGER PRIMARY KEY: VACUUM keeps it),
made with the search tables' raw SQL as migration 0001 made them.

Revision ID: 0010_s6_outbox
Revises: 0009_gap_eval
Create Date: 2026-12-07 14:00:00
"""
from alembic import op


revision = '0010_s6_outbox'
down_revision = '0009_gap_eval'
branch_labels = None
depends_on = None

_COLUMNS = (
    "seq INTEGER NOT NULL, mutation_id VARCHAR(36) NOT NULL, entity VARCHAR(32) NOT NULL, "
    "record_id VARCHAR(36) NOT NULL, op VARCHAR(8) NOT NULL, fields JSON NOT NULL, base_version INTEGER, "
    "hlc VARCHAR(40) NOT NULL, created_at DATETIME NOT NULL, state VARCHAR(12) NOT NULL, result JSON, "
    "PRIMARY KEY (seq)"
)
_NAMES = "seq, mutation_id, entity, record_id, op, fields, base_version, hlc, created_at, state, result"


def _remake(constraints: str) -> None:
    op.execute(f"CREATE TABLE outbox_remade ({_COLUMNS}{constraints})")
    op.execute(f"INSERT INTO outbox_remade ({_NAMES}) SELECT {_NAMES} FROM outbox ORDER BY seq")
    op.execute("DROP TABLE outbox")
    op.execute("ALTER TABLE outbox_remade RENAME TO outbox")
    op.execute("CREATE INDEX ix_outbox_record ON outbox (entity, record_id)")
    op.execute("CREATE INDEX ix_outbox_state ON outbox (state)")


def upgrade() -> None:
    _remake("")
    op.execute("CREATE TABLE search_area (n INTEGER PRIMARY KEY, area_id TEXT NOT NULL UNIQUE)")
    op.execute("INSERT INTO search_area (area_id) SELECT DISTINCT area_id FROM search_doc WHERE area_id IS NOT NULL "
               "ORDER BY area_id")
    op.execute("UPDATE search_doc SET area_id = (SELECT CAST(n AS TEXT) FROM search_area AS a "
               "WHERE a.area_id = search_doc.area_id) WHERE area_id IS NOT NULL")


def downgrade() -> None:
    op.execute("UPDATE search_doc SET area_id = (SELECT a.area_id FROM search_area AS a "
               "WHERE CAST(a.n AS TEXT) = search_doc.area_id) WHERE area_id IS NOT NULL")
    op.execute("DROP TABLE search_area")
    _remake(", UNIQUE (mutation_id)")
