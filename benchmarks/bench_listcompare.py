"""List comparison (名单比对): an outside list of 50,000 rows against a register of 50,000 people (target < 2 s).

The list is built from the register the way real lists look: most people on
it, typed differently (lower-case x, +86 and spaces in phones, full-width
digits now and then), some with another phone, some rows without an ID
number (matched by name + phone), a few duplicated rows, and people the
register does not know. The figure covers guessing the columns, normalising
every cell and building the groups.

Baseline, on the same rows in the same run, with none of our code: a dict
from the raw ID strings and one lookup per row's raw ID string — no
normalising, no name + phone matching, no groups.

The whole path (issue 15) is a second figure: the same rows written to an
.xlsx file, then read (services.listcompare.read_list: header row found,
columns guessed) and compared. Its baseline: the workbook's parts only
decompressed (zipfile, nothing parsed), then the same raw dict lookups.
"""

from __future__ import annotations

import random
import tempfile
import zipfile
from pathlib import Path
from datetime import date

from benchmarks.common import Report, timer

SIZES = {"small": 5_000, "full": 50_000}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _data(n: int, rng: random.Random) -> tuple[list[dict], list[str], list[list]]:
    from gridworker.domain import idnumber
    from gridworker.domain.enums import Gender

    people = []
    for i in range(n):
        born = date(1930 + rng.randrange(90), 1 + rng.randrange(12), 1 + rng.randrange(28))
        gender = rng.choice((Gender.male, Gender.female))
        people.append({
            "person_id": f"p{i}",
            "id_number": idnumber.make("330106", born, rng.randrange(1000), gender),
            "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else None,
        })  # fmt: skip
    rows: list[list] = []
    for p in people:
        roll = rng.random()
        if roll < 0.05:
            continue  # missing from the list
        phone = p["phone"] or ""
        if roll < 0.10:
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"  # differs
        ident = p["id_number"].lower() if rng.random() < 0.5 else p["id_number"]
        if roll > 0.90 and phone:
            ident = ""  # by name + phone
        if rng.random() < 0.02:
            ident = ident.translate(FULL_WIDTH)
        shown = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}" if phone and rng.random() < 0.3 else phone
        rows.append([len(rows) + 1, p["name"], ident, shown, "已接种"])
        if rng.random() < 0.005:
            rows.append(list(rows[-1]))  # a duplicated row
    for i in range(n - len(rows)):  # unknown to the register
        born = date(1950 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
        rows.append([len(rows) + 1, rng.choice(SURNAMES) + rng.choice(GIVEN),
                     idnumber.make("330108", born, rng.randrange(1000), Gender.male), "", ""])  # fmt: skip
    rng.shuffle(rows)
    return people, ["序号", "姓名", "公民身份号码", "联系电话", "备注"], rows


def run(report: Report, scale: str) -> None:
    from gridworker.domain.listcompare import compare, guess_columns

    n = SIZES[scale]
    people, headers, rows = _data(n, random.Random(15))
    best, base_best, result = float("inf"), float("inf"), None
    for _ in range(3):
        with timer() as ours:
            result = compare(people, rows, guess_columns(headers, rows))
        with timer() as base:
            by_id = {p["id_number"]: p for p in people}
            found = sum(1 for r in rows if r[2] in by_id)
        best, base_best = min(best, ours["s"]), min(base_best, base["s"])
    counts = result.counts()
    assert counts["same"] + counts["differs"] > 0.8 * n and found > 0, counts
    report.add(f"list comparison: {len(rows)} rows against {n} people", best, "s", baseline=base_best,
               baseline_label="raw dict lookup of raw ID strings", target="< 2 s")  # fmt: skip
    print("  groups:", ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    _whole_path(report, people, headers, rows)


def _whole_path(report: Report, people: list[dict], headers: list[str], rows: list[list]) -> None:
    """Reading the list from .xlsx and comparing it, beside unzipping the file and the raw lookups."""
    from gridworker.domain.listcompare import compare
    from gridworker.services.excel_writer import SheetData, write_xlsx
    from gridworker.services.listcompare import read_list

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        write_xlsx(path, [SheetData("名单", [headers, *rows])])
        best, base_best, result = float("inf"), float("inf"), None
        for _ in range(3):
            with timer() as ours:
                listfile = read_list(path)
                result = compare(people, listfile.rows, listfile.columns)
            with timer() as base:
                with zipfile.ZipFile(path) as z:
                    size = sum(len(z.read(name)) for name in z.namelist())
                by_id = {p["id_number"]: p for p in people}
                found = sum(1 for r in rows if r[2] in by_id)
            best, base_best = min(best, ours["s"]), min(base_best, base["s"])
    assert result.counts()["same"] + result.counts()["differs"] > 0.8 * len(people) and size and found, result.counts()
    report.add(f"list comparison from .xlsx: read {len(rows)} rows + compare", best, "s", baseline=base_best,
               baseline_label="unzip the workbook + raw dict lookup")  # fmt: skip
