"""The import's "same as stored" test (services/excel_same.py): a row whose cells are what its stored record
holds is unchanged and is not cleaned; any other row is cleaned and checked whole, every bad cell named."""

from __future__ import annotations

from datetime import date

import pytest

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.domain.register import clean_household, clean_person
from gridworker.services import excel_import
from gridworker.services import register as reg
from gridworker.services.base import transaction
from gridworker.services.excel import import_register
from tests.core.test_excel import BASE, H_HEAD, P_HEAD, last_seq, outbox_rows, person, write_book

ID_ZHANG, ID_WANG, ID_LI = (row[7] for row in BASE["人员"][1:4])
ID_MALE = idnumber.make("110105", date(1980, 5, 17), 125, Gender.male)

# BASE with every person cell filled in, as an export writes it: gender, birth date, status and notes
HEAD = P_HEAD + ["状态", "备注"]
PEOPLE = [
    ["第一网格", "阳光小区", "1号楼", 1, 301, "张美玲", "女", ID_ZHANG, date(1980, 5, 17), "13912345678", "户主", "户籍", "党员", "在住", "会计"],
    ["第一网格", "阳光小区", "1号楼", 1, 301, "王建国", "男", ID_WANG, date(1952, 3, 1), None, "配偶", "户籍", "老年人、退役军人", "在住", None],
    ["第一网格", "阳光小区", "1号楼", 1, 301, "李小雨", "女", ID_LI, date(2010, 9, 9), None, "子女", "户籍", None, "在住", None],
    ["第一网格", "阳光小区", "1号楼", 1, 302, "赵磊", None, None, None, "13700001111", "租户", "流动", None, "在住", None],
]
FULL = {"楼栋": BASE["楼栋"], "住户": BASE["住户"], "人员": [HEAD, *PEOPLE]}


@pytest.fixture
def full(store, tmp_path):
    path = write_book(tmp_path / "full.xlsx", FULL)
    report = import_register(store, path, create_areas=True)
    assert report.committed and not report.errors
    return path


@pytest.fixture
def cleaned(monkeypatch):
    """How many household and person rows the import cleaned."""
    calls = {"household": 0, "person": 0}

    def counting(kind, fn):
        def clean(*args, **kw):
            calls[kind] += 1
            return fn(*args, **kw)

        return clean

    monkeypatch.setattr(excel_import, "clean_household", counting("household", clean_household))
    monkeypatch.setattr(excel_import, "clean_person", counting("person", clean_person))
    return calls


def _outcomes(report):
    return [(r.kind, r.new, r.updated, r.unchanged, r.errors) for r in report.sheets]


def test_unchanged_rows_are_not_cleaned(store, full, cleaned):
    seq = last_seq(store)
    report = import_register(store, full, create_areas=True)
    assert report.committed and not report.errors
    assert _outcomes(report) == [("building", 0, 0, 2, 0), ("household", 0, 0, 3, 0), ("person", 0, 0, 4, 0)]
    assert cleaned == {"household": 0, "person": 0}
    assert last_seq(store) == seq


def test_a_changed_row_is_cleaned_whole_and_every_bad_cell_named(store, full, tmp_path, cleaned):
    # 王建国's notes typed in the app as the text "#N/A": the file's cell is an Excel error with that text
    with transaction(store) as tx:
        reg.update_person(tx, person(store, "王建国").id, {"notes": "#N/A"})
    rows = [list(r) for r in PEOPLE]
    rows[0][7] = ID_MALE  # a changed ID number: the gender cell, as stored, no longer fits it
    rows[1][14] = "#N/A"  # openpyxl writes it as an error cell
    rows[2][9] = "13811112222"  # a changed phone, and the birth date typed as text that is no date
    rows[2][8] = "2010-13-45"
    path = write_book(tmp_path / "changed.xlsx", {"人员": [HEAD, *rows]})
    seq = last_seq(store)
    report = import_register(store, path, create_areas=True)
    assert not report.committed and last_seq(store) == seq
    named = sorted((e.sheet, e.row, e.column, e.header, e.code) for e in report.errors)
    assert named == [
        ("人员", 2, "G", "性别", "id_mismatch"),
        ("人员", 3, "O", "备注", "error_cell"),
        ("人员", 4, "I", "出生日期", "date"),
    ]
    assert _outcomes(report) == [("person", 0, 0, 1, 3)]
    assert person(store, "张美玲").id_number == ID_ZHANG and person(store, "李小雨").phone is None


