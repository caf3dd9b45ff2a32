"""Digit fields in ASCII: ID numbers and phones stored with full-width or other Unicode digits are rewritten.

Validation turns every Unicode decimal digit into ASCII from now on
(gridworker.domain.digits); this repairs what was stored before. Only the
record's `data` changes — no new version, no feed row: the clients repair
their own copies in their store migration, so both sides agree.
Idempotent; runs in batches of records.

Revision ID: 0003_i11_server
Revises: 0002
"""

import json
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0003_i11_server'
down_revision = '0002'
branch_labels = None
depends_on = None

# As of this revision (a migration must not follow later code).
DIGIT_FIELDS = {"person": ("id_number", "phone"), "household": ("phone",)}
_SIGNS = {"＋": "+", "－": "-", "‐": "-", "‑": "-", "–": "-", "（": "(", "）": ")", "ｘ": "x", "Ｘ": "X", "　": " "}
BATCH = 1000


def ascii_digits(text: str) -> str:
    out = []
    for ch in text:
        value = None if ch.isascii() else unicodedata.decimal(ch, None)
        out.append(str(value) if value is not None else _SIGNS.get(ch, ch))
    return "".join(out)


def fixed(field: str, value):
    if not isinstance(value, str) or value.isascii():
        return value
    value = ascii_digits(value)
    if field == "id_number":
        value = value.strip().replace(" ", "").upper()
    return value


def upgrade() -> None:
    conn = op.get_bind()
    records = sa.table("records", sa.column("entity"), sa.column("id"), sa.column("data"))
    for entity, fields in DIGIT_FIELDS.items():
        last = ""
        while True:
            rows = conn.execute(
                sa.select(records.c.id, records.c.data)
                .where(records.c.entity == entity, records.c.id > last)
                .order_by(records.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            last = rows[-1].id
            for row in rows:
                if row.data.isascii() and "\\u" not in row.data:
                    continue  # no character outside ASCII, written out or escaped
                data = json.loads(row.data)
                new = {f: fixed(f, data[f]) for f in fields if f in data}
                if any(new[f] != data[f] for f in new):
                    data.update(new)
                    conn.execute(
                        sa.update(records)
                        .where(records.c.entity == entity, records.c.id == row.id)
                        .values(data=json.dumps(data, ensure_ascii=False, separators=(",", ":")))
                    )


def downgrade() -> None:
    pass  # the typed digits are not kept: ASCII is valid at every revision
