"""党群服务: the community staff's participation work in one navigation entry, as tabs — check-ins (党员报到), residents to confirm (居民身份确认),
service orders (服务点单), activities (活动), points (积分), the points shop (积分商城), micro-wishes (微心愿),
notices and the opinion box (公告与意见箱) and the year-end evaluation (年度评价)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ..participation.activities import ActivitiesTab
from ..participation.evaluation import EvaluationTab
from ..participation.members import MembersTab
from ..participation.notices import NoticesTab
from ..participation.orders import OrdersTab
from ..participation.points import PointsTab
from ..participation.residents import ResidentsTab
from ..participation.shop import ShopTab
from ..participation.wishes import WishesTab


class ParticipationPage(QWidget):
    page_id = "participation"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.members = MembersTab(ctx)
        self.residents = ResidentsTab(ctx)
        self.orders = OrdersTab(ctx)
        self.activities = ActivitiesTab(ctx)
        self.points = PointsTab(ctx)
        self.shop = ShopTab(ctx)
        self.wishes = WishesTab(ctx)
        self.notices = NoticesTab(ctx)
        self.evaluation = EvaluationTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.members, self.tr("Member check-ins"))
        self.tabs.addTab(self.residents, self.tr("Residents to confirm"))
        self.tabs.addTab(self.orders, self.tr("Service orders"))
        self.tabs.addTab(self.activities, self.tr("Activities"))
        self.tabs.addTab(self.points, self.tr("Points"))
        self.tabs.addTab(self.shop, self.tr("Points shop"))
        self.tabs.addTab(self.wishes, self.tr("Micro-wishes"))
        self.tabs.addTab(self.notices, self.tr("Notices and opinions"))
        self.tabs.addTab(self.evaluation, self.tr("Year-end evaluation"))
        self.tabs.currentChanged.connect(lambda _i: self.on_shown())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def title(self) -> str:
        return self.tr("Participation")

    def on_shown(self) -> None:
        self.tabs.currentWidget().on_shown()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.on_shown()
