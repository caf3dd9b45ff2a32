"""Verification on the phone pages decides as the JSON API does (docs/participation-api.md: "a living person of
the resident's community"): nobody verifies as a person who died or moved away, and a person the register marks
a key person (重点人员) is not told so by being let into the micro-wishes of the special groups."""

from __future__ import annotations

from datetime import date

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.services import register

from ..sync.helpers import area_ids
from .helpers import Visitor


def _person(web_server, name: str, born: date, **extra) -> str:
    worker = web_server.worker
    store = worker.store
    b = register.register_building(store, {"name": "7号楼", "estate": "幸福小区", "area_id": area_ids(worker)["G1"]})
    hh = register.register_household(store, {"building_id": b.id, "unit": "1", "room": "101"})
    number = idnumber.make("500223", born, 33, Gender.male)
    p = register.register_person(store, {"name": name, "household_id": hh.id, "id_number": number} | extra)
    return p.id, number


def _resident_of(web_server, phone: str) -> dict:
    found = [c["data"] for (e, _i), c in web_server.records("disp").items() if e == "resident" and c["data"].get("phone") == phone]
    assert len(found) == 1
    return found[0]


def test_nobody_verifies_as_a_person_who_died_or_moved_away(web_server):
    worker = web_server.worker
    dead_id, dead_number = _person(web_server, "钱德福", date(1940, 5, 6))
    gone_id, gone_number = _person(web_server, "孙远行", date(1985, 7, 8))
    register.mark_deceased(worker.store, dead_id)
    register.mark_moved_out(worker.store, gone_id)
    worker.sync_ok()
    for name, number in (("钱德福", dead_number), ("孙远行", gone_number)):
        v = Visitor(web_server)
        phone = v.register(name="冒名者")
        page = v.verify(name=name, id_number=number).text
        assert "姓名和身份证号与台账不符" in page, page[-800:]
        assert _resident_of(web_server, phone)["verified"] is False
        api = v.http.post(web_server.url + "/api/v1/p/resident/verify", json={"name": name, "id_number": number}, timeout=30)
        assert api.status_code == 422 and api.json()["error"]["code"] == "not_matched"  # the API said so already


def test_a_key_person_is_not_a_special_group_for_micro_wishes(web_server):
    _pid, number = _person(web_server, "周重点", date(1979, 2, 3), tags=["key_person"])
    web_server.worker.sync_ok()
    v = Visitor(web_server)
    phone = v.register(name="周重点")
    assert "认证成功" in v.verify(name="周重点", id_number=number).text
    assert _resident_of(web_server, phone)["special_group"] is False
    r = v.http.post(web_server.url + "/api/v1/p/wishes", json={"wish": "一个新书包"}, timeout=30)
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_eligible"


def test_the_apis_session_cookie_is_secure_behind_tls_as_the_pages_one(web_server):
    import requests

    from .helpers import PASSWORD, new_phone

    root, https = web_server.url + "/api/v1/p", {"X-Forwarded-Proto": "https"}
    community = requests.get(root + "/communities", timeout=30).json()["communities"][0]["id"]
    phone = new_phone()
    body = {"role": "resident", "phone": phone, "password": PASSWORD, "name": "郑安", "community_id": community}
    signed_up = requests.post(root + "/auth/register", json=body, headers=https, timeout=30)
    assert signed_up.status_code == 201 and "secure" in signed_up.headers["set-cookie"].lower()
    signed_in = requests.post(root + "/auth/login", json={"phone": phone, "password": PASSWORD}, headers=https, timeout=30)
    assert signed_in.status_code == 200 and "secure" in signed_in.headers["set-cookie"].lower()
    plain = requests.post(root + "/auth/login", json={"phone": phone, "password": PASSWORD}, timeout=30)
    assert "secure" not in plain.headers["set-cookie"].lower()  # plain http on a LAN: a Secure cookie would not come back


def test_guesses_sent_at_once_get_three_tries_in_all(web_server):
    """The lock after three misses holds for parallel requests too: each takes its try before it is compared."""
    import concurrent.futures

    v = Visitor(web_server)
    v.register(name="钱猜猜")
    guesses = [idnumber.make("500223", date(1961, 3, 14), 100 + n, Gender.female) for n in range(12)]

    def guess(number: str):
        return v.http.post(web_server.url + "/api/v1/p/resident/verify", json={"name": "王秀英", "id_number": number}, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(guess, guesses))
    codes = sorted(r.json()["error"]["code"] for r in answers)
    assert codes.count("not_matched") == 3 and codes.count("verify_locked") == 9, codes
    assert "核对失败次数过多" in v.get("/h5/verify").text  # the page's form is locked as well


def test_a_change_by_cookie_from_another_site_is_refused(web_server):
    """Defence in depth for browsers that ignore SameSite: the API's cookie-borne changes must come from its pages."""
    v = Visitor(web_server)
    v.register()
    url = web_server.url + "/api/v1/p/opinions"
    body = {"topic": "环境", "content": "路灯太早关了"}
    forged = v.http.post(url, json=body, headers={"Origin": "https://evil.example"}, timeout=30)
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "cross_site"
    fetched = v.http.post(url, json=body, headers={"Sec-Fetch-Site": "cross-site"}, timeout=30)
    assert fetched.status_code == 403
    assert v.get("/api/v1/p/opinions").json()["opinions"] == []  # nothing was left
    own = v.http.post(url, json=body, headers={"Origin": web_server.url, "Sec-Fetch-Site": "same-origin"}, timeout=30)
    assert own.status_code == 201
    # Behind nginx (`Host $host`) Host and Origin may differ in the port: the host name decides.
    proxied = v.http.post(url, json=body, headers={"Origin": "https://127.0.0.1:8443"}, timeout=30)
    assert proxied.status_code == 201


def test_a_person_verified_through_the_api_cannot_be_claimed_again_on_the_pages_nor_the_other_way(web_server):
    """The pages and the API verify through one function: a person of the register is one account, whichever
    path claimed it first; the second sees why, and stays unverified."""
    _pid, number = _person(web_server, "冯一人", date(1972, 9, 10))
    _pid2, number2 = _person(web_server, "冯二人", date(1973, 9, 10))
    web_server.worker.sync_ok()
    first, second = Visitor(web_server), Visitor(web_server)
    first.register(name="冯一人")
    phone2 = second.register(name="冯一人")
    api = first.http.post(web_server.url + "/api/v1/p/resident/verify", json={"name": "冯一人", "id_number": number}, timeout=30)
    assert api.status_code == 200, api.text
    page = second.verify(name="冯一人", id_number=number).text
    assert "此身份已由另一个账户认证" in page and "认证成功" not in page, page[-800:]
    assert _resident_of(web_server, phone2)["verified"] is False
    # The other way round: the pages first, then the API.
    third, fourth = Visitor(web_server), Visitor(web_server)
    third.register(name="冯二人")
    fourth.register(name="冯二人")
    assert "认证成功" in third.verify(name="冯二人", id_number=number2).text
    again = fourth.http.post(web_server.url + "/api/v1/p/resident/verify", json={"name": "冯二人", "id_number": number2}, timeout=30)
    assert again.status_code == 409 and again.json()["error"]["code"] == "identity_claimed", again.text
