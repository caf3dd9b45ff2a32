"""gridworker compare FILE [--id-col C] [--name-col C] [--phone-col C] [--export DIR] [--plan-visits] [--json]

List comparison (名单比对): an outside list (.xlsx or .csv) against the
register of the account's areas. A column is named by its header text, its
letter (C) or its number (3, from 1); `none` leaves it out; not given, it is
guessed from the headers. Prints the groups' counts (--json: the counts, the
columns used and the files written); --export writes each group to DIR;
--plan-visits plans a walk-round over the missing people's households.
Exit code 0 when compared, 1 when the file or the columns were refused.
"""

from __future__ import annotations

import json
from dataclasses import replace

from ..domain.counts import count_text
from ..domain.errors import GridWorkerError

COLUMN_OPTIONS = (("id_number", "--id-col"), ("name", "--name-col"), ("phone", "--phone-col"))


def register(sub) -> None:
    p = sub.add_parser("compare", help="compare an outside list (.xlsx/.csv) with the register: missing, unknown, differing")
    p.add_argument("file", help="the list, .xlsx or .csv (UTF-8 or GBK)")
    for _field, flag in COLUMN_OPTIONS:
        p.add_argument(flag, metavar="COLUMN", help="header text, letter or number (from 1) of the column; 'none' to leave it out")
    p.add_argument("--export", metavar="DIR", help="write each group to an .xlsx file in DIR")
    p.add_argument("--plan-visits", action="store_true", help="plan a walk-round over the missing people's households")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=compare)


def column_index(spec: str, headers: list[str]) -> int | None:
    """The 0-based column `spec` names: a header (exactly, then ignoring case and spaces), a letter, a number."""
    from openpyxl.utils.cell import column_index_from_string

    from ..domain.listcompare import header_key

    text = spec.strip()
    if text.lower() in ("none", "-", ""):
        return None
    if text in headers:
        return headers.index(text)
    keys = [header_key(h) for h in headers]
    if header_key(text) and header_key(text) in keys:
        return keys.index(header_key(text))
    if text.isdigit() and 1 <= int(text) <= len(headers):
        return int(text) - 1
    if text.isascii() and text.isalpha() and len(text) <= 3 and column_index_from_string(text.upper()) <= len(headers):
        return column_index_from_string(text.upper()) - 1
    raise GridWorkerError(
        f"文件中没有“{spec}”这一列（列：{'、'.join(headers)}）",
        f"The file has no column '{spec}' (columns: {', '.join(headers)})",
        code="bad_column",
    )


def compare(args, ctx) -> int:
    from ..services import listcompare as svc

    listfile = svc.read_list(args.file)
    columns = listfile.columns
    for field, flag in COLUMN_OPTIONS:
        spec = getattr(args, flag[2:].replace("-", "_"))
        if spec is not None:
            columns = replace(columns, **{field: column_index(spec, listfile.headers)})
    comparison = svc.compare_list(ctx.store(), listfile, columns)
    written = [str(p) for p in svc.export_all(comparison, args.export, ctx.lang)] if args.export else []
    walk = None
    if args.plan_visits:
        from ..identity import identity_of

        planner = identity_of(ctx.account())
        walk = svc.plan_visits_for_missing(ctx.store(), comparison, planner_id=planner.id, lang=ctx.lang,
                                           planner_role=planner.role)  # fmt: skip
    if args.json:
        print(json.dumps({
            "file": listfile.name, "sheet": listfile.sheet, "header_row": listfile.header_row,
            "columns": {f: listfile.headers[i] for f, i in columns.chosen().items()},
            "counts": comparison.counts(), "exported": written,
            "walkround": None if walk is None else {"id": walk.id, "name": walk.name, "households": len(walk.household_ids)},
        }, ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    _print_counts(ctx, listfile, comparison)
    for path in written:
        ctx.say(f"已导出：{path}", f"Exported: {path}")
    if walk is not None:
        ctx.say(f"已安排巡查“{walk.name}”：{len(walk.household_ids)} 户", f"Walk-round '{walk.name}' planned: {count_text(len(walk.household_ids), '{0} household', '{0} households')}")
    return 0


def _print_counts(ctx, listfile, comparison) -> None:
    from ..services import listcompare as svc

    c = comparison.counts()
    zh = ctx.lang == "zh"
    ctx.say(f"名单：{listfile.name}（工作表“{listfile.sheet}”，表头在第 {listfile.header_row} 行，{c['rows']} 行）",
            f"List: {listfile.name} (sheet '{listfile.sheet}', header on row {listfile.header_row}, {count_text(c['rows'], '{0} row', '{0} rows')})")  # fmt: skip
    used = [f"{svc.words(svc.FIELD_LABELS[f], ctx.lang)} = {listfile.column_label(i)}" for f, i in comparison.columns.chosen().items()]
    ctx.say("比对列：" + "；".join(used), "Columns: " + "; ".join(used))
    ctx.say(f"登记簿：{c['people']} 人", f"Register: {c['people']} people")
    for group in svc.GROUPS:
        label = svc.group_label(group, ctx.lang)
        if group == "ambiguous":
            print(f"{label}：{c['ambiguous']} 组（{c['ambiguous_rows']} 行）" if zh
                  else f"{label}: {c['ambiguous']} groups ({c['ambiguous_rows']} rows)")  # fmt: skip
        else:
            print(f"{label}：{c[group]}" if zh else f"{label}: {c[group]}")
    ctx.say(f"一致：{c['same']}", f"Same: {c['same']}")
    if c["damaged_ids"]:
        rows = ", ".join(map(str, comparison.damaged_ids[:10])) + ("…" if c["damaged_ids"] > 10 else "")
        ctx.say(f"注意：{c['damaged_ids']} 个身份证号被 Excel 存成了数字，末几位已丢失（第 {rows} 行），无法比对；"
                "请在名单中把该列设为“文本”后重新录入",
                f"Note: {c['damaged_ids']} ID numbers were stored by Excel as numbers and lost their last digits "
                f"(rows {rows}): they cannot match anyone; format the column as Text in the list and type them again")
    if c["skipped"]:
        ctx.say(f"另有 {c['skipped']} 行在所选列中没有内容，未比对", f"{c['skipped']} more rows have nothing in the chosen columns and were not compared")
