"""What an import looks records up in, loaded once: areas by name or code, buildings, households, people by key.

Holding the loaded records also keeps them in the session's identity map, so
the services' `get_live` finds them without a query.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy.sql import sqltypes
from sqlmodel.sql.sqltypes import AutoString

from sqlmodel import Session, select

from ..domain.enums import AreaLevel
from ..domain.models import Area, Building, Household, Person
from . import register as reg
from . import scope
from .base import Tx
from .excel_columns import COMMUNITY, GRID
from .excel_sheets import Row


def household_key(building_id: str, unit: str | None, room: str | None, address: str | None) -> tuple:
    """(building, unit, room); a household without a room number is known by its address instead."""
    return (building_id, unit or None, room, None) if room else (building_id, unit or None, None, address)


class AreaBook:
    """The account's areas by name and code; for a local account, the place that creates missing ones."""

    def __init__(self, tx: Tx, *, create: bool):
        self.tx = tx
        self.create = create
        self.by_id: dict[str, Area] = {}
        self.by_label: dict[str, list[Area]] = defaultdict(list)
        for a in tx.s.exec(select(Area).where(Area.deleted == False)):  # noqa: E712
            self._add(a)
        self._found: dict[tuple[str | None, str], Area | tuple] = {}

    def _add(self, a: Area) -> None:
        if a.id in self.by_id:
            return
        self.by_id[a.id] = a
        self.by_label[a.name].append(a)
        if a.code != a.name:
            self.by_label[a.code].append(a)

    def community_of(self, area_id: str | None) -> Area | None:
        """The community an area belongs to (itself if it is one); None above community level."""
        seen = 0
        a = self.by_id.get(area_id) if area_id else None
        while a is not None and seen < 50:
            if a.level == AreaLevel.community.value:
                return a
            a = self.by_id.get(a.parent_id) if a.parent_id else None
            seen += 1
        return None

    def in_community(self, area_id: str | None, community: str) -> bool:
        c = self.community_of(area_id)
        return c is not None and community in (c.name, c.code)

    def find(self, row: Row, community: str | None, grid: str) -> Area | None:
        """The area a row's 社区/网格 cells name, or None with the error on the row."""
        found = self._cached(community, grid)
        if isinstance(found, Area):
            return found
        field, zh, en, code = found
        row.fail(field, zh, en, code)
        return None

    def _cached(self, community: str | None, grid: str) -> Area | tuple:
        key = (community, grid)
        if key not in self._found:
            self._found[key] = self._lookup(community, grid)
        return self._found[key]

    def _lookup(self, community: str | None, grid: str) -> Area | tuple:
        candidates = self.by_label.get(grid, [])
        if community:
            candidates = [a for a in candidates if self.in_community(a.id, community)]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return (
                COMMUNITY,
                f"有{len(candidates)}个区域叫“{grid}”，请填写社区以区分",
                f"{len(candidates)} areas are called '{grid}': give the community to tell them apart",
                "ambiguous_area",
            )
        where_zh = f"社区“{community}”中" if community else ""
        where_en = f" in community '{community}'" if community else ""
        hint_zh = "" if self.create else "；已关联服务器的账户只能使用已同步下来的区域"
        hint_en = "" if self.create else ": an account linked to a server can only use the areas it has synced"
        return (GRID, f"{where_zh}找不到网格“{grid}”{hint_zh}", f"No grid '{grid}'{where_en}{hint_en}", "unknown_area")

    def resolve(self, row: Row, *, create: bool) -> Area | None:
        """The grid of a building (or of a person without a household); a local account creates it when `create`."""
        community, grid = row.text(COMMUNITY), row.text(GRID)
        if not grid:
            row.fail(GRID, "网格不能为空", "The grid is required", "required")
            return None
        found = self._cached(community, grid)
        if isinstance(found, Area):
            return self._in_scope(row, found, grid)
        if self.create and found[3] == "unknown_area":
            if not create:
                return None  # the row is bad anyway: make no area for it
            area = self._found[(community, grid)] = self._make(community, grid)
            return area
        return self._in_scope(row, self.find(row, community, grid), grid)

    def _in_scope(self, row: Row, area: Area | None, grid: str) -> Area | None:
        """The grid, if this account may place a building in it (scope.check_area, the server's rule); else the
        grid cell is named — the row an error like any other, the other rows and sheets checked on."""
        if area is None:
            return None
        try:
            scope.check_area(self.tx.s, "building", area.id)
        except scope.OutOfScope:
            row.fail(GRID, f"网格“{grid}”不在您负责的范围内", f"The grid '{grid}' is outside your areas", "out_of_scope")
            return None
        return area

    def _make(self, community: str | None, grid: str) -> Area:
        parent = None
        if community:
            existing = [a for a in self.by_label.get(community, []) if a.level == AreaLevel.community.value]
            parent = existing[0] if existing else reg.register_area(
                self.tx, code=community, name=community, level=AreaLevel.community.value
            )
            self._add(parent)
        code = f"{community}/{grid}" if community else grid
        area = reg.register_area(
            self.tx, code=code, name=grid, level=AreaLevel.grid.value, parent_id=parent.id if parent else None
        )
        self._add(area)
        self._found = {k: v for k, v in self._found.items() if isinstance(v, Area)}  # "not found" may be stale now
        return area


