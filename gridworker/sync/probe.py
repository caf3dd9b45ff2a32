"""A sync with nothing to do, told with the stdlib and sqlcipher3 alone (no SQLAlchemy, no requests).

`gridworker sync` spends most of a quiet round importing the store and the
engine (SQLAlchemy, SQLModel, pydantic, requests: about a second). A Probe
looks at what a round of the engine (engine.SyncEngine.sync_once) would
find to do, in the same order, and answers only when the answer is
certainly "nothing":

- the database is at the migrations' head and the photos are encrypted
  (opening the store would change nothing);
- the account is linked and holds a token; no offline area waits to be mapped;
- no edit is pending in the outbox; no record is held for unsent edits;
- no re-read is under way, a cursor is held, no search index awaits its rebuild;
- no photo of this device lacks its upload entry, no upload is unfinished,
  no thumbnail is due (blobs._due: one the server did not have waits 2^n minutes);
- the server's feed from the cursor is empty, at the same cursor and epoch
  (GET /sync/pull, as the engine asks it);
- GET /me says the same role, areas and name as kept here, and no lost
  conflict is newer than what was read (else GET /conflicts/mine, as the
  engine asks it, brings nothing new).

Then it records the success exactly as the engine's `_finish` does (last
success, no last error, state ok) and returns the counts the result shows.
Anything else — a difference, an error, an answer it does not expect —
returns None, and the caller runs the engine, which does the work and says
what happened in its own words (the probe's requests are reads: asking again
costs nothing but time). One exception: a server that took a request and
did not answer within the read timeout (hung or overloaded). Asking again
would cost the engine's own wait of a minute, so the probe records the
engine's failure for it (sync/errors.NoAnswer: last error, state offline)
and returns that result; the worker tries again later, as after the engine's.

`status()` reads what `sync.status.read_status` reads, with the same rules.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import sqlcipher3.dbapi2 as sqlcipher

from .state_rule import current_state

log = logging.getLogger(__name__)

# The keys of sync.state / sync.resync / services.scope / sync.engine (tests/sync/test_cli_probe.py checks they match).
TOKEN, AREA_IDS, CURSOR, EPOCH = "server.token", "server.area_ids", "sync.cursor", "sync.epoch"
RESYNC, BULK_INDEX, SCOPE = "sync.resync", "sync.bulk_index", "server.scope"
LAST_SUCCESS, LAST_ERROR, STATE = "sync.last_success", "sync.last_error", "sync.state"
SET_ASIDE, LOST_CURSOR = "sync.set_aside", "sync.lost_conflicts"
PHOTOS_ENCRYPTED = "photos_encrypted"
API, SCHEMA, LOST_PAGE, PAGE_SIZE = "/api/v1", "1", 200, 1000
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 60.0
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy")

# The fields of engine.SyncResult, in its order: the result of a quiet round as `gridworker sync --json` prints it.
RESULT_FIELDS = ("complete", "state", "pushed", "merged", "conflicts", "rejected", "pulled", "evicted", "uploaded",
                 "thumbnails", "resynced", "resent", "pending", "photos_waiting", "error")  # fmt: skip

# A photo made here (its outbox row not refused) with no upload entry: the blob queue would queue it.
_UNQUEUED_PHOTO = """
SELECT 1 FROM photo JOIN outbox ON outbox.entity = 'photo' AND outbox.record_id = photo.id
LEFT OUTER JOIN sync_blob ON sync_blob.sha256 = photo.sha256 AND sync_blob.kind = 'upload'
WHERE outbox.state != 'rejected' AND sync_blob.sha256 IS NULL LIMIT 1
"""
_WORK_WAITING = (
    "SELECT 1 FROM outbox WHERE state = 'pending' LIMIT 1",
    "SELECT 1 FROM sync_evicted LIMIT 1",
    "SELECT 1 FROM area WHERE version = 0 LIMIT 1",
    "SELECT 1 FROM sync_blob WHERE kind = 'upload' AND state != 'done' LIMIT 1",
    "SELECT 1 FROM sync_blob WHERE kind != 'upload' AND state NOT IN ('done', 'unavailable', 'failed') LIMIT 1",
    _UNQUEUED_PHOTO,
)


class _Hung(Exception):
    """The server took a request and sent nothing back within READ_TIMEOUT."""


class Unsure(Exception):
    """The probe cannot say "nothing to do": the engine decides."""


def migrations_head() -> str | None:
    from ..store.migrate import quick_head  # the migration files' text, without Alembic or SQLAlchemy

    return quick_head()


class Probe:
    """One account's quiet-round check; keeps its database and HTTP connections between rounds."""

    def __init__(self, db_path: Path, key: bytes, info: dict[str, Any], *, page_size: int = PAGE_SIZE):
        self.db_path = Path(db_path)
        self.info = info
        self.page_size = page_size
        self._key_pragma = f"PRAGMA key = \"x'{key.hex()}'\""
        self._db: sqlcipher.Connection | None = None
        self._http: http.client.HTTPConnection | None = None
        self._http_for: tuple[str, str] | None = None

    # -- the database ------------------------------------------------------------------
    def _conn(self) -> sqlcipher.Connection:
        """The connection, opened as the store opens its own; Unsure when opening the store would change something."""
        if self._db is None:
            if not self.info.get(PHOTOS_ENCRYPTED) or not self.db_path.is_file():
                raise Unsure("photos to encrypt, or no database yet")
            conn = sqlcipher.connect(str(self.db_path), timeout=30, check_same_thread=False, isolation_level=None)
            try:
                conn.execute(self._key_pragma)
                conn.execute("PRAGMA busy_timeout = 30000")
                conn.execute("PRAGMA synchronous = FULL")
                stored = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            except sqlcipher.Error as exc:
                conn.close()
                raise Unsure(f"database: {exc}") from None
            if len(stored) != 1 or stored[0][0] != migrations_head():
                conn.close()
                raise Unsure("the database is not at the migrations' head")
            self._db = conn
        return self._db

    def _meta(self, conn: sqlcipher.Connection, *keys: str) -> dict[str, str]:
        marks = ",".join("?" * len(keys))
        return dict(conn.execute(f'SELECT "key", value FROM meta WHERE "key" IN ({marks})', keys).fetchall())

    def counts(self, conn: sqlcipher.Connection) -> dict[str, int]:
        """sync.status.counts, in SQL."""
        by_state = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
        dismissed = conn.execute(
            "SELECT count(*) FROM outbox WHERE state = 'rejected' AND json_extract(result, '$.dismissed_at') IS NOT NULL"
        ).fetchone()[0]
        conflicts = conn.execute("SELECT count(*) FROM sync_conflict WHERE resolution IS NULL").fetchone()[0]
        blobs = dict(conn.execute("SELECT state, count(*) FROM sync_blob WHERE kind = 'upload' GROUP BY state").fetchall())
        return {
            "pending": by_state.get("pending", 0), "rejected": by_state.get("rejected", 0) - dismissed,
            "conflicts": conflicts, "photos_waiting": blobs.get("waiting", 0), "photos_failed": blobs.get("failed", 0),
        }  # fmt: skip

    # -- status ------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """What sync.status.read_status returns (as SyncStatus.to_json()); Unsure when the store must open first."""
        conn = self._conn()
        try:
            conn.execute("BEGIN")
            try:
                c = self.counts(conn)
                meta = self._meta(conn, STATE, LAST_SUCCESS, LAST_ERROR, TOKEN, SET_ASIDE)
            finally:
                conn.execute("COMMIT")
        except sqlcipher.Error as exc:  # the store's path words it (a damaged file, a disk error)
            raise Unsure(f"database: {exc}") from None
        saved_state, token = meta.get(STATE), meta.get(TOKEN)
        set_aside = (json.loads(meta[SET_ASIDE]) if meta.get(SET_ASIDE) else None) or []
        current = current_state((self.info.get("server") or {}).get("url"), token, saved_state, set_aside=bool(set_aside),
                                rejected=c["rejected"], conflicts=c["conflicts"])
        last = meta.get(LAST_SUCCESS)
        return {
            "state": current, "online": None, "syncing": False, "pending": c["pending"], "conflicts": c["conflicts"],
            "rejected": c["rejected"], "photos_waiting": c["photos_waiting"],
            "last_success": datetime.fromisoformat(last).isoformat() if last else None,
            "last_error": json.loads(meta[LAST_ERROR]) if meta.get(LAST_ERROR) else None,
            "next_retry_s": None, "set_aside": set_aside,
        }  # fmt: skip

    # -- a quiet round -----------------------------------------------------------------
    def quiet_round(self) -> dict[str, Any] | None:
        """The result of a round with nothing to do (already recorded as a success), or None: run the engine."""
        try:
            local = self._local()
            self._feed_unchanged(local)
            self._user_unchanged(local)
            return self._finish()
        except Unsure as why:
            log.debug("sync probe hands over: %s", why)
            return None
        except _Hung:
            self._drop_http()
            from .errors import NoAnswer  # only here: the quiet path stays without the engine's modules

            return self._failed(NoAnswer("ReadTimeout"))
        except (OSError, http.client.HTTPException, sqlcipher.Error, ValueError) as exc:
            log.debug("sync probe hands over after %s", type(exc).__name__)
            self._drop_http()
            return None
        except Exception:  # a bug here must not cost the round: the engine does it, the log keeps the trace
            log.warning("sync probe failed; the engine does the round", exc_info=True)
            self._drop_http()
            return None

    def _local(self) -> dict[str, Any]:
        entry = self.info.get("server") or {}
        if not entry.get("url"):
            raise Unsure("not linked")
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            if any(conn.execute(sql).fetchone() for sql in _WORK_WAITING) or _thumbnail_due(conn):
                raise Unsure("work waits here")
            meta = self._meta(conn, TOKEN, CURSOR, EPOCH, RESYNC, BULK_INDEX, AREA_IDS, SCOPE, LOST_CURSOR)
        finally:
            conn.execute("COMMIT")
        if not meta.get(TOKEN) or not meta.get(CURSOR) or meta.get(RESYNC) or meta.get(BULK_INDEX) == "1":
            raise Unsure("signed out, never synced, or a re-read under way")
        lost = json.loads(meta[LOST_CURSOR]) if meta.get(LOST_CURSOR) else {}
        after = int(lost.get("after") or 0) if lost.get("epoch") == meta.get(EPOCH) else 0
        return {"url": entry["url"], "entry": entry, "lost_after": after, **meta}

    def _feed_unchanged(self, local: dict[str, Any]) -> None:
        status, body = self._get(local, "/sync/pull", {"limit": self.page_size, "cursor": local[CURSOR]})
        if status != 200 or body.get("changes") != [] or body.get("cursor") != local[CURSOR] or body.get("has_more"):
            raise Unsure("the feed has something")
        if body.get("epoch") and local.get(EPOCH) and str(body["epoch"]) != local[EPOCH]:
            raise Unsure("the server's epoch changed")

    def _user_unchanged(self, local: dict[str, Any]) -> None:
        status, body = self._get(local, "/me")
        if status != 200:
            raise Unsure(f"/me answered {status}")
        user = body.get("user", body)
        if not isinstance(user, dict):
            raise Unsure("/me answered something else")
        areas = list(user.get("area_ids") or [])
        grant = {"role": user.get("role"), "area_ids": sorted(areas)}
        kept = json.loads(local[AREA_IDS]) if local.get(AREA_IDS) else None
        scope = json.loads(local[SCOPE]) if local.get(SCOPE) else None
        entry, fresh = local["entry"], {"role": user.get("role"), "area_ids": areas, "display_name": user.get("display_name")}
        if kept != areas or scope != grant or any(entry.get(k) != v for k, v in fresh.items()):
            raise Unsure("the user's role, areas or name changed")
        latest = user.get("lost_conflicts")
        if type(latest) is int and latest <= local["lost_after"]:
            return
        self._nothing_lost(local)

    def _nothing_lost(self, local: dict[str, Any]) -> None:
        after = local["lost_after"]
        status, body = self._get(local, "/conflicts/mine", {"after": after, "limit": LOST_PAGE})
        if status in (404, 405):
            return  # a server without the extension (conflicts.receive_lost)
        if status != 200:
            raise Unsure(f"/conflicts/mine answered {status}")
        items = body.get("conflicts") if isinstance(body.get("conflicts"), list) else []
        ids = [i["id"] for i in items if isinstance(i, dict) and type(i.get("id")) is int]
        nxt = body.get("next")
        if max([after, *ids, nxt if type(nxt) is int else after]) > after:
            raise Unsure("a lost conflict to list")

    def _finish(self) -> dict[str, Any]:
        """What engine._finish saves after a round without error, and the result it shows."""
        return self._record(None)

    def _failed(self, err: Any) -> dict[str, Any]:
        """What engine._finish saves after a round that failed with the SyncError `err`, and its result."""
        return self._record(err)

    def _record(self, err: Any) -> dict[str, Any]:
        conn = self._conn()
        now = datetime.now(timezone.utc).isoformat()
        upsert = 'INSERT INTO meta ("key", value) VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET value = excluded.value'
        conn.execute("BEGIN IMMEDIATE")
        try:
            c = self.counts(conn)
            if err is None:
                conn.execute(upsert, (LAST_SUCCESS, now))
                conn.execute('DELETE FROM meta WHERE "key" = ?', (LAST_ERROR,))
            else:
                error = {"code": err.code, "zh": err.zh, "en": err.en, "at": now}
                conn.execute(upsert, (LAST_ERROR, json.dumps(error, ensure_ascii=False)))
            conn.execute(upsert, (STATE, "ok" if err is None else err.state))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        result: dict[str, Any] = dict.fromkeys(RESULT_FIELDS, 0)
        result |= {"state": "ok" if err is None else err.state, "resynced": False, "error": err,
                   "pending": c["pending"], "photos_waiting": c["photos_waiting"]}  # fmt: skip
        result["complete"] = err is None and c["pending"] == 0 and c["photos_waiting"] == 0
        return result

    # -- HTTP --------------------------------------------------------------------------
    def _get(self, local: dict[str, Any], path: str, params: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        """One GET as transport.Transport makes it; (status, JSON object body or {}).

        A kept connection the server closed while idle (keep-alive ends after a few seconds) is
        opened again once: a GET is safe to repeat. A new connection that fails raises (offline).
        """
        headers = {"X-Gridworker-Schema": SCHEMA, "User-Agent": "GridWorker-client", "Authorization": f"Bearer {local[TOKEN]}",
                   "Accept": "*/*", "Accept-Encoding": "identity"}  # fmt: skip
        while True:
            reused = self._http is not None
            conn, prefix = self._connection(local["url"])
            try:
                conn.request("GET", prefix + API + path + ("?" + urlencode(params) if params else ""), headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except TimeoutError as exc:  # the request went out and nothing came back: not asked again (see _Hung)
                self._drop_http()
                raise _Hung() from exc
            except (OSError, http.client.HTTPException):
                self._drop_http()
                if not reused:
                    raise
        if resp.will_close:
            self._drop_http()
        if resp.status != 200:
            return resp.status, {}
        body = json.loads(data)
        if not isinstance(body, dict):
            raise Unsure("an answer that is not an object")
        return resp.status, body

    def _connection(self, url: str) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname or _proxied():
            raise Unsure("a proxy or an address requests would treat otherwise")
        if self._http is None or self._http_for != (url, parts.scheme):
            self._drop_http()
            if parts.scheme == "https":
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    parts.hostname, parts.port, timeout=CONNECT_TIMEOUT, context=_tls_context()
                )
            else:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CONNECT_TIMEOUT)
            conn.connect()
            conn.sock.settimeout(READ_TIMEOUT)
            self._http, self._http_for = conn, (url, parts.scheme)
        return self._http, parts.path

    def _drop_http(self) -> None:
        if self._http is not None:
            self._http.close()
        self._http = self._http_for = None

    def close(self) -> None:
        self._drop_http()
        if self._db is not None:
            self._db.close()
            self._db = None


def _thumbnail_due(conn: sqlcipher.Connection) -> bool:
    """blobs._due of every thumbnail the server did not have or refused: asked again after 2^n minutes (a day at most)."""
    now = datetime.now(timezone.utc)
    for attempts, updated in conn.execute(
        "SELECT attempts, updated_at FROM sync_blob WHERE kind = 'thumb' AND state IN ('unavailable', 'failed')"
    ):
        at = datetime.fromisoformat(updated)  # stored as UTC without its zone
        if now - (at if at.tzinfo else at.replace(tzinfo=timezone.utc)) >= timedelta(minutes=min(2 ** min(attempts, 11), 24 * 60)):
            return True
    return False


def _proxied() -> bool:
    """requests would go through a proxy (environment variables): leave that to it."""
    return any(os.environ.get(v) or os.environ.get(v.upper()) for v in PROXY_VARS)


def _tls_context():
    """The certificates requests trusts: REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE, else certifi's bundle."""
    import ssl

    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if not bundle:
        import certifi

        bundle = certifi.where()
    return ssl.create_default_context(cafile=bundle)
