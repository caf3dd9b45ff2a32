"""Bad input on the phone pages: a clear message on the page, and nothing half-saved."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

from playwright.sync_api import expect

from .conftest import PERSON_ID
from .helpers import PASSWORD, Visitor, register_resident, small_jpeg, verify_resident

MIB = 1024 * 1024


def _incidents_with(server, text: str) -> int:
    with closing(sqlite3.connect(f"file:{server.data / 'server.db'}?mode=ro", uri=True)) as db:
        return db.execute("SELECT count(*) FROM records WHERE entity = 'incident' AND data LIKE ?", (f"%{text}%",)).fetchone()[0]


def _verified_visitor(server) -> Visitor:
    v = Visitor(server)
    v.register()
    assert "认证成功" in v.verify().text
    return v


def _fill_snap(phone, description: str) -> None:
    phone.goto("/h5/snap")
    phone.get_by_placeholder("搜索类别").fill("jg")
    phone.get_by_label("问题描述").fill(description)
    phone.get_by_label("地址").fill("幸福小区5栋")


def test_a_25_mib_photo_is_refused_with_a_message_and_the_text_stays(phone, web_server, tmp_path):
    register_resident(phone)
    verify_resident(phone)
    _fill_snap(phone, "楼道灯坏了一周（大照片）")
    big = tmp_path / "big.jpg"
    big.write_bytes(small_jpeg() + b"\0" * (25 * MIB))
    phone.set_input_files("input[name=photo]", str(big))
    assert "太大" in phone.inner_text("[data-photo-error]")
    assert phone.input_value("textarea[name=description]") == "楼道灯坏了一周（大照片）"
    # Without the page's script (or a client that skips it) the server refuses the whole form, with a page.
    v = _verified_visitor(web_server)
    r = v.snap("楼道灯坏了一周（直接上传）", files=[("photo", ("big.jpg", big.read_bytes(), "image/jpeg"))])
    assert r.status_code == 413 and "太大" in r.text and "<html" in r.text
    assert _incidents_with(web_server, "楼道灯坏了一周") == 0


def test_a_text_file_named_jpg_is_no_photo(phone, web_server, tmp_path):
    register_resident(phone)
    verify_resident(phone)
    _fill_snap(phone, "垃圾桶满了（假照片）")
    fake = tmp_path / "photo.jpg"
    fake.write_text("this is not a picture\n" * 50)
    phone.set_input_files("input[name=photo]", str(fake))
    expect(phone.locator("[data-photo-error]")).to_contain_text("不是照片")  # (the pages' CSP forbids wait_for_function's eval)
    v = _verified_visitor(web_server)
    r = v.snap("垃圾桶满了（直接上传）", files=[("photo", ("photo.jpg", fake.read_bytes(), "image/jpeg"))])
    assert r.status_code == 400 and "“photo.jpg”不是照片" in r.text
    assert "垃圾桶满了（直接上传）" in r.text  # the form again, as typed
    assert _incidents_with(web_server, "垃圾桶满了") == 0


def test_an_expired_session_mid_form_keeps_what_was_typed(phone, web_server, tmp_path):
    number = register_resident(phone)
    verify_resident(phone)
    _fill_snap(phone, "路灯不亮（会话过期）")
    phone.set_input_files("input[name=photo]", str(tmp_path.joinpath("p.jpg").write_bytes(small_jpeg()) and tmp_path / "p.jpg"))
    phone.wait_for_selector("[data-previews] img")
    phone.context.clear_cookies(name="gw_session")  # the session ran out while the form was being filled
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/h5/sign-in**")
    assert "登录已过期" in phone.content()
    phone.get_by_label("手机号").fill(number)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url("**/h5/snap")
    assert phone.input_value("textarea[name=description]") == "路灯不亮（会话过期）"
    assert phone.input_value("input[name=address]") == "幸福小区5栋"
    assert _incidents_with(web_server, "路灯不亮（会话过期）") == 0
    phone.set_input_files("input[name=photo]", str(tmp_path / "p.jpg"))
    phone.wait_for_selector("[data-previews] img")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/h5/mine?sent=1")
    assert _incidents_with(web_server, "路灯不亮（会话过期）") == 1
    phone.goto("/h5/snap")  # sent: the draft is gone
    assert phone.input_value("textarea[name=description]") == ""


def test_a_double_tapped_submit_makes_one_report(phone, web_server, tmp_path):
    register_resident(phone)
    verify_resident(phone)
    _fill_snap(phone, "消防通道被占（双击）")
    phone.set_input_files("input[name=photo]", str(tmp_path.joinpath("p.jpg").write_bytes(small_jpeg()) and tmp_path / "p.jpg"))
    phone.wait_for_selector("[data-previews] img")
    phone.get_by_role("button", name="提交").dblclick()
    phone.wait_for_url("**/h5/mine?sent=1")
    assert _incidents_with(web_server, "消防通道被占（双击）") == 1
    # The same form sent twice by a client without the page's script: the second replays the first.
    v = _verified_visitor(web_server)
    form_id = v.form_id()
    photo = [("photo", ("a.jpg", small_jpeg(), "image/jpeg"))]
    for _ in range(2):
        r = v.snap("消防通道被占（重发）", files=photo, form_id=form_id)
        assert r.url.endswith("/h5/mine?sent=1")
    assert _incidents_with(web_server, "消防通道被占（重发）") == 1
    assert v.get("/h5/mine").text.count("消防通道被占（重发）") == 1


def test_three_failed_verifications_lock_the_form_for_an_hour(web_server):
    v = Visitor(web_server)
    v.register()
    texts = [v.verify(id_number=f"11010119900101{n:03d}X").text for n in range(3)]
    errors = [re.findall(r"role=\"alert\">([^<]*)", t) for t in texts]
    assert "还可尝试 2 次" in texts[0] and "还可尝试 1 次" in texts[1], errors
    assert "分钟后再试" in texts[2]
    locked = v.verify()  # now even the right name and number wait
    assert locked.status_code == 429 and "分钟后再试" in locked.text and "认证成功" not in locked.text
    assert "name=\"id_number\"" not in v.get("/h5/verify").text
    # Nothing of the register shows in any answer: not the person's number, not where they live.
    # What a page shows, not its attributes: random tokens (the form's CSRF value, a nonce, an asset's version) may
    # hold the digits "301" by chance.
    shown = [re.sub(r'="[^"]*"', '=""', t) for t in [*texts, locked.text]]
    assert all(PERSON_ID not in t and "3号楼" not in t and "301" not in t for t in shown)
