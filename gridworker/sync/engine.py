"""The sync engine of one account: push the outbox, pull the feed, move the photos.

`SyncEngine(account, store).sync_once()` does one full round and returns a
SyncResult; it never raises for what the network or the server did (that is
in `result.error`), and it never loses local work: the outbox is only ever
marked, never emptied, until the server has answered each mutation.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from ..domain.collector import collector_paused
from ..domain.fieldwork import Incident, IncidentEvent
from ..photos import has_photo, has_thumbnail
from ..services import scope
from ..services.changes import Changes, publish
from ..store import search
from ..store.accounts import Account
from ..store.database import Store
from ..store.meta import device_id
from . import link, pull, push, resync, state
from .blobs import BlobQueue, remove_files, shas_in_use
from .conflicts import receive_lost, settle_given_back
from .errors import ResyncRequired, ServerRefused, SyncError, UnmappedAreas
from .feed import GROUP, FeedReader, Group
from .status import Counts, counts  # noqa: F401  (re-exported: engine.counts is used by the tests)
from .transport import Transport

log = logging.getLogger(__name__)

PAGE_SIZE = 1000
# Pages of N changes, one page a group (one transaction): lets a test make a small re-read span many groups.
PAGE_ENV = "GRIDWORKER_PULL_PAGE"
BULK_INDEX = "sync.bulk_index"  # "1" while a pull from the start runs: the search index is rebuilt once at its end


@dataclass
class SyncResult:
    complete: bool = False  # everything sent and received
    state: str = "ok"
    pushed: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    evicted: int = 0
    uploaded: int = 0
    thumbnails: int = 0
    resynced: bool = False
    resent: int = 0  # records whose edits, accepted before and lost by a server restore, were queued again
    pending: int = 0
    photos_waiting: int = 0
    error: SyncError | None = None

    def to_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies the error, and an exception whose __init__ takes other
        # arguments than it keeps in .args cannot be rebuilt (it crashed `sync --json` on every error).
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "error"}
        out["error"] = None
        if self.error is not None:
            out["error"] = {"code": self.error.code, "message_zh": self.error.zh, "message_en": self.error.en}
        return out


class SyncEngine:
    def __init__(self, account: Account, store: Store, *, page_size: int | None = None, attempts: int = 4):
        self.account = account
        self.store = store
        forced = _env_page_size()
        self.page_size = page_size or forced or PAGE_SIZE
        self.group = forced or GROUP  # changes a group (a transaction) holds at most
        self.attempts = attempts
        self._transport: Transport | None = None
        self._bulk = False  # the pull under way reads the feed from the start (see _apply)
        self._lost_latest: int | None = None  # what GET /me said of this device's lost conflicts
        self._echoes: dict[tuple[str, str], int] = {}  # record → version this round's push left it at, as sent
        with store.write() as s:
            self.device_id = device_id(s)

    # -- one round ---------------------------------------------------------------
    def sync_once(self) -> SyncResult:
        """Push, then pull, then the losses others' pushes caused here, then photos."""
        return self._run(
            self._link_areas, self._push, self._pull, self._after_resync, self._check_user, self._lost, self._blobs
        )

    def receive(self) -> SyncResult:
        """Pull only: fetch the server's changes without sending anything (local edits stay queued)."""
        return self._run(self._pull)

    def send(self) -> SyncResult:
        """Push only: send the outbox without fetching anything (photos wait for the next full round)."""
        return self._run(self._link_areas, self._push)

    def _run(self, *steps) -> SyncResult:
        result = SyncResult()
        try:
            transport = self._connect()
            with collector_paused():  # a quarter of a first sync went to the garbage collector: see domain/collector.py
                for step in steps:
                    step(transport, result)
        except SyncError as exc:
            result.error = exc
            result.state = exc.state
        except Exception:
            # A bug must not leave the status saying "ok" while nothing moves: record it, then let it be seen.
            log.exception("sync failed")
            result.error = SyncError(
                "同步出错（程序错误，详见日志），本机数据已保留", "Sync failed (a program error, see the log); local data is kept",
                code="internal",
            )
            result.state = result.error.state
            self._finish(result)
            raise
        self._finish(result)
        return result

    def _connect(self) -> Transport:
        """The HTTP session, kept between rounds so a quiet sync reuses its connection."""
        entry, token = link.require_link(self.account, self.store)
        t = self._transport
        if t is None or t.base_url != entry["url"].rstrip("/") or t.token != token:
            if t is not None:
                t.close()
            t = self._transport = Transport(entry["url"], token, attempts=self.attempts)
        return t

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def _finish(self, result: SyncResult) -> None:
        with self.store.write() as s:
            c = counts(s)
            result.pending, result.photos_waiting = c.pending, c.photos_waiting
            result.complete = result.error is None and c.pending == 0 and c.photos_waiting == 0
            now = datetime.now(timezone.utc).isoformat()
            if result.error is None:
                state.set_meta(s, state.LAST_SUCCESS, now)
                state.delete_meta(s, state.LAST_ERROR)
                state.set_meta(s, state.STATE, "ok")
            else:
                err = result.error
                state.set_json(s, state.LAST_ERROR, {"code": err.code, "zh": err.zh, "en": err.en, "at": now})
                state.set_meta(s, state.STATE, err.state)

    # -- steps -------------------------------------------------------------------
    def _link_areas(self, transport: Transport, result: SyncResult) -> None:
        """An account with offline areas first needs the server's areas to map them (see link.py)."""
        with self.store.read() as s:
            if not link.has_local_areas(s):
                return
        self._pull(transport, result)
        with self.store.write() as s:
            unmatched = link.map_local_areas(s)
        if unmatched:
            raise UnmappedAreas(unmatched)

    def _push(self, transport: Transport, result: SyncResult) -> None:
        """Send the outbox in batches. While the answer to one batch is being saved, the next batch is
        already on the wire (see _send): the server works while this device writes."""
        rows = self._outbox()
        self._echoes = {}
        index = push.by_record(rows)
        done: set[int] = set()
        limit = push.MAX_MUTATIONS
        ahead: _OnTheWire | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridworker-push") as wire:
            while rows:
                batch, body, request = ahead or (*push.next_batch(rows, done, limit), None)
                ahead = None
                if not batch:
                    break
                nxt = _Next(wire, lambda b=batch, n=limit: push.next_batch(rows, done | {p.seq for p in b}, n, {p.key for p in b}))
                try:
                    ahead = self._send(transport, batch, body, index, result, nxt, request)
                except ServerRefused as exc:
                    if exc.status not in (400, 413, 422):
                        raise  # e.g. 403 no scope: an administrator's matter; the outbox waits untouched
                    limit = self._refused(exc, batch, done, result)
                    continue
                done.update(p.seq for p in batch)
        self._drop_held()

    def _outbox(self) -> list[push.Pending]:
        """The unsent rows, squashed if two never-sent edits of one record wait (see push.py)."""
        with self.store.read() as s:
            rows = push.load_pending(s)
        if push.squashable(rows):
            with self.store.write() as s:
                rows = push.squash(s)
        return rows

    def _send(
        self, transport: Transport, batch: list[push.Pending], body: bytes, index: dict, result: SyncResult,
        following: _Next | None = None, request: Future | None = None,
    ) -> _OnTheWire | None:
        """Send one batch, or take the answer of `request` that already carries it, and save the answer.

        With `following`, the next batch (none of this batch's records: their later edits wait for this
        answer to be saved) is marked as put on the wire and posted before this answer is saved; it is
        returned with its request for the caller to take next.
        """
        if request is not None:
            answer = request.result()  # raises what the request met, as if it had been sent here
        else:
            if len(body) > push.MAX_BYTES:  # one mutation bigger than a whole push: no server can take it
                raise ServerRefused(413, "too_large", "该修改超过一次上传的大小上限（2 MiB）/ this edit is larger than one push may be (2 MiB)")
            if not all(p.attempted for p in batch):
                with self.store.write() as s:
                    push.mark_attempted(s, batch)
            answer = self._post(transport, body)
        results = answer.get("results") if isinstance(answer.get("results"), list) else []
        answered = {r.get("mutation_id") for r in results if isinstance(r, dict)}
        complete = all(p.mutation_id in answered for p in batch)
        ahead = following.post(self, transport) if complete and following is not None else None
        try:
            with self.store.write() as s:
                got = push.apply_results(s, batch, results, index)
                state.observe(s, answer.get("server_time"))
        except BaseException:
            if ahead is not None:
                wait([ahead[2]])  # never leave a request running past this round
            raise
        self._echoes.update(got.exact)
        result.pushed += got.sent
        result.merged += got.merged
        result.conflicts += got.conflicts
        result.rejected += got.rejected
        if got.rejected:  # the screens showing these records show them refused now (services.refused)
            notice = Changes(initiator="sync")
            refused = {r.get("mutation_id") for r in results if isinstance(r, dict) and r.get("status") == "rejected"}
            for p in batch:
                if p.mutation_id in refused:
                    notice.add(p.entity, p.record_id)
            publish(notice)
        if not complete:
            # A server that skips mutations would loop us forever: stop here, retry at the next sync.
            raise SyncError(
                "服务器没有答复部分修改，下次同步时重试", "The server did not answer some edits; they will be sent again",
                code="incomplete_push",
            )
        return ahead

    def _post(self, transport: Transport, body: bytes) -> dict:
        envelope = b'{"device_id":' + push.encode_json(self.device_id) + b',"mutations":' + body + b"}"
        return transport.json("POST", "/sync/push", data=envelope, headers={"Content-Type": "application/json"})

    def _refused(self, exc: ServerRefused, batch: list[push.Pending], done: set[int], result: SyncResult) -> int:
        """A push refused as a whole (a final 4xx): reject the mutations the server named, or the one
        mutation of a single-mutation batch; otherwise halve the batch to find the culprit. Returns the
        batch limit for the rest of this round."""
        named = {m.get("mutation_id"): m for m in exc.details.get("mutations", []) if isinstance(m, dict)}
        culprits = [p for p in batch if p.mutation_id in named] or (batch if len(batch) == 1 else [])
        if not culprits:
            return max(1, len(batch) // 2)
        with self.store.write() as s:
            for p in culprits:
                message = str(named.get(p.mutation_id, {}).get("message") or "")
                code = str(named.get(p.mutation_id, {}).get("code") or exc.server_code)
                push.reject_locally(s, p, code, message or exc.zh, message or exc.en)
        log.warning("push refused (%s): %d mutation(s) marked rejected", exc.server_code, len(culprits))
        done.update(p.seq for p in culprits)
        result.rejected += len(culprits)
        return push.MAX_MUTATIONS

    def _drop_held(self) -> None:
        """Records kept through an eviction only for their unsent edits go once the edits are answered."""
        with self.store.read() as s:
            if not s.connection().execute(select(pull.HELD.c.entity).limit(1)).first():
                return
        with self.store.write() as s:
            dropped = pull.drop_held(s)
            if dropped:
                search.reindex(s, pull.searched(dropped))
        if dropped:
            notice = Changes(initiator="sync")
            for name, ids in dropped.items():
                for rid in ids:
                    notice.add(name, rid)
            publish(notice)

    def _pull(self, transport: Transport, result: SyncResult) -> None:
        restarted = False
        while True:
            with self.store.read() as s:
                cursor = state.get_meta(s, state.CURSOR)
                epoch = state.get_meta(s, state.EPOCH)
                self._bulk = cursor is None or state.get_meta(s, BULK_INDEX) == "1"
            reader = FeedReader(transport, cursor, self.page_size, self.group, self._echoes)
            try:
                for group in reader:
                    if cursor and epoch and group.epoch and group.epoch != epoch:
                        raise ResyncRequired("epoch changed", "The server's epoch changed", code="resync_required")
                    started = time.perf_counter()
                    if not self._apply(group, cursor, result):
                        break  # another process of this account moved the cursor: read on from where it is
                    reader.written(len(group.changes), time.perf_counter() - started)
                    cursor = group.cursor
                    epoch = group.epoch or epoch  # as saved with the group: a re-read's first group brings the new one
                else:
                    return
            except ResyncRequired:
                if restarted or not cursor:
                    raise SyncError("服务器反复要求重新同步", "The server keeps asking for a full re-sync", code="resync_loop") from None
                reader.close()
                self._start_resync(result)
                restarted = True
            finally:
                reader.close()

    def _after_resync(self, transport: Transport, result: SyncResult) -> None:
        """A re-read may have queued again what the restored server lost: send it in this same round."""
        if result.resynced:
            self._push(transport, result)
            self._pull(transport, result)

    def _lost(self, transport: Transport, result: SyncResult) -> None:
        """After the pull (the record shows the value that won): list this device's values that lost, and close
        those the other side has given back since."""
        result.conflicts += receive_lost(self.store, transport, self._lost_latest)
        settle_given_back(self.store)

    def _start_resync(self, result: SyncResult) -> None:
        log.warning("server asks for a full re-sync: re-reading everything, the outbox is kept")
        with self.store.write() as s:
            resync.start(s)
            state.set_meta(s, BULK_INDEX, "1")
        result.resynced = True

    def _apply(self, group: Group, cursor: str | None, result: SyncResult) -> bool:
        """Save a group of pages and the cursor after it in one transaction; False if the cursor moved meanwhile."""
        changes, new_cursor, has_more = group.changes, group.cursor, group.has_more
        touched = Changes(initiator="sync")
        if not changes and new_cursor == cursor and has_more is False:
            return True  # nothing new: no write at all (a quiet sync stays cheap)
        # A group of a first pull (or a re-read) can be fetched again: its commit does not wait for the disk.
        with self.store.write(durable=not self._bulk) as s:
            if state.get_meta(s, state.CURSOR) != cursor:
                return False
            bulk, resyncing = _begin_group(s, cursor, has_more)
            own = resync.own_accepted(s, changes) if resyncing and resync.after_restore(s) else {}
            page = pull.apply_page(s, changes, resync=resyncing, rows=group.rows, grouped=group.grouped)
            for name, ids in resync.send_again(s, own, changes).items():
                page.touched.setdefault(name, set()).update(ids)
                result.resent += len(ids)
            if not bulk:
                search.reindex(s, pull.searched(page.touched))
            _refresh_incidents(s, page)
            pull.queue_thumbnails(s, page.photos, self._has_local)
            state.set_meta(s, state.CURSOR, new_cursor)
            if group.epoch:
                state.set_meta(s, state.EPOCH, group.epoch)
            if not has_more:
                if resyncing:
                    settled = resync.finish(s)
                    result.resent += settled.requeued
                    for name, ids in settled.touched.items():
                        page.touched.setdefault(name, set()).update(ids)
                if bulk:
                    _end_bulk(s)
            still_used = shas_in_use(s, page.dropped_photos)
        if page.dropped_photos:
            remove_files(self.account.photos_dir, page.dropped_photos, still_used)
        result.pulled += page.upserts + page.deletes
        result.evicted += page.evicts
        for name, ids in page.touched.items():
            for rid in ids:
                touched.add(name, rid)
        publish(touched)  # after the commit: views refresh from saved data
        return True

    def _has_local(self, sha: str) -> bool:
        return has_photo(self.account.photos_dir, sha) or has_thumbnail(self.account.photos_dir, sha)

    def _check_user(self, transport: Transport, result: SyncResult) -> None:
        """Keep the role and areas current; drop what belongs to areas taken away (the feed evicts them too)."""
        user = transport.json("GET", "/me")
        user = user.get("user", user)
        latest = user.get("lost_conflicts")  # extension; absent from older servers
        self._lost_latest = latest if type(latest) is int else None
        new = list(user.get("area_ids") or [])
        grant = {"role": user.get("role"), "area_ids": sorted(new)}
        with self.store.read() as s:
            unchanged = state.get_json(s, state.AREA_IDS) == new
            same_scope = scope.stored_scope(s) == grant
        if not same_scope:
            with self.store.write() as s:
                scope.remember_scope(s, grant["role"], new)  # what this device may write, checked offline
        if not unchanged:
            with self.store.write() as s:
                old = state.get_json(s, state.AREA_IDS)
                if old is not None and set(old) - set(new):
                    touched = resync.purge_unassigned(s, old, new)
                    search.reindex(s, pull.searched(touched))
                state.set_json(s, state.AREA_IDS, new)
        link.remember_user(self.account, user)

    def _blobs(self, transport: Transport, result: SyncResult) -> None:
        queue = BlobQueue(self.store, transport, self.account.photos_dir)
        got = queue.run()
        result.uploaded, result.thumbnails = got.uploaded, got.thumbnails

    # -- on demand ---------------------------------------------------------------
    def fetch_original(self, sha256: str) -> Path:
        """The full-size photo: from this computer if it is here, else downloaded now (needs the network)."""
        entry, token = link.require_link(self.account, self.store)
        transport = Transport(entry["url"], token, attempts=self.attempts)
        try:
            return BlobQueue(self.store, transport, self.account.photos_dir).fetch_original(sha256)
        finally:
            transport.close()


def _env_page_size() -> int | None:
    text = os.environ.get(PAGE_ENV, "").strip()
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        return None
    return int(text)


_OnTheWire = tuple[list[push.Pending], bytes, Future]  # a batch, its body, the request carrying it


@dataclass
class _Next:
    """The batch after the one being sent, and the thread that posts it."""

    wire: ThreadPoolExecutor
    make: Any  # () -> (batch, body)

    def post(self, engine: SyncEngine, transport: Transport) -> _OnTheWire | None:
        """Mark the next batch as put on the wire (committed first: a row on the wire is never squashed
        again) and post it. None when there is nothing to send yet, or it must go the ordinary way
        (too large, or squashed meanwhile by another sync: the next _send then says so)."""
        batch, body = self.make()
        if not batch or len(body) > push.MAX_BYTES:
            return None
        try:
            with engine.store.write() as s:
                push.mark_attempted(s, batch)
        except push.OutboxChanged:
            return None
        return batch, body, self.wire.submit(engine._post, transport, body)


def _begin_group(s: Session, cursor: str | None, has_more: bool) -> tuple[bool, bool]:
    """(bulk, resyncing) for the group being saved; a first pull of several groups sets the indexes aside."""
    if cursor is None:
        state.set_meta(s, BULK_INDEX, "1")
    resyncing = resync.in_progress(s)
    if cursor is None and has_more and not resyncing:
        pull.set_indexes_aside(s)  # made once at its end (_end_bulk), or at the next opening if cut short
    return state.get_meta(s, BULK_INDEX) == "1", resyncing


def _end_bulk(s: Session) -> None:
    """The end of a first pull: the indexes set aside made again, the search index rebuilt.

    The search documents are Python work on rows read first; they are made on another thread while
    this one makes the indexes (SQLite's CREATE INDEX runs without the interpreter lock)."""
    sources = search.live_sources(s)
    with ThreadPoolExecutor(1, thread_name_prefix="gridworker-search") as pool:
        docs = pool.submit(search.documents, sources)
        pull.restore_indexes(s)
        search.rebuild(s, docs.result())
    state.delete_meta(s, BULK_INDEX)


def _refresh_incidents(s: Session, page: pull.PageResult) -> None:
    """Handled and closed times are the client's own, derived from the event log: update them for new events."""
    ids = page.touched.get("incident_event")
    if not ids:
        return
    from ..services.incidents import incident_state

    events = IncidentEvent.__table__  # type: ignore[attr-defined]
    incidents = Incident.__table__  # type: ignore[attr-defined]
    incident_ids = set(s.connection().execute(select(events.c.incident_id).where(events.c.id.in_(list(ids)))).scalars())
    for iid in incident_ids:
        try:
            st = incident_state(s, iid)
        except Exception as exc:  # a log the local rules cannot replay must not stop the sync
            log.warning("cannot replay incident %s: %s", iid, exc)
            continue
        s.connection().execute(
            update(incidents).where(incidents.c.id == iid).values(handled_at=st.handled_at, closed_at=st.closed_at)
        )
