"""The household view ("提户知人"): the address, the people living there head first, who lived there when, and the visits.

Numbers are masked until "show numbers" is clicked (logged, by household id).
A member's name opens the person editor.
"""

from __future__ import annotations

import html
import logging
from datetime import date

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget
from shiboken6 import isValid

from ...domain.enums import SPECIAL_GROUP_TAGS, Gender, Housing, Outcome, Relation
from ...domain.errors import NotFound
from ...domain.fieldwork import CHINA_TZ
from ...domain.register import age_on
from ...services.queries import visits as visit_queries
from ...services.search import HouseholdCard, household_card, mask_id_number, mask_phone
from ..context import AppContext
from ..models.register_tables import label_of, tags_text
from ..style import ACCENT, ERROR, MUTED, OK, SPECIAL, TEXT

log = logging.getLogger(__name__)
REFUSED = ERROR


def load_household(store, household_id: str) -> tuple[HouseholdCard, list[visit_queries.VisitLine], object]:
    """Off the GUI thread: the household card, its latest visits, and why the server refused it (or None)."""
    return (household_card(store, household_id), visit_queries.household_visits(store, household_id),
            visit_queries.household_refusal(store, household_id))  # fmt: skip


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def quiet(text: str) -> str:
    """A grey line saying there is nothing to show."""
    return f"<p style='color:{MUTED}'>{esc(text)}</p>"


