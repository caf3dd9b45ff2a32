"""What every screen is given: the open account, the signed-in person, the task runner, change notices.

Screens call services through `ctx.runner` and refresh themselves on
`ctx.data_changed`, which carries the services' Changes (what changed, who
initiated it) from whatever thread committed them to the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ..services import changes
from .tasks import TaskRunner


@dataclass(frozen=True)
class Actor:
    """The person using the app: who signs visits and incident events, and what they may do."""

    id: str
    role: str  # gridworker.domain.enums.Role value
    display_name: str


class AppContext(QObject):
    data_changed = Signal(object)  # services.changes.Changes

    def __init__(self, account, store, actor: Actor, *, lang: str = "zh", parent: QObject | None = None):
        super().__init__(parent)
        self.account = account
        self.store = store
        self.actor = actor
        self.lang = lang
        self.runner = TaskRunner(self)
        # Emitting a Qt signal from a worker thread is queued to the receivers' thread.
        self._unsubscribe = changes.subscribe(self.data_changed.emit)

    @property
    def photos_dir(self):
        return self.account.photos_dir

    def close(self) -> None:
        self._unsubscribe()
        self.runner.shutdown()
        self.store.close()
