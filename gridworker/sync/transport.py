"""HTTP to the sync server with `requests`: headers, timeouts, error bodies mapped to sync errors.

Every request carries `X-Gridworker-Schema: 1` and, but for login, the bearer
token. `call()` retries what is transient (no connection, a connection cut
mid-answer, 5xx, 429) — but not a server that said nothing for the whole
read timeout — a few times with backoff before giving up with the
error, so one flaky moment does not fail a whole sync; everything else is
raised at once. Every endpoint the engine uses is idempotent (push by
mutation_id, uploads by Content-Range), so a retry never doubles anything.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import requests

from .backoff import Backoff, parse_retry_after
from .errors import NoAnswer, Offline, ResyncRequired, ServerBusy, ServerRefused, ServerStorageFull, SignedOut, SyncError, UpdateRequired

log = logging.getLogger(__name__)

SCHEMA = "1"
API = "/api/v1"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
# Waits this long at most inside one sync; a longer Retry-After ends the sync and the worker reschedules.
MAX_INLINE_WAIT = 10.0


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON: Chinese text travels as 3 bytes a character, not as a 6-byte \\u escape."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Transport:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        attempts: int = 4,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.attempts = attempts
        self.backoff = backoff or Backoff(base=0.25, cap=4.0)
        self.sleep = sleep
        self.http = session or requests.Session()
        self.http.headers.update({"X-Gridworker-Schema": SCHEMA, "User-Agent": "GridWorker-client"})

    def close(self) -> None:
        self.http.close()

    # -- one request ---------------------------------------------------------
    def request(
        self, method: str, path: str, *, json_body: Any = None, data: bytes | None = None,
        headers: dict[str, str] | None = None, params: dict[str, Any] | None = None, auth: bool = True,
        timeout: float = READ_TIMEOUT,
    ) -> requests.Response:
        """One HTTP exchange; a 2xx (or 404 for HEAD/GET of blobs, left to the caller) is returned, errors raised."""
        hdrs = dict(headers or {})
        if auth and self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        if json_body is not None:
            data = encode_json(json_body)
            hdrs["Content-Type"] = "application/json"
        try:
            resp = self.http.request(
                method, self.base_url + API + path, data=data, headers=hdrs, params=params,
                timeout=(CONNECT_TIMEOUT, timeout), allow_redirects=False,
            )
            if method != "HEAD":
                _ = resp.content  # read the whole body here, so a cut shows up as Offline
        except requests.ReadTimeout as exc:
            raise NoAnswer(type(exc).__name__) from exc
        except requests.RequestException as exc:
            raise Offline(type(exc).__name__) from exc
        check_status(resp)
        return resp

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """`request` with retries of transient failures (see the module docstring)."""
        for attempt in range(1, self.attempts + 1):
            try:
                resp = self.request(method, path, **kwargs)
                self.backoff.succeeded()
                return resp
            except (Offline, ServerBusy) as exc:
                retry_after = getattr(exc, "retry_after", None)
                if attempt == self.attempts or (retry_after or 0) > MAX_INLINE_WAIT or isinstance(exc, NoAnswer):
                    raise  # a server that took the request and said nothing for the whole read timeout would
                    # only make a retry wait as long again (4 tries were 4 minutes): the worker retries later
                wait = self.backoff.failed(retry_after)
                log.info("%s %s failed (%s), retry %d in %.2f s", method, path, exc.code, attempt, wait)
                self.sleep(min(wait, MAX_INLINE_WAIT))
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, **kwargs: Any) -> dict:
        resp = self.call(method, path, **kwargs)
        try:
            body = resp.json()
        except ValueError as exc:  # a body cut short without the transport noticing
            raise Offline("incomplete answer") from exc
        if not isinstance(body, dict):
            raise Offline("unexpected answer")
        return body


def error_body(resp: requests.Response) -> tuple[str, str, dict]:
    """(code, message, details) of a PROTOCOL.md error body, tolerant of anything else."""
    try:
        err = resp.json().get("error") or {}
    except (ValueError, AttributeError):
        err = {}
    if not isinstance(err, dict):
        err = {}
    details = err.get("details") if isinstance(err.get("details"), dict) else {}
    return str(err.get("code") or f"http_{resp.status_code}"), str(err.get("message") or resp.reason or ""), details


def check_status(resp: requests.Response) -> None:
    status = resp.status_code
    if status < 300 or (status == 404 and resp.request.method in ("HEAD", "GET") and "/blobs/" in resp.url):
        return
    code, message, details = error_body(resp)
    if status == 401:
        raise SignedOut(code)
    if status == 426:
        raise UpdateRequired()
    if status == 410:
        raise ResyncRequired(message or "resync required", "The server asks for a full re-sync", code=code)
    if status == 507:
        raise ServerStorageFull(code, message, details)
    if status == 429 or status >= 500:
        raise ServerBusy(status, parse_retry_after(resp.headers.get("Retry-After")), message)
    if 300 <= status < 400:
        raise Offline(f"redirect {status}")
    zh, en = _both_languages(resp)
    raise ServerRefused(status, code, zh or message, details, message_en=en)


def _both_languages(resp: requests.Response) -> tuple[str, str]:
    """The server's message_zh and message_en, when it sent both ("" otherwise: `message` is all there is)."""
    try:
        err = resp.json().get("error") or {}
        zh, en = err.get("message_zh"), err.get("message_en")
    except (ValueError, AttributeError):
        return "", ""
    return (zh, en) if isinstance(zh, str) and isinstance(en, str) and zh and en else ("", "")


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, SyncError) and exc.transient