class Stored:
    """A stored household or person as the import compares it: its columns, read without ORM state."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__ = values


def _stored(s: Session, model: type[Household] | type[Person]) -> list[Stored]:
    """The live rows of `model` as `Stored`, read on the session's DB-API connection (its transaction).

    70,000 rows through SQLAlchemy's result rows and the columns' result processors (the SQLite DATE one is a
    regular expression) took twice the time of the query; the few conversions needed are made here.
    """
    table = model.__table__
    columns = [c for c in table.columns if c.name not in ("extra", "pinyin", "initials", "updated_at", "deleted")]
    if any(type(c.type) not in _PLAIN_TYPES and type(c.type) not in _CONVERT for c in columns):
        rows = s.connection().execute(select(*columns).where(table.c.deleted == False))  # noqa: E712 - a type not known here
        return [Stored(dict(zip([c.name for c in columns], row), deleted=False)) for row in rows.all()]
    converters = [(i, _CONVERT[type(c.type)]) for i, c in enumerate(columns) if type(c.type) in _CONVERT]
    cur = s.connection().connection.driver_connection.cursor()
    cur.execute(f"SELECT {', '.join(c.name for c in columns)} FROM {table.name} WHERE deleted = 0")
    names = [c.name for c in columns] + ["deleted"]
    out = []
    for row in cur.fetchall():
        values = [*row, False]
        for i, convert in converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        out.append(Stored(dict(zip(names, values))))
    return out


def _json(text: str) -> Any:
    return [] if text == "[]" else json.loads(text)


_CONVERT = {sqltypes.Date: date.fromisoformat, sqltypes.JSON: _json, sqltypes.Boolean: bool}
_PLAIN_TYPES = (AutoString, sqltypes.String, sqltypes.Integer)


class RegisterIndex:
    """Live buildings, households and people by their upsert keys, kept up to date as the import adds records.

    Households and people are read as plain rows (`Stored`: a 50,000-person register in a third of the time
    of ORM records); before the import's first update through a service they are read again as records
    (`use_records`), so that the services find them in the session and the index sees what they change.
    """

    def __init__(self, s: Session):
        self.buildings: dict[tuple, Building] = {}
        self.buildings_by_name: dict[tuple, list[Building]] = defaultdict(list)
        self.records = False
        for b in s.exec(select(Building).where(Building.deleted == False)):  # noqa: E712
            self.add_building(b)
        self._people(_stored(s, Household), _stored(s, Person))

    def _people(self, households: list, people: list) -> None:
        self.households: dict[tuple, Any] = {}
        self.by_number: dict[str, Any] = {}
        self.by_home: dict[tuple, list] = defaultdict(list)
        for hh in households:
            self.add_household(hh)
        for p in people:
            self.add_person(p)

    def use_records(self, s: Session) -> None:
        """Hold every live household and person as a record of the session from now on (once)."""
        if not self.records:
            self.records = True
            self._people(
                list(s.exec(select(Household).where(Household.deleted == False))),  # noqa: E712
                list(s.exec(select(Person).where(Person.deleted == False))),  # noqa: E712
            )

    # -- buildings -----------------------------------------------------------
    def add_building(self, b: Building) -> None:
        self.buildings[(b.area_id, b.estate, b.name)] = b
        self.buildings_by_name[(b.estate, b.name)].append(b)

    def building(self, key: tuple) -> Building | None:
        return self.buildings.get(key)

    def find_building(self, areas: AreaBook, estate: str | None, name: str, *, area: Area | None, community: str | None) -> list[Building]:
        if area is not None:
            b = self.buildings.get((area.id, estate, name))
            return [b] if b else []
        found = self.buildings_by_name.get((estate, name), [])
        if community:
            found = [b for b in found if areas.in_community(b.area_id, community)]
        return found

    # -- households ----------------------------------------------------------
    def add_household(self, hh: Household) -> None:
        self.households[household_key(hh.building_id, hh.unit, hh.room, hh.address)] = hh

    def household(self, key: tuple) -> Household | None:
        return self.households.get(key)

    # -- people --------------------------------------------------------------
    def add_person(self, p: Person) -> None:
        if p.id_number:
            self.by_number[p.id_number] = p
        self.by_home[(p.household_id, p.name)].append(p)

    def person(self, number: str | None, home: str | None, name: str, row: Row) -> Person | None:
        """The stored person a row means: by ID number, else by household and name; None for a new one."""
        if number:
            p = self.by_number.get(number)
            if p is not None:
                if p.name != name:
                    row.fail(
                        "id_number",
                        f"身份证号 {number} 已登记在“{p.name}”名下：请核对号码；如为改名，请在人员信息中修改姓名",
                        f"ID number {number} is already registered for {p.name}: check the number; "
                        "if the person changed name, edit it in the person's record",
                        "duplicate_id_number",
                    )
                    return None
                return p
        candidates = [p for p in self.by_home.get((home, name), ()) if not (number and p.id_number)]
        if len(candidates) > 1:
            row.fail(
                "name",
                f"该户有{len(candidates)}人叫“{name}”：请填写身份证号以区分",
                f"{len(candidates)} people called {name} live in this household: give the ID number to tell them apart",
                "ambiguous_person",
            )
            return None
        return candidates[0] if candidates else None

    def changed(self, old: Any, p: Person, old_number: str | None, old_home: str | None, old_name: str) -> None:
        """Keep the keys right after an update changed a person's ID number or household.

        `old` is what the import found (a record, or a row read or written), `p` the record as updated.
        """
        if old_number and getattr(self.by_number.get(old_number), "id", None) == old.id:
            del self.by_number[old_number]
        if p.id_number:
            self.by_number[p.id_number] = p
        key = (old_home, old_name)
        self.by_home[key] = [x for x in self.by_home.get(key, ()) if x.id != old.id]
        self.by_home[(p.household_id, p.name)].append(p)
