"""The register search: one box finds people by name, pinyin, ID or phone digits, or address.

The index is three tables made by migration 0001 (their shape: 0012_s7_search): `search_doc`, one row of
folded text per person (name, pinyin, initials, numbers, the dwelling's address) with the
status and area that filter results; `search_fts`, a trigram FTS5 index over
it (external content, so the text is stored once; detail='none', so it keeps each
trigram's rows and nothing else: a candidate is checked against its column with instr);
and `search_piece` (store/search_pieces.py), the 1- and 2-character pieces of each name, which
trigrams cannot match. The building's street address is not in anyone's entry: it is
found in the few hundred building rows (`_Ladder.buildings`), for every query length.
search_doc has its own INTEGER PRIMARY KEY: VACUUM would renumber person's
implicit rowid. Its `area_id` is the area's number in `search_area` (migration 0010_s6_outbox), not its
36-character id, which each covering index held again (1.4 MB of every 10,000 people).

A query runs as a ladder of tiers, best first, and stops as soon as `limit`
people are found: exact ID number, exact phone, then name (exact, prefix,
contains; pinyin and initials count as name), then ID/phone fragments, then
address. Exact and prefix tiers use B-tree indexes that cover every column
they read; "contains" uses the trigram index for 3+ characters, search_piece
for a 1–2 character name, and the building table for a place (estate, building,
street address) of any length.
Nothing scans every person's row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from . import bulk
from . import search_pieces as pieces
from .search_text import _docs, _room_label, _unit_label, fold, fold_name

# Ranks: lower is better. Name, pinyin and initials share the name ranks.
RANK_ID_NUMBER = 0
RANK_PHONE = 1
RANK_NAME_EXACT = 2
RANK_NAME_PREFIX = 3
RANK_NAME_CONTAINS = 4
RANK_NUMBER_PART = 5
RANK_ADDRESS = 6

_TEXT_COLUMNS = ("name", "pinyin", "initials", "numbers", "address")
# The two trigram indexes and their columns: names apart, so a place word is no candidate for a name, nor a name
# for a number or a place (detail='none' keeps no columns: each candidate costs a search_doc row to check).
_FTS = {"search_fts_name": ("name", "pinyin", "initials"), "search_fts": ("numbers", "address")}
_FTS_OF = {column: table for table, columns in _FTS.items() for column in columns}
_DOC_COLUMNS = ("person_id", *_TEXT_COLUMNS, "status", "area_id")
_TOP = "\U0010ffff"  # sorts after every character: the upper bound of a prefix range


@dataclass(frozen=True)
class SearchHit:
    person_id: str
    name: str
    gender: str | None
    id_number: str | None
    phone: str | None
    household_id: str | None
    address: str
    status: str
    match: str  # what matched: id_number, phone, name, pinyin, initials, address
    rank: int  # one of the RANK_* values


# -- building the index ----------------------------------------------------------
_SOURCE_SQL = """
SELECT p.id, p.name, p.pinyin, p.initials, p.id_number, p.phone, p.status, p.area_id, p.deleted,
       h.address, h.unit, h.room, h.phone, b.estate, b.name
