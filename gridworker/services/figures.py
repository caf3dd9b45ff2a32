"""The figures the screens and the Excel export show: each defined once here, named with what it counts (户 or 人).

Two screens once disagreed because each counted its own way: the walk-round
said 已走访 4/30 counting doors where nobody was home, the dashboard said
已走访住户 3 counting only doors where someone was met; the due list spoke of
households with special groups, the dashboard of people in them, both as
"重点人群". Now:

- 已走访住户 (households visited): households with at least one visit that
  met someone (CONTACT_OUTCOMES). The dashboard, the walk-round and the
  Excel export all count this.
- 已上门 (doors called at): households of a walk-round with any visit logged
  since it was planned, whoever answered — the walk-round's progress.
- 重点人群人数 / 重点人群已走访 (people): living people in a special group;
  those whose household was visited (as above).
- 有重点人群的住户 (households): households where such a person lives.

A screen shows a figure through `amount`/`fraction`, which say the unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.enums import Outcome

# A visit with one of these outcomes counts as "visited"; "not home" or "refused" does not.
CONTACT_OUTCOMES = (Outcome.met.value,)

_UNITS = {  # unit → (Chinese measure word, English singular, English plural)
    "household": ("户", "household", "households"),
    "person": ("人", "person", "people"),
    "visit": ("次", "visit", "visits"),
    "incident": ("件", "incident", "incidents"),
}


def counts_as_visited(outcome: str | None) -> bool:
    return outcome in CONTACT_OUTCOMES


def plural(n: int, unit: str, lang: str) -> str:
    """"3 户" / "1 household" / "3 households"."""
    zh, one, many = _UNITS[unit]
    if lang.startswith("zh"):
        return f"{n} {zh}"
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Figure:
    key: str
    zh: str
    en: str
    unit: str  # household, person, visit, incident
    means_zh: str
    means_en: str

    def name(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en

    def means(self, lang: str) -> str:
        return self.means_zh if lang.startswith("zh") else self.means_en

    def heading(self, lang: str) -> str:
        """The name with its unit, for a column or a row of a sheet: "已走访住户（户）"."""
        zh, _one, many = _UNITS[self.unit]
        return f"{self.zh}（{zh}）" if lang.startswith("zh") else f"{self.en} ({many})"

    def amount(self, n: int, lang: str) -> str:
        return plural(n, self.unit, lang)

    def fraction(self, part: int, whole: int, lang: str) -> str:
        """"3 / 30 户" / "3 of 30 households"."""
        zh, _one, many = _UNITS[self.unit]
        if lang.startswith("zh"):
            return f"{part} / {whole} {zh}"
        return f"{part} of {whole} {_UNITS[self.unit][1] if whole == 1 else many}"


HOUSEHOLDS_TOTAL = Figure("households_total", "住户总数", "Households", "household", "所选区域的在册住户", "Households on the register of the areas")
HOUSEHOLDS_VISITED = Figure(
    "households_visited", "已走访住户", "Households visited", "household",
    "至少一次见面走访的住户（无人在家、拒访不算）", "Households where a visit met someone (not home or refused does not count)",
)  # fmt: skip
DOORS_CALLED = Figure(
    "doors_called", "已上门", "Doors called at", "household",
    "走访计划中已登记走访结果的住户，含无人在家、拒访", "Households of the walk-round with a visit logged, whoever answered",
)  # fmt: skip
SPECIAL_PEOPLE = Figure(
    "special_total", "重点人群人数", "People in special groups", "person",
    "独居老人、残疾人、困难家庭、留守儿童、重点人员", "Elderly living alone, disabled, hardship, left-behind children, key people",
)  # fmt: skip
SPECIAL_PEOPLE_VISITED = Figure(
    "special_covered", "重点人群已走访", "Special-group people visited", "person",
    "所在住户被见面走访的重点人群人数", "People in special groups whose household was visited",
)  # fmt: skip
SPECIAL_HOUSEHOLDS = Figure(
    "special_households", "有重点人群的住户", "Households with special groups", "household",
    "住着重点人群的住户", "Households where someone in a special group lives",
)  # fmt: skip
VISITS_LOGGED = Figure("visits_total", "走访次数", "Visits logged", "visit", "含未见面", "Including those that met nobody")

ALL = (HOUSEHOLDS_TOTAL, HOUSEHOLDS_VISITED, DOORS_CALLED, SPECIAL_PEOPLE, SPECIAL_PEOPLE_VISITED, SPECIAL_HOUSEHOLDS,
       VISITS_LOGGED)  # fmt: skip
