"""Reading the change feed ahead: the next pages travel while the previous ones are being written.

A reader thread fetches pages from a cursor on and hands them over in
groups of about GROUP changes; the engine writes each group with the cursor
of its last page in one transaction (a group of pages is saved like one big
page: nothing missed, nothing twice). An initial sync thus pays one commit
per group instead of one per page, and the network and the database work
at the same time.

The reader thread also turns the pages' records into table rows
(`pull.prepare_rows`) and keeps each record's last change of the group
(`pull.last_per_record`): that is Python work, and it runs while the engine's
thread waits on SQLite, which releases the interpreter lock while it writes.
The echo of this round's own push (`echoes`: record → version) gets no row:
the pull does not write it again unless it must (then it makes the row).

A group is also kept to about GROUP_SECONDS of writing: a user's edit made
meanwhile waits for the transaction in progress. The engine reports how long
each group took (`written`) and the next groups are sized from that, never
below one page.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from .errors import SyncError
from .pull import Grouped, last_per_record, prepare_rows
from .transport import Transport

GROUP = 5_000  # changes per transaction at most
GROUP_SECONDS = 0.3  # and about this long to write, on this machine
AHEAD = 2  # groups read ahead at most (bounds memory)


@dataclass
class Group:
    changes: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # made ahead: see pull.prepare_rows
    grouped: Grouped | None = None  # each record's last change, made ahead: pull.last_per_record(changes)
    cursor: str = ""
    has_more: bool = True
    epoch: str | None = None  # of the first page


class FeedReader:
    def __init__(
        self, transport: Transport, cursor: str | None, page_size: int, group: int = GROUP,
        echoes: dict[tuple[str, str], int] | None = None,
    ):
        self.transport = transport
        self.echoes = dict(echoes or {})  # a copy: the engine's own may change while this thread reads
        self.cursor = cursor
        self.page_size = page_size
        self.limit = group
        self.group = group  # changes in the next group: lowered by `written` on a slow machine
        self._queue: queue.Queue = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gridworker-feed", daemon=True)
        self._thread.start()

    def __iter__(self):
        while True:
            item = self._queue.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            if not item.has_more:
                return

    def written(self, changes: int, seconds: float) -> None:
        """The engine wrote a group of `changes` in `seconds`: size the next ones to take about GROUP_SECONDS."""
        if changes >= self.page_size and seconds > 0:
            self.group = max(self.page_size, min(self.limit, int(changes * GROUP_SECONDS / seconds)))

    def close(self) -> None:
        """Stop reading ahead (the pages read and not yet taken are dropped) and wait for the thread."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        cursor = self.cursor
        try:
            while not self._stop.is_set():
                group = Group()
                while True:
                    body = self._fetch(cursor)
                    if group.epoch is None and body.get("epoch"):
                        group.epoch = str(body["epoch"])
                    group.changes += body["changes"]
                    group.rows.update(prepare_rows(body["changes"], self.echoes))
                    group.grouped = last_per_record(body["changes"], group.grouped)
                    cursor = group.cursor = body["cursor"]
                    group.has_more = body["has_more"]
                    if not group.has_more or len(group.changes) >= self.group or self._stop.is_set():
                        break
                if not self._put(group) or not group.has_more:
                    return
        except BaseException as exc:  # handed to the engine's thread, which decides
            self._put(exc)

    def _fetch(self, cursor: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": self.page_size}
        if cursor:
            params["cursor"] = cursor
        body = self.transport.json("GET", "/sync/pull", params=params)
        changes, new_cursor = body.get("changes"), body.get("cursor")
        if not isinstance(changes, list) or not isinstance(new_cursor, str) or not new_cursor:
            raise SyncError("服务器的同步应答不完整", "The server's pull answer is incomplete", code="bad_answer")
        return {"changes": changes, "cursor": new_cursor, "has_more": bool(body.get("has_more")), "epoch": body.get("epoch")}
