"""List comparison (名单比对): columns guessed, values normalised, the groups counted by hand."""

import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from gridworker.domain import idnumber
from gridworker.domain.enums import Gender
from gridworker.domain.listcompare import (
    Columns,
    compare,
    guess_columns,
    header_key,
    norm_id,
    norm_name,
    norm_phone,
    read_rows,
)


def _id(seq: int, gender=Gender.male) -> str:
    return idnumber.make("110101", date(1940 + seq % 60, 1 + seq % 12, 1 + seq % 28), seq, gender)


A, B, C, E, F, G, H, I, J = (_id(i) for i in range(1, 10))
K, L = _id(20), _id(21)
C = next(x for x in (_id(i, Gender.female) for i in range(30, 60)) if x.endswith("X"))  # one ending in X
I_TYPO = I[:10] + ("1" if I[10] != "1" else "2") + I[11:]

REGISTER = [
    {"person_id": "p1", "name": "张三", "id_number": A, "phone": "13800000001"},
    {"person_id": "p2", "name": "李四", "id_number": B, "phone": "13800000002"},
    {"person_id": "p3", "name": "王五", "id_number": C, "phone": "13800000003"},
    {"person_id": "p4", "name": "赵六", "id_number": None, "phone": "13800000004"},
    {"person_id": "p5", "name": "刘七", "id_number": E, "phone": "13800000005"},
    {"person_id": "p6", "name": "刘七", "id_number": F, "phone": "13800000005"},  # same name, shared phone
    {"person_id": "p7", "name": "陈八", "id_number": G, "phone": "13800000007"},
    {"person_id": "p8", "name": "周九", "id_number": H, "phone": None},
    {"person_id": "p9", "name": "吴十", "id_number": I, "phone": "13800000009"},
    {"person_id": "p10", "name": "郑十一", "id_number": J, "phone": "13800000010"},
]
HEADERS = ["序号", "姓名", "公民身份号码", "联系电话", "备注"]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
ROWS = [
    [1, "张三", A, "13800000001", ""],  # r0 same
    [2, "李四", B, "138 0000 0099", ""],  # r1 differs: phone
    [3, "王五", C.translate(FULL_WIDTH), "+86 138-0000-0003", ""],  # r2 same (full width, lower-case x, +86)
    [4, "赵 六", "", 13800000004.0, "no ID: by name + phone"],  # r3 same
    [5, "刘七", "", "13800000005", ""],  # r4 ambiguous: two people
    [6, "陈八", G, "13800000007", ""],  # r5 ┐ ambiguous: the same person twice
    [7, "陈八", G.lower(), "13800000007", ""],  # r6 ┘
    [8, "孙悟空", K, "13900000000", ""],  # r7 unknown
    [9, "猪八戒", L, "", ""],  # r8 ┐ ambiguous: the same unknown ID twice
    [10, "猪八戒", L, "", ""],  # r9 ┘
    [11, "周久", H, "13800000008", ""],  # r10 differs: name (the register has no phone to compare)
    ["", "", "", "", ""],  # blank: skipped
    [12, "沙僧", "", "", ""],  # r12 ambiguous: neither ID nor name + phone
    [13, "白骨精", "", "13900000013", ""],  # r13 unknown by name + phone
    [14, "吴十", I_TYPO, "13800000009", ""],  # r14 unknown: a row with an ID is matched by its ID only
]


def _result():
    return compare(REGISTER, ROWS, guess_columns(HEADERS))


def test_columns_guessed_from_chinese_headers():
    assert guess_columns(HEADERS) == Columns(id_number=2, name=1, phone=3)


def test_the_groups_counted_by_hand():
    r = _result()
    assert r.counts() == {"missing": 2, "unknown": 3, "differs": 2, "ambiguous": 4, "ambiguous_rows": 6, "same": 3}
    assert [p.person_id for p in r.missing] == ["p9", "p10"]
    assert [row.index for row in r.unknown] == [7, 13, 14]
    assert [(d.row.index, d.person.person_id, d.fields) for d in r.differs] == [(1, "p2", ("phone",)), (10, "p8", ("name",))]
    assert [(row.index, p.person_id) for row, p in r.same] == [(0, "p1"), (2, "p3"), (3, "p4")]
    groups = [(a.reason, [row.index for row in a.rows], sorted(p.person_id for p in a.people)) for a in r.ambiguous]
    assert groups == [
        ("several_people", [4], ["p5", "p6"]),
        ("duplicate_rows", [5, 6], ["p7"]),
        ("duplicate_rows", [8, 9], []),
        ("no_key", [12], []),
    ]


def test_every_row_lands_in_exactly_one_group():
    r = _result()
    placed = [row.index for row in r.unknown] + [d.row.index for d in r.differs] + [row.index for row, _ in r.same]
    placed += [row.index for a in r.ambiguous for row in a.rows]
    assert sorted(placed) == [i for i, row in enumerate(ROWS) if any(str(c) for c in row[1:4])]


def test_ambiguity_labels_speak_both_languages():
    a = _result().ambiguous[0]
    assert a.label("zh") == "与登记簿中多人相符" and a.label("en") == "matches several people of the register"


