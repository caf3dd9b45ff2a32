"""Choosing an incident category: the two-level table, or search by Chinese, English or pinyin initials.

Empty search box: the tree (class → entries). Typing: the matches of
`CategoryTable.search`, best first, each shown with its class
("公用设施 › 井盖"); Enter takes the first.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...domain.categories import CategoryTable, load_categories
from ...services import tables
from ..style import MUTED, OK
from ..tasks import async_slot

CODE_ROLE = Qt.UserRole + 1


class CategoryPicker(QWidget):
    chosen = Signal(str)  # category code

    def __init__(self, lang: str, parent=None, *, table: CategoryTable | None = None):
        super().__init__(parent)
        self.lang = lang
        self.table = table or load_categories()  # the table in force (services.tables), else the shipped one
        self._code = ""
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search: Chinese, English or pinyin initials (jg = 井盖)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill)
        self.search.returnPressed.connect(self._take_first)
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QTreeView.NoEditTriggers)
        self.tree.clicked.connect(self._clicked)
        self.tree.activated.connect(self._clicked)
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.current.setMinimumWidth(self.current.fontMetrics().horizontalAdvance("M") * 12)  # never a word a line
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.current)
        self._fill("")
        self._show_current()

    def code(self) -> str:
        return self._code

    def set_code(self, code: str) -> None:
        self._code = code if code in self.table else ""
        self._show_current()

    def set_table(self, table: CategoryTable) -> None:
        """The server's categories arrived (a sync): offer them; a choice withdrawn meanwhile is dropped."""
        self.table = table
        self._fill(self.search.text())
        self.set_code(self._code)

    def label(self, code: str | None = None) -> str:
        code = self._code if code is None else code
        return self.table.path_label(code, self.lang) if code in self.table else ""

    def _fill(self, text: str) -> None:
        self.model.clear()
        text = text.strip()
        if not text:
            for root in self.table.roots():
                parent = self._item(root.code, self.table.path_label(root.code, self.lang))
                for child in self.table.children(root.code):
                    parent.appendRow(self._item(child.code, child.label(self.lang)))
                self.model.appendRow(parent)
            return
        for found in self.table.search(text, limit=30):
            self.model.appendRow(self._item(found.code, self.table.path_label(found.code, self.lang)))
        if self.model.rowCount():
            self.tree.setCurrentIndex(self.model.index(0, 0))

    def _item(self, code: str, text: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setData(code, CODE_ROLE)
        keywords = "、".join(self.table.get(code).keywords)
        if keywords:
            item.setToolTip(keywords)
        return item

    def _clicked(self, index) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self._choose(code)

    def _take_first(self) -> None:
        index = self.tree.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self._choose(index.data(CODE_ROLE))

    def _choose(self, code: str) -> None:
        self._code = code
        self._show_current()
        self.chosen.emit(code)

    def _show_current(self) -> None:
        if self._code:
            self.current.setText(self.tr("Chosen: {0}").format(self.label()))
            self.current.setStyleSheet(f"color: {OK}; font-weight: bold;")
        else:
            self.current.setText(self.tr("No category chosen yet"))
            self.current.setStyleSheet(f"color: {MUTED};")


class CategoryButton(QPushButton):
    """A compact category field: shows the choice, opens the picker in a dialog."""

    chosen = Signal(str)

    def __init__(self, lang: str, parent=None, *, table: CategoryTable | None = None):
        super().__init__(parent)
        self.lang = lang
        self.table = table or load_categories()
        self._code = ""
        self.clicked.connect(self.open_picker)
        self._show()

    def set_table(self, table: CategoryTable) -> None:
        self.table = table
        self.set_code(self._code)

    def code(self) -> str:
        return self._code

    def set_code(self, code: str) -> None:
        self._code = code if code in self.table else ""
        self._show()

    def open_picker(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Category"))
        dialog.resize(460, 520)
        picker = CategoryPicker(self.lang, dialog, table=self.table)
        picker.set_code(self._code)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        picker.tree.doubleClicked.connect(dialog.accept)
        layout = QVBoxLayout(dialog)
        layout.addWidget(picker)
        layout.addWidget(buttons)
        dialog.finished.connect(lambda result: result == QDialog.Accepted and self._take(picker.code()))
        self.dialog = dialog
        dialog.open()

    def _take(self, code: str) -> None:
        if code:
            self.set_code(code)
            self.chosen.emit(code)

    def _show(self) -> None:
        table = self.table
        self.setText(table.path_label(self._code, self.lang) if self._code else self.tr("Choose a category…"))



class CategoriesInForce(QObject):
    """The account's category table as this computer uses it (services.tables: the server's once synced),
    loaded off the GUI thread at first and again whenever a sync brings category changes."""

    changed = Signal(object)  # CategoryTable

    def __init__(self, ctx):
        super().__init__(ctx)
        self.ctx = ctx
        self.table: CategoryTable = load_categories()  # until the stored one is read
        ctx.data_changed.connect(self._data_changed)
        self.reload()

    @async_slot()
    async def reload(self) -> None:
        table = await self.ctx.runner.call(tables.categories_of, self.ctx.store, guard=self)
        if table is not self.table:
            self.table = table
            self.changed.emit(table)

    @Slot(object)
    def _data_changed(self, changes) -> None:
        if changes.ids.get("category"):
            self.reload()


def categories_for(ctx) -> CategoriesInForce:
    """The one CategoriesInForce of this account (made on first use)."""
    found = getattr(ctx, "_categories_in_force", None)
    if found is None:
        found = ctx._categories_in_force = CategoriesInForce(ctx)
    return found


def follow_categories(ctx, widget: CategoryPicker | CategoryButton) -> None:
    """Give `widget` the categories in force, now and whenever they change (a sync)."""
    source = categories_for(ctx)
    if source.table is not widget.table:
        widget.set_table(source.table)
    source.changed.connect(widget.set_table)
