"""gridworker template -o FILE | import FILE [--dry-run] [--skip-errors] | export KIND -o FILE

Exit codes of `import`: 0 imported (with --skip-errors: the good rows, the bad
ones listed); 1 nothing imported because of errors (strict mode), or a dry run
that found errors; the report goes to standard output, progress to standard error.
"""

from __future__ import annotations

import sys
import time

from ..domain.counts import count_text

PROGRESS_FROM_ROWS = 2000  # smaller files finish before a progress line would help


def register(sub) -> None:
    t = sub.add_parser("template", help="write the empty register workbook to fill in (.xlsx)")
    t.add_argument("-o", "--output", required=True, help="file to write, e.g. register.xlsx")
    t.add_argument("--lang", dest="sheet_lang", choices=["zh", "en"], help="header language (default: --lang)")
    t.set_defaults(func=template)

    i = sub.add_parser("import", help="import buildings, households and people from .xlsx or .csv")
    i.add_argument("file")
    i.add_argument("--dry-run", action="store_true", help="check and count everything, change nothing")
    i.add_argument("--skip-errors", action="store_true", help="import the good rows and list the bad ones")
    i.set_defaults(func=import_file)

    e = sub.add_parser("export", help="export the register to .xlsx or .csv (in the layout `import` reads)")
    e.add_argument("kind", choices=["buildings", "households", "persons"])
    e.add_argument("-o", "--output", required=True, help="FILE.xlsx or FILE.csv")
    e.add_argument("--lang", dest="sheet_lang", choices=["zh", "en"], help="header language (default: --lang)")
    e.set_defaults(func=export)


def template(args, ctx) -> int:
    from ..services import excel  # openpyxl: loaded only by the commands that need it

    path = excel.write_template(args.output, args.sheet_lang or ctx.lang)
    ctx.say(f"已生成模板：{path}", f"Template written: {path}")
    return 0


class _ProgressLine:
    """`\\r导入 12000/68600 (17%)` on standard error, at most a few times a second."""

    def __init__(self, ctx, verb_zh: str, verb_en: str):
        self.ctx, self.verb = ctx, verb_zh if ctx.lang == "zh" else verb_en
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total <= PROGRESS_FROM_ROWS or (now - self.last < 0.25 and done < total):
            return
        self.last = now
        self.shown = True
        print(f"\r{self.verb} {done}/{total} ({done * 100 // max(total, 1)}%)", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr, flush=True)


def import_file(args, ctx) -> int:
    from ..services import excel  # openpyxl: loaded only by the commands that need it

    store = ctx.store()
    local = ctx.account().info.get("server") is None
    line = _ProgressLine(ctx, "导入", "Importing")
    try:
        report = excel.import_register(
            store, args.file, create_areas=local, dry_run=args.dry_run, skip_errors=args.skip_errors, progress=line
        )
    finally:
        line.close()
    for text in report.lines(ctx.lang):
        print(text)
    bad = len(report.errors)
    if args.dry_run:
        if bad:
            ctx.say(f"检查完毕：发现 {bad} 处错误，未做任何修改。", f"Checked: {count_text(bad, '{0} error', '{0} errors')} found; nothing was changed.")
        else:
            ctx.say("检查完毕：没有错误，未做任何修改（去掉 --dry-run 即可导入）。", "Checked: no errors; nothing was changed (run without --dry-run to import).")
        return 1 if bad else 0
    if not report.committed:
        ctx.say(
            f"未导入任何数据：发现 {bad} 处错误。请修改后重新导入，或用 --skip-errors 只导入正确的行。",
            f"Nothing was imported: {count_text(bad, '{0} error', '{0} errors')} found. Fix them and import again, or use --skip-errors to import the good rows.",
        )
        return 1
    if bad:
        ctx.say(f"已导入正确的行；{bad} 处错误所在的行已跳过。", f"The good rows were imported; the rows with {count_text(bad, '{0} error', '{0} errors')} were skipped.")
    else:
        ctx.say("导入完成。", "Import complete.")
    return 0


def export(args, ctx) -> int:
    from ..services import excel  # openpyxl: loaded only by the commands that need it

    line = _ProgressLine(ctx, "导出", "Exporting")
    try:
        n = excel.export_sheet(ctx.store(), args.kind, args.output, args.sheet_lang or ctx.lang, progress=line)
    finally:
        line.close()
    ctx.say(f"已导出 {n} 行到 {args.output}", f"Exported {count_text(n, '{0} row', '{0} rows')} to {args.output}")
    return 0
