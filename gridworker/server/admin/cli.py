"""`gridworker-server`: set up, run and administer the sync server.

    gridworker-server [--lang zh|en] COMMAND [--data DIR] ...

    init --data DIR [--username NAME] [--password-stdin]   database + first admin
    serve --data DIR [--host H] [--port P] [--workers N]   run (uvicorn)
    area import FILE | area list
    user add USERNAME --role worker|dispatcher|handler|admin --area CODE [--area CODE ...] --password-stdin
    user update USERNAME [--role R] [--area CODE ...] [--display-name NAME]
    user disable USERNAME | user enable USERNAME | user reset-password USERNAME --password-stdin | user list
    token revoke [TOKEN_ID] [--user NAME] [--device ID] | token list [--user NAME]
    category import FILE | holiday import FILE | holiday list | checklist import FILE | points import FILE
    demo-seed [--persons N] [--seed S] [--participation-only]
    conflicts list [--after ID] [--limit N]
    backup FILE | restore FILE | new-epoch
    blobs [--json] | blobs collect [--grace-hours H]      photo storage: usage, collection

Every command that touches the database takes --data DIR (the folder with
server.db and the blobs); GRIDWORKER_DATABASE_URL selects PostgreSQL instead
of the SQLite file. Scripts rely on these forms: keep them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import shutil
import sqlite3
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import update

from ...domain.errors import GridWorkerError
from ...domain.workdays import TZ
from ...language import default_language
from ..core.config import Settings
from ..core.db import Database
from ..core.schema import server_meta
from ..sync.incidents import calendar_from_db
from ..sync.repairs import repair_photo_parents
from ..sync.scope import refresh_scopes
from ..sync.state import EPOCH_KEY, ensure_epoch
from . import bootstrap, operations as admin
from .blob_cmds import cmd_blobs, cmd_blobs_collect
from .checklists import cmd_checklist_import

DEFAULT_PORT = 8765
WORKER_HEALTHCHECK_S = 60  # serve --workers: how long a worker may take to answer before it is restarted
# How long an idle keep-alive connection stays open. uvicorn's default, 5 s, closed connections that a
# device (between its pull and its push) or nginx (upstream keepalive, 60 s idle) was about to reuse: a
# POST sent as the server closed was lost, and HTTP clients do not retry a POST by themselves. The server
# must be the side that closes last: longer than nginx's upstream keepalive_timeout (docs/server-admin.md).
KEEP_ALIVE_S = 75


class Cli:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.lang = args.lang or default_language()
        self._db: Database | None = None

    def say(self, zh: str, en: str) -> None:
        print(zh if self.lang == "zh" else en, flush=True)

    def settings(self) -> Settings:
        try:
            return Settings.from_env(getattr(self.args, "data", None))
        except ValueError:
            raise GridWorkerError("请用 --data 指定数据目录", "Give the data folder with --data DIR") from None

    def database(self) -> Database:
        """The database, migrated to the newest schema; closed when the command ends."""
        if self._db is None:
            settings = self.settings()
            settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            old = os.umask(0o077)  # a database file made now is the owner's alone (POSIX; no effect on Windows)
            try:
                self._db = Database(settings.url, pool_size=1)
                self._db.migrate()
            finally:
                os.umask(old)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    def password(self, *, confirm: bool = False) -> str:
        if getattr(self.args, "password_stdin", False):
            return sys.stdin.readline().rstrip("\r\n")
        if not sys.stdin.isatty():
            raise GridWorkerError("请用 --password-stdin 提供密码", "Give the password with --password-stdin")
        first = getpass.getpass("密码：" if self.lang == "zh" else "Password: ")
        if confirm and getpass.getpass("再输一次：" if self.lang == "zh" else "Again: ") != first:
            raise GridWorkerError("两次输入的密码不一致", "The two passwords differ")
        return first


# -- commands ---------------------------------------------------------------------------------
def cmd_init(cli: Cli) -> int:
    db = cli.database()
    with db.write() as conn:
        ensure_epoch(conn)
        bootstrap.initialise(conn, cli.args.username, admin.check_password(cli.password(confirm=True)))
    bootstrap.make_private(cli.settings().data_dir)
    cli.say(f"已初始化 {cli.settings().data_dir}，管理员 {cli.args.username}", f"Initialised {cli.settings().data_dir}; admin {cli.args.username}")
    return 0


def cmd_serve(cli: Cli) -> int:
    import uvicorn

    from ..api.app import create_app, freeze_startup_heap

    settings = cli.settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    options = dict(host=cli.args.host, port=cli.args.port, proxy_headers=True, forwarded_allow_ips=cli.args.forwarded_allow_ips,
                   timeout_keep_alive=KEEP_ALIVE_S)  # fmt: skip
    if cli.args.workers > 1 and not settings.database_url:
        raise GridWorkerError(
            "SQLite 只能运行一个服务器进程；多个进程请使用 PostgreSQL（见 docs/server-admin.md）",
            "SQLite takes one server process; for several, use PostgreSQL (see docs/server-admin.md)",
        )
    with cli.database().write() as conn:  # migrate and repair once, before any worker starts
        repair_photo_parents(conn)
        refresh_scopes(conn)  # snapshots written by an older server gain what scopes hold now (sync/scope.py)
        warn_missing_holidays(cli, conn)
    cli.close()
    if cli.args.workers > 1:
        os.environ["GRIDWORKER_SERVER_DATA"] = str(settings.data_dir)
        # uvicorn kills a worker that does not answer its health check within 5 s; a worker whose
        # cores are all taken by sign-ins (argon2) can miss that, and its requests in flight were lost.
        options["timeout_worker_healthcheck"] = WORKER_HEALTHCHECK_S
        uvicorn.run("gridworker.server.api.app:app_from_env", factory=True, workers=cli.args.workers, **options)
    else:
        app = create_app(settings)
        freeze_startup_heap()
        uvicorn.run(app, **options)
    return 0


def cmd_area_import(cli: Cli) -> int:
    rows = admin.read_area_file(cli.args.file)
    with cli.database().write() as conn:
        counts = admin.import_areas(conn, rows)
    cli.say(
        f"区域：新增 {counts.created}，更新 {counts.updated}，未变 {counts.unchanged}",
        f"Areas: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged",
    )
    return 0


def cmd_area_list(cli: Cli) -> int:
    with cli.database().read() as conn:
        for a in admin.list_areas(conn):
            print(f"{'  ' * a['depth']}{a['code']}\t{a['name']}\t{a['level']}")
    return 0


def cmd_user_add(cli: Cli) -> int:
    password = cli.password(confirm=True)
    with cli.database().write() as conn:
        admin.add_user(conn, cli.args.username, cli.args.role, cli.args.area or [], password, cli.args.display_name)
    cli.say(f"已添加用户 {cli.args.username}", f"User {cli.args.username} added")
    return 0


def cmd_user_update(cli: Cli) -> int:
    with cli.database().write() as conn:
        admin.update_user(conn, cli.args.username, role=cli.args.role, area_codes=cli.args.area, display_name=cli.args.display_name)
    cli.say(f"已更新用户 {cli.args.username}", f"User {cli.args.username} updated")
    return 0


def cmd_user_disable(cli: Cli, disabled: bool = True) -> int:
    with cli.database().write() as conn:
        admin.set_disabled(conn, cli.args.username, disabled)
    if disabled:
        cli.say(f"已停用 {cli.args.username}，其令牌立即失效", f"{cli.args.username} disabled; their tokens stop working now")
    else:
        cli.say(f"已启用 {cli.args.username}", f"{cli.args.username} enabled")
    return 0


def cmd_user_reset_password(cli: Cli) -> int:
    password = cli.password(confirm=True)
    with cli.database().write() as conn:
        admin.reset_password(conn, cli.args.username, password)
    cli.say(f"已重设 {cli.args.username} 的密码，原有令牌已撤销", f"Password of {cli.args.username} reset; their tokens are revoked")
    return 0


def cmd_user_list(cli: Cli) -> int:
    with cli.database().read() as conn:
        for u in admin.list_users(conn):
            state = " (disabled)" if u["disabled"] else ""
            print(f"{u['username']}\t{u['role']}\t{','.join(u['areas'])}\t{u['display_name']}{state}")
    return 0


def cmd_token_revoke(cli: Cli) -> int:
    with cli.database().write() as conn:
        n = admin.revoke_tokens(conn, token_id=cli.args.token_id, username=cli.args.user, device_id=cli.args.device)
    cli.say(f"已撤销 {n} 个令牌", f"{n} token(s) revoked")
    return 0


def cmd_token_list(cli: Cli) -> int:
    with cli.database().read() as conn:
        for t in admin.list_tokens(conn, cli.args.user):
            expires = datetime.fromtimestamp(t["expires_at"], timezone.utc).isoformat(timespec="seconds")
            print(f"{t['id']}\t{t['username']}\t{t['device_id']}\t{t['device_name'] or ''}\t{t['state']}\t{expires}")
    return 0


def cmd_category_import(cli: Cli) -> int:
    table = admin.read_json_file(cli.args.file)
    with cli.database().write() as conn:
        c = admin.import_categories(conn, table)
    cli.say(f"类别：新增 {c.created}，更新 {c.updated}，未变 {c.unchanged}", f"Categories: {c.created} created, {c.updated} updated, {c.unchanged} unchanged")
    return 0


def cmd_holiday_import(cli: Cli) -> int:
    table = admin.read_json_file(cli.args.file)
    with cli.database().write() as conn:
        c = admin.import_holidays(conn, table)
    cli.say(f"节假日：新增 {c.created}，更新 {c.updated}，未变 {c.unchanged}", f"Holidays: {c.created} created, {c.updated} updated, {c.unchanged} unchanged")
    return 0


def cmd_points_import(cli: Cli) -> int:
    with cli.database().write() as conn:
        c = admin.import_point_rules(conn, admin.read_json_file(cli.args.file))
    cli.say(f"积分细则：新增 {c.created}，更新 {c.updated}，未变 {c.unchanged}", f"Points rules: {c.created} created, {c.updated} updated, {c.unchanged} unchanged")
    return 0


def _today() -> date:
    """Today in China (the holiday table's days); tests replace it."""
    return datetime.now(TZ).date()


def warn_missing_holidays(cli: Cli, conn) -> list[int]:
    """Say plainly when the holiday table lacks this year (or, from December, the next); returns those years."""
    missing = calendar_from_db(conn).missing_years(_today())
    if missing:
        years_zh, years_en = "、".join(f"{y} 年" for y in missing), ", ".join(str(y) for y in missing)
        print(
            f"注意：节假日表没有 {years_zh}的安排，这些年份的办理期限只按周一至周五计算（不计法定节假日和调休）。"
            f"请导入国务院公布的节假日安排：gridworker-server holiday import 文件 --data 目录"
            if cli.lang == "zh" else
            f"Warning: the holiday table has no arrangement for {years_en}; deadlines in those years count Monday to "
            f"Friday only (no public holidays, no make-up working days). Import the State Council's arrangement: "
            f"gridworker-server holiday import FILE --data DIR",
            file=sys.stderr, flush=True,
        )  # fmt: skip
    return missing


def cmd_holiday_list(cli: Cli) -> int:
    """The holiday periods the server counts deadlines with, year by year, and what is missing."""
    with cli.database().read() as conn:
        calendar = calendar_from_db(conn)
        for p in calendar.periods:
            name = p.name if cli.lang == "zh" else p.name_en
            makeup = ",".join(d.isoformat() for d in p.workdays) or "-"
            print(f"{p.year}\t{name}\t{p.first.isoformat()}..{p.last.isoformat()}\t{makeup}")
        warn_missing_holidays(cli, conn)
    return 0


def cmd_demo_seed(cli: Cli) -> int:
    from ...demo.seed import demo_seed  # the generator only for this command

    with cli.database().write() as conn:
        ensure_epoch(conn)
        if cli.args.participation_only:
            from ...demo.seed import demo_participation

            counts = demo_participation(conn)
        else:
            counts = demo_seed(conn, persons=cli.args.persons, seed=cli.args.seed)
    summary = ", ".join(f"{k} {n}" for k, n in counts.items())
    cli.say(f"演示数据已装入：{summary}；演示账户密码 demo1234", f"Demo data loaded: {summary}; demo accounts use the password demo1234")
    return 0


def cmd_conflicts_list(cli: Cli) -> int:
    with cli.database().read() as conn:
        for r in admin.list_conflicts(conn, cli.args.after, cli.args.limit):
            at = datetime.fromtimestamp(r.at, timezone.utc).isoformat(timespec="seconds")
            print(f"{r.id}\t{at}\t{r.entity}/{r.record_id}\t{r.field}\tmine={r.mine}\ttheirs={r.theirs}\twinner={r.winner}")
    return 0


def _sqlite_path(cli: Cli) -> Path:
    settings = cli.settings()
    if settings.database_url:
        raise GridWorkerError(
            "PostgreSQL 请用 pg_dump / pg_restore 备份恢复，然后运行 new-epoch（见 docs/server-admin.md）",
            "For PostgreSQL use pg_dump / pg_restore, then run new-epoch (see docs/server-admin.md)",
        )
    return settings.data_dir / "server.db"


def cmd_backup(cli: Cli) -> int:
    """SQLite online backup: consistent while the server runs."""
    source = _sqlite_path(cli)
    if not source.exists():
        raise GridWorkerError(f"没有数据库 {source}", f"No database at {source}")
    target = Path(cli.args.file)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    cli.say(f"已备份到 {target}（照片文件请另行复制 blobs 目录）", f"Backed up to {target} (copy the blobs folder separately)")
    return 0


def cmd_restore(cli: Cli) -> int:
    """Put a backup in place (server stopped) and start a new epoch, so clients re-read everything."""
    target = _sqlite_path(cli)
    source = Path(cli.args.file)
    with sqlite3.connect(source) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise GridWorkerError(f"{source} 已损坏", f"{source} is damaged")
    cli.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return cmd_new_epoch(cli)


def cmd_new_epoch(cli: Cli) -> int:
    with cli.database().write() as conn:
        ensure_epoch(conn)
        conn.execute(update(server_meta).where(server_meta.c.key == EPOCH_KEY).values(value=secrets.token_hex(8)))
    cli.say("已开始新纪元：客户端下次同步时将完整重新读取", "New epoch: clients re-read everything at their next sync")
    return 0


# -- parser --------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", help="data folder (server.db, blobs); default GRIDWORKER_SERVER_DATA")
    pw = argparse.ArgumentParser(add_help=False)
    pw.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")

    parser = argparse.ArgumentParser(prog="gridworker-server", description="GridWorker sync server 网格员工作台同步服务器")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of messages (default: GRIDWORKER_LANG, else the locale; Chinese unless it names another language)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[data, pw], help="create the database and the first admin")
    p.add_argument("--username", default="admin")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("serve", parents=[data], help="run the server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1", help="proxies whose X-Forwarded-For is trusted")
    p.set_defaults(func=cmd_serve)

    area = sub.add_parser("area", help="areas").add_subparsers(dest="action", metavar="ACTION", required=True)
    p = area.add_parser("import", parents=[data], help="import areas from CSV or JSON (code, parent_code, name, level)")
    p.add_argument("file")
    p.set_defaults(func=cmd_area_import)
    area.add_parser("list", parents=[data], help="list the area tree").set_defaults(func=cmd_area_list)

    user = sub.add_parser("user", help="users").add_subparsers(dest="action", metavar="ACTION", required=True)
    p = user.add_parser("add", parents=[data, pw], help="add a user")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=["worker", "dispatcher", "handler", "admin"])
    p.add_argument("--area", action="append", metavar="CODE", help="an area code (repeat for several)")
    p.add_argument("--display-name")
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("update", parents=[data], help="change a user's role, areas or name")
    p.add_argument("username")
    p.add_argument("--role", choices=["worker", "dispatcher", "handler", "admin"])
    p.add_argument("--area", action="append", metavar="CODE")
    p.add_argument("--display-name")
    p.set_defaults(func=cmd_user_update)
    p = user.add_parser("disable", parents=[data], help="disable a user (their tokens stop at once)")
    p.add_argument("username")
    p.set_defaults(func=cmd_user_disable)
    p = user.add_parser("enable", parents=[data], help="enable a disabled user")
    p.add_argument("username")
    p.set_defaults(func=lambda cli: cmd_user_disable(cli, False))
    p = user.add_parser("reset-password", parents=[data, pw], help="set a new password (revokes the user's tokens)")
    p.add_argument("username")
    p.set_defaults(func=cmd_user_reset_password)
    user.add_parser("list", parents=[data], help="list users").set_defaults(func=cmd_user_list)

    token = sub.add_parser("token", help="tokens").add_subparsers(dest="action", metavar="ACTION", required=True)
    p = token.add_parser("revoke", parents=[data], help="revoke a token, or all of a user's or a device's")
    p.add_argument("token_id", nargs="?")
    p.add_argument("--user")
    p.add_argument("--device")
    p.set_defaults(func=cmd_token_revoke)
    p = token.add_parser("list", parents=[data], help="list tokens")
    p.add_argument("--user")
    p.set_defaults(func=cmd_token_list)

    tables = (("category", cmd_category_import, "category table"), ("holiday", cmd_holiday_import, "holiday table"),
              ("checklist", cmd_checklist_import, "inspection checklist table"),
              ("points", cmd_points_import, "points rules table"))  # fmt: skip
    for name, func, what in tables:
        group = sub.add_parser(name, help=f"{what}").add_subparsers(dest="action", metavar="ACTION", required=True)
        p = group.add_parser("import", parents=[data], help=f"load a {what} (JSON, the format of the shipped one)")
        p.add_argument("file")
        p.set_defaults(func=func)
        if name == "holiday":
            p = group.add_parser("list", parents=[data], help="list the holiday periods; warn of missing years")
            p.set_defaults(func=cmd_holiday_list)

    p = sub.add_parser("demo-seed", parents=[data], help="load the demo community and the demo accounts")
    p.add_argument("--persons", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--participation-only", action="store_true",
                   help="add the phone accounts and their work to a demo server seeded before they existed (once)")
    p.set_defaults(func=cmd_demo_seed)

    group = sub.add_parser("conflicts", help="conflicts").add_subparsers(dest="action", metavar="ACTION", required=True)
    p = group.add_parser("list", parents=[data], help="list the values that lost a merge")
    p.add_argument("--after", type=int, default=0)
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_conflicts_list)

    p = sub.add_parser("backup", parents=[data], help="SQLite: copy the database while the server runs")
    p.add_argument("file")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[data], help="SQLite: put a backup in place (server stopped); new epoch")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)
    sub.add_parser("new-epoch", parents=[data], help="after a restore: make clients re-read everything").set_defaults(func=cmd_new_epoch)

    p = sub.add_parser("blobs", parents=[data], help="photo storage: usage (total, unclaimed, unfinished, per user)")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=cmd_blobs)
    group = p.add_subparsers(dest="action", metavar="ACTION")
    c = group.add_parser("collect", help="delete blobs no photo record uses (after the grace period) and abandoned uploads")
    c.add_argument("--data", default=argparse.SUPPRESS, help="data folder (server.db, blobs); default GRIDWORKER_SERVER_DATA")
    c.add_argument("--grace-hours", type=float, help="collect unclaimed blobs older than this (default: GRIDWORKER_BLOB_GRACE_HOURS or 168)")
    c.set_defaults(func=cmd_blobs_collect)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    cli = Cli(args)
    try:
        return int(args.func(cli) or 0)
    except GridWorkerError as e:
        print(e.message(cli.lang), file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        cli.close()


if __name__ == "__main__":
    sys.exit(main())
