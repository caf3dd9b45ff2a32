"""The register: the area tree, the paged people, household and building lists, and households to
place someone or something in.

A list is read in two steps, the way a table view needs it: first the ids
of everything in scope, in display order (one query; 50,000 ids is a few
hundred kilobytes), then the rows of the ids on screen, a page at a time.
So the view knows its length at once, scrolls anywhere, and never holds
50,000 records.

The tree is grid → … → building → unit → household; `tree_children`
answers one level, `tree_children_many` several (a refresh of what is open).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from ...domain.enums import Relation
from ...domain.models import Building, Household, Person
from ...store.areas import areas_below
from ...store.database import Store
from ...store import bulk
from ..base import get_live
from ..scope import writable_areas
from ..search import find_people
from ..visits import natural_key


@dataclass(frozen=True)
class Scope:
    """A part of the register: an area (with the areas below it), a building, one unit of it, or a household.

    The empty scope is the whole register of this account.
    """

    area_id: str | None = None
    building_id: str | None = None
    unit: str | None = None
    household_id: str | None = None


_SUBTREE = "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT a.id FROM area a JOIN sub ON a.parent_id = sub.id) "


# Natural order of places in SQL: "2幢" before "10幢" because the shorter number sorts first.
_PLACE_ORDER = (
    "b.estate IS NULL, b.estate, length(b.name), b.name, length(h.unit), h.unit, h.floor, length(h.room), h.room, h.address"
)


_RELATION_RANK = "CASE p.relation " + " ".join(f"WHEN '{r.value}' THEN {i}" for i, r in enumerate(Relation)) + " ELSE 99 END"


def _where(scope: Scope, alias: str) -> tuple[str, list]:
    """The SQL condition (on table `alias`, which has area_id, and on h) and its parameters for a scope."""
    if scope.household_id:
        column = "h.id" if alias == "h" else f"{alias}.household_id"
        return f"{column} = ?", [scope.household_id]
    if scope.building_id:
        if scope.unit is not None:
            return "h.building_id = ? AND coalesce(h.unit, '') = ?", [scope.building_id, scope.unit]
        return "h.building_id = ?", [scope.building_id]
    if scope.area_id:
        return f"{alias}.area_id IN sub", [scope.area_id]
    return "1", []


def _with(scope: Scope) -> str:
    return _SUBTREE if scope.area_id and not (scope.household_id or scope.building_id) else ""


def raw_cursor(s: Session):
    """The SQLCipher connection's own cursor, for the hand-written SQL of the paged lists (no ORM rows)."""
    bulk.flush(s)  # rows held by this transaction's own edits (store/bulk.py) must be in what the SQL reads
    return s.connection().connection.driver_connection.cursor()


@dataclass(frozen=True)
class PersonRow:
    id: str
    name: str
    gender: str | None
    birth_date: date | None
    id_number: str | None
    phone: str | None
    relation: str | None
    residence: str | None
    tags: list[str]
    status: str
    household_id: str | None
    address: str


def person_ids(store: Store, scope: Scope = Scope(), *, include_inactive: bool = False) -> list[str]:
    """Ids of the people in `scope`, household by household in walking order, head first."""
    where, params = _where(scope, "p")
    status = "" if include_inactive else "AND p.status = 'active'"
    sql = (
        f"{_with(scope)}SELECT p.id FROM person p "
        "LEFT JOIN household h ON h.id = p.household_id LEFT JOIN building b ON b.id = h.building_id "
        f"WHERE p.deleted = 0 {status} AND {where} "
        f"ORDER BY h.id IS NULL, {_PLACE_ORDER}, h.id, {_RELATION_RANK}, p.birth_date, p.name"
    )
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(sql, params)
        return [r[0] for r in cur.fetchall()]


_PERSON_ROWS = """
SELECT p.id, p.name, p.gender, p.birth_date, p.id_number, p.phone, p.relation, p.residence, p.tags, p.status,
       p.household_id, h.address
FROM person p LEFT JOIN household h ON h.id = p.household_id
WHERE p.id IN (SELECT value FROM json_each(?))
"""


