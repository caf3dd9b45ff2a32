"""The phone pages as any public web app must be: cookies, CSRF, escaping, headers, languages, limits."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import pytest

from gridworker.server.core.config import Settings
from gridworker.server.core.db import Database
from gridworker.server.web import limits
from gridworker.server.web.residents import WebError
from gridworker.server.web.words import WORDS

from .helpers import PASSWORD, Visitor, new_phone, small_jpeg

XSS = '"><script>alert(1)</script>'


def _incidents_with(server, text: str) -> int:
    with closing(sqlite3.connect(f"file:{server.data / 'server.db'}?mode=ro", uri=True)) as db:
        return db.execute("SELECT count(*) FROM records WHERE entity = 'incident' AND data LIKE ?", (f"%{text}%",)).fetchone()[0]


def _cookie_header(response, name: str) -> str:
    for r in [*response.history, response]:
        for h in r.raw.headers.getlist("set-cookie"):
            if h.startswith(name + "="):
                return h
    raise AssertionError(f"no {name} cookie")


def test_the_session_cookie_is_httponly_lax_and_secure_only_over_tls(web_server):
    v = Visitor(web_server)
    v.get("/h5/c/C1")
    r = v.post("/h5/register", {"name": "钱多", "phone": new_phone(), "password": PASSWORD}, allow_redirects=False)
    cookie = _cookie_header(r, "gw_session").lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/;" in cookie + ";" and "secure" not in cookie
    # Behind nginx with TLS (X-Forwarded-Proto from the trusted local proxy): Secure, every cookie.
    phone = v.register(name="孙丽")
    r = v.post("/h5/sign-in", {"phone": phone, "password": PASSWORD}, allow_redirects=False, headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 303 and "secure" in _cookie_header(r, "gw_session").lower()
    r = Visitor(web_server).get("/h5/c/C1", headers={"X-Forwarded-Proto": "https"})
    assert "secure" in _cookie_header(r, "gw_community").lower() and "secure" in _cookie_header(r, "gw_seed").lower()


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(web_server):
    v = Visitor(web_server)
    v.get("/h5/c/C1")
    phone = new_phone()
    for token in (None, "0" * 64, Visitor(web_server).csrf("/h5/sign-in")):  # none, forged, another browser's
        data = {"name": "周强", "phone": phone, "password": PASSWORD} | ({"csrf": token} if token else {})
        r = v.http.post(web_server.url + "/h5/register", data=data, timeout=30)
        assert r.status_code == 403 and "页面已过期" in r.text
    assert "已注册" not in v.post("/h5/register", {"name": "周强", "phone": phone, "password": PASSWORD}).text


def test_script_in_every_text_field_comes_back_as_text(web_server):
    v = Visitor(web_server)
    # Refused values are shown again in their fields; accepted ones on the pages that follow.
    for path, fields in (
        ("/h5/sign-in", {"phone": XSS, "password": XSS, "next": XSS}),
        ("/h5/register", {"name": XSS + "x" * 10, "phone": XSS, "password": XSS}),
    ):
        v.get("/h5/c/C1")
        page = v.post(path, fields).text
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page or "&#34;&gt;&lt;script" in page
    v.register(name=XSS)
    assert "<script>alert(1)" not in v.get("/h5/").text and "&lt;script&gt;alert(1)" in v.get("/h5/").text
    page = v.verify(name=XSS, id_number=XSS).text
    assert "<script>alert(1)" not in page
    v.verify()
    page = v.snap(XSS, address=XSS, category=XSS, lat=XSS, lon=XSS).text
    assert "<script>alert(1)" not in page  # a refused form: every field as typed, escaped
    r = v.snap("井盖坏了 " + XSS, address=XSS, files=[("photo", ("a.jpg", small_jpeg(), "image/jpeg"))])
    assert r.url.endswith("/h5/mine?sent=1")
    for page in (r.text, v.get(re.search(r'href="(/h5/mine/[0-9a-f-]+)"', r.text).group(1)).text):
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_every_page_says_where_it_may_fetch_from_and_refuses_framing(web_server):
    r = Visitor(web_server).get("/h5/c/C1")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Cache-Control"] == "no-store"


def test_chinese_by_default_english_from_the_browser_or_the_switch(web_server):
    assert "注册" in Visitor(web_server, lang="").get("/h5/c/C1").text
    assert "Register" in Visitor(web_server, lang="en-GB,en;q=0.9,zh;q=0.5").get("/h5/c/C1").text
    assert "注册" in Visitor(web_server, lang="fr-FR,zh-CN;q=0.8,en;q=0.5").get("/h5/c/C1").text
    v = Visitor(web_server)
    v.get("/h5/c/C1")
    r = v.get("/h5/lang?to=en&next=/h5/register")
    assert r.url.endswith("/h5/register") and "Register" in r.text and 'lang="en"' in r.text
    assert v.get("/h5/lang?to=en&next=https://evil.example/").url == web_server.url + "/h5/"  # no open redirect


def test_every_word_has_both_languages_and_english_has_no_chinese():
    for key, (zh, en) in WORDS.items():
        assert zh.strip() and en.strip(), key
        assert not re.search(r"[\u4e00-\u9fff]", en) or key == "lang_switch", key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_every_word_a_template_or_the_code_uses_is_in_the_catalogue():
    from pathlib import Path

    web = Path(__file__).resolve().parents[2] / "gridworker" / "server" / "web"
    used = set()
    for path in [*(web / "templates").glob("*.html"), *web.glob("*.py")]:
        text = path.read_text("utf-8")
        used |= set(re.findall(r"""\bt\(\s*["'](\w+)["']""", text))
        used |= set(re.findall(r"""WebError\(\s*["'](\w+)["']""", text))
        used |= set(re.findall(r"""words(?:\.get)?\(\s*["'](\w+)["']""", text))
    assert used and used - set(WORDS) == set()


def test_creating_is_limited_per_account_and_per_address(tmp_path, monkeypatch):
    monkeypatch.delenv("GRIDWORKER_WEB_RATE_SCALE", raising=False)
    db = Database(Settings(data_dir=tmp_path).url)
    db.migrate()
    per_user, per_addr, _window = limits.LIMITS["snap"]
    with db.plain() as conn:
        for _ in range(per_user):
            limits.hit(conn, "snap", "u1", "10.0.0.1")
        with pytest.raises(WebError) as refused:
            limits.hit(conn, "snap", "u1", "10.0.0.2")  # the same account from elsewhere
        assert refused.value.key == "too_many" and refused.value.status == 429
        for n in range(per_addr - per_user):
            limits.hit(conn, "snap", f"other{n}", "10.0.0.1")
        with pytest.raises(WebError):
            limits.hit(conn, "snap", "fresh", "10.0.0.1")  # a new account from the same address
        limits.hit(conn, "snap", "fresh", "10.0.0.3")
    db.dispose()


def test_guessing_a_residents_password_is_slowed_down(web_server):
    v = Visitor(web_server)
    phone = v.register()
    other = Visitor(web_server)
    texts = [other.post("/h5/sign-in", {"phone": phone, "password": f"wrong-{n}"}).text for n in range(7)]
    assert "手机号或密码不正确" in texts[0]
    assert "操作过于频繁" in texts[-1]


def test_a_verified_resident_is_a_record_staff_pull_and_the_register_stays_out_of_the_pages(web_server):
    v = Visitor(web_server)
    phone = v.register(name="吴桂兰")
    v.verify()
    mine = [c for (entity, _id), c in web_server.records("disp").items() if entity == "resident" and c["data"].get("phone") == phone]
    assert len(mine) == 1
    data = mine[0]["data"]
    assert data["verified"] is True and data["person_id"] and data["name"] == "吴桂兰"
    # The resident's own pages show that they are verified, and nothing of the person they matched.
    home = v.get("/h5/").text
    assert "已实名认证" in home and data["person_id"] not in home and "王秀英" not in home


def test_signing_out_ends_the_session_for_the_pages_and_the_json_api_alike(web_server):
    v = Visitor(web_server)
    v.register()
    token = v.http.cookies.get("gw_session")
    assert v.get("/api/v1/p/me").json()["role"] == "resident"  # the pages' sign-in is the API's session
    assert "退出登录" in v.post("/h5/sign-out", {}, form_page="/h5/").text
    other = Visitor(web_server)
    other.http.cookies.set("gw_session", token)  # the old token, kept by whoever had it
    assert other.get("/api/v1/p/me").status_code == 401
    assert other.get("/h5/mine", allow_redirects=False).status_code == 303


def test_no_page_shows_the_register_to_a_resident_or_a_member(web_server):
    """Every page of /h5 (and every path the JSON API has), as a verified resident and as a member: no ID number,
    no name of the register but their own, no household's address, no 500."""
    from gridworker.server.api import participation_auth, participation_routes
    from gridworker.server.web import auth_pages, part_pages, resident_pages

    from .conftest import PERSON_IDS, PERSON_NAME

    routers = (auth_pages.router, resident_pages.router, part_pages.router, participation_auth.router, participation_routes.router)
    paths = sorted({r.path for router in routers for r in router.routes if "GET" in (getattr(r, "methods", None) or ())})
    assert "/h5/snap" in paths and "/api/v1/p/orders" in paths
    resident = Visitor(web_server)
    resident.register(name="冯雪")
    resident.verify()
    member = Visitor(web_server)
    member.get("/h5/c/C1")
    member.post("/h5/register", {"name": "褚刚", "phone": new_phone(), "password": PASSWORD, "role": "member"})
    some_id = "00000000-0000-4000-8000-000000000000"
    for who in (resident, member):
        for path in paths:
            concrete = re.sub(r"{[^}]+}", lambda m: "C1" if m.group(0) == "{code}" else some_id, path)
            r = who.get(concrete)
            assert r.status_code < 500, (concrete, r.status_code)
            assert not any(number in r.text for number in PERSON_IDS), concrete
            assert "3号楼" not in r.text and "2单元" not in r.text, concrete
            assert PERSON_NAME not in r.text or concrete.endswith("/verify"), concrete
