"""The blob queue: our photos up to the server (resumable), thumbnails of others' photos down, originals on demand.

Uploads resume where the server says it stopped (`received`), chunk by
chunk with Content-Range, so a cut connection costs at most one chunk.
Thumbnails are fetched eagerly after each pull; an original only when
someone opens the photo (`fetch_original`). No database transaction is
held while bytes travel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session
from sqlmodel import select as orm_select

from .. import photos
from ..domain.errors import NotFound
from ..domain.fieldwork import Photo
from ..domain.models import Outbox
from ..store.database import Store
from ..store.sync_tables import SyncBlob
from .errors import ServerRefused, ServerStorageFull
from .transport import Transport

log = logging.getLogger(__name__)

BLOBS = SyncBlob.__table__  # type: ignore[attr-defined]
PHOTO = Photo.__table__  # type: ignore[attr-defined]
OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
CHUNK = 1024 * 1024  # PROTOCOL.md allows 4 MiB; 1 MiB loses little when a connection is cut
MAX_RESTARTS = 3


@dataclass
class BlobCounts:
    uploaded: int = 0
    thumbnails: int = 0
    waiting: int = 0  # uploads not done (the status shows "photos waiting")
    failed: int = 0


def _now() -> datetime:
    return datetime.now(timezone.utc)


class BlobQueue:
    def __init__(self, store: Store, transport: Transport, photos_dir: Path):
        self.store = store
        self.transport = transport
        self.photos_dir = Path(photos_dir)

    # -- the queue -----------------------------------------------------------------
    def enqueue_uploads(self) -> None:
        """Queue the file of every photo record this device made (its outbox row not rejected)."""
        made_here = (
            select(PHOTO.c.sha256)
            .join(OUTBOX, and_(OUTBOX.c.entity == "photo", OUTBOX.c.record_id == PHOTO.c.id))
            .outerjoin(BLOBS, and_(BLOBS.c.sha256 == PHOTO.c.sha256, BLOBS.c.kind == "upload"))
            .where(OUTBOX.c.state != "rejected", BLOBS.c.sha256 == None)  # noqa: E711
            .distinct()
        )
        with self.store.read() as s:
            shas = s.connection().execute(made_here).scalars().all()
        if shas:
            with self.store.write() as s:
                stmt = sqlite_insert(BLOBS).on_conflict_do_nothing(index_elements=["sha256", "kind"])
                s.connection().execute(stmt, [{"sha256": sha, "kind": "upload", "state": "waiting", "attempts": 0} for sha in shas])

    def _rows(self, kind: str) -> list[SyncBlob]:
        with self.store.read() as s:
            return list(s.exec(orm_select(SyncBlob).where(SyncBlob.kind == kind, SyncBlob.state != "done")))

    def _set(self, sha: str, kind: str, state: str, error: str | None = None, *, attempt: bool = False) -> None:
        with self.store.write() as s:
            values = {"state": state, "last_error": error, "updated_at": _now()}
            if attempt:
                values["attempts"] = BLOBS.c.attempts + 1
            s.connection().execute(update(BLOBS).where(BLOBS.c.sha256 == sha, BLOBS.c.kind == kind).values(**values))

    def run(self) -> BlobCounts:
        """Upload what waits, then fetch the thumbnails due. Transient errors propagate (the sync is incomplete)."""
        counts = BlobCounts()
        self.enqueue_uploads()
        full: ServerStorageFull | None = None
        for row in self._rows("upload"):
            try:
                if self.upload(row.sha256):
                    counts.uploaded += 1
            except ServerStorageFull as exc:  # 507: the others would be refused too; say so once the thumbnails are in
                self._set(row.sha256, "upload", "waiting", exc.en, attempt=True)
                full = exc
                break
        for row in self._rows("thumb"):
            if _due(row) and self.fetch_thumbnail(row.sha256):
                counts.thumbnails += 1
        counts.waiting, counts.failed = self.counts()
        if full is not None:
            raise full
        return counts

    def counts(self) -> tuple[int, int]:
        """(uploads waiting, uploads failed for good)."""
        with self.store.read() as s:
            rows = s.connection().execute(
                select(BLOBS.c.state).where(BLOBS.c.kind == "upload", BLOBS.c.state != "done")
            ).scalars().all()
        return sum(st == "waiting" for st in rows), sum(st == "failed" for st in rows)

    # -- upload -----------------------------------------------------------------------
    def received(self, sha: str) -> int:
        body = self.transport.json("GET", f"/blobs/{sha}/upload")
        value = body.get("received", 0)
        return value if isinstance(value, int) and value >= 0 else 0

    def is_stored(self, sha: str) -> bool:
        return self.transport.call("HEAD", f"/blobs/{sha}").status_code == 200

    def upload(self, sha: str) -> bool:
        """Send one photo file, from where the server stopped. True once the server holds it whole."""
        try:
            total = photos.photo_size(self.photos_dir, sha)
        except photos.PhotoError as exc:
            self._set(sha, "upload", "failed", exc.message("en"), attempt=True)
            return False
        if self.is_stored(sha):
            self._set(sha, "upload", "done")
            return True
        for _restart in range(MAX_RESTARTS):
            try:
                if self._send_from(sha, self.received(sha), total):
                    self._set(sha, "upload", "done")
                    return True
            except photos.PhotoError as exc:  # the local file is cut or altered (photo_damaged): sending it is pointless
                if exc.code != "photo_damaged":
                    raise  # photos_locked: this process was not given the account's key, a bug to see, not a failed photo
                log.warning("upload of %s stopped: %s", sha, exc.code)
                self._set(sha, "upload", "failed", exc.message("en"), attempt=True)
                return False
            except ServerRefused as exc:
                if self.is_stored(sha):  # the answer to the last chunk was lost, not the chunk
                    self._set(sha, "upload", "done")
                    return True
                if exc.server_code == "not_a_jpeg":  # the server takes only JPEG photos: sending it again is pointless
                    self._set(sha, "upload", "failed", exc.en, attempt=True)
                    return False
                if exc.server_code == "hash_mismatch" and not photos.verify(self.photos_dir, sha):
                    self._set(sha, "upload", "failed", "local file damaged", attempt=True)
                    return False
                log.info("upload of %s refused (%s): starting again from the server's count", sha, exc.server_code)
                self._set(sha, "upload", "waiting", exc.en, attempt=True)
        return False

    def _send_from(self, sha: str, start: int, total: int) -> bool:
        """PUT the chunks from `start`; True after the server's 201. False if the server's count went astray."""
        if start > total:
            start = 0
        for offset, chunk in photos.iter_chunks(self.photos_dir, sha, start, CHUNK):
            end = offset + len(chunk) - 1
            resp = self.transport.call(
                "PUT", f"/blobs/{sha}", data=chunk,
                headers={"Content-Range": f"bytes {offset}-{end}/{total}", "Content-Type": "application/octet-stream"},
            )  # fmt: skip
            if resp.status_code == 201:
                return True
            try:
                got = resp.json().get("received")
            except (ValueError, AttributeError):
                got = None
            if got != end + 1:
                return False
        return self.is_stored(sha)

    # -- download -------------------------------------------------------------------
    def fetch_thumbnail(self, sha: str) -> bool:
        try:
            resp = self.transport.call("GET", f"/blobs/{sha}/thumbnail")
        except ServerRefused as exc:
            # A final 4xx for this one photo (422 not_an_image: the server holds a file nobody can show):
            # that thumbnail failed, with the server's code as the reason; the round goes on.
            log.warning("thumbnail of %s refused (%s %s)", sha, exc.status, exc.server_code)
            self._set(sha, "thumb", "failed", exc.server_code, attempt=True)
            return False
        if resp.status_code == 404:
            self._set(sha, "thumb", "unavailable", "not on the server yet", attempt=True)
            return False
        try:
            photos.save_bytes(resp.content, self.photos_dir, sha, thumbnail=True)
        except photos.PhotoError as exc:
            self._set(sha, "thumb", "waiting", exc.message("en"), attempt=True)
            return False
        self._set(sha, "thumb", "done")
        return True

    def fetch_original(self, sha: str) -> Path:
        """The full photo file, downloaded now if this device does not have it; its local path."""
        photos.check_sha256(sha)
        if photos.has_photo(self.photos_dir, sha):
            return photos.path_for(self.photos_dir, sha)
        resp = self.transport.call("GET", f"/blobs/{sha}", timeout=120)
        if resp.status_code == 404:
            raise NotFound("服务器上没有这张照片（或您无权查看）", "The server has no such photo (or you may not see it)")
        return photos.save_bytes(resp.content, self.photos_dir, sha)


def _due(row: SyncBlob) -> bool:
    """A thumbnail the server did not have (or refused) is asked for again after a growing pause (2^n minutes, at most a day)."""
    if row.state not in ("unavailable", "failed"):
        return True
    pause = timedelta(minutes=min(2 ** min(row.attempts, 11), 24 * 60))
    return _now() - row.updated_at >= pause


def remove_files(photos_dir: Path, shas: list[str], still_used: set[str]) -> None:
    """Delete the local copies of evicted photos no other local record uses (they left this user's scope)."""
    for sha in shas:
        if sha in still_used:
            continue
        for path in (photos.path_for(photos_dir, sha), photos.thumb_path_for(photos_dir, sha)):
            path.unlink(missing_ok=True)


def shas_in_use(s: Session, shas: list[str]) -> set[str]:
    """Of the files of evicted photos, those that must stay: still used by a local record, or not yet uploaded.

    A photo this device made leaves the user's scope (an area reassigned) before
    its file went up: its record goes, but the file is the only copy there is.
    It is queued for upload here, in the eviction's own transaction, and kept.
    """
    if not shas:
        return set()
    conn = s.connection()
    photo = Photo.__table__  # type: ignore[attr-defined]
    blobs = SyncBlob.__table__  # type: ignore[attr-defined]
    used = set(conn.execute(select(photo.c.sha256).where(photo.c.sha256.in_(shas))).scalars())
    outbox = Outbox.__table__  # type: ignore[attr-defined]
    sha_of = func.json_extract(outbox.c.fields, "$.sha256")
    made_here = set(
        conn.execute(
            select(sha_of).where(outbox.c.entity == "photo", outbox.c.state != "rejected", sha_of.in_(shas))
        ).scalars()
    )
    if made_here:
        queue = sqlite_insert(blobs).on_conflict_do_nothing(index_elements=["sha256", "kind"])
        conn.execute(queue, [{"sha256": sha, "kind": "upload", "state": "waiting", "attempts": 0} for sha in made_here])
    unsent = set(
        conn.execute(
            select(blobs.c.sha256).where(blobs.c.kind == "upload", blobs.c.state != "done", blobs.c.sha256.in_(shas))
        ).scalars()
    )
    return used | made_here | unsent
