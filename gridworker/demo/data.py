"""A made-up but plausible community, for demos, screenshots, benchmarks and the server's demo seed.

`generate(persons=N, seed=S)` builds, without touching any database:

    district 西湖区 (330106) → one street → communities → grids → micro-grids

with about 400 households per grid (DOMAIN.md: an urban grid holds 300–500),
so the number of communities and grids grows with `persons`. Every grid has
one to three estates (小区) of walk-up, mid-rise or tower buildings; every
room used is one household (about 6 % of them vacant, with nobody in them);
people have common surnames by frequency, era- and gender-appropriate given
names, valid ID numbers (Hangzhou region codes for locals, other provinces'
for people who moved here), unique mobile numbers, relations whose ages fit
(a child is at least 20 years younger than its parent), and special-group
tags in roughly real proportions: elderly living alone ≈ 3 %, disabled ≈ 2 %,
hardship ≈ 1.5 %, party members ≈ 8 %, a few left-behind children and key
persons.

Records are plain dicts whose keys are exactly the columns of the models in
gridworker.domain.models (ids are UUIDs, drawn from the seeded generator), so
they can go to the local store (gridworker.demo.load.load_demo) or to the server as
they are. Local-only columns (`pinyin`, `initials`) are left None: the loader
fills them. The same (persons, seed, street, as_of) always gives the same data.

Records sit in the micro-grid of their building: a grid worker assigned a
grid sees them because scopes include the areas below.

DEMO_USERS are the accounts the server's demo seed creates beside this data;
all use the password "demo1234" and the area codes of the first community.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from itertools import accumulate
from math import ceil
from typing import Any

from ..domain import idnumber
from ..domain.enums import AreaLevel, Gender, Housing, Relation, Residence, Role, Tag
from ..domain.errors import GridWorkerError
from .names import (
    COMMUNITY_NAMES,
    COMPOSITIONS,
    ESTATE_HEADS,
    ESTATE_TAILS,
    GIVEN_NAMES,
    HARDSHIP_HOUSEHOLD_SHARE,
    HEAD_AGES,
    LOCAL_REGIONS,
    MOBILE_PREFIXES,
    ORDINALS,
    OTHER_REGIONS,
    ROADS,
    SKILLS,
    SURNAMES,
    VACANT_SHARE,
)

# -- the place -----------------------------------------------------------------
DISTRICT_CODE = "330106"
DISTRICT_NAME = "西湖区"
CITY_ADDRESS = "浙江省杭州市西湖区"
STREET_CODE = DISTRICT_CODE + "001"
CENTRE = (30.2741, 120.1290)  # latitude, longitude near the West Lake
HOUSEHOLDS_PER_GRID = 400
GRIDS_PER_COMMUNITY = 6
MICROGRID_HOUSEHOLDS = 60
DEMO_PASSWORD = "demo1234"

@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    area_codes: tuple[str, ...]
    password: str = DEMO_PASSWORD


_COMMUNITY_1 = STREET_CODE + "001"
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("demo_admin", "系统管理员（演示）", Role.admin.value, (DISTRICT_CODE,)),
    DemoUser("demo_dispatcher", "王丽（社区工作人员）", Role.dispatcher.value, (_COMMUNITY_1,)),
    DemoUser("demo_worker1", "张伟（第1网格网格员）", Role.worker.value, (_COMMUNITY_1 + "01",)),
    DemoUser("demo_worker2", "李娜（第2网格网格员）", Role.worker.value, (_COMMUNITY_1 + "02",)),
    DemoUser("demo_handler1", "陈刚（党员志愿者）", Role.handler.value, (_COMMUNITY_1,)),
    DemoUser("demo_handler2", "刘强（物业维修）", Role.handler.value, (_COMMUNITY_1,)),
)
"""Demo accounts: an admin of the district, a dispatcher of community 1, a grid
worker each for grids 1 and 2 of community 1, two handlers serving community 1.
Every generated community has at least two grids, so these codes always exist."""


@dataclass
class DemoCommunity:
    """The generated records, as column dicts, in an order that satisfies references."""

    seed: int
    as_of: date
    areas: list[dict[str, Any]] = field(default_factory=list)
    buildings: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[dict[str, Any]] = field(default_factory=list)

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """Entity name → rows, parents before children."""
        return {
            "area": self.areas,
            "building": self.buildings,
            "household": self.households,
            "person": self.persons,
            "membership": self.memberships,
        }

    def count(self) -> int:
        return sum(len(rows) for rows in self.records().values())


def generate(
    *, persons: int = 2000, seed: int = 1, street: str = "幸福街道", as_of: date | None = None
) -> DemoCommunity:
    """A community of exactly `persons` people; `as_of` (default today) is the day ages are counted to."""
    if not 1 <= persons <= 2_000_000:
        raise GridWorkerError(
            f"演示人数应在1到2000000之间，现为{persons}",
            f"The demo needs between 1 and 2,000,000 persons, not {persons}",
            code="demo_size",
        )
    gen = _Generator(seed, as_of or date.today(), street)
    homes = gen.plan_households(persons)
    gen.lay_out(homes)
    return gen.demo


# -- generator -----------------------------------------------------------------
@dataclass
class _Member:
    relation: Relation
    gender: Gender
    age: int
    surname: str
    local: bool
    residence: Residence


@dataclass
class _Home:
    kind: str
    housing: Housing
    members: list[_Member]
    years_here: int


class _Generator:
    def __init__(self, seed: int, as_of: date, street: str):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.street = street
        self.stamp = datetime.combine(as_of, time(), tzinfo=timezone.utc)
        self.demo = DemoCommunity(seed=seed, as_of=as_of)
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_cum = list(accumulate(w for _, w in SURNAMES))
        self._kinds = [k for k, _ in COMPOSITIONS]
        self._kind_cum = list(accumulate(w for _, w in COMPOSITIONS))
        self._given = {k: tuple(part.split() for part in v) for k, v in GIVEN_NAMES.items()}
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._estate_names = [h + t for h in ESTATE_HEADS for t in ESTATE_TAILS]
        self.rng.shuffle(self._estate_names)
        self._estates_made = 0

    # -- small draws ---------------------------------------------------------
    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def base(self, rid: str, area_id: str | None) -> dict[str, Any]:
        return {"id": rid, "area_id": area_id, "version": 0, "deleted": False, "updated_at": self.stamp, "extra": {}}

    def surname(self) -> str:
        return self._surnames[bisect(self._surname_cum, self.rng.random() * self._surname_cum[-1])]

    def given_name(self, gender: Gender, age: int) -> str:
        born = self.as_of.year - age
        era = "old" if born < 1960 else "mid" if born < 1990 else "young"
        whole, firsts, seconds = self._given[(era, gender)]
        if self.rng.random() < 0.4:
            return self.rng.choice(whole)
        return self.rng.choice(firsts) + self.rng.choice(seconds)

    def birth_date(self, age: int) -> date:
        """A birthday on which the person is exactly `age` years old on `as_of`."""
        latest = _years_before(self.as_of, age)
        earliest = _years_before(self.as_of, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def id_number(self, region: str, born: date, gender: Gender) -> str:
        while True:
            number = idnumber.make(region, born, self.rng.randrange(1, 1000), gender)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    # -- households ----------------------------------------------------------
    def plan_households(self, persons: int) -> list[_Home]:
        homes: list[_Home] = []
        placed = 0
        while placed < persons:
            if self.rng.random() < VACANT_SHARE:
                homes.append(_Home("vacant", Housing.vacant, [], 0))
                continue
            kind = self._kinds[bisect(self._kind_cum, self.rng.random() * self._kind_cum[-1])]
            home = self.compose(kind)
            home.members = home.members[: persons - placed]
            placed += len(home.members)
            homes.append(home)
        return homes

    def compose(self, kind: str) -> _Home:
        """The members of one household of this kind, head first, with ages that fit their relations."""
        rng = self.rng
        renting = rng.random() < (0.7 if kind in ("single", "shared_rent") else 0.12)
        local = not renting and rng.random() < 0.75
        surname = self.surname()

        def member(relation: Relation, gender: Gender, age: int, family_name: str | None = None) -> _Member:
            if renting:
                residence = Residence.floating if rng.random() < 0.8 else Residence.permanent
            elif local:
                residence = Residence.registered if rng.random() < 0.92 else Residence.permanent
            else:
                residence = Residence.permanent if rng.random() < 0.6 else Residence.registered
            return _Member(relation, gender, age, family_name or self.surname(), local, residence)

        def any_gender() -> Gender:
            return Gender.male if rng.random() < 0.5 else Gender.female

        # Women outlive men: most elderly people living alone are women.
        head_gender = Gender.male if rng.random() < (0.35 if kind == "elderly_alone" else 0.68) else Gender.female
        other = Gender.female if head_gender == Gender.male else Gender.male
        head_age = rng.randint(*HEAD_AGES.get(kind, (28, 55)))
        members = [member(Relation.head, head_gender, head_age, surname)]
        children_surname = surname  # the father's, mostly
        if kind in ("couple_young", "couple_old", "nuclear", "three_gen", "skip_gen"):
            spouse = member(Relation.spouse, other, max(22, head_age + rng.randint(-5, 5)))
            members.append(spouse)
            if head_gender == Gender.female:
                children_surname = spouse.surname
        members += self.relatives(kind, head_age, surname, children_surname, member, any_gender)
        housing = Housing.rented if renting else Housing.owner
        years_here = rng.randint(0, 5) if renting else rng.randint(1, 25)
        return _Home(kind, housing, members, years_here)

    def relatives(self, kind: str, head_age: int, surname: str, children_surname: str, member, any_gender) -> list[_Member]:
        """The children, parents, grandchildren or tenants a household of this kind has beside head and spouse."""
        rng, members = self.rng, []
        if kind in ("nuclear", "three_gen", "single_parent"):
            for _ in range(1 if rng.random() < 0.6 else 2):
                child_age = head_age - rng.randint(22, 38)
                if child_age >= 0:
                    members.append(member(Relation.child, any_gender(), child_age, children_surname))
        if kind == "three_gen":
            for gender in (Gender.male, Gender.female) if rng.random() < 0.4 else (any_gender(),):
                parent_age = head_age + rng.randint(22, 32)
                if parent_age <= 95:
                    members.append(member(Relation.parent, gender, parent_age, surname if gender == Gender.male else None))
        if kind == "skip_gen":
            for _ in range(1 if rng.random() < 0.7 else 2):
                members.append(member(Relation.grandchild, any_gender(), rng.randint(3, min(15, head_age - 42)), children_surname))
        if kind == "shared_rent":
            for _ in range(rng.randint(1, 2)):
                members.append(member(Relation.tenant, any_gender(), rng.randint(22, 40)))
        return members

    # -- places --------------------------------------------------------------
    def area(self, code: str, name: str, level: AreaLevel, parent_id: str | None) -> str:
        rid = self.uid()
        self.demo.areas.append(self.base(rid, rid) | {"parent_id": parent_id, "code": code, "name": name, "level": level.value})
        return rid

    def lay_out(self, homes: list[_Home]) -> None:
        """Split households over grids and communities, build estates for them, and place everyone."""
        district = self.area(DISTRICT_CODE, DISTRICT_NAME, AreaLevel.district, None)
        street = self.area(STREET_CODE, self.street, AreaLevel.street, district)
        grids = max(2, round(len(homes) / HOUSEHOLDS_PER_GRID))
        communities = ceil(grids / GRIDS_PER_COMMUNITY)
        per_grid = _split(len(homes), grids)
        grids_of = _split(grids, communities)
        start = 0
        grid_no = 0
        for c in range(communities):
            name = COMMUNITY_NAMES[c % len(COMMUNITY_NAMES)] + ("" if c < len(COMMUNITY_NAMES) else str(c // len(COMMUNITY_NAMES) + 1))
            code = f"{STREET_CODE}{c + 1:03d}"
            community = self.area(code, f"{name}社区", AreaLevel.community, street)
            centre = (CENTRE[0] + self.rng.uniform(-0.012, 0.012), CENTRE[1] + self.rng.uniform(-0.014, 0.014))
            for g in range(grids_of[c]):
                grid = self.area(f"{code}{g + 1:02d}", f"{name}社区第{g + 1}网格", AreaLevel.grid, community)
                self.build_grid(grid, f"{code}{g + 1:02d}", g + 1, centre, homes[start : start + per_grid[grid_no]])
                start += per_grid[grid_no]
                grid_no += 1

    def build_grid(self, grid_id: str, grid_code: str, grid_no: int, centre: tuple[float, float], homes: list[_Home]) -> None:
        rooms = []  # (building dict, unit, floor, room) in filling order
        while len(rooms) < len(homes):
            rooms.extend(self.build_estate(centre, len(homes) - len(rooms)))
        micro_no, micro_id, micro_count, building_id = 0, None, 0, None
        for home, (building, unit, floor, room) in zip(homes, rooms):
            if building["id"] != building_id:
                building_id = building["id"]
                if micro_id is None or micro_count >= MICROGRID_HOUSEHOLDS:
                    micro_no += 1
                    micro_id = self.area(f"{grid_code}{micro_no:02d}", f"第{grid_no}网格第{micro_no}微网格", AreaLevel.microgrid, grid_id)
                    micro_count = 0
                building["area_id"] = micro_id
                self.demo.buildings.append(building)
            micro_count += 1
            self.place(home, building, unit, floor, room)

    def build_estate(self, centre: tuple[float, float], wanted: int) -> list[tuple[dict, str, int, str]]:
        """An estate big enough for `wanted` rooms or a typical size, whichever is smaller; its rooms in order."""
        rng = self.rng
        name = self._estate_names[self._estates_made % len(self._estate_names)]
        if self._estates_made >= len(self._estate_names):
            name += f"{ORDINALS[(self._estates_made // len(self._estate_names)) % 10]}期"
        self._estates_made += 1
        style = rng.choice(("walkup", "walkup", "midrise", "tower"))
        floors, units, per_floor = {"walkup": (rng.choice((5, 6, 7)), rng.randint(2, 4), 2),
                                    "midrise": (rng.choice((11, 12)), 2, 2),
                                    "tower": (rng.randint(18, 33), rng.randint(1, 2), 4)}[style]
        size = min(wanted, rng.randint(150, 450))
        road = rng.choice(ROADS)
        number = rng.randint(1, 300)
        here = (centre[0] + rng.uniform(-0.004, 0.004), centre[1] + rng.uniform(-0.004, 0.004))
        rooms: list[tuple[dict, str, int, str]] = []
        b = 0
        while len(rooms) < size:
            b += 1
            building = self.base(self.uid(), None) | {
                "estate": name,
                "name": f"{b}幢",
                "address": f"{CITY_ADDRESS}{self.street}{road}{number}号{name}{b}幢",
                "units": units,
                "floors": floors,
                "lat": round(here[0] + rng.uniform(-0.0008, 0.0008), 6),
                "lon": round(here[1] + rng.uniform(-0.0008, 0.0008), 6),
                "notes": None,
            }
            for unit in range(1, units + 1):
                for floor in range(1, floors + 1):
                    for r in range(1, per_floor + 1):
                        rooms.append((building, str(unit), floor, f"{floor}{r:02d}"))
        return rooms

    # -- records -------------------------------------------------------------
    def place(self, home: _Home, building: dict, unit: str, floor: int, room: str) -> None:
        hh_id = self.uid()
        area_id = building["area_id"]
        moved_in = self.as_of - timedelta(days=home.years_here * 365 + self.rng.randrange(365))
        household = self.base(hh_id, area_id) | {
            "building_id": building["id"], "unit": unit, "room": room, "floor": floor,
            "address": f"{building['estate']}{building['name']}{unit}单元{room}室",
            "housing": home.housing.value, "phone": None, "head_person_id": None, "notes": None,
        }
        self.demo.households.append(household)
        hardship = bool(home.members) and self.rng.random() < HARDSHIP_HOUSEHOLD_SHARE
        origin = self.rng.choice(LOCAL_REGIONS if home.members and home.members[0].local else OTHER_REGIONS)
        for m in home.members:
            person = self.person(m, home, hh_id, area_id, origin, hardship)
            self.demo.persons.append(person)
            if m.relation == Relation.head:
                household["head_person_id"] = person["id"]
                household["phone"] = person["phone"]
            elif household["phone"] is None:
                household["phone"] = person["phone"]
            self.demo.memberships.append(self.base(self.uid(), area_id) | {
                "person_id": person["id"], "household_id": hh_id, "relation": m.relation.value,
                "moved_in": max(moved_in, person["birth_date"]), "moved_out": None, "reason": None,
            })

    def person(self, m: _Member, home: _Home, hh_id: str, area_id: str, origin: str, hardship: bool) -> dict[str, Any]:
        rng = self.rng
        born = self.birth_date(m.age)
        young = m.relation in (Relation.child, Relation.grandchild)
        region = origin
        if not m.local and ((young and rng.random() < 0.5) or m.relation == Relation.tenant):
            region = rng.choice(LOCAL_REGIONS if young else OTHER_REGIONS)
        elif m.local and m.relation in (Relation.spouse, Relation.parent) and rng.random() < 0.2:
            region = rng.choice(OTHER_REGIONS)
        tags = self.tags(m, home, hardship)
        with_phone = m.age >= 16 and rng.random() < (0.6 if m.age >= 75 else 0.93)
        skilled = m.age >= 18 and rng.random() < (0.25 if Tag.party_member.value in tags or Tag.volunteer.value in tags else 0.015)
        return self.base(self.uid(), area_id) | {
            "household_id": hh_id,
            "name": m.surname + self.given_name(m.gender, m.age),
            "gender": m.gender.value,
            "id_number": self.id_number(region, born, m.gender),
            "birth_date": born,
            "phone": self.phone() if with_phone else None,
            "relation": m.relation.value,
            "residence": m.residence.value,
            "tags": tags,
            "skills": "、".join(rng.sample(SKILLS, 1 if rng.random() < 0.75 else 2)) if skilled else None,
            "status": "active",
            "notes": None,
            "pinyin": None,
            "initials": None,
        }

    def tags(self, m: _Member, home: _Home, hardship: bool) -> list[str]:
        rng = self.rng
        tags: list[str] = []
        if home.kind == "elderly_alone":
            tags.append(Tag.elderly_alone.value)
        if m.age >= 3 and rng.random() < (0.04 if m.age >= 60 else 0.015):
            tags.append(Tag.disabled.value)
        if hardship:
            tags.append(Tag.hardship.value)
        if home.kind == "skip_gen" and m.relation == Relation.grandchild:
            tags.append(Tag.left_behind_child.value)
        if 18 <= m.age <= 65 and rng.random() < 0.006:
            tags.append(Tag.key_person.value)
        if m.age >= 18 and rng.random() < (0.07 if m.age < 40 else 0.1 if m.age < 60 else 0.13):
            tags.append(Tag.party_member.value)
        if m.gender == Gender.male and m.age >= 30 and rng.random() < 0.03:
            tags.append(Tag.veteran.value)
        if 18 <= m.age <= 75 and rng.random() < 0.04:
            tags.append(Tag.volunteer.value)
        return tags


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _split(total: int, parts: int) -> list[int]:
    """`total` in `parts` nearly equal whole numbers."""
    q, r = divmod(total, parts)
    return [q + (1 if i < r else 0) for i in range(parts)]