class HouseholdView(QWidget):
    edit_household = Signal(str)  # household id
    add_member = Signal(str)  # household id
    edit_person = Signal(str)  # person id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id: str | None = None
        self.card: HouseholdCard | None = None
        self.visits: list[visit_queries.VisitLine] = []
        self.refusal = None  # services.refused.Refusal of the household itself
        self.revealed = False
        self.read_only = False  # a handler reads the register, never edits it (the server refuses it)
        self._wanted: str | None = None

        self.title = QLabel(self.tr("Household"))
        self.title.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {ACCENT};")
        self.title.setWordWrap(True)
        self.edit_button = QPushButton(self.tr("Edit household"))
        self.add_button = QPushButton(self.tr("Add resident"))
        self.reveal_button = QPushButton(self.tr("Show numbers"))
        self.reveal_button.setCheckable(True)
        self.edit_button.clicked.connect(lambda: self.household_id and self.edit_household.emit(self.household_id))
        self.add_button.clicked.connect(lambda: self.household_id and self.add_member.emit(self.household_id))
        self.reveal_button.toggled.connect(self._reveal)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)

        buttons = QHBoxLayout()
        for button in (self.edit_button, self.add_button, self.reveal_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(buttons)
        layout.addWidget(self.browser, 1)
        self.show_household(None)

    def show_household(self, household_id: str | None) -> None:
        """Show a household (read off the GUI thread); None: the hint to pick one."""
        if household_id != self.household_id:
            self.reveal_button.setChecked(False)
        self._wanted = household_id
        for button in (self.edit_button, self.add_button, self.reveal_button):
            button.setEnabled(household_id is not None and not (self.read_only and button is not self.reveal_button))
        if household_id is None:
            self.household_id, self.card = None, None
            self.title.setText(self.tr("Household"))
            self.browser.setHtml(quiet(self.tr("Choose a person or a household to see who lives there.")))
            return
        self.ctx.runner.start(self._load(household_id), "household view")

    async def _load(self, household_id: str) -> None:
        try:
            result = await self.ctx.runner.call(load_household, self.ctx.store, household_id, guard=self)
        except NotFound:
            if isValid(self) and household_id == self._wanted:  # deleted meanwhile; one chosen since stays shown
                self.show_household(None)
            return
        self._arrived(household_id, result)

    def refresh(self) -> None:
        if self.household_id:
            self.show_household(self.household_id)

    def _arrived(self, household_id: str, result) -> None:
        if household_id != self._wanted:  # the user has moved on
            return
        self.household_id = household_id
        self.card, self.visits, self.refusal = result
        self._render()

    @Slot(bool)
    def _reveal(self, on: bool) -> None:
        self.revealed = on
        if on and self.household_id:
            log.info("full numbers shown for household %s", self.household_id)
        if self.card is not None:
            self._render()

    @Slot(QUrl)
    def _link(self, url: QUrl) -> None:
        if url.scheme() == "person":
            self.edit_person.emit(url.path())

    # -- the page ---------------------------------------------------------------------------------
    def _render(self) -> None:
        card, lang = self.card, self.ctx.lang
        hh = card.household
        self.title.setText(hh.address or self.tr("Household"))
        phone = hh.phone if self.revealed else mask_phone(hh.phone)
        facts = [label_of(Housing, hh.housing, lang), self.tr("{0} living here").format(len(card.members))]
        if phone:
            facts.append(self.tr("Phone {0}").format(phone))
        parts = [f"<p style='color:{TEXT}'>{esc(' · '.join(f for f in facts if f))}</p>", self._members_html()]
        if self.refusal is not None:  # said first: nothing below is on the server
            refused = self.tr("The server refused this household: {0}. It is on this computer only; see the Sync page.")
            parts.insert(0, f"<p style='color:{REFUSED}'><b>{esc(refused.format(self.refusal.message(lang)))}</b></p>")
        lived, visits = self.tr("Who lived here"), self.tr("Visits")
        parts.append(f"<h4>{esc(lived)}</h4>{self._history_html()}<h4>{esc(visits)}</h4>{self._visits_html()}")
        self.browser.setHtml("".join(parts))

    def _members_html(self) -> str:
        """One block per person: name and relation, then the numbers, then the tags (narrow enough for a side panel)."""
        if not self.card.members:
            return quiet(self.tr("Nobody lives here now."))
        lang, today = self.ctx.lang, date.today()
        blocks = []
        for p in self.card.members:
            age = age_on(p.birth_date, today)
            facts = [label_of(Relation, p.relation, lang), label_of(Gender, p.gender, lang)]
            if age is not None:
                facts.append(self.tr("age {0}").format(age))
            numbers = [p.id_number if self.revealed else mask_id_number(p.id_number),
                       p.phone if self.revealed else mask_phone(p.phone)]  # fmt: skip
            tags = tags_text(p.tags, lang)
            colour = SPECIAL if SPECIAL_GROUP_TAGS & set(p.tags) else OK
            blocks.append(
                f"<p style='margin:0 0 6px 0'><a href='person:{esc(p.id)}'><b>{esc(p.name)}</b></a>"
                f"&nbsp;&nbsp;{esc(' · '.join(f for f in facts if f))}<br>"
                f"<span style='color:{MUTED}'>{esc('　'.join(n for n in numbers if n))}</span>"
                + (f"<br><span style='color:{colour}'>{esc(tags)}</span>" if tags else "")
                + "</p>"
            )
        return "".join(blocks)

    def _history_html(self) -> str:
        if not self.card.history:
            return quiet(self.tr("No history recorded."))
        lang = self.ctx.lang
        items = []
        for h in self.card.history:
            until = h.moved_out.isoformat() if h.moved_out else self.tr("now")
            since = h.moved_in.isoformat() if h.moved_in else "?"
            relation = label_of(Relation, h.relation, lang)
            reason = f" — {esc(h.reason)}" if h.reason else ""
            name = h.name or self.tr("(record deleted)")
            if relation:
                line = self.tr("{name} ({relation}): {since} → {until}").format(
                    name=name, relation=relation, since=since, until=until
                )
            else:  # a stay with no relation given: no empty brackets
                line = self.tr("{name}: {since} → {until}").format(name=name, since=since, until=until)
            items.append(f"<li>{esc(line)}{reason}</li>")
        return f"<ul style='margin-left:-20px'>{''.join(items)}</ul>"

    def _visits_html(self) -> str:
        if not self.visits:
            return quiet(self.tr("Not visited yet."))
        lang = self.ctx.lang
        items = []
        for v in self.visits:
            when = v.visited_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
            note = " — ".join(x for x in (v.notes, v.needs) if x)
            outcome = esc(label_of(Outcome, v.outcome, lang))
            refused = ""
            if v.refused is not None:  # logged here, refused by the server: it does not count as a visit
                said = self.tr("refused by the server: {0}").format(v.refused.message(lang))
                refused = f" <span style='color:{REFUSED}'>({esc(said)})</span>"
            items.append(f"<li>{when} <b>{outcome}</b>{refused}{' — ' + esc(note) if note else ''}</li>")
        return f"<ul style='margin-left:-20px'>{''.join(items)}</ul>"
