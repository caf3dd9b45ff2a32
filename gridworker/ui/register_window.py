"""A first window on the register: one search box, the people found, the household of the one selected.

The full desktop app (registers, visits, incidents, dashboard, sync) grows
from here; this window already keeps the rules: item models over service
results, no database session, Chinese first.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.enums import Gender, PersonStatus, Relation
from ..services import search as search_service


def mask_id(number: str | None) -> str:
    return f"{number[:6]}********{number[-4:]}" if number and len(number) == 18 else (number or "")


def mask_phone(phone: str | None) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) == 11 else (phone or "")


class PeopleModel(QAbstractTableModel):
    """Search hits as rows; ID and phone numbers masked in the list."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list = []
        self.headers = [self.tr("姓名"), self.tr("性别"), self.tr("身份证号"), self.tr("电话"), self.tr("地址"), self.tr("状态")]

    def set_hits(self, hits: list) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role != Qt.DisplayRole:
            return None
        h = self.hits[index.row()]
        col = index.column()
        if col == 0:
            return h.name
        if col == 1:
            return Gender(h.gender).label() if h.gender else ""
        if col == 2:
            return mask_id(h.id_number)
        if col == 3:
            return mask_phone(h.phone)
        if col == 4:
            return h.address or ""
        return PersonStatus(h.status).label() if h.status else ""


class RegisterWindow(QMainWindow):
    def __init__(self, store, account_name: str):
        super().__init__()
        self.store = store
        self.setWindowTitle(self.tr("网格员工作台 — {0}").format(account_name))
        self.resize(1100, 680)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索：姓名、拼音首字母、身份证号或电话的4位以上数字、地址、楼栋、房号"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()

        self.model = PeopleModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.setSelectionMode(QTableView.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_household)

        self.card = QTextBrowser()
        self.card.setMinimumWidth(340)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.card)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        body = QVBoxLayout()
        body.addLayout(top)
        body.addWidget(split, 1)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)

        # Results as you type, without a query per keystroke.
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._debounce.start)
        self.statusBar().showMessage(self.tr("离线工作中 — 所有修改已保存在本机"))

    def run_search(self) -> None:
        text = self.search.text().strip()
        hits = search_service.find_people(self.store, text, limit=200) if text else []
        self.model.set_hits(hits)
        self.count.setText(self.tr("{0} 人").format(len(hits)))
        if hits:
            self.table.selectRow(0)
        else:
            self.card.clear()

    def _show_household(self, current: QModelIndex, _previous=None) -> None:
        if not current.isValid():
            return
        hit = self.model.hits[current.row()]
        if not hit.household_id:
            self.card.setHtml(f"<h3>{hit.name}</h3><p>{self.tr('未登记住户')}</p>")
            return
        card = search_service.household_card(self.store, hit.household_id)
        self.card.setHtml(render_card(card))


def _esc(text) -> str:
    return (str(text) if text is not None else "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_card(card) -> str:
    """The household (提户知人): address, members head first, and who lived here, when."""
    rows = "".join(
        f"<tr><td>{_esc(m.name)}</td><td>{_esc(Relation(m.relation).label() if m.relation else '')}</td>"
        f"<td>{_esc(Gender(m.gender).label() if m.gender else '')}</td><td>{_esc(m.birth_date or '')}</td>"
        f"<td>{_esc(mask_phone(m.phone))}</td></tr>"
        for m in card.members
    )
    history = "".join(
        f"<li>{_esc(h.person_name)}：{_esc(h.moved_in or '?')} → {_esc(h.moved_out or '至今')}"
        f"{'（' + _esc(h.reason) + '）' if h.reason else ''}</li>"
        for h in card.history
    )
    return (
        f"<h3>{_esc(card.address)}</h3>"
        f"<p>成员 {len(card.members)} 人</p>"
        f"<table border='0' cellspacing='6'><tr><th>姓名</th><th>关系</th><th>性别</th><th>出生日期</th><th>电话</th></tr>{rows}</table>"
        f"<h4>居住历史</h4><ul>{history}</ul>"
    )
