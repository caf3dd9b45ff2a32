"""Crash safety: a real `gridworker import` (and a loop of single edits) killed with SIGKILL at random moments.

After every kill the store holds either the state before the import or the
complete state after it, never a mix, and the outbox matches the records: no
change without its outbox row, no outbox row without its record.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.services import register
from gridworker.services.excel import import_register
from gridworker.store import AccountManager
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow

# 720 households and 1,440 people: 2,172 rows, enough for the command to print its progress.
BUILDINGS, HOUSEHOLDS_PER_BUILDING, PEOPLE_PER_HOUSEHOLD = 12, 60, 2


def _rows(part: str, phone_base: int) -> dict[str, list[list]]:
    """The register file: `part` "base" is every other building; "full" is all of them, with changed phones."""
    b_rows, h_rows, p_rows = [["社区", "网格", "小区", "楼栋", "层数"]], [["网格", "小区", "楼栋", "单元", "房号", "住房性质"]], []
    p_rows.append(["网格", "小区", "楼栋", "单元", "房号", "姓名", "身份证号", "电话", "与户主关系"])
    seq = 0
    for b in range(BUILDINGS):
        if part == "base" and b % 2:
            continue
        b_rows.append(["和平社区", f"第{b % 3 + 1}网格", "春晖花园", f"{b + 1}幢", 6])
        for h in range(HOUSEHOLDS_PER_BUILDING):
            room = f"{h // 6 + 1}{h % 6 + 1:02d}"
            h_rows.append([f"第{b % 3 + 1}网格", "春晖花园", f"{b + 1}幢", "1", room, "自住"])
            for k in range(PEOPLE_PER_HOUSEHOLD):
                seq += 1
                n = b * 1000 + h * 10 + k  # the same person gets the same number in both files
                born = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
                number = idnumber.make("330106", born, n, Gender.male if k != 1 else Gender.female)
                p_rows.append([f"第{b % 3 + 1}网格", "春晖花园", f"{b + 1}幢", "1", room, f"居民{n}", number,
                               f"1{phone_base + n:010d}", "户主" if k == 0 else "子女"])
    return {"楼栋": b_rows, "住户": h_rows, "人员": p_rows}


def _write(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _fingerprint(home: Path) -> dict:
    """Everything an import changes, without ids (a reference run makes other UUIDs)."""
    _account, store = AccountManager(home).open("worker", PASSWORD)
    with store, store.read() as s:
        q = lambda sql: [tuple(r) for r in s.execute(text(sql))]  # noqa: E731
        return {
            "person": sorted(q("SELECT name, id_number, phone, relation, status FROM person")),
            "household": sorted(q("SELECT unit, room, housing, floor, head_person_id IS NULL FROM household")),
            "building": sorted(q("SELECT estate, name, floors FROM building")),
            "area": sorted(q("SELECT name, level FROM area")),
            "membership": q("SELECT count(*) FROM membership"),
            "outbox": Counter(e for (e,) in q("SELECT entity FROM outbox")),
            "orphans": q(
                "SELECT o.entity, count(*) FROM outbox o WHERE NOT EXISTS ("
                " SELECT 1 FROM person WHERE o.entity = 'person' AND id = o.record_id UNION ALL"
                " SELECT 1 FROM household WHERE o.entity = 'household' AND id = o.record_id UNION ALL"
                " SELECT 1 FROM building WHERE o.entity = 'building' AND id = o.record_id UNION ALL"
                " SELECT 1 FROM membership WHERE o.entity = 'membership' AND id = o.record_id) GROUP BY o.entity"
            ),
            "unqueued": q(
                "SELECT 'person', count(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE record_id = p.id) UNION ALL "
                "SELECT 'household', count(*) FROM household h WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE record_id = h.id) UNION ALL "
                "SELECT 'membership', count(*) FROM membership m WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE record_id = m.id)"
            ),
            # A phone changed by the import must come with an outbox row carrying that phone (a reference
            # create, fields JSON null, carries the record's own: store/outbox.py).
            "stale_phones": q(
                "SELECT count(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = p.id"
                " AND (json_extract(o.fields, '$.phone') = p.phone OR json_type(o.fields) = 'null'))"
            ),
        }


def _env(home: Path) -> dict[str, str]:
    return os.environ | {"GRIDWORKER_HOME": str(home), "GRIDWORKER_PASSWORD": PASSWORD, "GRIDWORKER_KDF": "fast", "PYTHONUNBUFFERED": "1"}


def _kill(cmd: list[str], home: Path, when) -> bool:
    """Start `cmd`, SIGKILL it when `when` says so (a delay in seconds, or a test of its stderr so far).

    True when it was killed; False when it finished first (then it must have succeeded).
    """
    proc = subprocess.Popen(cmd, env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parents[2])
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(iter(lambda: proc.stderr.read1(256).decode(errors="replace"), "")), daemon=True)
    reader.start()
    started = time.monotonic()
    while proc.poll() is None and time.monotonic() - started < 120:
        if (time.monotonic() - started >= when) if isinstance(when, float) else when("".join(err)):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait(timeout=30)
    reader.join(timeout=5)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode in (0, -signal.SIGKILL), "".join(err)
    return proc.returncode == -signal.SIGKILL


def _progress_at_least(fraction: float):
    def test(err: str) -> bool:
        done = re.findall(r"(\d+)/(\d+)", err)
        return bool(done) and int(done[-1][0]) >= fraction * int(done[-1][1])

    return test


def test_import_killed_at_random_moments_leaves_old_or_new_state(tmp_path, accounts):
    home = accounts.home
    accounts.create("worker", PASSWORD)
    _account, store = accounts.open("worker", PASSWORD)
    with store:
        base = import_register(store, _write(tmp_path / "base.xlsx", _rows("base", 3_800_000_000)), create_areas=True)
        assert base.committed and not base.errors
    full = _write(tmp_path / "full.xlsx", _rows("full", 5_900_000_000))
    pristine = tmp_path / "pristine"
    shutil.copytree(home, pristine)
    old = _fingerprint(home)

    cmd = [sys.executable, "-m", "gridworker.cli", "--account", "worker", "import", str(full)]
    rng = random.Random()
    moments = [
        rng.uniform(0.05, 4.0),  # anywhere from start-up to well into the rows
        # Past the first 1,000 rows: the session has flushed them into the database, inside the transaction.
        _progress_at_least(rng.uniform(0.5, 0.85)),
        _progress_at_least(1.0),  # every row handled: the index flush and the commit
    ]
    # Each kill runs on its own copy of the account, all at once, beside the uninterrupted reference import.
    homes = [tmp_path / f"killed{i}" for i in range(len(moments))]
    for h in homes:
        shutil.copytree(pristine, h)
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference)
    with ThreadPoolExecutor(len(moments)) as pool:
        kills = [pool.submit(_kill, cmd, h, when) for h, when in zip(homes, moments)]
        _account, ref_store = AccountManager(reference).open("worker", PASSWORD)
        with ref_store:
            done = import_register(ref_store, full, create_areas=True)
        killed = [k.result() for k in kills]
    assert done.committed and [r.updated for r in done.sheets] == [0, 0, base.result("person").new]  # the phones
    new = _fingerprint(reference)
    assert new != old
    for state in (old, new):
        assert state["orphans"] == [] and all(n == 0 for _e, n in state["unqueued"]) and state["stale_phones"] == [(0,)]

    for h, when, was_killed in zip(homes, moments, killed):
        state = _fingerprint(h)
        assert state in (old, new), f"a mix of old and new after a kill at {when}"
        if not was_killed:
            assert state == new
    assert killed[1] and _fingerprint(homes[1]) == old  # rows written but not committed: none of them kept


_EDIT_LOOP = """
import sys
from gridworker.services import register
from gridworker.store import AccountManager
_account, store = AccountManager().open("worker", sys.argv[1])
pid = sys.argv[2]
n = 0
while True:
    n += 1
    register.update_person(store, pid, {"phone": f"1380000{n:04d}"})
    print(n, flush=True)