FROM person p
LEFT JOIN household h ON h.id = p.household_id
LEFT JOIN building b ON b.id = h.building_id
"""
_IN_IDS = "IN (SELECT value FROM json_each(?))"


def _numbered(cur, docs: list[tuple]) -> list[tuple]:
    """`docs` with each area id as its number in search_area (made when new), as text (the column's type)."""
    areas = sorted({d[-1] for d in docs if d[-1] is not None})
    cur.executemany("INSERT OR IGNORE INTO search_area (area_id) VALUES (?)", [(a,) for a in areas])
    cur.execute(f"SELECT area_id, CAST(n AS TEXT) FROM search_area WHERE area_id {_IN_IDS}", (_ids_param(areas),))
    return [(*d[:-1], number.get(d[-1])) for d in docs] if (number := dict(cur.fetchall())) else docs


def _ids_param(ids: Iterable[str]) -> str:
    return json.dumps(sorted(ids))


def _cursor(s: Session, *, flush: bool = False):
    """A DB-API cursor on the session's own connection and transaction (no per-statement ORM overhead)."""
    if flush:
        bulk.flush(s)  # held rows and pending ORM changes must be in the database the SQL reads
        s.flush()
    return s.connection().connection.driver_connection.cursor()


def _affected_people(cur, records: dict[str, set[str]]) -> set[str]:
    people = set(records.get("person") or ())
    if records.get("household"):
        cur.execute(f"SELECT id FROM person WHERE household_id {_IN_IDS}", (_ids_param(records["household"]),))
        people.update(r[0] for r in cur.fetchall())
    if records.get("building"):
        cur.execute(
            f"SELECT p.id FROM household h JOIN person p ON p.household_id = h.id WHERE h.building_id {_IN_IDS}",
            (_ids_param(records["building"]),),
        )
        people.update(r[0] for r in cur.fetchall())
    return people


def reindex(s: Session, records: dict[str, set[str]]) -> None:
    """Bring the index up to date for these records: {"person"|"household"|"building": {ids}}.

    Deleted (tombstoned) records leave the index; a household or building
    change re-indexes the people living there. Works in sets, so an import
    of tens of thousands of people is one pass.
    """
    cur = _cursor(s, flush=True)
    people = _affected_people(cur, records)
    if len(people) >= _BULK_MIN:
        cur.execute("SELECT count(*) FROM search_doc")
        if len(people) >= _BULK_SHARE * cur.fetchone()[0]:
            rebuild(s)  # an import into a small register: starting afresh beats patching row by row
            return
    if people:
        _index_people(cur, people)


# When reindex() is handed this many people, and this share of the index, it rebuilds instead.
_BULK_MIN = 2000
_BULK_SHARE = 0.25


_INSERT_DOC = f"INSERT INTO search_doc ({', '.join(_DOC_COLUMNS)}) VALUES ({', '.join('?' * len(_DOC_COLUMNS))})"
_INSERT_NUMBERED_DOC = _INSERT_DOC.replace("(person_id,", "(id, person_id,").replace("VALUES (", "VALUES (?, ")


def _index_people(cur, person_ids: set[str]) -> None:
    ids = _ids_param(person_ids)
    cur.execute(f"{_SOURCE_SQL} WHERE p.id {_IN_IDS}", (ids,))
    new = {doc[0]: doc for doc in _numbered(cur, _docs(cur.fetchall()))}
    cur.execute(f"SELECT {', '.join(_DOC_COLUMNS)} FROM search_doc WHERE person_id {_IN_IDS}", (ids,))
    old = {r[0]: tuple(r) for r in cur.fetchall()}
    # Only a change of text touches the FTS index; status and area live in search_doc alone.
    stale = [pid for pid, doc in old.items() if pid not in new or doc[1:6] != new[pid][1:6]]
    gone = [pid for pid in old if pid not in new]
    stale_set = set(stale)
    fresh = [pid for pid in new if pid not in old or pid in stale_set]
    changed = [doc for pid, doc in new.items() if old.get(pid) != doc]
    if stale:
        # External-content FTS5 forgets a row only when told its old text: read it before search_doc changes.
        for table, columns in _FTS.items():
            cur.execute(
                f"INSERT INTO {table}({table}, rowid, {', '.join(columns)}) "
                f"SELECT 'delete', id, {', '.join(columns)} FROM search_doc WHERE person_id {_IN_IDS}",
                (_ids_param(stale),),
            )
        pieces.forget(cur, f"WHERE d.person_id {_IN_IDS}", (_ids_param(stale),))
    if gone:
        cur.execute(f"DELETE FROM search_doc WHERE person_id {_IN_IDS}", (_ids_param(gone),))
    if changed:
        updates = ", ".join(f"{c} = excluded.{c}" for c in _DOC_COLUMNS[1:])
        cur.executemany(f"{_INSERT_DOC} ON CONFLICT(person_id) DO UPDATE SET {updates}", changed)
    if fresh:
        for table, columns in _FTS.items():
            cur.execute(
                f"INSERT INTO {table}(rowid, {', '.join(columns)}) "
                f"SELECT id, {', '.join(columns)} FROM search_doc WHERE person_id {_IN_IDS}",
                (_ids_param(fresh),),
            )
        pieces.index(cur, f"WHERE d.person_id {_IN_IDS}", (_ids_param(fresh),))


def _without_indexes(cur, tables: tuple[str, ...]):
    """Drop the secondary indexes of `tables`; the returned function makes them again (from their stored SQL)."""
    marks = ", ".join("?" * len(tables))
    cur.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) AND sql IS NOT NULL",
        tables,
    )
    indexes = cur.fetchall()
    for name, _sql in indexes:
        cur.execute(f'DROP INDEX "{name}"')

    def restore() -> None:
        for _name, sql in indexes:
            cur.execute(sql)

    return restore


