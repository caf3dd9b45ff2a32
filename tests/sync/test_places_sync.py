"""Places and their inspections through a real server (issue 15): offline on one device, on every other after.

A grid worker inspects a shop while the server is down (two failed items,
with photos): the inspection, its photos, hazards and `found` events wait in
the outbox. Once the server is back, a second worker of the grid and the
community's dispatcher receive all of it — the hazards with the state the
server derived, the photo files. A major hazard is then escalated into an
incident, which follows the closed loop: dispatched to a handler, handled
with a photo, verified and rated closed by the worker.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from PIL import Image
from sqlmodel import select

from gridworker import photos
from gridworker.domain.fieldwork import CHINA_TZ, Incident, Photo
from gridworker.domain.places.checklists import load_checklists
from gridworker.domain.placework import Hazard, HazardEvent, Inspection, Place
from gridworker.services import incidents
from gridworker.services import places as svc

from .helpers import area_ids
from .server import SERVER_PASSWORD


def _picture(path):
    Image.frombytes("RGB", (160, 120), os.urandom(160 * 120 * 3)).save(path, quality=90)
    return path


def _who(client) -> dict:
    entry = client.account.info["server"]
    return {"actor_id": entry["user_id"], "actor_role": entry["role"]}


def _records(client, model):
    with client.store.read() as s:
        return {r.id: r for r in s.exec(select(model))}


def test_an_offline_inspection_reaches_the_grid_and_the_dispatcher_and_its_hazard_closes_the_loop(fresh_server, clients, tmp_path):
    srv = fresh_server
    srv.admin("user", "add", "hd", "--role", "handler", "--area", "C1", "--password-stdin", stdin=SERVER_PASSWORD + "\n")
    worker, other, dispatcher, handler = (clients(srv, u) for u in ("w1a", "w1b", "disp", "hd"))
    for c in (worker, other, dispatcher, handler):
        c.sync_ok()
    me = worker.account.info["server"]["user_id"]
    shop = svc.register_place(worker.store, {"name": "老王便利店", "kind": "shop", "area_id": area_ids(worker)["G1"],
                                             "person_in_charge": "王建国", "phone": "13800138000"})
    worker.sync_ok()

    srv.stop()  # offline: the inspection is made and saved on the device alone
    fails = {"EXIT": [_picture(tmp_path / "exit.jpg")], "NO-SLEEP": [_picture(tmp_path / "bed1.jpg"), _picture(tmp_path / "bed2.jpg")]}
    answers = [svc.ItemAnswer(i.code, "fail" if i.code in fails else "pass", photos=fails.get(i.code, ()))
               for i in load_checklists().for_kind("shop")]  # fmt: skip
    when = datetime.now(CHINA_TZ) - timedelta(minutes=5)
    result = svc.save_inspection(worker.store, worker.account.photos_dir, place_id=shop.id, inspector_id=me, answers=answers,
                                 acknowledged_by="王建国", at=when)  # fmt: skip
    inspection_photos = {p.id: p for p in _records(worker, Photo).values() if p.entity_id == result.inspection.id}
    assert len(inspection_photos) == 3
    srv.start()

    worker.sync_ok()
    for c in (other, dispatcher):
        c.sync_ok()
        got = _records(c, Inspection)[result.inspection.id]
        assert {a["item_code"] for a in got.answers if a["result"] == "fail"} == {"EXIT", "NO-SLEEP"}
        hazards = {h.item_code: h for h in _records(c, Hazard).values() if h.place_id == shop.id}
        assert set(hazards) == {"EXIT", "NO-SLEEP"}
        assert all(h.status == "open" and h.deadline is not None for h in hazards.values())  # derived by the server
        assert {e.action for e in _records(c, HazardEvent).values() if e.hazard_id in {h.id for h in hazards.values()}} == {"found"}
        held = {p.id: p for p in _records(c, Photo).values() if p.entity_id == result.inspection.id}
        assert held.keys() == inspection_photos.keys()
        assert all(photos.has_thumbnail(c.account.photos_dir, p.sha256) for p in held.values())
        assert _records(c, Place)[shop.id].pinyin == "laowangbianlidian"  # derived locally on pull: searchable

    # The major hazard (people sleeping in the shop) is escalated into an incident by the worker.
    major = next(h for h in result.new_hazards if h.item_code == "NO-SLEEP")
    incident_id, _state = svc.escalate_hazard(worker.store, major.id, **_who(worker))
    worker.sync_ok()
    dispatcher.sync_ok()
    incident = _records(dispatcher, Incident)[incident_id]
    assert (incident.source, incident.status, incident.urgency) == ("inspection", "reported", "urgent")
    assert len(incident.photo_ids) == 2  # the hazard's photos, as the incident's
    assert _records(dispatcher, Hazard)[major.id].incident_id == incident_id  # the server derived it from the event

    # The closed loop: accept, dispatch, start, handle (with a photo), verify, rate → closed.
    incidents.transition_incident(dispatcher.store, incident_id, "accept", **_who(dispatcher))
    handler_id = handler.account.info["server"]["user_id"]
    incidents.transition_incident(dispatcher.store, incident_id, "dispatch", assignee_id=handler_id, **_who(dispatcher))
    dispatcher.sync_ok()
    handler.sync_ok()
    incidents.transition_incident(handler.store, incident_id, "start", **_who(handler))
    incidents.transition_incident(handler.store, incident_id, "handle", note="已劝离住宿人员，拆除床铺", **_who(handler),
                                  photos=[_picture(tmp_path / "after.jpg")], photos_dir=handler.account.photos_dir)  # fmt: skip
    handler.sync_ok()
    worker.sync_ok()
    incidents.transition_incident(worker.store, incident_id, "verify_pass", **_who(worker))
    incidents.transition_incident(worker.store, incident_id, "rate", rating=5, **_who(worker))
    worker.sync_ok()
    dispatcher.sync_ok()
    closed = _records(dispatcher, Incident)[incident_id]
    assert closed.status == "closed", closed.status
    assert [r.state for r in worker_outbox(worker) if r.state != "sent"] == []


def worker_outbox(client):
    from gridworker.domain.models import Outbox

    with client.store.read() as s:
        return list(s.exec(select(Outbox)))
