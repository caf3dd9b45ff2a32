"""Places found by the registers page's search box (the one search box finds people and places).

Under the search box, one line of links: the places whose name, pinyin,
initials, address, person in charge, licence or phone match what is typed
(services.search.find_places). A link opens the place's card on the places
page.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

from ...services import search
from ..fieldwork.text import esc
from ..style import ACCENT
from ..tasks import async_slot

SHOWN = 6


class PlacesFound(QLabel):
    open_place = Signal(str)  # place id

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.places: list = []
        self._query = ""
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.linkActivated.connect(self._open)
        self.hide()

    def search(self, text: str) -> None:
        self._query = text.strip()
        if not self._query:
            self.places = []
            self.hide()
            return
        self._search(self._query)

    @async_slot()
    async def _search(self, query: str) -> None:
        places = await self.ctx.runner.call(search.find_places, self.ctx.store, query, limit=SHOWN + 1, guard=self)
        if query != self._query:
            return
        self.places = places
        links = "、".join(f"<a href='{p.id}' style='color:{ACCENT}'>{esc(p.name)}</a>" for p in places[:SHOWN])
        more = "…" if len(places) > SHOWN else ""
        self.setText(self.tr("Places: {0}").format(links + more))
        self.setVisible(bool(places))

    def _open(self, place_id: str) -> None:
        """The places page, showing this place (the main window holds the pages)."""
        self.open_place.emit(place_id)
        window = self.window()
        if hasattr(window, "show_page") and "places" in getattr(window, "pages", {}):
            window.show_page("places")
            window.pages["places"].select_place(place_id)
