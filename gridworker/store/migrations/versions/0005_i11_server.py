"""Digit fields in ASCII: ID numbers and phones stored with full-width or other Unicode digits are rewritten

Validation turns every Unicode decimal digit into ASCII from now on
(gridworker.domain.digits); this repairs what was saved before, and the
numbers the register search indexed from it, so the search and the
duplicate check by ID find them. The server repairs its copy the same way
(its migration 0003_i11_server), so no record needs sending again.
Idempotent.

Revision ID: 0005_i11_server
Revises: 0004
Create Date: 2026-12-07 05:40:00.000000
"""
import unicodedata

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005_i11_server'
down_revision = '0004'
branch_labels = None
depends_on = None

# As of this revision (a migration must not follow later code).
DIGIT_COLUMNS = (("person", "id_number"), ("person", "phone"), ("household", "phone"))
_SIGNS = {"＋": "+", "－": "-", "‐": "-", "‑": "-", "–": "-", "（": "(", "）": ")", "ｘ": "x", "Ｘ": "X", "　": " "}
NON_ASCII = "GLOB '*[^ -~]*'"


def ascii_digits(text: str) -> str:
    out = []
    for ch in text:
        value = None if ch.isascii() else unicodedata.decimal(ch, None)
        out.append(str(value) if value is not None else _SIGNS.get(ch, ch))
    return "".join(out)


def upgrade() -> None:
    conn = op.get_bind()
    changed = 0
    for table, column in DIGIT_COLUMNS:
        rows = conn.exec_driver_sql(f"SELECT id, {column} FROM {table} WHERE {column} {NON_ASCII}").all()
        for record_id, value in rows:
            new = ascii_digits(value)
            if column == "id_number":
                new = new.strip().replace(" ", "").upper()
            if new != value:
                conn.exec_driver_sql(f"UPDATE {table} SET {column} = ? WHERE id = ?", (new, record_id))
                changed += 1
    # The search's numbers column holds the ID number (lower case) and the digits of the phones.
    docs = conn.exec_driver_sql(f"SELECT id, numbers FROM search_doc WHERE numbers {NON_ASCII}").all()
    for doc_id, numbers in docs:
        new = ascii_digits(numbers).lower()
        if new != numbers:
            conn.exec_driver_sql("UPDATE search_doc SET numbers = ? WHERE id = ?", (new, doc_id))
            changed += 1
    if changed:
        # External-content FTS: 'rebuild' re-reads search_doc, so the trigram index forgets the old digits.
        conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def downgrade() -> None:
    pass  # the typed digits are not kept: ASCII is valid at every revision