def person_rows(store: Store, ids: Sequence[str]) -> list[PersonRow]:
    """The rows of `ids`, in that order; ids of records gone since are left out."""
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(_PERSON_ROWS, (json.dumps(list(ids)),))
        found = {
            r[0]: PersonRow(r[0], r[1], r[2], _day(r[3]), r[4], r[5], r[6], r[7], json.loads(r[8] or "[]"), r[9], r[10],
                            r[11] or "")
            for r in cur.fetchall()
        }  # fmt: skip
    return [found[i] for i in ids if i in found]


def _day(value) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def get_person(store: Store, person_id: str) -> Person:
    """One live person record (for the editor)."""
    with store.read() as s:
        return get_live(s, Person, person_id)


def get_household(store: Store, household_id: str) -> Household:
    with store.read() as s:
        return get_live(s, Household, household_id)


@dataclass(frozen=True)
class HouseholdRow:
    id: str
    address: str
    head_name: str
    members: int
    housing: str | None
    phone: str | None
    building_id: str | None
    unit: str | None
    room: str | None


def household_ids(store: Store, scope: Scope = Scope()) -> list[str]:
    where, params = _where(scope, "h")
    sql = (
        f"{_with(scope)}SELECT h.id FROM household h LEFT JOIN building b ON b.id = h.building_id "
        f"WHERE h.deleted = 0 AND {where} ORDER BY {_PLACE_ORDER}, h.id"
    )
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(sql, params)
        return [r[0] for r in cur.fetchall()]


_HOUSEHOLD_ROWS = """
SELECT h.id, h.address, hp.name, h.housing, h.phone, h.building_id, h.unit, h.room,
       (SELECT count(*) FROM person m WHERE m.household_id = h.id AND m.deleted = 0 AND m.status = 'active')
FROM household h LEFT JOIN person hp ON hp.id = h.head_person_id
WHERE h.id IN (SELECT value FROM json_each(?))
"""


def household_rows(store: Store, ids: Sequence[str]) -> list[HouseholdRow]:
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(_HOUSEHOLD_ROWS, (json.dumps(list(ids)),))
        found = {
            r[0]: HouseholdRow(r[0], r[1] or "", r[2] or "", r[8], r[3], r[4], r[5], r[6], r[7]) for r in cur.fetchall()
        }
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class BuildingRow:
    id: str
    estate: str
    name: str
    address: str
    units: int | None
    floors: int | None
    households: int
    area_name: str


def building_ids(store: Store, scope: Scope = Scope()) -> list[str]:
    if scope.household_id or scope.building_id:
        with store.read() as s:
            if scope.building_id:
                return [scope.building_id]
            hh = s.get(Household, scope.household_id)
            return [hh.building_id] if hh is not None and hh.building_id else []
    where, params = ("b.area_id IN sub", [scope.area_id]) if scope.area_id else ("1", [])
    sql = (
        f"{_with(scope)}SELECT b.id FROM building b WHERE b.deleted = 0 AND {where} "
        "ORDER BY b.estate IS NULL, b.estate, length(b.name), b.name"
    )
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(sql, params)
        return [r[0] for r in cur.fetchall()]


_BUILDING_ROWS = """
SELECT b.id, b.estate, b.name, b.address, b.units, b.floors, a.name,
       (SELECT count(*) FROM household h WHERE h.building_id = b.id AND h.deleted = 0)
FROM building b LEFT JOIN area a ON a.id = b.area_id
WHERE b.id IN (SELECT value FROM json_each(?))
"""


def building_rows(store: Store, ids: Sequence[str]) -> list[BuildingRow]:
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(_BUILDING_ROWS, (json.dumps(list(ids)),))
        found = {
            r[0]: BuildingRow(r[0], r[1] or "", r[2] or "", r[3] or "", r[4], r[5], r[7], r[6] or "") for r in cur.fetchall()
        }
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class TreeNode:
    """One node of the area tree. `key` names it uniquely; `scope` is what selecting it lists."""

    kind: str  # area, building, unit, household
    key: tuple
    label: str
    detail: str  # the area level, a household's head, …
    scope: Scope
    leaf: bool


