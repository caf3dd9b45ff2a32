"""The 1- and 2-character pieces of each name, which trigrams cannot match: `search_piece` (migration 0012_s7_search).

A contentless FTS5 table (unicode61 tokens, detail='none', columnsize=0): the row of
search_doc id N holds the pieces of its name as words ("张 美 玲 张美 美玲"), and its
index keeps, per piece, the ids holding it — 0.13 MB of every 10,000 people where a
(gram, doc) table with its key took 0.58. Contentless, it stores no text: a row is
forgotten by handing FTS5 the words it was given, worked out again from search_doc's
name before that name changes. Pieces are made in SQLite (no Python object per piece).
"""

from __future__ import annotations

# Every distinct piece of each chosen name, as (doc, piece); `where` over alias d, its parameters twice.
_PIECES = (
    "WITH RECURSIVE pos(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos "
    "WHERE i < (SELECT max(length(name)) FROM search_doc AS d {where})) "
    "SELECT DISTINCT d.id AS doc, substr(d.name, pos.i, n.n) AS piece FROM search_doc d "
    "JOIN pos ON pos.i <= length(d.name) "
    "JOIN (SELECT 1 AS n UNION ALL SELECT 2) AS n ON pos.i + n.n - 1 <= length(d.name) {where}"
)


def _words(where: str) -> str:
    """SQL of (doc, its pieces as words in a fixed order): what is inserted, and handed back to forget it."""
    return f"SELECT doc, group_concat(piece, ' ' ORDER BY piece) FROM ({_PIECES.format(where=where)}) GROUP BY doc"


def index(cur, where: str = "", params: tuple = ()) -> None:
    """Index the pieces of the search_doc rows chosen by `where` (over alias d), in id order."""
    cur.execute(f"INSERT INTO search_piece (rowid, pieces) {_words(where)} ORDER BY doc", params * 2)


def index_names(cur, docs: list[tuple[int, str]]) -> None:
    """Index the pieces of these (search_doc id, folded name) rows, in id order: a rebuild, with the names in hand
    (twice as fast as `index`'s SQL). The words are those `_words` makes: distinct, sorted (code point order is
    SQLite's byte order of UTF-8)."""
    rows = []
    for doc, name in docs:
        if name:
            rows.append((doc, " ".join(sorted({name[i : i + n] for n in (1, 2) for i in range(len(name) - n + 1)}))))
    cur.executemany("INSERT INTO search_piece (rowid, pieces) VALUES (?, ?)", rows)


def forget(cur, where: str, params: tuple) -> None:
    """Remove the pieces of the search_doc rows chosen by `where`, from their names as they still are."""
    cur.execute(f"INSERT INTO search_piece (search_piece, rowid, pieces) SELECT 'delete', * FROM ({_words(where)})",
                params * 2)


def clear(cur) -> None:
    cur.execute("INSERT INTO search_piece (search_piece) VALUES ('delete-all')")


def phrase(piece: str) -> str:
    """The FTS5 query for one piece, quoted (a piece may be any characters)."""
    return '"' + piece.replace('"', '""') + '"'


# Candidates for the search ladder: the entries whose name holds a piece (its phrase, then the piece for instr).
BY_PIECE = (
    "search_piece g CROSS JOIN search_doc d ON d.id = g.rowid WHERE g.search_piece MATCH ? AND instr(d.name, ?) > 0"
)


def count(cur, piece: str) -> int:
    cur.execute("SELECT count(*) FROM search_piece WHERE search_piece MATCH ?", (phrase(piece),))
    return cur.fetchone()[0]


def indexed(cur) -> list[tuple[str, str]]:
    """Every (person id, piece) the index holds, sorted: for checking it against a rebuild."""
    cur.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_piece_words USING fts5vocab(main, search_piece, 'row')")
    cur.execute("SELECT term FROM temp.search_piece_words")
    pairs = []
    for (term,) in cur.fetchall():
        cur.execute("SELECT d.person_id FROM search_piece g JOIN search_doc d ON d.id = g.rowid "
                    "WHERE g.search_piece MATCH ?", (phrase(term),))
        pairs += [(pid, term) for (pid,) in cur.fetchall()]
    return sorted(pairs)
