"""The rectification notice (整改通知书) of one inspection, printed to PDF.

`notice_document` builds the notice from domain objects only (the place, the
inspection, the hazards it found, the checklist table, the inspector's name):
the failed items with the hazard each is, its grade, the working days allowed
and the deadline; the person in charge's typed acknowledgement; the
inspector, the date, and lines to sign. `write_pdf` prints it to an A4 PDF
with Qt's PDF writer. Texts are in the worker's language ("RectificationNotice"
context; the checklist's own words from the table); the fonts named first are
ones that hold Chinese on Windows, macOS and Linux, so the characters are
embedded in the PDF and read on any computer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from ...domain.places.checklists import ChecklistTable, severity_label
from ...domain.places.escalation import day_text
from ...domain.places.inspections import Hazard, Inspection
from ...domain.places.kinds import load_kinds
from ...domain.places.place import Place

CJK_FONTS = ["Microsoft YaHei", "SimSun", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "Sans Serif"]  # fmt: skip
RESOLUTION = 300  # dots per inch of the PDF


def _t(text: str) -> str:
    """A text of the notice in the UI's language (literals marked with QT_TRANSLATE_NOOP for the catalogue)."""
    return QCoreApplication.translate("RectificationNotice", text)


def days_text(days: int | str) -> str:
    """"3 working days" (one working day)."""
    if days == 1:
        return QCoreApplication.translate("RectificationNotice", "1 working day")
    return QCoreApplication.translate("RectificationNotice", "{0} working days").format(days)


