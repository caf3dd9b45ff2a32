"""The import writes new households and people as plain rows (services/excel_rows.py): the same records, outbox
rows and search entries as the register services would have written, row for row.

The import's creates are reference rows (store/outbox.py: the record's own fields, read when pushed), the
services' are copies: the rows are compared by what they are (entity, record, op, base, state, stamp order),
and their fields by what the push would send — the pending rows materialised and merged (sync/push.squash).

The reference is the services themselves: the same workbooks imported into a second account with the
import's row writer replaced by calls to `register_household` / `register_person`.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.domain.models import Area, Building, Household, Membership, Outbox, Person
from gridworker.services import excel_import, excel_rows
from gridworker.services import register as reg
from gridworker.services.excel import import_register
from gridworker.services.search import find_people
from gridworker.store import outbox as stored
from gridworker.store import search_pieces
from gridworker.sync import push
from tests.conftest import PASSWORD
from tests.core.test_excel import B_HEAD, BASE, H_HEAD, P_HEAD, write_book

ID_QIAN = idnumber.make("110105", date(1970, 2, 3), 41, Gender.male)
ID_SUN = idnumber.make("110105", date(1999, 1, 1), 20, Gender.female)
ID_ZHOU = idnumber.make("330106", date(1960, 7, 7), 13, Gender.male)
ID_LI = BASE["人员"][3][7]

# A second file: a building and households new and old; heads named in the file: of a new household already
# written when its head comes (the moved-out person before writes it: the services read the database), of
# stored ones, of a new one a service has read (the move); a person without a household; a moved-out person.
MORE = {
    "楼栋": [B_HEAD, ["幸福社区", "第二网格", "花园小区", "9号楼", 3, 18]],
    "住户": [
        H_HEAD,
        ["幸福社区", "第二网格", "花园小区", "9号楼", 2, 1203, "出租", "13600001111"],
        ["幸福社区", "第一网格", "阳光小区", "2号楼", 1, 102, None, None],
    ],
    "人员": [
        P_HEAD + ["状态"],
        ["第一网格", "阳光小区", "2号楼", 1, 102, "郑迁", None, None, None, None, "配偶", None, None, "迁出"],
        ["第二网格", "花园小区", "9号楼", 2, 1203, "钱 进", None, ID_QIAN, None, None, "户主", "流动", "党员", None],
        ["第二网格", "花园小区", "9号楼", 2, 1203, "孙小", None, ID_SUN, None, "13512345678", "子女", None, None, None],
        ["第一网格", "阳光小区", "2号楼", 1, 101, "周平", None, ID_ZHOU, None, None, "户主", None, None, None],
        ["第一网格", "阳光小区", "1号楼", 1, 302, "吴用", None, None, None, None, "户主", None, None, None],
        ["第一网格", "阳光小区", "2号楼", 1, 102, "李小雨", None, ID_LI, None, None, "子女", None, None, None],
        ["第一网格", "阳光小区", "2号楼", 1, 102, "郑家", None, None, None, None, "户主", None, None, None],
        ["第一网格", None, None, None, None, "冯无户", None, None, None, "13300001234", None, None, None, None],
    ],
}


class _ServiceRows(excel_rows.NewRows):
    """The reference: every new record through the register services, as before the plain rows."""

    def household(self, values, building):
        return reg.register_household(self.tx, values, cleaned=True)

    def person(self, values, household):
        return reg.register_person(self.tx, values, id_checked=True, cleaned=True)


@pytest.fixture
def reference(accounts, monkeypatch):
    accounts.create("reference", PASSWORD)
    _account, st = accounts.open("reference", PASSWORD)
    yield st
    st.close()


def _import_both(store, reference, monkeypatch, path):
    ours = import_register(store, path, create_areas=True)
    with monkeypatch.context() as m:
        m.setattr(excel_import, "NewRows", _ServiceRows)
        theirs = import_register(reference, path, create_areas=True)
    assert ours.committed and not ours.errors, ours.lines()
    assert [vars(r) for r in ours.sheets] == [vars(r) for r in theirs.sheets]


def _picture(store) -> dict:
    """Every record, outbox row and search entry, ids replaced by the order they were first queued in."""
    with store.read() as s:
        outbox = list(s.exec(select(Outbox).order_by(Outbox.seq)))
        tables = {m.__name__: [r.model_dump() for r in s.exec(select(m))] for m in (Area, Building, Household, Person, Membership)}
        cur = s.connection().connection.driver_connection.cursor()
        cur.execute("SELECT d.person_id, d.name, d.pinyin, d.initials, d.numbers, d.address, d.status, a.area_id "
                    "FROM search_doc d LEFT JOIN search_area a ON CAST(a.n AS TEXT) = d.area_id")  # the area by its number
        docs = cur.fetchall()
        grams = search_pieces.indexed(cur)
        cur.execute("SELECT count(*) FROM search_fts_name WHERE search_fts_name MATCH '\"钱 进\"'")
        fts = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"花园小\"'")
        fts += cur.fetchone()[0]
    ids = {r["id"] for rows in tables.values() for r in rows}
    label: dict[str, str] = {}

    def canon(v):
        if isinstance(v, str) and v in ids:
            return label.setdefault(v, f"#{len(label)}")
        if isinstance(v, dict):
            return {k: canon(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return type(v)(canon(x) for x in v)
        return v

    queued = [canon((o.entity, o.record_id, o.op, o.base_version, o.state)) for o in outbox]
    assert len({o.hlc for o in outbox}) == len(outbox)  # every stamp new (an import's create may take its head's)
    mutations = _pushed(store)
    rank = {h: n for n, h in enumerate(sorted(m["hlc"] for m in mutations))}  # the stamps' order, as sent
    pushed = [canon((m["entity"], m["id"], m["op"], m["base_version"], m["fields"], rank[m["hlc"]])) for m in mutations]
    written = [canon(o.fields) for o in outbox if not stored.is_reference(o.fields)]  # the copies as stored
    for r in (r for rows in tables.values() for r in rows):
        canon(r["id"])  # records never queued (areas) still get a label
    skip = {"updated_at"}
    records = {name: sorted((canon({k: v for k, v in r.items() if k not in skip}) for r in rows), key=repr) for name, rows in tables.items()}
    return {"outbox": queued, "pushed": pushed, "written": written, "records": records, "docs": sorted(map(canon, docs)),
            "grams": sorted(map(canon, grams)), "fts": fts}


def _same_but_rows(ours: dict, theirs: dict) -> int:
    """Everything equal but the outbox rows: ours are theirs without the rows of heads named for households made
    in the same import (their create, a reference, carries the head and its stamp). Returns how many went."""
    assert {k: v for k, v in ours.items() if k not in ("written", "outbox")} == {
        k: v for k, v in theirs.items() if k not in ("written", "outbox")
    }
    rest = iter(theirs["outbox"])
    gone = []
    for row in ours["outbox"]:
        for other in rest:
            if other == row:
                break
            gone.append(other)
        else:
            raise AssertionError(f"{row} is not among the services' rows, in order")
    gone += list(rest)
    assert all(g[0] == "household" and g[2] == "upsert" for g in gone), gone
    return len(gone)


class _Undo(Exception):
    pass


def _pushed(store) -> list[dict]:
    """The mutations the next push would send (without their ids), in order; the store is left as it was."""
    try:
        with store.write() as s:
            mutations = [p.mutation() for p in push.squash(s)]
            raise _Undo
    except _Undo:
        pass
    return mutations


def test_plain_rows_write_what_the_services_write(store, reference, monkeypatch, tmp_path):
    _import_both(store, reference, monkeypatch, write_book(tmp_path / "base.xlsx", BASE))
    first = _picture(store)
    theirs = _picture(reference)
    assert _same_but_rows(first, theirs) == 1  # the head of the one household made here with people
    assert first["pushed"] and all(m[4] for m in first["pushed"])
    # The import's new households, people and stays are references; what the services wrote is copies.
    assert len(first["written"]) < len(theirs["written"]) / 3
    assert first["records"]["Household"][0]["head_person_id"] is not None
    _import_both(store, reference, monkeypatch, write_book(tmp_path / "more.xlsx", MORE))
    ours = _picture(store)
    theirs = _picture(reference)
    assert _same_but_rows(ours, theirs) == 2  # and one of the second file (the others: stored, or read by a service)
    assert len(ours["outbox"]) > len(first["outbox"]) + 20
    # The head of a household made in the same import is stored and queued once, after the person: in the
    # create's own stamp where the create is a reference, in a row of its own where a service read it since.
    heads = [f for f in theirs["written"] if "head_person_id" in f and len(f) == 1]
    assert len(heads) == 5, heads
    assert len([f for f in ours["written"] if "head_person_id" in f]) == 5 - 2
    with store.read() as s:
        qian = s.exec(select(Person).where(Person.id_number == ID_QIAN)).one()
        hh = s.get(Household, qian.household_id)
        assert hh.head_person_id == qian.id and hh.address == "花园小区9号楼2单元1203室" and hh.floor == 12
        assert (qian.pinyin, qian.initials) == ("qian jin", "q j")
        [hit] = find_people(store, "qj")
        assert hit.person_id == qian.id
