"""s7 search: a smaller search index and three record indexes no query needs (issue 14 target 3, the size)

- The trigram index is made again as two, with detail='none' and columnsize=0:
  each keeps a trigram's rows only, no columns, positions or sizes. A substring
  query was already an AND of trigrams checked with instr() against the
  search_doc column (store/search.py); the column filter only narrowed the
  candidates, which the split into names (search_fts_name: name, pinyin,
  initials) and the rest (search_fts: numbers, address) now does: a place word
  is no candidate for a name. 2.49 → 0.92 MB of every 10,000 people (the two
  together; with the street addresses out of new entries 0.68). Both are rebuilt
  from search_doc.
- search_gram keeps one key, (gram, doc), instead of (doc, gram) plus an index
  on gram: a person's pieces are deleted by their keys, worked out from the
  old name. −0.58 MB of every 10,000 people.
- ix_person_initials (initials are searched in search_doc), ix_household_area_id
  (ix_household_area_live begins with area_id) and ix_membership_area_id (stays
  are read by person or household; a link's area rewrite and a scope change's
  eviction scan, once) go.

Existing entries keep their address text (with the building's street address,
which new entries no longer hold): the search finds them either way, and the next
rebuild or re-index makes them smaller. Nothing runs at later starts.

Revision ID: 0011_s7_search
Revises: 0010_s6_outbox
Create Date: 2026-12-07 16:30:00
"""
from alembic import op


revision = '0011_s7_search'
down_revision = '0010_s6_outbox'
branch_labels = None
depends_on = None

_FTS = ("CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='search_doc', content_rowid='id', "
        "tokenize='trigram', {options})")
_DROPPED = (
    ("ix_person_initials", "person", "initials"),
    ("ix_household_area_id", "household", "area_id"),
    ("ix_membership_area_id", "membership", "area_id"),
)


def _fts(table: str, columns: str, options: str) -> None:
    op.execute(_FTS.format(table=table, columns=columns, options=options))
    op.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def _gram(key: str, index: bool) -> None:
    op.execute(f"CREATE TABLE search_gram_remade (doc INTEGER NOT NULL, gram TEXT NOT NULL, PRIMARY KEY ({key})) "
               "WITHOUT ROWID")
    op.execute(f"INSERT INTO search_gram_remade (doc, gram) SELECT doc, gram FROM search_gram ORDER BY {key}")
    op.execute("DROP TABLE search_gram")
    op.execute("ALTER TABLE search_gram_remade RENAME TO search_gram")
    if index:
        op.execute("CREATE INDEX ix_search_gram_gram ON search_gram (gram)")


def upgrade() -> None:
    op.execute("DROP TABLE search_fts")
    _fts("search_fts_name", "name, pinyin, initials", "detail='none', columnsize=0")
    _fts("search_fts", "numbers, address", "detail='none', columnsize=0")
    _gram("gram, doc", index=False)
    for name, _table, _column in _DROPPED:
        op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade() -> None:
    for name, table, column in _DROPPED:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
    _gram("doc, gram", index=True)
    op.execute("DROP TABLE search_fts_name")
    op.execute("DROP TABLE search_fts")
    _fts("search_fts", "name, pinyin, initials, numbers, address", "detail='column'")