def test_an_id_shared_by_two_register_people_is_ambiguous():
    people = REGISTER + [{"person_id": "p11", "name": "张叁", "id_number": A, "phone": None}]
    r = compare(people, ROWS, guess_columns(HEADERS))
    assert ("several_people", [0], ["p1", "p11"]) in [
        (a.reason, [row.index for row in a.rows], sorted(p.person_id for p in a.people)) for a in r.ambiguous
    ]
    assert r.counts()["same"] == 2 and not {"p1", "p11"} & {p.person_id for p in r.missing}


def test_columns_are_changeable():
    # Without the name column, rows with no ID number cannot be matched and their people are missing.
    r = compare(REGISTER, ROWS, Columns(id_number=2, name=None, phone=3))
    assert r.counts() == {"missing": 5, "unknown": 2, "differs": 1, "ambiguous": 5, "ambiguous_rows": 7, "same": 3}
    assert [p.person_id for p in r.missing] == ["p4", "p5", "p6", "p9", "p10"]
    assert [a.rows[0].index for a in r.ambiguous if a.reason == "no_key"] == [3, 4, 13]


def test_english_and_decorated_headers():
    assert guess_columns(["No.", "Full Name", "ID No.", "Mobile"]) == Columns(id_number=2, name=1, phone=3)
    assert guess_columns(["*本人身份证号（必填）", "联系人姓名", "手机号码 "]) == Columns(id_number=0, name=1, phone=2)
    assert guess_columns(["Ｉｄ Ｃａｒｄ", "NAME", "Tel."]) == Columns(id_number=0, name=1, phone=2)
    assert guess_columns(["地址", "备注"]) == Columns()


def test_columns_without_a_known_header_are_found_by_their_contents():
    rows = [["张三", A, "13800000001"], ["李四", B.lower(), "+86 13800000002"]]
    assert guess_columns(["甲", "乙", "丙"], rows) == Columns(id_number=1, name=None, phone=2)
    # A bare "ID" column of row numbers is not taken for ID numbers; the column that holds them is.
    rows = [[1, "张三", A], [2, "李四", B]]
    assert guess_columns(["ID", "Name", "Remark"], rows) == Columns(id_number=2, name=1, phone=None)


def test_normalising():
    assert norm_id(" 11010119900307123ｘ ") == "11010119900307123X"
    assert norm_id("١١٠١٠١") == "110101"  # Arabic-Indic digits
    assert norm_phone("+86 138-0013-8000") == "13800138000"
    assert norm_phone("0086 13800138000") == "13800138000"
    assert norm_phone("８６１３８００１３８０００") == "13800138000"
    assert norm_phone(13800138000.0) == "13800138000"
    assert norm_phone("0571-88886666") == "057188886666"
    assert norm_name(" 阿依古丽•买买提 ") == "阿依古丽·买买提"
    assert norm_name("张 三") == "张三"
    assert header_key(" *身份证号码（必填）") == "身份证号码必填"


def test_read_rows_skips_blank_rows_and_short_rows():
    rows = read_rows([["张三"], [], [None, None, None]], Columns(id_number=1, name=0, phone=2))
    assert [(r.index, r.name, r.id_number, r.phone) for r in rows] == [(0, "张三", "", "")]


_NAMES = st.text(alphabet="张王李赵刘陈杨黄周吴三四五六七八九明华", min_size=2, max_size=3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_NAMES, st.integers(0, 50)), min_size=1, max_size=30, unique_by=lambda t: t[1]),
       st.randoms(use_true_random=False))  # fmt: skip
def test_the_register_compared_with_itself_matches_everyone(entries, rnd):
    people = [{"person_id": f"p{n}", "name": name, "id_number": _id(n), "phone": f"139{n:08d}"} for name, n in entries]
    rows = [[p["name"], p["id_number"].lower(), "+86 " + p["phone"]] for p in people]
    rnd.shuffle(rows)
    r = compare(people, rows, Columns(id_number=1, name=0, phone=2))
    assert r.counts() == {"missing": 0, "unknown": 0, "differs": 0, "ambiguous": 0, "ambiguous_rows": 0,
                          "same": len(people)}  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_groups_partition_any_list(seed):
    rnd = random.Random(seed)
    people = [{"person_id": f"p{i}", "name": rnd.choice("甲乙丙"), "id_number": rnd.choice([_id(i % 7), None]),
               "phone": rnd.choice(["13900000001", "13900000002", None])} for i in range(12)]  # fmt: skip
    rows = [[rnd.choice(["甲", "乙", "丙", ""]), rnd.choice([_id(rnd.randrange(9)), ""]),
             rnd.choice(["13900000001", "13900000002", ""])] for _ in range(15)]  # fmt: skip
    r = compare(people, rows, Columns(id_number=1, name=0, phone=2))
    placed = [row.index for row in r.unknown] + [d.row.index for d in r.differs] + [row.index for row, _ in r.same]
    placed += [row.index for a in r.ambiguous for row in a.rows]
    assert sorted(placed) == [i for i, row in enumerate(rows) if any(row)]
    named = {p.person_id for _, p in r.same} | {d.person.person_id for d in r.differs}
    named |= {p.person_id for a in r.ambiguous for p in a.people}
    assert {p.person_id for p in r.missing} == {p["person_id"] for p in people} - named