"""


def test_single_edits_killed_mid_way_keep_outbox_equal_to_committed_edits(accounts, store):
    area = register.register_area(store, code="G1", name="一网格", level="grid")
    b = register.register_building(store, {"name": "1幢", "area_id": area.id})
    hh = register.register_household(store, {"building_id": b.id, "room": "101"})
    p = register.register_person(store, {"name": "测试", "household_id": hh.id})
    store.close()
    committed_before = 0
    for stop_after in (5, 17, 40):
        proc = subprocess.Popen(
            [sys.executable, "-c", _EDIT_LOOP, PASSWORD, p.id], env=_env(accounts.home), stdout=subprocess.PIPE, cwd=Path(__file__).parents[2]
        )
        for line in proc.stdout:
            if int(line) >= stop_after:
                time.sleep(random.uniform(0, 0.02))  # land somewhere inside a later edit
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=30)
        # What it printed before it died: each number is printed after its edit committed.
        printed = max([stop_after] + [int(n) for n in proc.stdout.read().split()])
        proc.stdout.close()
        _account, st = accounts.open("worker", PASSWORD)
        with st, st.read() as s:
            phone = s.execute(text("SELECT phone FROM person WHERE id = :id"), {"id": p.id}).scalar_one()
            queued = s.execute(text("SELECT count(*) FROM outbox WHERE record_id = :id"), {"id": p.id}).scalar_one()
            last_queued = s.execute(
                text("SELECT json_extract(fields, '$.phone') FROM outbox WHERE record_id = :id ORDER BY seq DESC LIMIT 1"), {"id": p.id}
            ).scalar_one()
        committed = int(phone[-4:])  # the edit number the stored phone carries
        assert printed <= committed <= printed + 1  # the edit after the last print may have committed or not
        assert queued == 1 + committed_before + committed  # the registration, then one row per committed edit
        assert last_queued == phone
        committed_before += committed
