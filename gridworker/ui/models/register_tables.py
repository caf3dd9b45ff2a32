"""The three register lists: people, households, buildings (paged models over services.queries.register).

ID and phone numbers are masked (services.search.mask_*) unless the user
asked to see a row's numbers; that request is logged, by record id only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from ...domain.enums import SPECIAL_GROUP_TAGS, Gender, Housing, Labelled, PersonStatus, Relation, Residence, Tag
from ...domain.register import age_on
from ...services.queries import register as register_queries
from ...services.search import mask_id_number, mask_phone
from ..context import AppContext
from .column import Column
from .paged import PagedModel
from .. import style

log = logging.getLogger(__name__)

INACTIVE = QColor("#8a8f98")
SPECIAL = QColor(style.SPECIAL)


def label_of(cls: type[Labelled], value: str | None, lang: str) -> str:
    """The label of an enumeration value; an unknown value (from a newer server) is shown as it is."""
    if not value:
        return ""
    try:
        return cls(value).label(lang)
    except ValueError:
        return value


def tags_text(tags: Iterable[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(label_of(Tag, t, lang) for t in tags)


class RevealingModel(PagedModel):
    """A paged model whose rows can show their full ID and phone numbers on request."""

    def __init__(self, ctx: AppContext, fetch_rows, parent: QObject | None = None):
        super().__init__(ctx, fetch_rows, parent)
        self.revealed: set[str] = set()

    def reveal(self, rows: Iterable[int]) -> None:
        rows = [r for r in rows if self.id_at(r)]
        ids = {self.ids[r] for r in rows}
        log.info("full numbers shown for %s %s", type(self).__name__, ", ".join(sorted(ids)))
        self.revealed |= ids
        self.repaint_rows(rows)

    def id_text(self, record_id: str, number: str | None) -> str:
        return (number or "") if record_id in self.revealed else mask_id_number(number)

    def phone_text(self, record_id: str, number: str | None) -> str:
        return (number or "") if record_id in self.revealed else mask_phone(number)


class PeopleModel(RevealingModel):
    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(ctx, register_queries.person_rows, parent)
        lang = ctx.lang
        today = date.today()
        self.columns = [
            Column(self.tr("Name"), lambda p: p.name, 8),
            Column(self.tr("Gender"), lambda p: label_of(Gender, p.gender, lang), 6),
            Column(self.tr("Age"), lambda p: str(age) if (age := age_on(p.birth_date, today)) is not None else "", 4,
                   align_right=True),
            Column(self.tr("Relation"), lambda p: label_of(Relation, p.relation, lang), 9),
            Column(self.tr("Address"), lambda p: p.address, 28),
            Column(self.tr("Tags"), lambda p: tags_text(p.tags, lang), 16),
            Column(self.tr("ID number"), lambda p: self.id_text(p.id, p.id_number), 19),
            Column(self.tr("Phone"), lambda p: self.phone_text(p.id, p.phone), 12),
            Column(self.tr("Residence"), lambda p: label_of(Residence, p.residence, lang), 8),
            Column(self.tr("Status"), lambda p: label_of(PersonStatus, p.status, lang), 8),
        ]  # fmt: skip
        self.tags_column = 5

    def extra_data(self, index: QModelIndex, role: int):
        if role != Qt.ItemDataRole.ForegroundRole:
            return None
        person = self.row_at(index.row())
        if person is None:
            return None
        if person.status != PersonStatus.active.value:
            return QBrush(INACTIVE)
        if index.column() == self.tags_column and SPECIAL_GROUP_TAGS & set(person.tags):
            return QBrush(SPECIAL)
        return None


class HouseholdsModel(RevealingModel):
    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(ctx, register_queries.household_rows, parent)
        lang = ctx.lang
        self.columns = [
            Column(self.tr("Address"), lambda h: h.address, 34),
            Column(self.tr("Head"), lambda h: h.head_name, 8),
            Column(self.tr("People"), lambda h: str(h.members), 4, align_right=True),
            Column(self.tr("Housing"), lambda h: label_of(Housing, h.housing, lang), 6),
            Column(self.tr("Phone"), lambda h: self.phone_text(h.id, h.phone), 12),
        ]


class BuildingsModel(PagedModel):
    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(ctx, register_queries.building_rows, parent)
        self.columns = [
            Column(self.tr("Estate"), lambda b: b.estate, 12),
            Column(self.tr("Building"), lambda b: b.name, 6),
            Column(self.tr("Grid"), lambda b: b.area_name, 22),
            Column(self.tr("Households"), lambda b: str(b.households), 6, align_right=True),
            Column(self.tr("Units"), lambda b: "" if b.units is None else str(b.units), 4, align_right=True),
            Column(self.tr("Floors"), lambda b: "" if b.floors is None else str(b.floors), 4, align_right=True),
            Column(self.tr("Address"), lambda b: b.address, 30),
        ]
