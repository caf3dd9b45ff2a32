"""Photo storage that no photo record uses: per-user quotas, the free-space floor, collection, usage report.

A blob is *claimed* while a live (not deleted) photo record names its hash;
*unclaimed* otherwise. For the quotas a photo record claims its blob only while
the record it belongs to (its `entity`/`entity_id`) is live too: otherwise
photo records of nothing would let a user store past the unclaimed quota. Uploads are open to every signed-in user (api/blobs.py),
so without limits anyone could fill the disk with files nobody refers to:

- a user's unclaimed whole blobs and their unfinished uploads each have a quota
  (BlobPolicy); a chunk that would go over answers 507 `blob_quota`;
- below a floor of free disk space every upload answers 507 `storage_full`;
- `collect` deletes blobs no live photo names once they are older than the grace
  period, and uploads nobody continued for a week; `serve` runs it periodically,
  `gridworker-server blobs collect` on demand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import JSON, cast, delete, exists, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from .blobs import BlobStore, ContentRange
from .config import MIB, BlobPolicy
from .errors import ApiError
from .schema import blob_uploaders, blobs, records, server_meta, users


def _named():
    """A live photo record names the blob of the enclosing query."""
    return exists().where(records.c.entity == "photo", records.c.sha256 == blobs.c.sha256, records.c.deleted.is_(False))


def _claimed(conn: Connection, sha):
    """A live photo record whose own parent record is live names the blob `sha` (a column or a value)."""
    photo, owner = records.alias("photo"), records.alias("owner")
    if conn.dialect.name == "postgresql":
        def field(key: str):
            return func.json_extract_path_text(cast(photo.c.data, JSON), key)
    else:
        def field(key: str):
            return func.json_extract(photo.c.data, f"$.{key}")
    live_parent = exists().where(owner.c.entity == field("entity"), owner.c.id == field("entity_id"), owner.c.deleted.is_(False))
    return exists().where(photo.c.entity == "photo", photo.c.sha256 == sha, photo.c.deleted.is_(False), live_parent)


def is_named(conn: Connection, sha: str) -> bool:
    """Whether a photo record of a live record claims this hash (its upload is then not counted)."""
    return bool(conn.execute(select(_claimed(conn, literal(sha)))).scalar())


def unclaimed_bytes(conn: Connection, user_id: str) -> int:
    """Bytes of the whole blobs this user uploaded that no photo record of a live record claims."""
    return int(
        conn.execute(
            select(func.coalesce(func.sum(blobs.c.size), 0))
            .select_from(blobs.join(blob_uploaders, blob_uploaders.c.sha256 == blobs.c.sha256))
            .where(blob_uploaders.c.user_id == user_id, ~_claimed(conn, blobs.c.sha256))
        ).scalar()
    )


def _mib(n: int) -> str:
    return f"{n / MIB:.1f} MiB"


def check_upload(conn: Connection, store: BlobStore, policy: BlobPolicy, user_id: str, sha: str, rng: ContentRange) -> None:
    """Refuse (507) a chunk that would take the disk below its floor or the user over a quota."""
    chunk = rng.end - rng.start + 1
    free = store.free_bytes()
    if free - chunk < policy.min_free_bytes:
        raise ApiError(
            507,
            "storage_full",
            "服务器存储空间不足，暂时无法接收照片；照片已保留在本机，请联系管理员",
            "The server is running out of disk space and cannot take photos now; they stay on this computer: tell the administrator",
            {"free_bytes": free, "floor_bytes": policy.min_free_bytes},
        )
    mine = store.unfinished_of(user_id)
    others = sum(n for h, n in mine.items() if h != sha)
    if rng.end + 1 > policy.unfinished_bytes:  # this upload alone, up to this chunk, is over the limit
        raise _too_big(rng.end + 1, policy.unfinished_bytes)
    if others + rng.end + 1 > policy.unfinished_bytes:
        raise _quota("unfinished", others + mine.get(sha, 0), policy.unfinished_bytes)
    if store.has(sha) or is_named(conn, sha):
        return  # nothing new kept, or a photo record already uses it
    used = unclaimed_bytes(conn, user_id)
    if used + rng.total > policy.unclaimed_bytes:
        raise _quota("unclaimed", used, policy.unclaimed_bytes)


def _too_big(size: int, limit: int) -> ApiError:
    return ApiError(
        507,
        "blob_quota",
        f"照片未上传：这次上传已有 {_mib(size)}，大于未完成上传的上限 {_mib(limit)}。请联系管理员",
        f"Photo not uploaded: this upload is {_mib(size)}, larger than the limit of {_mib(limit)} for unfinished uploads. Tell the administrator",
        {"quota": "unfinished", "used_bytes": size, "limit_bytes": limit},
    )


def _quota(kind: str, used: int, limit: int) -> ApiError:
    what_zh = "未完成的上传" if kind == "unfinished" else "未被任何照片记录使用的文件"
    what_en = "unfinished uploads" if kind == "unfinished" else "uploaded files no photo record uses"
    return ApiError(
        507,
        "blob_quota",
        f"照片存储配额已满：您的{what_zh}已占 {_mib(used)}（上限 {_mib(limit)}）。请先同步照片记录，或联系管理员",
        f"Photo storage quota reached: your {what_en} take {_mib(used)} (limit {_mib(limit)}). Sync the photo records first, or tell the administrator",
        {"quota": kind, "used_bytes": used, "limit_bytes": limit},
    )


# -- collection --------------------------------------------------------------------------------------
@dataclass
class Collected:
    blobs: int = 0
    bytes: int = 0
    uploads: int = 0


def collect(db, store: BlobStore, policy: BlobPolicy, *, now: float | None = None) -> Collected:
    """Delete blobs no live photo record names, uploaded more than the grace period ago, and abandoned uploads.

    Several server processes may share the blobs folder. Each row is deleted only if it is still
    stale and unnamed at the moment of the DELETE, and its file is removed before that transaction
    commits: an upload of the same blob registers its row first (api/blobs.py), so it either
    refreshed the row before (nothing deleted) or waits for this commit and then puts its file
    back. Pushes take turns with this transaction (Database.write): a photo record pushed after it
    names a blob the server no longer has, so its author is asked to upload it again
    (blob_access.may_claim).
    """
    now = time.time() if now is None else now
    cutoff = now - policy.grace_s
    out = Collected()
    with db.read() as conn:
        stale = conn.execute(select(blobs.c.sha256).where(blobs.c.created_at < cutoff, ~_named())).scalars().all()
    for start in range(0, len(stale), 500):
        with db.write() as conn:
            gone = conn.execute(
                delete(blobs)
                .where(blobs.c.sha256.in_(stale[start : start + 500]), blobs.c.created_at < cutoff, ~_named())
                .returning(blobs.c.sha256)
            ).scalars().all()
            if gone:
                conn.execute(delete(blob_uploaders).where(blob_uploaders.c.sha256.in_(gone)))
            for sha in gone:
                out.bytes += store.remove(sha)
                out.blobs += 1
    out.uploads = store.sweep_uploads()
    return out


COLLECT_DUE = "blob_collect_due"  # server_meta: when the next collection is due (unix seconds)


def claim_round(db, every_s: float, *, now: float | None = None) -> bool:
    """Whether this process runs the collection now: the first to ask once it is due, of every process on the database."""
    now = time.time() if now is None else now
    dialect_insert = pg_insert if not db.is_sqlite else sqlite_insert
    with db.plain() as conn:  # SQLite: one writer at a time; PostgreSQL: the row lock below
        conn.execute(dialect_insert(server_meta).values(key=COLLECT_DUE, value="0").on_conflict_do_nothing())
        q = select(server_meta.c.value).where(server_meta.c.key == COLLECT_DUE)
        due = float(conn.execute(q if db.is_sqlite else q.with_for_update()).scalar() or 0)
        if due > now:
            return False
        conn.execute(update(server_meta).where(server_meta.c.key == COLLECT_DUE).values(value=repr(now + every_s)))
        return True


# -- the report -----------------------------------------------------------------------------------------
@dataclass
class UserUsage:
    username: str
    uploaded_bytes: int = 0
    unclaimed_bytes: int = 0
    unfinished_bytes: int = 0


@dataclass
class Usage:
    blobs: int = 0
    bytes: int = 0
    unclaimed_blobs: int = 0
    unclaimed_bytes: int = 0
    unfinished_uploads: int = 0
    unfinished_bytes: int = 0
    free_bytes: int = 0
    per_user: list[UserUsage] = field(default_factory=list)


def usage(conn: Connection, store: BlobStore) -> Usage:
    u = Usage(free_bytes=store.free_bytes())
    total = conn.execute(select(func.count(), func.coalesce(func.sum(blobs.c.size), 0))).one()
    unclaimed = conn.execute(select(func.count(), func.coalesce(func.sum(blobs.c.size), 0)).where(~_named())).one()
    u.blobs, u.bytes = int(total[0]), int(total[1])  # PostgreSQL sums to Decimal
    u.unclaimed_blobs, u.unclaimed_bytes = int(unclaimed[0]), int(unclaimed[1])
    names = dict(conn.execute(select(users.c.id, users.c.username)).all())
    per: dict[str, UserUsage] = {}
    rows = conn.execute(
        select(blob_uploaders.c.user_id, blobs.c.size, _named().label("named")).select_from(
            blobs.join(blob_uploaders, blob_uploaders.c.sha256 == blobs.c.sha256)
        )
    ).all()
    for user_id, size, named in rows:
        entry = per.setdefault(user_id, UserUsage(names.get(user_id, user_id)))
        entry.uploaded_bytes += int(size)
        if not named:
            entry.unclaimed_bytes += int(size)
    for user_id, parts in store.unfinished().items():
        entry = per.setdefault(user_id, UserUsage(names.get(user_id, user_id)))
        entry.unfinished_bytes += sum(parts.values())
        u.unfinished_uploads += len(parts)
        u.unfinished_bytes += sum(parts.values())
    u.per_user = sorted(per.values(), key=lambda e: (-(e.unclaimed_bytes + e.unfinished_bytes), e.username))
    return u
