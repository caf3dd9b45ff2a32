"""Demo places, inspections, hazards and the grids' teams, generated over a demo community (issue 15).

Domain only (no database), deterministic for a seed like demo.data: every
kind of place (the nine small places and the organisations) a couple of dozen
times across the community's grids, many of them in its buildings; one or two
inspections each over the last four months (some never inspected, so the due
list has work), failed items becoming hazards by the core's own rules
(places.inspections.inspection_events on the shipped calendar), most of the older
ones signed off at a re-inspection, the rest open — several past their
deadline, so the dashboard's overdue list is not empty. Every grid gets its
1+6+N team, except the first grid (demo_worker1's), which lacks its doctor
and mediator: the dashboard's "incomplete roster" has an entry.

`DemoPlaces.records()` gives rows shaped like the client's tables
(domain.placework), derived hazard fields included, so the local load and the
server's seed hold the same records under the same ids.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from ..domain.names import pinyin_of
from ..domain.places import licence
from ..domain.places.checklists import load_checklists
from ..domain.places.inspections import Answer, HazardRules, HazardState, Inspection, Verdict, inspection_events
from ..domain.places.kinds import load_kinds
from ..domain.roster import load_roles
from ..domain.workdays import TZ
from .data import DISTRICT_CODE, DemoCommunity

PER_KIND = 24  # places of each kind across the community
_NAMES = {
    "shop": ("便利店", "小卖部", "烟酒店", "水果店", "五金店"), "restaurant": ("面馆", "小吃店", "饭馆", "馄饨店", "快餐店"),
    "hotel": ("旅馆", "宾馆", "招待所"), "entertainment": ("KTV", "歌舞厅"), "internet_cafe": ("网吧", "网咖"),
    "beauty_bath": ("美发店", "美容院", "足浴店", "浴室"), "school": ("幼儿园", "托育园", "培训学校"),
    "clinic": ("诊所", "卫生室", "口腔诊所"), "workshop": ("服装加工厂", "印刷厂", "食品加工坊", "家具厂"),
    "property_company": ("物业服务有限公司",), "social_org": ("志愿者协会", "养老服务中心", "社工服务社"),
    "unit": ("社区卫生服务站", "小学", "派出所警务室", "供电所"),
}  # fmt: skip
_HEADS = ("老王", "阿明", "兴旺", "顺发", "金鑫", "阳光", "如意", "福满", "红星", "新华", "平安", "长青", "东方", "学府", "翠苑")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ("建国", "丽华", "志强", "秀英", "海燕", "小军", "文斌", "桂芳", "明", "静", "伟", "芳", "磊", "洁")
_WAIVER = "演示数据：未附照片"
_ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class DemoPlaces:
    places: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[dict[str, Any]] = field(default_factory=list)
    hazards: list[dict[str, Any]] = field(default_factory=list)
    hazard_events: list[dict[str, Any]] = field(default_factory=list)
    roster: list[dict[str, Any]] = field(default_factory=list)

    def records(self) -> dict[str, list[dict[str, Any]]]:
        return {"place": self.places, "inspection": self.inspections, "hazard": self.hazards,
                "hazard_event": self.hazard_events, "roster_member": self.roster}  # fmt: skip

    def count(self) -> int:
        return sum(len(rows) for rows in self.records().values())


def generate_places(community: DemoCommunity, *, seed: int | None = None) -> DemoPlaces:
    return _PlaceGenerator(community, community.seed if seed is None else seed).run()


class _PlaceGenerator:
    def __init__(self, community: DemoCommunity, seed: int):
        self.rng = random.Random(f"places:{seed}")
        self.c = community
        self.out = DemoPlaces()
        self.stamp = datetime.combine(community.as_of, time(), tzinfo=TZ)
        self.now = self.stamp + timedelta(hours=18)
        self.checklists = load_checklists()
        self.kinds = load_kinds()
        self.rules = HazardRules()
        parent = {a["id"]: a["parent_id"] for a in community.areas}
        self.grids = [a for a in community.areas if a["level"] == "grid"]
        grid_ids = {g["id"] for g in self.grids}
        self.buildings: dict[str, list[dict]] = {g["id"]: [] for g in self.grids}
        for b in community.buildings:
            grid = b["area_id"] if b["area_id"] in grid_ids else parent.get(b["area_id"])
            if grid in self.buildings:
                self.buildings[grid].append(b)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def base(self, area_id: str) -> dict[str, Any]:
        return {"id": self.uid(), "area_id": area_id, "version": 0, "deleted": False, "updated_at": self.stamp, "extra": {}}

    def person(self) -> str:
        return self.rng.choice(_SURNAMES) + self.rng.choice(_GIVEN)

    def phone(self) -> str:
        return self.rng.choice(("138", "139", "158", "186", "177")) + f"{self.rng.randrange(10**8):08d}"

    def run(self) -> DemoPlaces:
        if not self.grids:
            return self.out
        for kind in self.kinds:
            for i in range(PER_KIND):
                self.place(kind.code, self.grids[i % len(self.grids)], i)
        incomplete = self.grids[0]
        for g in self.grids:
            self.team(g, incomplete=g is incomplete)
        return self.out

    # -- places and inspections ------------------------------------------------------------------
    def place(self, kind: str, grid: dict, i: int) -> None:
        in_building = self.buildings[grid["id"]] and self.rng.random() < 0.5
        building = self.rng.choice(self.buildings[grid["id"]]) if in_building else None
        head = _HEADS[(i + len(kind)) % len(_HEADS)]
        name = f"{head}{self.rng.choice(_NAMES[kind])}" + (f"（{i // len(_HEADS) + 1}店）" if i >= len(_HEADS) else "")
        address = (building["address"] or building["name"]) + "底商" if building else f"{self.c_street()}路{self.rng.randint(1, 300)}号"
        small = self.kinds.get(kind).small_place
        row = self.base(grid["id"]) | {
            "name": name, "kind": kind, "address": address, "building_id": building["id"] if building else None,
            "person_in_charge": self.person(), "phone": self.phone(),
            "licence_number": licence.make("9", "2" if small else "1", DISTRICT_CODE,
                                           "".join(self.rng.choice(_ORG[:10] + "ABCDEFGH") for _ in range(8))),
            "notes": None,
        }  # fmt: skip
        row["pinyin"], row["initials"] = pinyin_of(name)
        self.out.places.append(row)
        if self.rng.random() < 0.15:
            return  # never inspected: due at once
        days_ago = self.rng.randint(2, 120)
        self.inspect(row, self.stamp - timedelta(days=days_ago) + timedelta(hours=10))

    def c_street(self) -> str:
        return self.rng.choice(("文三", "文二", "学院", "教工", "古翠", "丰潭"))

    def inspect(self, place: dict, at: datetime) -> None:
        items = self.checklists.for_kind(place["kind"])
        failed = {i.code for i in items if self.rng.random() < 0.12}
        answers = tuple(Answer(i.code, "fail" if i.code in failed else ("na" if self.rng.random() < 0.05 else "pass"),
                               photo_waiver=_WAIVER if i.code in failed else None) for i in items)  # fmt: skip
        insp = Inspection(self.uid(), place["id"], place["kind"], DEMO_INSPECTOR, at, answers,
                          acknowledged_by=place["person_in_charge"] if failed else None)  # fmt: skip
        new, events = inspection_events(insp, self.checklists, self.rules)
        self.out.inspections.append(self._inspection_row(place, insp))
        states = {}
        for h in new:
            self.out.hazards.append(self.base(place["area_id"]) | {
                "id": h.id, "place_id": place["id"], "inspection_id": insp.id, "item_code": h.item_code,
                "severity": h.severity, "found_at": h.found_at, "note": None, "photo_ids": [],
            })  # fmt: skip
            states[h.id] = self._events(place, h.id, events[h.id], None)
        # About half the places with hazards were re-inspected since, when there was time: hazards signed off.
        recheck_at = at + timedelta(days=self.rng.randint(2, 12))
        chance = 0.85 if at < self.now - timedelta(days=30) else 0.4  # old hazards were mostly followed up
        if states and recheck_at < self.now - timedelta(days=1) and self.rng.random() < chance:
            verdicts = tuple(Verdict(hid, "rectified") for hid in states)
            again = Inspection(self.uid(), place["id"], place["kind"], DEMO_INSPECTOR, recheck_at, (), "recheck", verdicts)
            self.out.inspections.append(self._inspection_row(place, again))
            _new, more = inspection_events(again, self.checklists, self.rules, states)
            for hid, steps in more.items():
                states[hid] = self._events(place, hid, steps, states[hid])
        for row in self.out.hazards[-len(new):] if new else []:
            self._derive(row, states[row["id"]])

    def _inspection_row(self, place: dict, insp: Inspection) -> dict[str, Any]:
        return self.base(place["area_id"]) | {
            "id": insp.id, "place_id": place["id"], "kind": place["kind"], "inspector_id": insp.inspector_id, "at": insp.at,
            "purpose": insp.purpose, "acknowledged_by": insp.acknowledged_by, "notes": None, "photo_ids": [],
            "answers": [{"item_code": a.item_code, "result": a.result, "photo_ids": [], "photo_waiver": a.photo_waiver,
                         "note": None} for a in insp.answers],
            "verdicts": [{"hazard_id": v.hazard_id, "outcome": v.outcome, "reason": None, "days": None, "photo_ids": [],
                          "note": None} for v in insp.verdicts],
        }  # fmt: skip

    def _events(self, place: dict, hazard_id: str, steps, state):
        state = state or HazardState()
        for e in steps:
            state = self.rules.apply(state, e)
            self.out.hazard_events.append(self.base(place["area_id"]) | {
                "hazard_id": hazard_id, "action": e.action, "actor_id": e.actor_id, "at": e.at,
                "inspection_id": e.inspection_id, "deadline": e.deadline, "reason": e.reason, "incident_id": e.incident_id,
                "severity": e.severity, "item_code": e.item_code, "photo_ids": [],
            })  # fmt: skip
        return state

    def _derive(self, row: dict, state) -> None:
        row.update(status=state.status, deadline=state.deadline, extensions=state.extensions,
                   overdue=state.overdue or self.rules.is_overdue(state, self.now), rectified_at=state.rectified_at,
                   escalated_at=state.escalated_at, incident_id=state.incident_id)  # fmt: skip

    # -- the grids' teams --------------------------------------------------------------------------
    def team(self, grid: dict, *, incomplete: bool) -> None:
        for role in load_roles():
            if incomplete and role.code in ("doctor", "mediator"):
                continue
            count = 1 if role.group != "N" else self.rng.randint(2, 4)
            for _ in range(count):
                self.out.roster.append(self.base(grid["id"]) | {
                    "role": role.code, "person_id": None, "user_id": None, "name": self.person(), "phone": self.phone(),
                    "skills": self.rng.choice((None, "调解", "急救", "电工", "法律咨询", "心理疏导")), "notes": None,
                })  # fmt: skip


# The demo's inspector: a fixed id (the demo worker's own id is made by the server when it is seeded).
DEMO_INSPECTOR = "00000000-0000-4000-8000-00000000d3e0"