ROOT: tuple = ("root",)


def tree_children(store: Store, key: tuple) -> list[TreeNode]:
    """The children of the node `key` (ROOT for the top level), in display order."""
    return tree_children_many(store, [key])[key]


def tree_children_many(store: Store, keys: Iterable[tuple]) -> dict[tuple, list[TreeNode]]:
    """The children of several nodes, read in one session (a refresh of every open node)."""
    with store.read() as s:
        cur = raw_cursor(s)
        return {key: _children(cur, key) for key in keys}


def _children(cur, key: tuple) -> list[TreeNode]:
    kind = key[0]
    if kind == "root":
        cur.execute(
            "SELECT a.id, a.name, a.level FROM area a LEFT JOIN area p ON p.id = a.parent_id "
            "WHERE a.deleted = 0 AND (a.parent_id IS NULL OR p.id IS NULL) ORDER BY a.code"
        )
        return [_area_node(*r) for r in cur.fetchall()]
    if kind == "area":
        return _area_children(cur, key[1])
    if kind == "building":
        return _building_children(cur, key[1])
    if kind == "unit":
        return _households(cur, key[1], key[2])
    return []


def _area_node(area_id: str, name: str, level: str) -> TreeNode:
    return TreeNode("area", ("area", area_id), name, level, Scope(area_id=area_id), False)


def _area_children(cur, area_id: str) -> list[TreeNode]:
    cur.execute("SELECT id, name, level FROM area WHERE parent_id = ? AND deleted = 0 ORDER BY code", (area_id,))
    nodes = [_area_node(*r) for r in cur.fetchall()]
    cur.execute("SELECT id, estate, name FROM building WHERE area_id = ? AND deleted = 0", (area_id,))
    buildings = sorted(cur.fetchall(), key=lambda r: (natural_key(r[1]), natural_key(r[2])))
    nodes += [
        TreeNode("building", ("building", b_id), f"{estate or ''}{name}", "", Scope(building_id=b_id), False)
        for b_id, estate, name in buildings
    ]
    return nodes


def _building_children(cur, building_id: str) -> list[TreeNode]:
    """The units of a building; a building whose households have no unit lists them directly."""
    cur.execute("SELECT DISTINCT coalesce(unit, '') FROM household WHERE building_id = ? AND deleted = 0", (building_id,))
    units = sorted((r[0] for r in cur.fetchall()), key=natural_key)
    if units == [""]:
        return _households(cur, building_id, "")
    return [
        TreeNode("unit", ("unit", building_id, u), _unit_label(u), "", Scope(building_id=building_id, unit=u), False)
        for u in units
    ]


def _unit_label(unit: str) -> str:
    return f"{unit}单元" if unit.isdigit() else unit


def _households(cur, building_id: str, unit: str) -> list[TreeNode]:
    cur.execute(
        "SELECT h.id, h.room, h.address, h.floor, p.name FROM household h LEFT JOIN person p ON p.id = h.head_person_id "
        "WHERE h.building_id = ? AND coalesce(h.unit, '') = ? AND h.deleted = 0",
        (building_id, unit),
    )
    rows = sorted(cur.fetchall(), key=lambda r: (r[3] is None, r[3] or 0, natural_key(r[1]), natural_key(r[2])))
    return [
        TreeNode("household", ("household", h_id), _room_label(room) or (address or ""), head or "",
                 Scope(household_id=h_id), True)
        for h_id, room, address, _floor, head in rows
    ]


def _room_label(room: str | None) -> str:
    return f"{room}室" if room and room.isdigit() else (room or "")


@dataclass(frozen=True)
class HouseholdChoice:
    """A household to place something in: a person moving house, an incident report (its draft keeps these fields)."""

    household_id: str
    address: str
    people: str  # the active people living there, "" for an empty household
    area_id: str | None = None