def live_sources(s: Session) -> list[tuple]:
    """Every live person's source row (_SOURCE_SQL), read in the caller's transaction: for documents()."""
    cur = _cursor(s, flush=True)
    cur.execute(f"{_SOURCE_SQL} WHERE p.deleted = 0")
    return cur.fetchall()


def documents(rows: list[tuple]) -> list[tuple]:
    """The search_doc values of source rows, in person_id order; no database: may run on another thread."""
    return sorted(_docs(rows))


def rebuild(s: Session, docs: list[tuple] | None = None) -> int:
    """Index every live person from scratch (after bulk loads, by the sync engine); returns how many.
    `docs`: documents(live_sources(s)), made ahead in the same transaction."""
    cur = _cursor(s, flush=True)
    if docs is None:
        docs = documents(live_sources(s))
    docs = _numbered(cur, docs)  # in person_id order: the unique index fills by appending
    pieces.clear(cur)
    cur.execute("DELETE FROM search_doc")
    # Building an index once, sorted, is several times faster than growing it row by row.
    restore_indexes = _without_indexes(cur, ("search_doc",))
    # Numbered here (1, 2, … in person_id order), so the name pieces are made from the names in hand.
    cur.executemany(_INSERT_NUMBERED_DOC, [(n, *doc) for n, doc in enumerate(docs, 1)])
    restore_indexes()
    # 'rebuild' re-reads the whole content table in C: much faster than inserting row by row.
    for table in _FTS:
        cur.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
    pieces.index_names(cur, [(n, doc[1]) for n, doc in enumerate(docs, 1)])
    return len(docs)


# -- searching -------------------------------------------------------------------
class _Ladder:
    """Runs the tiers best first; keeps each person's first (best) match until `limit` people are found."""

    def __init__(self, cur, limit: int, include_inactive: bool, areas: list[str] | None):
        self.cur = cur
        self.limit = limit
        self.found: dict[int, tuple[int, str]] = {}  # search_doc id → (rank, match), in the order found
        self.number = ""  # the digits of a number query, to tell an ID fragment from a phone one
        filters, self.filter_params = [], []
        if not include_inactive:
            filters.append("d.status = ''")  # '' is active (search_text._status)
        if areas is not None:
            filters.append(f"d.area_id IN (SELECT CAST(n AS TEXT) FROM search_area WHERE area_id {_IN_IDS})")
            self.filter_params.append(json.dumps(areas))
        self.filter_sql = "".join(f" AND {f}" for f in filters)

    @property
    def full(self) -> bool:
        return len(self.found) >= self.limit

    def run(self, rank: int, match: str, source: str, params: Iterable, order: str = "") -> None:
        """`source` is "FROM-and-WHERE" text over alias d (search_doc); the filters are added here."""
        if self.full:
            return
        # People found by a better tier may come back: ask for enough rows to still fill the limit.
        sql = f"SELECT d.id FROM {source}{self.filter_sql}{order} LIMIT ?"
        self.cur.execute(sql, (*params, *self.filter_params, self.limit + len(self.found)))
        for (doc_id,) in self.cur.fetchall():
            if doc_id not in self.found:
                self.found[doc_id] = (rank, match)
                if self.full:
                    break

    def exact(self, rank: int, column: str, value: str, match: str) -> None:
        self.run(rank, match, f"search_doc d WHERE d.{column} = ?", (value,), " ORDER BY d.pinyin")

    def prefix(self, rank: int, column: str, value: str, match: str) -> None:
        # Index order, so the first rows end the scan; pinyin orders people of the same name or initials.
        order = f" ORDER BY d.{column}" + (", d.pinyin" if column != "pinyin" else "")
        self.run(rank, match, f"search_doc d WHERE d.{column} > ? AND d.{column} < ?", (value, value + _TOP), order)

    def contains(self, rank: int, column: str, value: str, match: str) -> None:
        """3+ characters: the trigram index. Fewer: the name's pieces (other columns: see `buildings`)."""
        if len(value) >= 3:  # the index keeps no columns: instr keeps the rows holding `value` in this one
            self.run(
                rank, match, f"{_by_trigrams(_FTS_OF[column])} AND instr(d.{column}, ?) > 0", (_trigrams(value), value),
                " ORDER BY f.rowid",
            )
        elif column == "name":  # trigrams cannot match 1–2 characters: the name's pieces are kept for this
            self.run(rank, match, pieces.BY_PIECE, (pieces.phrase(value), value))

    def buildings(self, rank: int, value: str) -> None:
        """A place: estate, building and street address, from the few hundred building rows.

        For 1–2 characters, scanning every person's address instead would read
        megabytes of encrypted pages for each keystroke; a street address is in
        no person's entry at all. CROSS JOIN keeps SQLite's join order:
        buildings first, then the indexes down to each person.
        """
        self.run(rank, "address", _BY_BUILDING, (value,))

    def people(self, rank: int, match: str, where: str, params: Iterable) -> None:
        """Exact look-ups on the person table's own indexes (ID number, phone)."""
        self.run(rank, match, f"person p JOIN search_doc d ON d.person_id = p.id WHERE p.deleted = 0 AND {where}", params)


