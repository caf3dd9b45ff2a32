"""The area tree (district → … → grid → building → unit → household), read one level at a time as it is opened.

Opening a node asks the task runner for its children; until they arrive the
node shows no rows. `refresh()` re-reads every level that is open, in one
task, and applies the differences in place (labels changed, nodes added or
gone), so what the user has expanded stays expanded after an edit.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont

from ...domain.enums import AreaLevel
from ...services.queries import register as register_queries
from ...services.queries.register import ROOT, TreeNode
from ..context import AppContext
from .register_tables import label_of

GRID_LEVELS = {AreaLevel.grid.value, AreaLevel.microgrid.value}


class _Item:
    __slots__ = ("node", "parent", "children", "loading")

    def __init__(self, node: TreeNode | None, parent: _Item | None):
        self.node = node
        self.parent = parent
        self.children: list[_Item] | None = None  # None: not read yet
        self.loading = False

    @property
    def key(self) -> tuple:
        return self.node.key if self.node else ROOT

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent and self.parent.children else 0


class AreaTreeModel(QAbstractItemModel):
    children_loaded = Signal(QModelIndex)  # the children of this node have just been inserted

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.root = _Item(None, None)

    # -- structure ---------------------------------------------------------------------------
    def _item(self, index: QModelIndex) -> _Item:
        return index.internalPointer() if index.isValid() else self.root

    def node(self, index: QModelIndex) -> TreeNode | None:
        return self._item(index).node if index.isValid() else None

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        item = self._item(parent)
        if column != 0 or item.children is None or not 0 <= row < len(item.children):
            return QModelIndex()
        return self.createIndex(row, 0, item.children[row])

    def parent(self, index: QModelIndex) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        up = index.internalPointer().parent
        if up is None or up is self.root:
            return QModelIndex()
        return self.createIndex(up.row(), 0, up)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        item = self._item(parent)
        return len(item.children) if item.children is not None else 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 1

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:
        item = self._item(parent)
        if item.node is not None and item.node.leaf:
            return False
        return item.children is None or bool(item.children)

    def canFetchMore(self, parent: QModelIndex) -> bool:
        item = self._item(parent)
        return item.children is None and not item.loading and not (item.node and item.node.leaf)

    def fetchMore(self, parent: QModelIndex) -> None:
        item = self._item(parent)
        if not self.canFetchMore(parent):
            return
        item.loading = True
        self.ctx.runner.start(self._fetch(item), "area tree")

    async def _fetch(self, item: _Item) -> None:
        self._arrived(item, await self.ctx.runner.call(register_queries.tree_children, self.ctx.store, item.key, guard=self))

    def _arrived(self, item: _Item, nodes: list[TreeNode]) -> None:
        item.loading = False
        if not self._attached(item) or item.children is not None:  # removed, or filled by a refresh meanwhile
            return
        parent = self._index_of(item)
        if nodes:
            self.beginInsertRows(parent, 0, len(nodes) - 1)
            item.children = [_Item(n, item) for n in nodes]
            self.endInsertRows()
        else:
            item.children = []
            if item is not self.root:  # the expander goes away
                self.dataChanged.emit(parent, parent)
        self.children_loaded.emit(parent)

    def _attached(self, item: _Item) -> bool:
        while item.parent is not None:
            item = item.parent
        return item is self.root

    def _index_of(self, item: _Item) -> QModelIndex:
        return QModelIndex() if item is self.root else self.createIndex(item.row(), 0, item)

    # -- display -----------------------------------------------------------------------------
    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        node = self.node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{node.label}  {node.detail}" if node.kind == "household" and node.detail else node.label
        if role == Qt.ItemDataRole.ToolTipRole and node.kind == "area":
            return f"{node.label}（{label_of(AreaLevel, node.detail, self.ctx.lang)}）"
        if role == Qt.ItemDataRole.FontRole and node.kind == "area" and node.detail in GRID_LEVELS:
            font = QFont()
            font.setBold(node.detail == AreaLevel.grid.value)
            return font
        return None

    def find(self, key: tuple) -> QModelIndex:
        """The index of a loaded node, or an invalid index."""
        stack = [self.root]
        while stack:
            item = stack.pop()
            if item.node is not None and item.node.key == key:
                return self._index_of(item)
            stack.extend(item.children or ())
        return QModelIndex()

    # -- refresh after edits ----------------------------------------------------------------------
    def refresh(self) -> None:
        loaded = []
        stack = [self.root]
        while stack:
            item = stack.pop()
            if item.children is not None:
                loaded.append(item)
                stack.extend(item.children)
        if not loaded:
            return
        self.ctx.runner.start(self._refresh(loaded), "area tree refresh")

    async def _refresh(self, loaded: list[_Item]) -> None:
        fresh = await self.ctx.runner.call(register_queries.tree_children_many, self.ctx.store, [i.key for i in loaded],
                                           guard=self)  # fmt: skip
        self._apply(loaded, fresh)

    def _apply(self, loaded: list[_Item], fresh: dict[tuple, list[TreeNode]]) -> None:
        for item in loaded:  # parents before children: a node removed here is skipped below
            if item.children is not None and self._attached(item):
                self._reconcile(item, fresh.get(item.key, []))

    def _reconcile(self, item: _Item, nodes: list[TreeNode]) -> None:
        parent = self._index_of(item)
        wanted = {n.key for n in nodes}
        for row in range(len(item.children) - 1, -1, -1):  # gone: removed bottom up
            if item.children[row].key not in wanted:
                self.beginRemoveRows(parent, row, row)
                gone = item.children.pop(row)
                gone.parent = None
                self.endRemoveRows()
        have = {child.key: child for child in item.children}
        for row, node in enumerate(nodes):
            child = have.get(node.key)
            if child is None:  # new: inserted where it belongs
                self.beginInsertRows(parent, row, row)
                item.children.insert(row, _Item(node, item))
                self.endInsertRows()
            elif child.node != node:
                child.node = node
                index = self.createIndex(child.row(), 0, child)
                self.dataChanged.emit(index, index)
