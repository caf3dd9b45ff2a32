"""One photo the server cannot show never stops a sync; the server refuses a blob that is not a JPEG (fixA, item 1).

Real server process: a second worker pushes a `photo` record for an incident
and uploads bytes for it by hand (as a broken or hostile client could).
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid

import pytest
import requests
from sqlmodel import select

from gridworker.sync.review import review_lists
from gridworker.sync.errors import ServerRefused
from gridworker.store.sync_tables import SyncBlob
from gridworker.sync.transport import Transport
from gridworker.sync.worker import read_status

from .server import SERVER_PASSWORD
from .test_blob_refusal import _report_with_photo

JPEG_MAGIC = b"\xff\xd8\xff"


def _raw(srv, username: str):
    """(headers, device id) of a hand-made API client signed in as `username`."""
    device = f"raw-{username}"
    body = requests.post(
        srv.url + "/api/v1/auth/login",
        json={"username": username, "password": SERVER_PASSWORD, "device_id": device},
        headers={"X-Gridworker-Schema": "1"}, timeout=10,
    ).json()  # fmt: skip
    return {"X-Gridworker-Schema": "1", "Authorization": f"Bearer {body['token']}"}, device


def _put(srv, headers, data: bytes) -> requests.Response:
    sha = hashlib.sha256(data).hexdigest()
    return requests.put(
        f"{srv.url}/api/v1/blobs/{sha}", data=data, timeout=10,
        headers=headers | {"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"},
    )  # fmt: skip


def _push_photo(srv, headers, device: str, incident_id: str, sha: str) -> None:
    fields = {"sha256": sha, "entity": "incident", "entity_id": incident_id, "mime": "image/jpeg",
              "width": 10, "height": 10, "bytes": 100}  # fmt: skip
    mutation = {"mutation_id": str(uuid.uuid4()), "entity": "photo", "id": str(uuid.uuid4()), "op": "upsert",
                "base_version": None, "fields": fields, "hlc": f"{int(time.time() * 1000):013d}-0000-{device}"}  # fmt: skip
    r = requests.post(srv.url + "/api/v1/sync/push", json={"device_id": device, "mutations": [mutation]}, headers=headers, timeout=10)
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text


def _incident_id(client) -> str:
    from gridworker.domain.fieldwork import Incident

    with client.store.read() as s:
        return s.exec(select(Incident)).one().id


def test_a_photo_the_server_cannot_show_does_not_stop_the_sync(fresh_server, clients, tmp_path):
    srv = fresh_server
    a = clients(srv, "w1a")
    a.sync_ok()
    _report_with_photo(a, tmp_path)
    a.sync_ok()
    headers, device = _raw(srv, "w1b")
    junk = JPEG_MAGIC + os.urandom(4000)  # starts like a JPEG (so the upload is taken), but no image: thumbnail 422
    assert _put(srv, headers, junk).status_code == 201
    sha = hashlib.sha256(junk).hexdigest()
    _push_photo(srv, headers, device, _incident_id(a), sha)

    for _round in range(2):  # every round completes: the bad photo is not retried at once, nor an error
        result = a.sync_ok()
    assert result.error is None
    with a.store.read() as s:
        row = s.exec(select(SyncBlob).where(SyncBlob.kind == "thumb", SyncBlob.sha256 == sha)).one()
    assert row.state == "failed" and row.last_error == "not_an_image" and row.attempts == 1
    status = read_status(a.account, a.store)
    assert status.state != "error" and status.last_error is None
    # The sync page's photo list names it, with the reason.
    listed = [p for p in review_lists(a.store).photos if p.sha256 == sha]
    assert len(listed) == 1 and listed[0].kind == "thumb" and listed[0].last_error == "not_an_image"


def test_the_server_refuses_an_upload_that_is_not_a_jpeg_in_both_languages(fresh_server):
    srv = fresh_server
    headers, _device = _raw(srv, "w1a")
    data = os.urandom(3000)
    data = data if not data.startswith(JPEG_MAGIC) else b"x" + data
    sha = hashlib.sha256(data).hexdigest()
    for lang in ("zh-CN", "en"):
        r = _put(srv, headers | {"Accept-Language": lang}, data)
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert err["code"] == "not_a_jpeg" and err["details"]["field"] == "body"
        assert "JPEG" in err["message_en"] and "不是 JPEG 照片" in err["message_zh"]
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in err["message_en"])
        assert err["message"] == (err["message_en"] if lang == "en" else err["message_zh"])
    assert requests.head(f"{srv.url}/api/v1/blobs/{sha}", headers=headers, timeout=10).status_code == 404
    assert requests.get(f"{srv.url}/api/v1/blobs/{sha}/upload", headers=headers, timeout=10).json()["received"] == 0
    # The client's error carries the server's English as English, the Chinese as Chinese.
    t = Transport(srv.url, headers["Authorization"].split()[1], attempts=1)
    try:
        with pytest.raises(ServerRefused) as caught:
            t.call("PUT", f"/blobs/{sha}", data=data, headers={"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"})
    finally:
        t.close()
    assert caught.value.server_code == "not_a_jpeg"
    assert "JPEG" in caught.value.en and not any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.en)
    assert "不是 JPEG 照片" in caught.value.zh


def test_an_upload_the_server_refuses_as_not_a_jpeg_fails_once_and_is_not_resent(fresh_server, clients):
    from gridworker import photos
    from gridworker.sync import link
    from gridworker.sync.blobs import BlobQueue

    a = clients(fresh_server, "w1a")
    a.sync_ok()
    data = b"GIF89a" + os.urandom(2000)
    sha = hashlib.sha256(data).hexdigest()
    photos.storage.store_file(a.account.photos_dir, sha, data)
    with a.store.write() as s:
        s.add(SyncBlob(sha256=sha, kind="upload", state="waiting", attempts=0))
    _, token = link.require_link(a.account, a.store)
    t = Transport(fresh_server.url, token, attempts=1)
    try:
        assert BlobQueue(a.store, t, a.account.photos_dir).upload(sha) is False
    finally:
        t.close()
    with a.store.read() as s:
        row = s.exec(select(SyncBlob).where(SyncBlob.kind == "upload", SyncBlob.sha256 == sha)).one()
    assert row.state == "failed" and row.attempts == 1 and "JPEG" in (row.last_error or "")
