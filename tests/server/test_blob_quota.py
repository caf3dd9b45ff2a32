"""Blob storage is bounded: per-user quotas, a free-space floor, collection of unused blobs, a usage report (issue 11, item 7)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from gridworker.server.core import blob_usage
from gridworker.server.admin.cli import main
from gridworker.server.core.config import BlobPolicy
from gridworker.server.core.schema import records

from .conftest import build_world, make_server, new_id, wait_for
from .helpers import dispatch_to, photo_fields, report

KIB = 1024


@contextmanager
def policy(world, **values):
    gw = world.app.state.gw
    old = gw.settings
    gw.settings = replace(old, blob_policy=replace(old.blob_policy, **values))
    try:
        yield gw.settings.blob_policy
    finally:
        gw.settings = old


def put(api, data: bytes, start: int = 0, total: int | None = None, sha: str | None = None):
    total = len(data) if total is None else total
    sha = sha or hashlib.sha256(data).hexdigest()
    end = start + len(data) - 1
    return api.request("PUT", f"/blobs/{sha}", content=data, headers={"Content-Range": f"bytes {start}-{end}/{total}"})


def blob(size: int) -> bytes:
    return b"\xff\xd8\xff" + os.urandom(size - 3)  # the server takes only what starts like a JPEG


def stored(world, sha: str) -> bool:
    return (world.settings.blob_dir / sha[:2] / sha[2:4] / sha).is_file()


def test_unclaimed_blobs_are_limited_per_user_until_a_photo_record_uses_them(world):
    w1, h1, w2 = world.api("w1"), world.api("h1"), world.api("w2")
    with policy(world, unclaimed_bytes=1000 * KIB):
        files = [blob(300 * KIB) for _ in range(4)]
        for data in files[:3]:
            assert put(h1, data).status_code == 201
        r = put(h1, files[3])
        assert r.status_code == 507, r.text
        err = r.json()["error"]
        assert err["code"] == "blob_quota" and err["details"]["quota"] == "unclaimed"
        assert "quota" in err["message"] and "MiB" in err["message"]
        assert not stored(world, hashlib.sha256(files[3]).hexdigest())
        assert put(w2, blob(300 * KIB)).status_code == 201  # the quota is each user's own
        # A photo record that uses one of them frees its share of the quota.
        iid = report(world, w1)
        dispatch_to(world, world.api("disp"), iid, "h1")
        first = hashlib.sha256(files[0]).hexdigest()
        assert h1.upsert("photo", new_id(), photo_fields(world, iid, first))["status"] == "applied"
        assert put(h1, files[3]).status_code == 201
        # A file a live photo record names already is never refused for the quota.
        named = blob(400 * KIB)
        assert h1.upsert("photo", new_id(), photo_fields(world, iid, hashlib.sha256(named).hexdigest()))["status"] == "applied"
        assert put(h1, named).status_code == 201


def test_unfinished_uploads_are_limited_per_user(world):
    w1 = world.api("w1")
    with policy(world, unfinished_bytes=1000 * KIB):
        a, b = blob(900 * KIB), blob(900 * KIB)
        sha_a, sha_b = hashlib.sha256(a).hexdigest(), hashlib.sha256(b).hexdigest()
        assert put(w1, a[: 600 * KIB], total=len(a), sha=sha_a).status_code == 200
        r = put(w1, b[: 600 * KIB], total=len(b), sha=sha_b)
        assert r.status_code == 507 and r.json()["error"]["details"]["quota"] == "unfinished", r.text
        assert w1.request("GET", f"/blobs/{sha_b}/upload").json()["received"] == 0
        # Finishing the first upload is within the quota, and then there is room again.
        r = put(w1, a[600 * KIB :], start=600 * KIB, total=len(a), sha=sha_a)
        assert r.status_code == 201, r.text
        assert put(w1, b[: 600 * KIB], total=len(b), sha=sha_b).status_code == 200


def test_uploads_below_the_free_space_floor_get_507_with_a_clear_message(world):
    w1 = world.api("w1")
    data = blob(10 * KIB)
    with policy(world, min_free_bytes=1 << 60):
        r = put(w1, data)
        assert r.status_code == 507
        assert r.json()["error"]["code"] == "storage_full"
        assert "disk space" in r.json()["error"]["message"]
        zh = w1.request("PUT", f"/blobs/{hashlib.sha256(data).hexdigest()}", content=data,
                        headers={"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}", "Accept-Language": "zh"})  # fmt: skip
        assert "存储空间不足" in zh.json()["error"]["message"]
    assert put(w1, data).status_code == 201


def test_collection_deletes_blobs_no_live_photo_names_after_the_grace_period(world):
    w1, disp = world.api("w1"), world.api("disp")
    iid = report(world, w1)
    unused, used, dropped = blob(20 * KIB), blob(20 * KIB), blob(20 * KIB)
    shas = {name: hashlib.sha256(d).hexdigest() for name, d in (("unused", unused), ("used", used), ("dropped", dropped))}
    assert w1.upsert("photo", new_id(), photo_fields(world, iid, shas["used"]))["status"] == "applied"
    dropped_id = new_id()
    assert w1.upsert("photo", dropped_id, photo_fields(world, iid, shas["dropped"]))["status"] == "applied"
    for d in (unused, used, dropped):
        assert put(w1, d).status_code == 201
    gw = world.app.state.gw
    with gw.db.write() as conn:  # photos are create-only: a tombstone comes from the server's own deletes
        conn.execute(update(records).where(records.c.entity == "photo", records.c.id == dropped_id).values(deleted=True))
    grace = gw.settings.blob_policy.grace_s
    # Within the grace period nothing goes.
    assert blob_usage.collect(gw.db, gw.blobs, gw.settings.blob_policy).blobs == 0
    done = blob_usage.collect(gw.db, gw.blobs, gw.settings.blob_policy, now=time.time() + grace + 60)
    assert done.blobs >= 2 and done.bytes >= 40 * KIB
    assert not stored(world, shas["unused"]) and not stored(world, shas["dropped"])
    assert stored(world, shas["used"])
    assert disp.request("GET", f"/blobs/{shas['used']}").content == used
    assert w1.request("HEAD", f"/blobs/{shas['unused']}").status_code == 404
    # The uploader may send it again (it is gone, so it is a new upload).
    assert put(w1, unused).status_code == 201


def test_the_cli_reports_usage_per_user_and_collects(world, monkeypatch, capsys):
    h2 = world.api("h2")
    unfinished = blob(64 * KIB)
    assert put(h2, blob(50 * KIB)).status_code == 201
    assert put(h2, unfinished[: 10 * KIB], total=len(unfinished), sha=hashlib.sha256(unfinished).hexdigest()).status_code == 200
    url = world.settings.database_url
    if url:
        monkeypatch.setenv("GRIDWORKER_DATABASE_URL", url)
    else:
        monkeypatch.delenv("GRIDWORKER_DATABASE_URL", raising=False)
    data = str(world.settings.data_dir)
    assert main(["--lang", "en", "blobs", "--data", data]) == 0
    out = capsys.readouterr().out
    assert "Unclaimed" in out and "Unfinished uploads" in out
    assert any(line.startswith("h2\t") for line in out.splitlines()), out
    assert main(["--lang", "en", "blobs", "--data", data, "--json"]) == 0
    report_ = json.loads(capsys.readouterr().out)
    mine = next(u for u in report_["per_user"] if u["username"] == "h2")
    assert mine["unclaimed_bytes"] >= 50 * KIB and mine["unfinished_bytes"] == 10 * KIB
    assert report_["unfinished_bytes"] >= 10 * KIB and report_["unclaimed_bytes"] >= 50 * KIB
    assert main(["--lang", "en", "blobs", "collect", "--data", data, "--grace-hours", "0"]) == 0
    assert "Removed" in capsys.readouterr().out
    assert main(["--lang", "en", "blobs", "--data", data, "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["unclaimed_bytes"] == 0 and all(u["unclaimed_bytes"] == 0 for u in after["per_user"])
    assert main(["--lang", "zh", "blobs", "collect", "--data", data, "--grace-hours", "-1"]) == 1
    assert "grace-hours" in capsys.readouterr().err


def test_the_policy_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GRIDWORKER_BLOB_QUOTA_UNCLAIMED_MB", "50")
    monkeypatch.setenv("GRIDWORKER_BLOB_MIN_FREE_MB", "2048")
    monkeypatch.setenv("GRIDWORKER_BLOB_GRACE_HOURS", "24")
    p = BlobPolicy.from_env()
    assert (p.unclaimed_bytes, p.min_free_bytes, p.grace_s) == (50 << 20, 2048 << 20, 24 * 3600)
    assert p.unfinished_bytes == BlobPolicy().unfinished_bytes
    monkeypatch.setenv("GRIDWORKER_BLOB_GRACE_HOURS", "soon")
    with pytest.raises(Exception, match="GRIDWORKER_BLOB_GRACE_HOURS"):
        BlobPolicy.from_env()


def test_a_running_server_collects_by_itself(backend, pg_cluster, tmp_path):
    url = pg_cluster.url(pg_cluster.fresh_database()) if backend == "postgresql" else None
    app, settings = make_server(tmp_path / "data", url, blob_policy=BlobPolicy(grace_s=0.5, collect_every_s=0.2))
    build_world(app)
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/login", json={"username": "w1", "password": "password-1", "device_id": "d"},
                            headers={"X-Gridworker-Schema": "1"}).json()["token"]  # fmt: skip
        data = blob(5 * KIB)
        sha = hashlib.sha256(data).hexdigest()
        r = client.put(f"/api/v1/blobs/{sha}", content=data, headers={
            "X-Gridworker-Schema": "1", "Authorization": f"Bearer {token}", "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"})  # fmt: skip
        assert r.status_code == 201
        path = settings.blob_dir / sha[:2] / sha[2:4] / sha
        assert path.is_file()
        assert wait_for(lambda: not path.exists(), timeout=15)
    app.state.gw.db.dispose()


def test_photo_records_without_a_live_parent_do_not_lift_the_unclaimed_quota(world):
    """Orphan photo records (an incident nobody has) claim nothing: their files count as unclaimed (fixA, item 2)."""
    w3 = world.api("w3")
    with policy(world, unclaimed_bytes=700 * KIB):
        files = [blob(300 * KIB) for _ in range(4)]
        for data in files[:2]:
            assert put(w3, data).status_code == 201
        for data in files:  # every file named by a photo record of an incident that does not exist
            sha = hashlib.sha256(data).hexdigest()
            assert w3.upsert("photo", new_id(), photo_fields(world, new_id(), sha) | {"area_id": world.area_ids["G3"]})["status"] == "applied"
        with world.db.engine.connect() as conn:
            assert blob_usage.unclaimed_bytes(conn, w3.user["id"]) == 600 * KIB
        r = put(w3, files[2])
        assert r.status_code == 507 and r.json()["error"]["details"]["quota"] == "unclaimed", r.text
        assert not stored(world, hashlib.sha256(files[2]).hexdigest())
        # A live parent claims the file again: a real report's photo frees its share.
        iid = report(world, w3, "G3")
        assert w3.upsert("photo", new_id(), photo_fields(world, iid, hashlib.sha256(files[0]).hexdigest()))["status"] == "applied"
        assert put(w3, files[2]).status_code == 201


def test_a_chunk_larger_than_the_unfinished_quota_says_so(world):
    w2 = world.api("w2")
    with policy(world, unfinished_bytes=100 * KIB):
        data = blob(300 * KIB)
        for lang in ("zh", "en"):
            r = w2.request("PUT", f"/blobs/{hashlib.sha256(data).hexdigest()}", content=data,
                           headers={"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}", "Accept-Language": lang})  # fmt: skip
            assert r.status_code == 507, r.text
            err = r.json()["error"]
            assert err["code"] == "blob_quota" and err["details"]["quota"] == "unfinished"
            assert "0.0 MiB" not in err["message"] and "同步照片记录" not in err["message"]
            if lang == "zh":
                assert "大于" in err["message"] and "0.3 MiB" in err["message"] and "0.1 MiB" in err["message"]
            else:
                assert "larger than" in err["message"] and "0.3 MiB" in err["message"] and "0.1 MiB" in err["message"]