# Sources of candidates for _Ladder.run, each over alias d (search_doc).
def _by_trigrams(table: str) -> str:
    return f"{table} f JOIN search_doc d ON d.id = f.rowid WHERE f.{table} MATCH ?"


# Either trigram index: the entries holding the trigrams of a word somewhere (its FTS5 query twice).
_HOLDS = (
    "d.id IN (SELECT rowid FROM search_fts_name WHERE search_fts_name MATCH ? "
    "UNION ALL SELECT rowid FROM search_fts WHERE search_fts MATCH ?)"
)
_BY_BUILDING = (
    "building b CROSS JOIN household h ON h.building_id = b.id CROSS JOIN person p ON p.household_id = h.id "
    "CROSS JOIN search_doc d ON d.person_id = p.id "
    "WHERE b.deleted = 0 AND instr(lower(coalesce(b.estate, '') || ' ' || b.name || ' ' || coalesce(b.address, '')), ?) > 0"
)
# The people of buildings whose street address holds a word their estate and name (in the entries) do not.
_BY_STREET = _BY_BUILDING.replace(
    "WHERE b.deleted = 0 AND instr(lower(coalesce(b.estate, '') || ' ' || b.name || ' ' || coalesce(b.address, '')), ?) > 0",
    "WHERE b.deleted = 0 AND instr(lower(coalesce(b.address, '')), ?1) > 0 "
    "AND instr(lower(coalesce(b.estate, '') || ' ' || b.name), ?1) = 0",
)
assert _BY_STREET != _BY_BUILDING, "_BY_STREET's replace no longer matches _BY_BUILDING's condition"


def _trigrams(text: str) -> str:
    """An FTS5 query for rows holding every trigram of `text`.

    The index keeps no positions or columns (detail='none'), so this finds candidates;
    `instr` on search_doc then keeps those that hold `text` itself, in the column asked.
    """
    grams = dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2))
    return "(" + " AND ".join('"' + g.replace('"', '""') + '"' for g in grams) + ")"


def _one_term(ladder: _Ladder, term: str) -> None:
    compact = term.replace("-", "")
    if re.fullmatch(r"\d+x?", compact):
        ladder.number = compact
        if re.fullmatch(r"\d{17}[\dx]", compact):
            ladder.people(RANK_ID_NUMBER, "id_number", "p.id_number = ?", (compact.upper(),))
        if compact.isdigit() and len(compact) >= 5:
            ladder.people(RANK_PHONE, "phone", "p.phone IN (?, ?)", (compact, term))
        if len(compact) >= 4:
            ladder.contains(RANK_NUMBER_PART, "numbers", compact, "number")
    else:
        name = fold_name(term)
        _name_tiers(ladder, name, name if re.fullmatch(r"[a-z]+", name) else "")
    if len(term) >= 3:
        ladder.contains(RANK_ADDRESS, "address", term, "address")
    ladder.buildings(RANK_ADDRESS, term)


