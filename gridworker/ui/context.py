"""What every screen is given: the open account, the signed-in person, the task runner, change notices.

Screens call services through `ctx.runner` and refresh themselves on
`ctx.data_changed`, which carries the services' Changes (what changed, who
initiated it) from whatever thread committed them to the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ..identity import identity_of
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
    identity_changed = Signal()  # `actor` changed: the account was linked, or the server changed its role

    def __init__(self, account, store, actor: Actor, *, lang: str = "zh", parent: QObject | None = None):
        super().__init__(parent)
        self.account = account
        self.store = store
        self.actor = actor
        self.lang = lang
        self.runner = TaskRunner(self)
        # Emitting a Qt signal from a worker thread is queued to the receivers' thread.
        self._unsubscribe = changes.subscribe(self.data_changed.emit)

    def refresh_identity(self) -> None:
        """Take the actor from the account again (on the GUI thread): after linking to a server, the
        server's user signs visits and incident events, not the local identity of the offline account."""
        who = identity_of(self.account)
        actor = Actor(who.id, who.role, who.display_name)
        if actor != self.actor:
            self.actor = actor
            self.identity_changed.emit()

    @property
    def photos_dir(self):
        return self.account.photos_dir

    def close(self) -> None:
        self._unsubscribe()
        self.runner.shutdown()
        self.store.close()
