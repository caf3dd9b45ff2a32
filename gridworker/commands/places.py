"""gridworker places list [--kind K] [--grid CODE] [--search TEXT] [--json] | places import FILE [--dry-run]
| places delete ID | places export -o FILE | roster export -o FILE

For a clerk's scripts: the register of places (九小场所 and organisations), its
Excel/CSV import (checked whole first; every bad cell named by sheet, row and
column; all or nothing — exit code 1 and nothing changed when any row is bad)
and export, and the export of every grid's team (网格“1+6+N”).
"""

from __future__ import annotations

import json

from ..domain.counts import count_text


def register(sub) -> None:
    p = sub.add_parser("places", help="places (九小场所, organisations): list, import, export")
    psub = p.add_subparsers(dest="places_command", metavar="ACTION", required=True)
    ls = psub.add_parser("list", help="list places with their open and overdue hazards")
    ls.add_argument("--kind", help="only this kind (code, Chinese or English name)")
    ls.add_argument("--grid", help="only this grid (area code or name) and the areas below it")
    ls.add_argument("--search", help="name, pinyin, initials, address, licence number or person in charge")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=places_list)
    i = psub.add_parser("import", help="import places from .xlsx or .csv (all or nothing)")
    i.add_argument("file")
    i.add_argument("--dry-run", action="store_true", help="check and count everything, change nothing")
    i.set_defaults(func=places_import)
    d = psub.add_parser("delete", help="delete a place (refused while it has open hazards); the delete is synced")
    d.add_argument("id", help="the place's id (`places list --json` shows it)")
    d.set_defaults(func=places_delete)
    e = psub.add_parser("export", help="export places to .xlsx or .csv (in the layout `import` reads)")
    e.add_argument("-o", "--output", required=True, help="FILE.xlsx or FILE.csv")
    e.add_argument("--lang", dest="sheet_lang", choices=["zh", "en"], help="header language (default: --lang)")
    e.set_defaults(func=places_export)
    r = sub.add_parser("roster", help="the grids' teams (网格“1+6+N”)")
    rsub = r.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    re_ = rsub.add_parser("export", help="export every grid's team to .xlsx or .csv")
    re_.add_argument("-o", "--output", required=True, help="FILE.xlsx or FILE.csv")
    re_.add_argument("--lang", dest="sheet_lang", choices=["zh", "en"], help="header language (default: --lang)")
    re_.set_defaults(func=roster_export)


def _grid(ctx, text: str | None) -> list[str] | None:
    if not text:
        return None
    from sqlmodel import select

    from ..domain.errors import GridWorkerError
    from ..domain.models import Area

    with ctx.store().read() as s:
        for a in s.exec(select(Area).where(Area.deleted == False)):  # noqa: E712
            if text in (a.code, a.name):
                return [a.id]
    raise GridWorkerError(f"找不到网格“{text}”", f"No grid '{text}'", code="not_found")


def _kind(text: str | None) -> str | None:
    if not text:
        return None
    from ..domain.errors import GridWorkerError
    from ..domain.places.kinds import load_kinds

    for k in load_kinds():
        if text in (k.code, k.name) or text.lower() == k.name_en.lower():
            return k.code
    raise GridWorkerError(f"未知的场所类型“{text}”", f"Unknown kind of place '{text}'", code="unknown_kind")


def places_list(args, ctx) -> int:
    from ..domain.places.kinds import load_kinds
    from ..services.queries.places_register import list_places

    rows = list_places(ctx.store(), area_ids=_grid(ctx, args.grid), kind=_kind(args.kind), text=args.search)
    if args.json:
        out = [{"id": r.id, "name": r.name, "kind": r.kind, "address": r.address, "person_in_charge": r.person_in_charge,
                "phone": r.phone, "licence_number": r.licence_number, "area_id": r.area_id,
                "last_inspected": r.last_inspected.isoformat() if r.last_inspected else None,
                "open_hazards": r.open_hazards, "overdue_hazards": r.overdue_hazards} for r in rows]  # fmt: skip
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    kinds = load_kinds()
    for r in rows:
        kind = kinds.get(r.kind)
        hazards = (f"隐患 {r.open_hazards}（逾期 {r.overdue_hazards}）" if ctx.lang == "zh" else
                   f"hazards {r.open_hazards} ({r.overdue_hazards} overdue)")  # fmt: skip
        print("\t".join([r.name, kind.label(ctx.lang) if kind else r.kind, r.address or "", r.person_in_charge or "", hazards]))
    ctx.say(f"共 {len(rows)} 个场所", count_text(len(rows), "{0} place", "{0} places"))
    return 0


def places_import(args, ctx) -> int:
    from ..services.places_excel import import_places

    report = import_places(ctx.store(), args.file, dry_run=args.dry_run)
    for line in report.lines(ctx.lang):
        print(line)
    bad = len(report.errors)
    if bad:
        ctx.say(f"未导入任何数据：发现 {bad} 处错误，请修改后重新导入。", f"Nothing was imported: {count_text(bad, '{0} error', '{0} errors')} found; fix them and import again.")
        return 1
    if args.dry_run:
        ctx.say("检查完毕：没有错误，未做任何修改（去掉 --dry-run 即可导入）。", "Checked: no errors; nothing was changed (run without --dry-run to import).")
        return 0
    ctx.say("导入完成。", "Import complete.")
    return 0


def places_delete(args, ctx) -> int:
    from ..identity import identity_of
    from ..services import places as svc

    place = svc.delete_place(ctx.store(), args.id, actor_role=identity_of(ctx.account()).role)
    ctx.say(f"已删除场所“{place.name}”（下次同步时在服务器上一并删除）", f"Deleted the place '{place.name}' (deleted on the server at the next sync)")
    return 0


def places_export(args, ctx) -> int:
    from ..services.places_excel import export_places

    n = export_places(ctx.store(), args.output, args.sheet_lang or ctx.lang)
    ctx.say(f"已导出 {n} 个场所到 {args.output}", f"Exported {count_text(n, '{0} place', '{0} places')} to {args.output}")
    return 0


def roster_export(args, ctx) -> int:
    from ..services.places_excel import export_roster

    n = export_roster(ctx.store(), args.output, args.sheet_lang or ctx.lang)
    ctx.say(f"已导出 {n} 名网格力量到 {args.output}", f"Exported {count_text(n, '{0} grid team member', '{0} grid team members')} to {args.output}")
    return 0