def test_an_id_number_typed_as_a_number_is_named_though_its_digits_are_stored(store, full, tmp_path):
    rows = [list(r) for r in PEOPLE]
    rows[2][7] = int(ID_LI)  # the same digits, as a number: Excel keeps 15 of them
    report = import_register(store, write_book(tmp_path / "number.xlsx", {"人员": [HEAD, *rows]}), create_areas=True)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(4, "H", "id_as_number")]


def test_a_record_edited_in_the_app_since_is_set_back_by_the_file(store, full):
    with transaction(store) as tx:
        reg.update_person(tx, person(store, "赵磊").id, {"phone": "13600000000", "tags": ["disabled"]})
        reg.update_household(tx, person(store, "赵磊").household_id, {"housing": "vacant"})
    seq = last_seq(store)
    report = import_register(store, full, create_areas=True)
    assert report.committed and not report.errors
    assert _outcomes(report) == [("building", 0, 0, 2, 0), ("household", 0, 1, 2, 0), ("person", 0, 1, 3, 0)]
    zhao = person(store, "赵磊")
    assert zhao.phone == "13700001111" and zhao.tags == ["disabled"]  # an empty cell keeps what is stored
    assert [(o.entity, o.fields) for o in outbox_rows(store, seq)] == [
        ("household", {"housing": "rented"}),
        ("person", {"phone": "13700001111"}),
    ]


def test_unchanged_rows_twice_in_the_file_are_named_as_duplicates(store, full, tmp_path):
    households = [H_HEAD, *BASE["住户"][1:], BASE["住户"][1]]
    path = write_book(tmp_path / "twice.xlsx", {"住户": households, "人员": [HEAD, *PEOPLE, PEOPLE[0], PEOPLE[3]]})
    report = import_register(store, path, create_areas=True)
    assert not report.committed
    assert sorted((e.sheet, e.row, e.column, e.code) for e in report.errors) == [
        ("人员", 6, "H", "duplicate_row"),
        ("人员", 7, "F", "duplicate_row"),
        ("住户", 5, "F", "duplicate_row"),
    ]


def test_label_and_number_forms_of_the_stored_values_are_unchanged(store, full, tmp_path, cleaned):
    """English labels, a phone typed as a number, tags in another order and separator: the same values."""
    rows = [list(r) for r in PEOPLE]
    rows[0][6], rows[0][9], rows[0][10] = "female", 13912345678, "Head"
    rows[1][12] = "退役军人, 老年人"
    report = import_register(store, write_book(tmp_path / "forms.xlsx", {"人员": [HEAD, *rows]}), create_areas=True)
    assert report.committed and _outcomes(report) == [("person", 0, 0, 4, 0)]
    assert cleaned["person"] == 0


def test_stored_rows_hold_what_the_records_hold(store, full):
    """The import reads stored households and people without the ORM (excel_index._stored): the same values."""
    from sqlmodel import select

    from gridworker.domain.models import Household, Person
    from gridworker.services.excel_index import _stored

    with transaction(store) as tx:  # a birth date, tags and notes of every kind the columns hold
        reg.update_person(tx, person(store, "赵磊").id, {"tags": ["disabled", "elderly"], "notes": "行动不便"})
    with store.read() as s:
        for model in (Household, Person):
            rows = {r.id: vars(r) for r in _stored(s, model)}
            records = {r.id: r for r in s.exec(select(model))}
            assert rows.keys() == records.keys() and rows
            for rid, values in rows.items():
                assert values == {k: getattr(records[rid], k) for k in values}
                assert all(type(v) is type(getattr(records[rid], k)) for k, v in values.items())


def test_csv_exports_reimport_without_cleaning(store, full, tmp_path, cleaned):
    """A CSV file's empty cells are '' and its numbers text: the same values all the same."""
    from gridworker.services.excel import export_sheet

    seq = last_seq(store)
    for kind in ("households", "persons"):
        out = tmp_path / f"{kind}.csv"
        export_sheet(store, kind, out)
        report = import_register(store, out, create_areas=True)
        assert report.committed and not report.errors
        assert [(r.new, r.updated, r.unchanged) for r in report.sheets] == [(0, 0, 3 if kind == "households" else 4)]
    assert cleaned == {"household": 0, "person": 0} and last_seq(store) == seq


def test_the_collector_runs_again_after_an_import_whatever_its_end(store, full, tmp_path):
    """The import pauses the cyclic collector for its whole length (reading included) and only for it."""
    import gc

    from gridworker.domain.errors import GridWorkerError

    assert gc.isenabled()
    assert import_register(store, full, create_areas=True).committed and gc.isenabled()
    empty = write_book(tmp_path / "empty.xlsx", {"说明": [["只有说明"]]})
    with pytest.raises(GridWorkerError):
        import_register(store, empty, create_areas=True)
    assert gc.isenabled()
