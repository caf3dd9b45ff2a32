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
- search_gram (the 1- and 2-character pieces of each name, a row each, with a
  key and an index: 1.16 MB of every 10,000 people) becomes search_piece, a
  contentless FTS5 table holding each name's pieces as words (0.13 MB); made
  from search_doc's names here as store/search_pieces.py makes them.
- search_doc.status is '' for an active person (nearly everyone: 'active' was
  stored in the row and in its three covering indexes).
- ix_person_initials (initials are searched in search_doc), ix_person_name (a
  look-up by name goes through search_doc's name index), ix_household_area_id
  (ix_household_area_live begins with area_id) and ix_membership_area_id (stays
  are read by person or household; a link's area rewrite and a scope change's
  eviction scan, once) go.

Existing entries keep their address text (with the building's street address,
which new entries no longer hold): the search finds them either way, and the next
rebuild or re-index makes them smaller. Nothing runs at later starts.

Revision ID: 0012_s7_search
Revises: 0011_s7_echo
Create Date: 2026-12-07 16:30:00
"""
from alembic import op


revision = '0012_s7_search'
down_revision = '0011_s7_echo'
branch_labels = None
depends_on = None

_FTS = ("CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='search_doc', content_rowid='id', "
        "tokenize='trigram', {options})")
_DROPPED = (
    ("ix_person_initials", "person", "initials"),
    ("ix_person_name", "person", "name"),
    ("ix_household_area_id", "household", "area_id"),
    ("ix_membership_area_id", "membership", "area_id"),
)


def _fts(table: str, columns: str, options: str) -> None:
    op.execute(_FTS.format(table=table, columns=columns, options=options))
    op.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


# Every distinct 1- and 2-character piece of each name, as (doc, piece) (store/search_pieces.py).
_PIECES = (
    "WITH RECURSIVE pos(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos WHERE i < (SELECT max(length(name)) "
    "FROM search_doc)) SELECT DISTINCT d.id AS doc, substr(d.name, pos.i, n.n) AS piece FROM search_doc d "
    "JOIN pos ON pos.i <= length(d.name) JOIN (SELECT 1 AS n UNION ALL SELECT 2) AS n ON pos.i + n.n - 1 <= length(d.name)"
)


def upgrade() -> None:
    op.execute("DROP TABLE search_fts")
    _fts("search_fts_name", "name, pinyin, initials", "detail='none', columnsize=0")
    _fts("search_fts", "numbers, address", "detail='none', columnsize=0")
    op.execute("CREATE VIRTUAL TABLE search_piece USING fts5(pieces, content='', tokenize='unicode61 remove_diacritics 0', "
               "detail='none', columnsize=0)")
    op.execute(f"INSERT INTO search_piece (rowid, pieces) SELECT doc, group_concat(piece, ' ' ORDER BY piece) "
               f"FROM ({_PIECES}) GROUP BY doc ORDER BY doc")
    op.execute("DROP TABLE search_gram")
    for name, _table, _column in _DROPPED:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("UPDATE search_doc SET status = '' WHERE status = 'active'")


def downgrade() -> None:
    op.execute("UPDATE search_doc SET status = 'active' WHERE status = ''")
    for name, table, column in _DROPPED:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
    op.execute("CREATE TABLE search_gram (doc INTEGER NOT NULL, gram TEXT NOT NULL, PRIMARY KEY (doc, gram)) WITHOUT ROWID")
    op.execute(f"INSERT INTO search_gram (doc, gram) {_PIECES} ORDER BY 1, 2")
    op.execute("CREATE INDEX ix_search_gram_gram ON search_gram (gram)")
    op.execute("DROP TABLE search_piece")
    op.execute("DROP TABLE search_fts_name")
    op.execute("DROP TABLE search_fts")
    _fts("search_fts", "name, pinyin, initials, numbers, address", "detail='column'")