def _name_tiers(ladder: _Ladder, name: str, latin: str) -> None:
    """Exact, then prefix, then contains; pinyin and initials (for a latin query) beside the name at each step."""
    latin_columns = ("initials", "pinyin") if latin else ()
    if name:
        ladder.exact(RANK_NAME_EXACT, "name", name, "name")
    for column in latin_columns:
        ladder.exact(RANK_NAME_EXACT, column, latin, column)
    if name:
        ladder.prefix(RANK_NAME_PREFIX, "name", name, "name")
    for column in latin_columns:
        ladder.prefix(RANK_NAME_PREFIX, column, latin, column)
    if name:
        ladder.contains(RANK_NAME_CONTAINS, "name", name, "name")
    if len(latin) >= 3:  # shorter latin fragments inside pinyin match nearly everyone
        for column in ("pinyin", "initials"):
            ladder.contains(RANK_NAME_CONTAINS, column, latin, column)


_EVERYTHING = "(d.name || ' ' || d.pinyin || ' ' || d.initials || ' ' || d.numbers || ' ' || d.address)"
_BUILDING_TEXT = "lower(coalesce(b.estate, '') || ' ' || b.name || ' ' || coalesce(b.address, ''))"
# The person's building as _BY_BUILDING reads it: read only for a word the entry itself does not hold.
_PLACE = (
    f"coalesce((SELECT {_BUILDING_TEXT} FROM person p JOIN household h ON h.id = p.household_id "
    "JOIN building b ON b.id = h.building_id WHERE p.id = d.person_id), '')"
)


def _checks(terms: list[str], place: str) -> tuple[str, list[str]]:
    """SQL and parameters: every word in the entry or in the building's text `place`."""
    sql = "".join(f" AND (instr({_EVERYTHING}, ?) > 0 OR instr({place}, ?) > 0)" for _ in terms)
    return sql, [p for t in terms for p in (t, t)]


def _in_names(cur, match: str) -> bool:
    cur.execute("SELECT 1 FROM search_fts_name WHERE search_fts_name MATCH ? LIMIT 1", (match,))
    return cur.fetchone() is not None


def _all_terms(ladder: _Ladder, terms: list[str]) -> None:
    """Several words ("幸福小区 301", "学院路 301"): every word must match the entry or the person's building.

    Candidates: the entries holding the trigrams of every longer word (the indexes
    intersect them), then for each longer word the people of the buildings whose
    street address holds it — an entry holds its building's estate and name, not
    its street address, so a person matching lacks a word in their entry only there.
    When every word is 1–2 characters, candidates come from the words found in
    a name or a building (no per-person scan): "李 玲", "张 3" work; "1 3" finds nobody.
    """
    checks, params = _checks(terms, _PLACE)
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        match = " AND ".join(_trigrams(t) for t in long_terms)
        if any(_in_names(ladder.cur, _trigrams(t)) for t in long_terms):
            # A word may be in a name and another in a place: the two indexes' candidates, intersected.
            holds = " AND ".join(_HOLDS for _ in long_terms)
            matches = tuple(m for t in long_terms for m in (_trigrams(t),) * 2)
            ladder.run(RANK_ADDRESS, "address", f"search_doc d WHERE {holds}{checks}", (*matches, *params), " ORDER BY d.id")
        else:  # in no name: numbers and places only, where FTS5 intersects the words' rows itself
            ladder.run(RANK_ADDRESS, "address", _by_trigrams("search_fts") + checks, (match, *params), " ORDER BY f.rowid")
        on_building = _checks(terms, _BUILDING_TEXT)
        for term in long_terms:
            ladder.run(RANK_ADDRESS, "address", _BY_STREET + on_building[0], (term, *on_building[1]))
        return
    # The rarest piece first: its candidates are the likeliest to fill the limit early.
    rarity = {}
    for term in terms:
        rarity[term] = pieces.count(ladder.cur, term)
    on_building = _checks(terms, _BUILDING_TEXT)
    for term in sorted(terms, key=rarity.get):
        ladder.run(RANK_ADDRESS, "address", pieces.BY_PIECE + checks, (pieces.phrase(term), term, *params))
    for term in sorted(terms, key=rarity.get):
        ladder.run(RANK_ADDRESS, "address", _BY_BUILDING + on_building[0], (term, *on_building[1]))


