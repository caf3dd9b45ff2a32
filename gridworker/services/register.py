"""Register operations: buildings, households, people, moves, deaths, deletes, merges.

Each is one transaction that writes the records and their outbox rows
(services.changes) and keeps the search index in step (store.search).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from ..domain.enums import PersonStatus, Relation
from ..domain.errors import Refused
from ..domain.models import Area, Building, Household, Membership, Person
from ..domain.names import pinyin_of
from ..domain.register import clean_building, clean_household, clean_person
from .base import Tx, create_record, get_live, new_record, operation, record_values
from .changes import apply_fields, record_delete, record_upsert


# -- areas -------------------------------------------------------------------
@operation
def register_area(tx: Tx, *, code: str, name: str, level: str, parent_id: str | None = None) -> Area:
    """A local area (an offline account's own tree). Areas of a linked account come from the server."""
    existing = tx.s.exec(select(Area).where(Area.code == code, Area.deleted == False)).first()  # noqa: E712
    if existing:
        return existing
    area = new_record(Area, code=code, name=name, level=level, parent_id=parent_id)
    area.area_id = area.id  # an area is in its own scope
    # Areas are server-managed (pull only): no outbox row. When the account
    # signs in, the sync engine maps local areas to the server's by code.
    tx.s.add(area)
    tx.changes.add("area", area.id)
    return area


# -- buildings ---------------------------------------------------------------
@operation
def register_building(tx: Tx, fields: dict[str, Any], *, cleaned: bool = False) -> Building:
    """A new building; `cleaned=True`: `fields` are clean_building's output already (an import cleans each row once)."""
    values = dict(fields) if cleaned else clean_building(fields)
    building, changed = create_record(Building, values)
    record_upsert(tx.s, building, changed | {"name": building.name}, tx.changes)
    return building


@operation
def update_building(tx: Tx, building_id: str, fields: dict[str, Any]) -> Building:
    building = get_live(tx.s, Building, building_id)
    old_addresses = _household_addresses(tx.s, building)
    changed = apply_fields(building, clean_building(fields, partial=True))
    record_upsert(tx.s, building, changed, tx.changes)
    if changed.keys() & {"name", "estate"}:
        _refresh_default_addresses(tx, building, old_addresses)
    if changed.keys() & {"name", "estate", "address"}:
        tx.touch("building", building.id)
    if "area_id" in changed:
        _cascade_area(tx, building.id, changed["area_id"])
    return building


def _household_addresses(s, building: Building) -> dict[str, str | None]:
    """Each household's default address as the building stands now."""
    rows = s.exec(select(Household).where(Household.building_id == building.id, Household.deleted == False))  # noqa: E712
    return {hh.id: _default_address(s, {"building_id": building.id, "unit": hh.unit, "room": hh.room}) for hh in rows}


def _refresh_default_addresses(tx: Tx, building: Building, old_addresses: dict[str, str | None]) -> None:
    """A renamed building renames the addresses we made from it; addresses typed by hand stay."""
    for hh in tx.s.exec(select(Household).where(Household.building_id == building.id, Household.deleted == False)):  # noqa: E712
        if hh.address == old_addresses.get(hh.id):
            new = _default_address(tx.s, {"building_id": building.id, "unit": hh.unit, "room": hh.room})
            record_upsert(tx.s, hh, apply_fields(hh, {"address": new}), tx.changes)


def _cascade_area(tx: Tx, building_id: str, area_id: str | None) -> None:
    """A building moved to another grid takes its households and people with it."""
    for hh in tx.s.exec(select(Household).where(Household.building_id == building_id, Household.deleted == False)):  # noqa: E712
        _set_household_area(tx, hh, area_id)


def _set_household_area(tx: Tx, hh: Household, area_id: str | None) -> None:
    record_upsert(tx.s, hh, apply_fields(hh, {"area_id": area_id}), tx.changes)
    tx.touch("household", hh.id)  # the index keeps each person's area for filtered searches
    for p in tx.s.exec(select(Person).where(Person.household_id == hh.id, Person.deleted == False)):  # noqa: E712
        record_upsert(tx.s, p, apply_fields(p, {"area_id": area_id}), tx.changes)
    for m in tx.s.exec(select(Membership).where(Membership.household_id == hh.id, Membership.deleted == False)):  # noqa: E712
        record_upsert(tx.s, m, apply_fields(m, {"area_id": area_id}), tx.changes)


# -- households --------------------------------------------------------------
def _default_address(s, values: dict[str, Any]) -> str | None:
    building = s.get(Building, values.get("building_id")) if values.get("building_id") else None
    if building is None:
        return None
    return address_in(building, values.get("unit"), values.get("room"))


def address_in(building: Any, unit: str | None, room: str | None) -> str:
    """The address a household of `building` (a record, or a row with its fields) gets when none is typed."""
    parts = [building.estate or "", building.name]
    if unit:
        parts.append(f"{unit}单元" if str(unit).isdigit() else str(unit))
    if room:
        parts.append(f"{room}室" if str(room).isdigit() else str(room))
    return "".join(parts)


def new_household_values(values: dict[str, Any], building: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new household's every field and its outbox row's fields, from its cleaned `values` and its building
    (a record or a row with its fields; None without one). `values` gains the area and the default address."""
    if building is not None:
        values.setdefault("area_id", building.area_id)
        if not values.get("address"):
            values["address"] = address_in(building, values.get("unit"), values.get("room"))
    return record_values(Household, values)


@operation
def register_household(tx: Tx, fields: dict[str, Any], *, cleaned: bool = False) -> Household:
    """A new household; `cleaned` as for register_building."""
    values = dict(fields) if cleaned else clean_household(fields)
    building = get_live(tx.s, Building, values["building_id"]) if values.get("building_id") else None
    row, changed = new_household_values(values, building)
    hh = new_record(Household, **row)
    record_upsert(tx.s, hh, changed, tx.changes)
    return hh


@operation
def update_household(tx: Tx, household_id: str, fields: dict[str, Any]) -> Household:
    hh = get_live(tx.s, Household, household_id)
    values = clean_household(fields, partial=True)
    if values.get("building_id") and values["building_id"] != hh.building_id:
        building = get_live(tx.s, Building, values["building_id"])
        values.setdefault("area_id", building.area_id)
    area = values.pop("area_id", hh.area_id)
    changed = apply_fields(hh, values)
    record_upsert(tx.s, hh, changed, tx.changes)
    if area != hh.area_id:
        _set_household_area(tx, hh, area)
    if changed.keys() & {"unit", "room", "address", "building_id"}:
        tx.touch("household", hh.id)
    return hh


def members(s, household_id: str, *, include_past: bool = False) -> list[Person]:
    q = select(Person).where(Person.household_id == household_id, Person.deleted == False)  # noqa: E712
    if not include_past:
        q = q.where(Person.status == PersonStatus.active.value)
    return list(s.exec(q))


# -- people ------------------------------------------------------------------
def _check_unique_id(s, id_number: str | None, person_id: str | None) -> None:
    """Refuse an ID number that another live person (not `person_id`; None: a person not yet saved) has."""
    if not id_number:
        return
    q = select(Person).where(Person.id_number == id_number, Person.deleted == False)  # noqa: E712
    if person_id is not None:
        q = q.where(Person.id != person_id)
    other = s.exec(q).first()
    if other:
        raise Refused(
            f"身份证号 {id_number} 已登记在“{other.name}”名下，如为同一人请合并记录",
            f"ID number {id_number} is already registered for {other.name}: merge the records if it is the same person",
            code="duplicate_id_number",
        )


def _set_names(p: Person) -> None:
    p.pinyin, p.initials = pinyin_of(p.name)


def membership_values(person_id: str, household: Any, relation: str | None, on: date | None, reason: str | None) -> dict[str, Any]:
    """A new stay's fields, every one of them in its outbox row (`household`: a record or a row with its fields)."""
    return {
        "person_id": person_id,
        "household_id": household.id,
        "area_id": household.area_id,
        "relation": relation,
        "moved_in": on or date.today(),
        "reason": reason,
    }


def becomes_head(household: Any, person_id: str, relation: str | None) -> bool:
    """A stay as the head makes the person the household's head (one outbox row for the household)."""
    return relation == Relation.head.value and household.head_person_id != person_id


def _open_membership(tx: Tx, p: Person, household: Household, relation: str | None, on: date | None, reason: str | None) -> None:
    values = membership_values(p.id, household, relation, on, reason)
    m = new_record(Membership, **values)
    record_upsert(tx.s, m, values, tx.changes)
    if becomes_head(household, p.id, relation):
        record_upsert(tx.s, household, apply_fields(household, {"head_person_id": p.id}), tx.changes)


def _close_membership(tx: Tx, p: Person, on: date | None, reason: str | None) -> None:
    open_stays = tx.s.exec(
        select(Membership).where(
            Membership.person_id == p.id, Membership.moved_out == None, Membership.deleted == False  # noqa: E711,E712
        )
    )
    for m in open_stays:
        record_upsert(tx.s, m, apply_fields(m, {"moved_out": on or date.today(), "reason": reason or m.reason}), tx.changes)
        hh = tx.s.get(Household, m.household_id)
        if hh is not None and hh.head_person_id == p.id:
            record_upsert(tx.s, hh, apply_fields(hh, {"head_person_id": None}), tx.changes)


@operation
def register_person(
    tx: Tx, fields: dict[str, Any], *, moved_in: date | None = None, id_checked: bool = False, cleaned: bool = False
) -> Person:
    """A new person, and their stay in `household_id` if given.

    `id_checked=True`: the caller has already made sure no other live person has
    this ID number (an import checks 50,000 rows against one preloaded index
    instead of one query each). `cleaned=True`: `fields` are clean_person's
    output already (the import cleans each row once, to name its bad cells).
    """
    values = dict(fields) if cleaned else clean_person(fields)
    if not id_checked:
        _check_unique_id(tx.s, values.get("id_number"), None)
    household = get_live(tx.s, Household, values["household_id"]) if values.get("household_id") else None
    row, changed = new_person_values(values, household)
    p = new_record(Person, **row)
    record_upsert(tx.s, p, changed, tx.changes)
    if household is not None:
        _open_membership(tx, p, household, values.get("relation"), moved_in, None)
    tx.touch("person", p.id)
    return p


def new_person_values(values: dict[str, Any], household: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new person's every field (names for search included) and its outbox row's fields, from its cleaned
    `values` and its household (a record or a row with its fields; None without one)."""
    if household is not None:
        values.setdefault("area_id", household.area_id)
    values.setdefault("status", PersonStatus.active.value)
    row, changed = record_values(Person, values)
    changed |= {"name": row["name"], "status": row["status"]}
    row["pinyin"], row["initials"] = pinyin_of(row["name"])
    return row, changed


@operation
def update_person(tx: Tx, person_id: str, fields: dict[str, Any], *, id_checked: bool = False) -> Person:
    """Change some fields of a person; `id_checked` as for register_person."""
    p = get_live(tx.s, Person, person_id)
    values = clean_person(fields, partial=True, existing=p)
    if not id_checked:
        _check_unique_id(tx.s, values.get("id_number"), p.id)
    new_household = values.pop("household_id", p.household_id)
    changed = apply_fields(p, values)
    if "name" in changed:
        _set_names(p)
    record_upsert(tx.s, p, changed, tx.changes)
    if new_household != p.household_id and new_household:
        move_person(tx, p.id, new_household, relation=values.get("relation", p.relation))
    elif "relation" in changed and p.household_id:
        hh = tx.s.get(Household, p.household_id)
        if hh is not None and changed["relation"] == Relation.head.value and hh.head_person_id != p.id:
            record_upsert(tx.s, hh, apply_fields(hh, {"head_person_id": p.id}), tx.changes)
    if changed.keys() & _SEARCHED_FIELDS:  # a note or a tag is not in the search index: nothing to re-index
        tx.touch("person", p.id)
    return p


# What a person's search entry is made of (store/search.py _SOURCE_SQL); a move re-indexes in move_person.
_SEARCHED_FIELDS = frozenset({"name", "id_number", "phone", "status", "area_id", "household_id"})


@operation
def move_person(
    tx: Tx, person_id: str, household_id: str, *, relation: str | None = None, on: date | None = None, reason: str | None = None
) -> Person:
    """Move a person to another household: the old stay ends, a new one starts, the history is kept."""
    p = get_live(tx.s, Person, person_id)
    target = get_live(tx.s, Household, household_id)
    if p.household_id == target.id and p.status == PersonStatus.active.value:
        return p
    rel = clean_person({"relation": relation}, partial=True).get("relation") if relation else None
    _close_membership(tx, p, on, reason)
    changed = apply_fields(
        p,
        {"household_id": target.id, "area_id": target.area_id, "status": PersonStatus.active.value}
        | ({"relation": rel} if rel else {}),
    )
    record_upsert(tx.s, p, changed, tx.changes)
    _open_membership(tx, p, target, rel or p.relation, on, reason)
    tx.touch("person", p.id)
    return p


def _leave(tx: Tx, person_id: str, status: PersonStatus, on: date | None, reason: str | None) -> Person:
    p = get_live(tx.s, Person, person_id)
    if p.status == status.value:
        return p
    _close_membership(tx, p, on, reason)
    record_upsert(tx.s, p, apply_fields(p, {"status": status.value}), tx.changes)
    tx.touch("person", p.id)
    return p


@operation
def mark_moved_out(tx: Tx, person_id: str, *, on: date | None = None, reason: str | None = None) -> Person:
    return _leave(tx, person_id, PersonStatus.moved_out, on, reason or "迁出")


@operation
def mark_deceased(tx: Tx, person_id: str, *, on: date | None = None) -> Person:
    return _leave(tx, person_id, PersonStatus.deceased, on, "死亡")


# -- delete and merge --------------------------------------------------------
_MODELS = {"building": Building, "household": Household, "person": Person}


@operation
def delete_record(tx: Tx, entity: str, record_id: str) -> None:
    """Tombstone a record. A building with households, or a household with people, is refused."""
    model = _MODELS[entity]
    obj = get_live(tx.s, model, record_id)
    if entity == "building":
        n = len(tx.s.exec(select(Household.id).where(Household.building_id == obj.id, Household.deleted == False)).all())  # noqa: E712
        if n:
            raise Refused(
                f"楼栋“{obj.name}”下还有{n}户，请先删除或迁移住户",
                f"Building {obj.name} still has {n} households: delete or move them first",
                code="not_empty",
            )
    if entity == "household":
        n = len(members(tx.s, obj.id))
        if n:
            raise Refused(
                f"该户还有{n}名在住人员，请先迁出或迁移",
                f"This household still has {n} people living in it: move them out first",
                code="not_empty",
            )
    if entity == "person":
        _close_membership(tx, obj, None, "删除")
    record_delete(tx.s, obj, tx.changes)
    tx.touch(entity, obj.id)


_MERGE_FIELDS = ("gender", "id_number", "birth_date", "phone", "relation", "residence", "skills", "notes", "household_id", "area_id")


@operation
def merge_persons(tx: Tx, keep_id: str, drop_id: str) -> Person:
    """Merge a duplicate into the record kept: empty fields filled, tags joined, history moved, duplicate deleted."""
    if keep_id == drop_id:
        raise Refused("不能与自身合并", "A record cannot be merged with itself", code="same_record")
    keep = get_live(tx.s, Person, keep_id)
    drop = get_live(tx.s, Person, drop_id)
    if keep.id_number and drop.id_number and keep.id_number != drop.id_number:
        raise Refused(
            "两条记录的身份证号不同，不是同一人，不能合并",
            "The two records have different ID numbers: they are not the same person",
            code="different_people",
        )
    values: dict[str, Any] = {f: getattr(drop, f) for f in _MERGE_FIELDS if getattr(keep, f) in (None, "") and getattr(drop, f)}
    tags = list(keep.tags) + [t for t in drop.tags if t not in keep.tags]
    if tags != keep.tags:
        values["tags"] = tags
    if drop.notes and keep.notes and drop.notes not in keep.notes:
        values["notes"] = f"{keep.notes}\n{drop.notes}"
    # The ID number moves to `keep`: free it on `drop` first so no two live records share it.
    if "id_number" in values:
        record_upsert(tx.s, drop, apply_fields(drop, {"id_number": None}), tx.changes)
    record_upsert(tx.s, keep, apply_fields(keep, values), tx.changes)
    for m in tx.s.exec(select(Membership).where(Membership.person_id == drop.id, Membership.deleted == False)):  # noqa: E712
        record_upsert(tx.s, m, apply_fields(m, {"person_id": keep.id}), tx.changes)
    for hh in tx.s.exec(select(Household).where(Household.head_person_id == drop.id, Household.deleted == False)):  # noqa: E712
        record_upsert(tx.s, hh, apply_fields(hh, {"head_person_id": keep.id}), tx.changes)
    record_delete(tx.s, drop, tx.changes)
    tx.touch("person", drop.id)
    tx.touch("person", keep.id)
    return keep
