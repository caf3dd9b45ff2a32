"""年度评价: each member's year — points, activities attended, orders completed, average rating, wishes
fulfilled, their self-assessment (written on the phone pages) and the community's rating (chosen and saved
here, synced) — with one PDF per member and one Excel workbook per employer unit to send to the employers."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSpinBox, QVBoxLayout)

from ...domain.errors import GridWorkerError
from ...domain.fieldwork import local_day
from ...domain.models import utcnow
from ...domain.participation.common import STAFF
from ...domain.participation.evaluation import GRADE_LABELS, MAX_GRADE_NOTE
from ...services.participation import evaluation as evaluation_service
from ...services.queries import evaluation as evaluation_queries
from ..models.column import Column
from ..tasks import async_slot
from .base import ListTab, pick, refill


class EvaluationTab(ListTab):
    watched = frozenset({"member", "ledger_entry", "service_order", "evaluation"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.current = None
        self.export_folder: str | None = None  # the folder chosen last (tests set it instead of the dialog)
        self.year = QSpinBox()
        self.year.setRange(2020, 2100)
        self.year.setValue(local_day(utcnow()).year)
        self.year.valueChanged.connect(lambda _y: self.reload())
        self.pdf_button = QPushButton(self.tr("PDF for the chosen member…"))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.excel_button = QPushButton(self.tr("Excel for each employer…"))
        self.excel_button.clicked.connect(self.export_excel)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Year")))
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.excel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._rating_form())
        self.enable_buttons()

    def _rating_form(self) -> QFormLayout:
        """The chosen member's self-assessment (read only: theirs) and the community's rating (ours)."""
        self.self_text = QPlainTextEdit(readOnly=True)
        self.self_text.setMaximumHeight(90)
        self.self_text.setPlaceholderText(self.tr("The member has not written a self-assessment for this year yet."))
        self.grade = QComboBox()
        self.grade.addItem(self.tr("Choose…"), None)
        for code, pair in GRADE_LABELS.items():
            self.grade.addItem(pick(self.ctx.lang, pair), code)
        self.grade.currentIndexChanged.connect(lambda _i: self.enable_buttons())
        self.grade_note = QLineEdit()
        self.grade_note.setMaxLength(MAX_GRADE_NOTE)
        self.grade_note.setPlaceholderText(self.tr("Why (optional)"))
        self.rate_button = QPushButton(self.tr("Save the rating"))
        self.rate_button.clicked.connect(self.save_rating)
        rating = QHBoxLayout()
        rating.addWidget(self.grade)
        rating.addWidget(self.grade_note, 1)
        rating.addWidget(self.rate_button)
        form = QFormLayout()
        form.addRow(self.tr("Self-assessment"), self.self_text)
        form.addRow(self.tr("The community’s rating"), rating)
        return form

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Name"), lambda r: r.name),
            Column(self.tr("Employer"), lambda r: r.employer),
            Column(self.tr("Grid"), lambda r: r.grid_name),
            Column(self.tr("Team"), lambda r: r.team),
            Column(self.tr("Points"), lambda r: str(r.points), align_right=True),
            Column(self.tr("Activities"), lambda r: str(r.activities), align_right=True),
            Column(self.tr("Orders completed"), lambda r: str(r.orders), align_right=True),
            Column(self.tr("Average rating"), lambda r: f"{r.rating:.1f}" if r.rating is not None else "", align_right=True),
            Column(self.tr("Wishes fulfilled"), lambda r: str(r.wishes), align_right=True),
            Column(self.tr("Self-assessment"), lambda r: self.tr("Written") if r.self_assessment else ""),
            Column(self.tr("The community’s rating"), self.grade_name),
        ]

    def grade_name(self, row) -> str:
        pair = GRADE_LABELS.get(row.grade or "")
        return pick(self.ctx.lang, pair) if pair else ""

    @async_slot()
    async def reload(self) -> None:
        generation = self.begin_load()
        rows = await self.ctx.runner.call(evaluation_queries.evaluation, self.ctx.store, self.year.value(), guard=self)
        if not self.is_latest(generation):
            return
        chosen = self.selected()
        self.show_rows(rows, chosen.member_id if chosen is not None else None)

    def row_id(self, row) -> str | None:
        return row.member_id  # a member's year: its rows have no id of their own

    def row_chosen(self, row) -> None:
        self.current = row
        self.self_text.setPlainText(row.self_assessment if row is not None else "")
        self._choose_grade(row.grade if row is not None else None)
        self.grade_note.setText(row.grade_note if row is not None else "")
        self.enable_buttons()

    def row_refreshed(self, row) -> None:
        """The member's year read again (a sync, the ledger): a grade and a note being given stay."""
        before = self.current
        if row is None or before is None:
            return self.row_chosen(row)
        self.current = row
        self.self_text.setPlainText(row.self_assessment or "")  # theirs, read only: always the latest
        refill(self.grade.currentData(), before.grade, row.grade, self._choose_grade)
        refill(self.grade_note.text(), before.grade_note or "", row.grade_note or "", self.grade_note.setText)
        self.enable_buttons()

    def _choose_grade(self, grade: str | None) -> None:
        self.grade.setCurrentIndex(max(0, self.grade.findData(grade)) if grade else 0)

    def enable_buttons(self) -> None:
        chosen = self.selected() is not None
        self.pdf_button.setEnabled(chosen)
        self.excel_button.setEnabled(self.model.rowCount() > 0)
        if hasattr(self, "rate_button"):
            self.rate_button.setEnabled(chosen and self.grade.currentData() is not None and self.ctx.actor.role in STAFF)

    def save_rating(self) -> None:
        row = self.selected()
        if row is None or self.grade.currentData() is None:
            return
        self.start_work((self.rate_button,), evaluation_service.rate, row.member_id, self.year.value(),
                        self.grade.currentData(), self.grade_note.text(), actor_id=self.ctx.actor.id,
                        actor_role=self.ctx.actor.role,
                        done=self.tr("Rating saved: it goes to the server at the next sync."))

    def _folder(self) -> str | None:
        if self.export_folder is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Save the files in"))
            if not chosen:
                return None
            self.export_folder = chosen
        return self.export_folder

    # -- one PDF per member ---------------------------------------------------------------------------------
    def report_html(self, row) -> str:
        year = self.year.value()
        facts = [
            (self.tr("Employer"), row.employer), (self.tr("Grid"), row.grid_name), (self.tr("Team"), row.team or "—"),
            (self.tr("Points this year"), str(row.points)), (self.tr("Activities attended"), str(row.activities)),
            (self.tr("Service orders completed"), str(row.orders)),
            (self.tr("Average rating"), f"{row.rating:.1f}" if row.rating is not None else "—"),
            (self.tr("Micro-wishes fulfilled"), str(row.wishes)),
        ]
        cells = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in facts)
        title = self.tr("Party member's year-end evaluation {0}: {1}").format(year, row.name)
        made = self.tr("Made on {0} by the community.").format(local_day(utcnow()).isoformat())
        own = escape(row.self_assessment).replace("\n", "<br>") if row.self_assessment else "&nbsp;</p><p>&nbsp;"
        rating = " — ".join(escape(x) for x in (self.grade_name(row), row.grade_note) if x) or "&nbsp;</p><p>&nbsp;"
        return (f"<h2>{escape(title)}</h2><table border='1' cellspacing='0' cellpadding='6' width='100%'>{cells}</table>"
                f"<p><b>{escape(self.tr('Self-assessment:'))}</b></p><p>{own}</p>"
                f"<p><b>{escape(self.tr('The community’s rating:'))}</b></p><p>{rating}</p><p>{escape(made)}</p>")

    def write_pdf(self, path: Path, row) -> None:
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        writer.setTitle(row.name)
        document = QTextDocument()
        document.setHtml(self.report_html(row))
        document.print_(writer)

    def export_pdf(self) -> None:
        row = self.selected()
        folder = self._folder() if row is not None else None
        if folder is None:
            return
        stem = evaluation_service.file_stem(f"{self.year.value()}_{row.name}_{row.employer}")
        try:
            path = evaluation_service.writable(Path(folder) / f"{stem}.pdf")  # Qt's writer would fail in silence
        except GridWorkerError as exc:
            self.export_folder = None  # ask for a folder again next time
            self.refused(exc)
            return
        self.write_pdf(path, row)  # Qt's own PDF writer: on the GUI thread, a page in a few milliseconds
        self.say(self.tr("Saved {0}.").format(str(path)))

    # -- one workbook per employer ----------------------------------------------------------------------------
    def export_excel(self) -> None:
        folder = self._folder()
        if folder is None:
            return
        self.start_work((self.excel_button,), evaluation_service.export_by_employer, self.year.value(), folder,
                        self.ctx.lang, after=self._exported)

    def refused(self, exc: GridWorkerError) -> None:
        if exc.code == "unwritable_file":
            self.export_folder = None  # ask for a folder again next time
        super().refused(exc)

    def _exported(self, paths) -> None:
        said = self.tr("Saved 1 workbook in {1}.") if len(paths) == 1 else self.tr("Saved {0} workbooks in {1}.")
        self.say(said.format(len(paths), self.export_folder))