def people_named(s: Session, name: str) -> list[str]:
    """Ids of the people whose name folds to `name`'s (ix_search_doc_name): person.name has no index of its own."""
    cur = _cursor(s, flush=True)
    cur.execute("SELECT person_id FROM search_doc WHERE name = ?", (fold_name(name),))
    return [r[0] for r in cur.fetchall()]


def _sub_areas(cur, area_ids: list[str]) -> list[str]:
    """The areas named and every area below them: a community's search covers its grids."""
    cur.execute(
        "WITH RECURSIVE sub(id) AS (SELECT value FROM json_each(?) "
        "UNION SELECT a.id FROM area a JOIN sub ON a.parent_id = sub.id) SELECT id FROM sub",
        (json.dumps(list(area_ids)),),
    )
    return [r[0] for r in cur.fetchall()]


def search(
    s: Session, query: str, *, limit: int = 50, area_ids: list[str] | None = None, include_inactive: bool = False
) -> list[SearchHit]:
    """People matching `query`, best first (see the RANK_* values); moved-out and deceased people only on request."""
    text = fold(query)
    if not text or limit <= 0:
        return []
    cur = _cursor(s)
    areas = _sub_areas(cur, area_ids) if area_ids is not None else None
    ladder = _Ladder(cur, limit, include_inactive, areas)
    terms = text.split()
    if len(terms) == 1:
        _one_term(ladder, text)
    else:
        _all_terms(ladder, terms)
    return _hits(ladder, terms, include_inactive, areas)


_HIT_SQL = f"""
SELECT d.id, d.name, d.pinyin, d.initials,
       p.id, p.name, p.gender, p.id_number, p.phone, p.household_id, p.status, p.deleted, p.area_id,
       h.address, h.unit, h.room, b.estate, b.name
FROM search_doc d
JOIN person p ON p.id = d.person_id
LEFT JOIN household h ON h.id = p.household_id
LEFT JOIN building b ON b.id = h.building_id
WHERE d.id {_IN_IDS}
"""


def _hits(ladder: _Ladder, terms: list[str], include_inactive: bool, areas: list[str] | None) -> list[SearchHit]:
    if not ladder.found:
        return []
    ladder.cur.execute(_HIT_SQL, (json.dumps(list(ladder.found)),))
    rows = {r[0]: r for r in ladder.cur.fetchall()}
    allowed_areas = set(areas) if areas is not None else None
    hits = []
    for doc_id, (rank, match) in ladder.found.items():
        r = rows.get(doc_id)
        if r is not None and _shown(r, include_inactive, allowed_areas):
            hits.append(_hit(r, ladder, terms, rank, match))
    hits.sort(key=lambda h: (h.rank, h.status != "active"))  # stable: each tier keeps its own order
    return hits


def _shown(r: tuple, include_inactive: bool, allowed_areas: set[str] | None) -> bool:
    """The record is the truth: a change not yet re-indexed must not show a person the filters exclude."""
    status, deleted, area_id = r[10], r[11], r[12]
    if deleted or (not include_inactive and status != "active"):
        return False
    return allowed_areas is None or area_id in allowed_areas


def _hit(r: tuple, ladder: _Ladder, terms: list[str], rank: int, match: str) -> SearchHit:
    (_id, d_name, d_pinyin, d_initials, pid, name, gender, id_number, phone, household_id, status, _deleted,
     _area_id, hh_address, unit, room, estate, building) = r  # fmt: skip
    if match == "number":
        match = "id_number" if ladder.number in (id_number or "").lower() else "phone"
    if len(terms) > 1 and all(any(t in f for f in (d_name, d_pinyin, d_initials)) for t in terms):
        rank, match = RANK_NAME_CONTAINS, "name"
    address = hh_address or "".join(x for x in (estate, building, _unit_label(unit), _room_label(room)) if x)
    return SearchHit(pid, name, gender, id_number, phone, household_id, address, status, match, rank)