_HOUSEHOLD_PLACES = """
SELECT h.id, h.address, coalesce(b.estate, '') || coalesce(b.name, '') || ' ' || coalesce(h.unit, '') || ' '
       || coalesce(h.room, '') || ' ' || coalesce(h.address, ''), h.area_id
FROM household h LEFT JOIN building b ON b.id = h.building_id
WHERE h.deleted = 0
"""


def find_households(store: Store, text: str, *, limit: int = 40) -> list[HouseholdChoice]:
    """Households found by their place (estate, building, unit, room, address; every word must match), then by a
    resident's name, pinyin initials, phone or numbers (the register search); only in the areas the user may place
    records in (services.scope). Households nobody lives in are found by their place."""
    words = [w.casefold() for w in text.split()]
    if not words:
        return []
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(_HOUSEHOLD_PLACES)
        allowed = writable_areas(s)
        by_place = [(r[0], r[1] or "") for r in cur.fetchall()
                    if all(w in r[2].casefold() for w in words) and (allowed is None or r[3] in allowed)]  # fmt: skip
    by_place.sort(key=lambda r: natural_key(r[1]))
    found = dict(by_place[:limit])
    for hit in find_people(store, text, limit=limit, area_ids=None if allowed is None else sorted(allowed)):
        if hit.household_id and len(found) < limit:
            found.setdefault(hit.household_id, hit.address)
    names, areas = _members_and_areas(store, list(found))
    return [HouseholdChoice(hh_id, address, names.get(hh_id, ""), areas.get(hh_id)) for hh_id, address in found.items()]


def _members_and_areas(store: Store, household_ids: list[str]) -> tuple[dict[str, str], dict[str, str | None]]:
    """Each household's active members ("、"-joined, the head first) and its area."""
    ids = json.dumps(household_ids)
    with store.read() as s:
        cur = raw_cursor(s)
        cur.execute(
            f"SELECT p.household_id, p.name FROM person p WHERE p.household_id IN (SELECT value FROM json_each(?)) "
            f"AND p.deleted = 0 AND p.status = 'active' ORDER BY {_RELATION_RANK}, p.birth_date",
            (ids,),
        )
        names: dict[str, list[str]] = {}
        for hh_id, name in cur.fetchall():
            names.setdefault(hh_id, []).append(name)
        cur.execute("SELECT id, area_id FROM household WHERE id IN (SELECT value FROM json_each(?))", (ids,))
        areas = dict(cur.fetchall())
    return {h: "、".join(n) for h, n in names.items()}, areas


def get_building(store: Store, building_id: str) -> Building:
    """One live building record (for the editor)."""
    with store.read() as s:
        return get_live(s, Building, building_id)


@dataclass(frozen=True)
class ComparedPerson:
    """A person of the register as a list comparison needs them (services.listcompare)."""

    id: str
    id_number: str | None
    name: str
    phone: str | None
    household_id: str | None
    address: str


def people_to_compare(store: Store, area_id: str | None = None) -> list[ComparedPerson]:
    """The active people of this account's areas (all of them when it is not limited), or of `area_id` and
    the areas below it, in walking order. A linked worker compares the list with their own grids only."""
    with store.read() as s:
        allowed = writable_areas(s)
        wanted = areas_below(s, [area_id]) if area_id else None
        cur = raw_cursor(s)
        cur.execute(
            "SELECT p.id, p.id_number, p.name, p.phone, p.household_id, h.address, p.area_id FROM person p "
            "LEFT JOIN household h ON h.id = p.household_id LEFT JOIN building b ON b.id = h.building_id "
            f"WHERE p.deleted = 0 AND p.status = 'active' "
            f"ORDER BY h.id IS NULL, {_PLACE_ORDER}, h.id, {_RELATION_RANK}, p.birth_date, p.name"
        )
        rows = cur.fetchall()
    return [
        ComparedPerson(r[0], r[1], r[2], r[3], r[4], r[5] or "")
        for r in rows
        if (allowed is None or r[6] in allowed) and (wanted is None or r[6] in wanted)
    ]
