"""Blobs: resumable chunked upload, SHA-256 check, content-addressed storage, thumbnails, scoped reads."""

from __future__ import annotations

import hashlib
import io
import os

from PIL import Image

from .conftest import new_id
from .helpers import dispatch_to, photo_fields, report


def jpeg(width=1200, height=800, seed=0) -> bytes:
    """A real JPEG of noise (`seed` only names the call: every picture differs anyway)."""
    img = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def put(api, sha, data, start, total, **headers):
    end = start + len(data) - 1
    return api.request("PUT", f"/blobs/{sha}", content=data, headers={"Content-Range": f"bytes {start}-{end}/{total}"} | headers)


def upload(api, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    r = put(api, sha, data, 0, len(data))
    assert r.status_code == 201, r.text
    return sha


def test_interrupted_upload_resumes_and_is_stored_content_addressed(world):
    w1 = world.api("w1")
    data = jpeg(seed=1)
    sha = hashlib.sha256(data).hexdigest()
    third = len(data) // 3
    assert w1.request("HEAD", f"/blobs/{sha}").status_code == 404
    r = put(w1, sha, data[:third], 0, len(data))
    assert r.status_code == 200 and r.json() == {"received": third}
    # The connection drops here; later the client asks where to resume.
    assert w1.request("GET", f"/blobs/{sha}/upload").json()["received"] == third
    r = put(w1, sha, data[third + 10 : 2 * third], third + 10, len(data))
    assert r.status_code == 409 and r.json()["error"]["details"]["received"] == third
    assert put(w1, sha, data[third : 2 * third], third, len(data)).json() == {"received": 2 * third}
    r = put(w1, sha, data[2 * third :], 2 * third, len(data))
    assert r.status_code == 201 and r.json() == {"received": len(data)}
    stored = world.settings.blob_dir / sha[:2] / sha[2:4] / sha
    assert stored.read_bytes() == data
    assert not any((world.settings.blob_dir / "uploads").rglob("*.part"))
    assert w1.request("HEAD", f"/blobs/{sha}").status_code == 200  # the uploader may read it back
    assert w1.request("GET", f"/blobs/{sha}").content == data


def test_hash_mismatch_discards_the_upload(world):
    w1 = world.api("w1")
    data = jpeg(seed=2)
    wrong = hashlib.sha256(b"something else").hexdigest()
    r = put(w1, wrong, data, 0, len(data))
    assert r.status_code == 422 and r.json()["error"]["code"] == "hash_mismatch"
    assert w1.request("GET", f"/blobs/{wrong}/upload").json()["received"] == 0
    assert not (world.settings.blob_dir / wrong[:2] / wrong[2:4] / wrong).exists()
    assert w1.request("HEAD", f"/blobs/{wrong}").status_code == 404


def test_bad_hashes_and_ranges_are_clear_4xx(world):
    w1 = world.api("w1")
    data = b"x" * 100
    sha = hashlib.sha256(data).hexdigest()
    for bad in ("abc", sha.upper(), "g" * 64, sha + "0", "..%2F..%2Fetc%2Fpasswd", "%2e%2e"):
        for method, path in (("HEAD", ""), ("GET", ""), ("GET", "/thumbnail"), ("GET", "/upload"), ("PUT", "")):
            r = w1.request(method, f"/blobs/{bad}{path}", content=data if method == "PUT" else None,
                           headers={"Content-Range": "bytes 0-99/100"} if method == "PUT" else {})  # fmt: skip
            assert r.status_code in (400, 404), (bad, method, path, r.status_code)
            if method != "HEAD" and r.status_code == 400:
                assert r.json()["error"]["code"] == "bad_hash"
    assert w1.request("GET", f"/blobs/{'A' * 64}").json()["error"]["code"] == "bad_hash"
    for header in (None, "bytes 0-99", "items 0-99/100", "bytes 5-2/100", "bytes 0-49/100", "bytes 0-99/50", "bytes -1-99/100"):
        headers = {"Content-Range": header} if header else {}
        r = w1.request("PUT", f"/blobs/{sha}", content=data, headers=headers)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_range", header
    big_total = 20 * 1024 * 1024 + 1
    r = w1.request("PUT", f"/blobs/{sha}", content=data, headers={"Content-Range": f"bytes 0-99/{big_total}"})
    assert r.status_code == 413 and r.json()["error"]["details"]["limit"] == "blob"
    chunk = b"\0" * (4 * 1024 * 1024 + 1)
    r = w1.request("PUT", f"/blobs/{sha}", content=chunk, headers={"Content-Range": f"bytes 0-{len(chunk) - 1}/{len(chunk)}"})
    assert r.status_code == 413 and r.json()["error"]["details"]["limit"] == "upload chunk"
    assert w1.request("GET", f"/blobs/{sha}/upload").json()["received"] == 0


def test_reads_need_a_visible_photo_record(world):
    w1, w2, w3, disp, admin, h1 = (world.api(n) for n in ("w1", "w2", "w3", "disp", "admin", "h1"))
    data = jpeg(640, 480, seed=3)
    sha = upload(w1, data)
    for api in (w2, disp, admin, h1):
        assert api.request("GET", f"/blobs/{sha}").status_code == 404  # no photo record yet: not even admins
    visit = new_id()
    w1.upsert("visit", visit, {"area_id": world.area_ids["G1"], "visited_at": "2026-11-21T09:30:00+08:00", "outcome": "met"})
    w1.upsert("photo", new_id(), {"sha256": sha, "entity": "visit", "entity_id": visit, "area_id": world.area_ids["G1"],
                                  "mime": "image/jpeg", "width": 640, "height": 480, "bytes": len(data)})  # fmt: skip
    for api in (disp, admin):
        r = api.request("GET", f"/blobs/{sha}")
        assert r.status_code == 200 and r.content == data and r.headers["content-type"] == "image/jpeg"
        assert api.request("HEAD", f"/blobs/{sha}").status_code == 200
    for api in (w2, w3, h1):
        for path in ("", "/thumbnail"):
            r = api.request("GET", f"/blobs/{sha}{path}")
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        assert api.request("HEAD", f"/blobs/{sha}").status_code == 404
        assert api.request("GET", f"/blobs/{sha}/upload").json() == {"received": 0, "complete": False}


def test_handlers_read_the_photos_of_their_incidents(world):
    w1, disp, h1, h2 = world.api("w1"), world.api("disp"), world.api("h1"), world.api("h2")
    data = jpeg(300, 200, seed=4)
    sha = upload(w1, data)
    iid = report(world, w1)
    w1.upsert("photo", new_id(), photo_fields(world, iid, sha))
    assert h1.request("GET", f"/blobs/{sha}").status_code == 404
    dispatch_to(world, disp, iid, "h1")
    assert h1.request("GET", f"/blobs/{sha}").content == data
    assert h2.request("GET", f"/blobs/{sha}").status_code == 404


def test_thumbnails_are_jpeg_with_a_long_edge_of_320(world):
    w1 = world.api("w1")
    data = jpeg(1200, 800, seed=5)
    sha = upload(w1, data)
    r = w1.request("GET", f"/blobs/{sha}/thumbnail")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(r.content)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (320, 213)
    junk = b"\xff\xd8\xff" + os.urandom(5000)  # starts like a JPEG (taken), yet no picture
    junk_sha = upload(w1, junk)
    r = w1.request("GET", f"/blobs/{junk_sha}/thumbnail")
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_an_image"


def test_abandoned_uploads_are_swept(world):
    w1 = world.api("w1")
    data = os.urandom(1000)
    sha = hashlib.sha256(data).hexdigest()
    assert put(w1, sha, data[:400], 0, 1000).status_code == 200
    blobs = world.app.state.gw.blobs
    assert blobs.sweep_uploads(older_than_s=3600) == 0  # a fresh upload stays
    part = next((world.settings.blob_dir / "uploads" / sha).glob("*.part"))
    os.utime(part, (0, 0))
    assert blobs.sweep_uploads(older_than_s=3600) == 1
    assert w1.request("GET", f"/blobs/{sha}/upload").json()["received"] == 0