def _esc(text: object) -> str:
    return str(text if text is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hazard_row(n: int, hazard: Hazard, inspection: Inspection, checklists: ChecklistTable, lang: str) -> str:
    item = checklists.get(hazard.item_code)
    answer = next((a for a in inspection.answers if a.item_code == hazard.item_code), None)
    what = item.label(lang) if item else ""
    found = _esc(item.hazard_label(lang) if item else "")
    note = (answer.note if answer and answer.note else hazard.note) or ""
    if note:
        found += f"<br/><i>{_esc(note)}</i>"
    days = days_text(item.days) if item else ""
    return (f"<tr><td align='center'>{n}</td><td>{_esc(what)}</td><td>{found}</td>"
            f"<td align='center'>{_esc(severity_label(hazard.severity, lang))}</td>"
            f"<td align='center'>{_esc(days)}</td>"
            f"<td align='center'>{_esc(day_text(hazard.deadline, lang))}</td></tr>")  # fmt: skip


def _facts(place: Place, inspection: Inspection, inspector: str, kinds, lang: str) -> str:
    kind = kinds.get(place.kind)
    name = place.name
    if kind:
        name += f"（{kind.label(lang)}）" if lang.startswith("zh") else f" ({kind.label(lang)})"
    facts = (
        (QT_TRANSLATE_NOOP("RectificationNotice", "Place"), name),
        (QT_TRANSLATE_NOOP("RectificationNotice", "Address"), place.address),
        (QT_TRANSLATE_NOOP("RectificationNotice", "Person in charge"),
         " ".join(x for x in (place.person_in_charge, place.phone) if x)),
        (QT_TRANSLATE_NOOP("RectificationNotice", "Unified social credit code"), place.licence_number),
        (QT_TRANSLATE_NOOP("RectificationNotice", "Inspected on"), day_text(inspection.at, lang)),
        (QT_TRANSLATE_NOOP("RectificationNotice", "Inspector"), inspector),
    )
    return "".join(f"<tr><td width='30%'><b>{_esc(_t(k))}</b></td><td>{_esc(v)}</td></tr>" for k, v in facts if v)


def notice_html(place: Place, inspection: Inspection, hazards: Sequence[Hazard], checklists: ChecklistTable, *,
                inspector: str, lang: str = "zh") -> str:  # fmt: skip
    """The notice as rich text: one row for each hazard found (in checklist order)."""
    kinds = checklists.kinds or load_kinds()
    order = {item.code: i for i, item in enumerate(checklists)}
    ranked = sorted(hazards, key=lambda h: order.get(h.item_code, len(order)))
    rows = "".join(_hazard_row(n, h, inspection, checklists, lang) for n, h in enumerate(ranked, start=1))
    columns = (
        QT_TRANSLATE_NOOP("RectificationNotice", "No."),
        QT_TRANSLATE_NOOP("RectificationNotice", "Item checked"),
        QT_TRANSLATE_NOOP("RectificationNotice", "Hazard found"),
        QT_TRANSLATE_NOOP("RectificationNotice", "Grade"),
        QT_TRANSLATE_NOOP("RectificationNotice", "Time allowed"),
        QT_TRANSLATE_NOOP("RectificationNotice", "Rectify by"),
    )
    head = "".join(f"<th>{_esc(_t(c))}</th>" for c in columns)
    intro = QCoreApplication.translate(
        "RectificationNotice",
        "At the safety inspection of {day}, the hazards below were found. Rectify each of them by its deadline "
        "(working days: weekends and public holidays are not counted) and tell your grid worker, who will come back "
        "to check. A hazard not rectified in time is reported for handling.",
    ).format(day=day_text(inspection.at, lang))
    title = _t(QT_TRANSLATE_NOOP("RectificationNotice", "Rectification notice"))
    parts = [
        f"<h1 align='center'>{_esc(title)}</h1>",
        f"<table width='100%' cellpadding='4'>{_facts(place, inspection, inspector, kinds, lang)}</table>",
        f"<p>{_esc(intro)}</p>",
        f"<table width='100%' border='1' cellspacing='0' cellpadding='5'><tr>{head}</tr>{rows}</table>",
    ]
    if inspection.acknowledged_by:
        ack = QCoreApplication.translate("RectificationNotice", "Acknowledged at the inspection by: {0}")
        parts.append(f"<p>{_esc(ack.format(inspection.acknowledged_by))}</p>")
    if inspection.notes:
        notes = _t(QT_TRANSLATE_NOOP("RectificationNotice", "Notes"))
        parts.append(f"<p>{_esc(notes)}：{_esc(inspection.notes)}</p>")
    line = "________________"
    date = _esc(_t(QT_TRANSLATE_NOOP("RectificationNotice", "Date")))
    inspector_signs = _esc(_t(QT_TRANSLATE_NOOP("RectificationNotice", "Inspector (signature)")))
    person_signs = _esc(_t(QT_TRANSLATE_NOOP("RectificationNotice", "Person in charge (signature)")))
    parts.append(
        f"<p>&nbsp;</p><table width='100%' cellpadding='14'><tr>"
        f"<td>{inspector_signs}：{line}</td><td>{person_signs}：{line}</td></tr>"
        f"<tr><td>{date}：{line}</td><td>{date}：{line}</td></tr></table>"
    )
    return "".join(parts)


def notice_document(place: Place, inspection: Inspection, hazards: Sequence[Hazard], checklists: ChecklistTable, *,
                    inspector: str, lang: str = "zh") -> QTextDocument:  # fmt: skip
    doc = QTextDocument()
    font = QFont()
    font.setFamilies(CJK_FONTS)
    font.setPointSizeF(10.5)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet("h1 { font-size: 20pt; } th { background: #eef2f7; }")
    doc.setHtml(notice_html(place, inspection, hazards, checklists, inspector=inspector, lang=lang))
    return doc


def write_pdf(doc: QTextDocument, path: str | Path, *, title: str = "") -> Path:
    """The document on A4 pages (2 cm margins) as a PDF file."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(20, 20, 20, 20), QPageLayout.Unit.Millimeter))  # fmt: skip
    writer.setTitle(title or _t(QT_TRANSLATE_NOOP("RectificationNotice", "Rectification notice")))
    writer.setCreator("GridWorker")
    doc.print_(writer)
    del writer  # the file is complete once the writer is gone
    return path


def write_notice(path: str | Path, place: Place, inspection: Inspection, hazards: Sequence[Hazard],
                 checklists: ChecklistTable, *, inspector: str, lang: str = "zh") -> Path:  # fmt: skip
    doc = notice_document(place, inspection, hazards, checklists, inspector=inspector, lang=lang)
    title = _t(QT_TRANSLATE_NOOP("RectificationNotice", "Rectification notice"))
    return write_pdf(doc, path, title=f"{title} — {place.name}")
