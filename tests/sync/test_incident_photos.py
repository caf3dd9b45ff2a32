"""Every photo of an incident reaches everyone who sees the incident, handlers included (issue 12, item 2).

Three real devices on one real server: the grid worker reports with a photo,
the dispatcher accepts and dispatches to a handler, and the handler's device
holds the photo taken at report time (record and thumbnail file) after its
sync, and can open the original.
"""

import hashlib
import os
import sqlite3
from contextlib import closing

from PIL import Image
from sqlmodel import select

from gridworker import photos
from gridworker.domain.categories import load_categories
from gridworker.domain.fieldwork import Photo
from gridworker.services import incidents

from .helpers import new_household
from .server import SERVER_PASSWORD


def _picture(path):
    Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3)).save(path, quality=90)
    return path


def _report(worker, tmp_path):
    _, hh = new_household(worker, room="301")
    entry = worker.account.info["server"]
    category = next(c.code for c in load_categories() if c.parent_code)
    incident = incidents.report_incident(
        worker.store, worker.account.photos_dir, reporter_id=entry["user_id"], reporter_role=entry["role"],
        category=category, description="楼道堆物", photos=[_picture(tmp_path / "scene.jpg")], household_id=hh.id,
    )  # fmt: skip
    with worker.store.read() as s:
        photo = s.exec(select(Photo).where(Photo.entity_id == incident.id)).one()
    return incident, photo


def _dispatch(dispatcher, incident_id, handler_id):
    entry = dispatcher.account.info["server"]
    who = {"actor_id": entry["user_id"], "actor_role": entry["role"]}
    incidents.transition_incident(dispatcher.store, incident_id, "accept", **who)
    incidents.transition_incident(dispatcher.store, incident_id, "dispatch", assignee_id=handler_id, **who)


def _handler_photo(handler, photo_id):
    with handler.store.read() as s:
        return s.get(Photo, photo_id)


def test_the_handler_receives_the_photo_taken_at_report_time(fresh_server, clients, tmp_path):
    srv = fresh_server
    srv.admin("user", "add", "hd", "--role", "handler", "--area", "G1", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    worker, dispatcher, handler = clients(srv, "w1a"), clients(srv, "disp"), clients(srv, "hd")
    worker.sync_ok()
    handler.sync_ok()
    incident, photo = _report(worker, tmp_path)
    worker.sync_ok()  # record and file go up
    dispatcher.sync_ok()
    _dispatch(dispatcher, incident.id, handler.account.info["server"]["user_id"])
    dispatcher.sync_ok()

    handler.sync_ok()
    got = _handler_photo(handler, photo.id)
    assert got is not None, "the handler's device never received the photo taken at report time"
    assert (got.sha256, got.entity_id) == (photo.sha256, incident.id)
    assert photos.has_thumbnail(handler.account.photos_dir, photo.sha256)
    handler.engine.fetch_original(photo.sha256)
    original = photos.read_bytes(handler.account.photos_dir, photo.sha256)  # stored encrypted: read through photos
    assert hashlib.sha256(original).hexdigest() == photo.sha256


def test_a_photo_stored_without_its_parent_is_repaired_at_server_start(fresh_server, clients, tmp_path):
    """Photos pushed before the fix have no parent on the server: the start-up repair gives it, once."""
    srv = fresh_server
    srv.admin("user", "add", "hd", "--role", "handler", "--area", "G1", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    worker, dispatcher, handler = clients(srv, "w1a"), clients(srv, "disp"), clients(srv, "hd")
    worker.sync_ok()
    handler.sync_ok()
    incident, photo = _report(worker, tmp_path)
    worker.sync_ok()
    srv.stop()  # as a server before the fix stored it: no parent
    with closing(sqlite3.connect(srv.data / "server.db")) as db, db:
        db.execute("UPDATE records SET parent_id = NULL WHERE entity = 'photo' AND id = ?", (photo.id,))
    srv.start()  # the repair runs at start
    dispatcher.sync_ok()
    _dispatch(dispatcher, incident.id, handler.account.info["server"]["user_id"])
    dispatcher.sync_ok()

    handler.sync_ok()
    assert _handler_photo(handler, photo.id) is not None
    assert photos.has_thumbnail(handler.account.photos_dir, photo.sha256)
    with closing(sqlite3.connect(srv.data / "server.db")) as db:
        (parent, version), = db.execute("SELECT parent_id, version FROM records WHERE id = ?", (photo.id,))
    assert parent == incident.id
    srv.stop()
    srv.start()  # idempotent: a second start changes nothing
    with closing(sqlite3.connect(srv.data / "server.db")) as db:
        assert db.execute("SELECT version FROM records WHERE id = ?", (photo.id,)).fetchone() == (version,)
