"""gridworker login | sync | status | conflicts | logout — the sync commands. Scripts rely on these forms.

    gridworker login --server URL --username U [--password-stdin] [--server-password-stdin] [--no-sync]
    gridworker sync [--json]
    gridworker status [--json]
    gridworker conflicts [--json]
    gridworker conflicts resolve ID --mine|--theirs
    gridworker conflicts dismiss MUTATION_ID
    gridworker logout

Passwords: one password, read once, opens the local account and signs in to
the server. When the two differ, give --server-password-stdin and put the
server password on the next line of standard input (or set
GRIDWORKER_SERVER_PASSWORD). Which account, the URL and a new account's
password follow gridworker.identity.sign_in_online, the app's sign-in too.

Exit status of `sync` (and of `login`, which syncs once): 0 when everything
was sent and received; 3 when something is left for a later try (offline,
server busy, edits or photos still to send); 4 signed out; 5 the app must be
updated; 1 a problem a person must fix (the message says which).
"""

from __future__ import annotations

import json
import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING

# The sync modules are imported by the commands that use them: `gridworker --version` and the
# other commands do not load the engine, the store or requests (see gridworker.cli).
if TYPE_CHECKING:
    from ..sync.engine import SyncResult

EXIT_OK, EXIT_INCOMPLETE, EXIT_SIGNED_OUT, EXIT_UPDATE = 0, 3, 4, 5


def register(sub) -> None:
    p = sub.add_parser("login", help="sign in to the sync server (links this account, or creates it)")
    p.add_argument("--server", required=True, help="server address, e.g. https://grid.example.cn")
    p.add_argument("--username", required=True)
    p.add_argument("--server-password-stdin", action="store_true",
                   help="the server password differs: read it from the next line of standard input")  # fmt: skip
    p.add_argument("--no-sync", action="store_true", help="sign in only; do not sync now")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=login)

    p = sub.add_parser("sync", help="send local changes and fetch the server's (exit 0 only when all is done)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=sync)

    p = sub.add_parser("status", help="sync status: pending edits, last sync, conflicts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=status)

    p = sub.add_parser("conflicts", help="list conflicts and refused edits; resolve them")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=list_conflicts)
    csub = p.add_subparsers(dest="conflicts_command", metavar="ACTION")
    r = csub.add_parser("resolve", help="keep my value or theirs for one conflict")
    r.add_argument("id")
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("--mine", action="store_const", const="mine", dest="keep")
    which.add_argument("--theirs", action="store_const", const="theirs", dest="keep")
    r.set_defaults(func=resolve_conflict)
    d = csub.add_parser("dismiss", help="remove a refused edit from the list once read")
    d.add_argument("mutation_id")
    d.set_defaults(func=dismiss)

    p = sub.add_parser("logout", help="sign out (local data and unsent edits are kept)")
    p.set_defaults(func=logout)


def _emit(ctx, as_json: bool, data: dict, zh: str, en: str) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str), flush=True)
    else:
        ctx.say(zh, en)


# -- login / logout ---------------------------------------------------------------
def _server_password(args) -> str | None:
    if args.server_password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return os.environ.get("GRIDWORKER_SERVER_PASSWORD")


def _role_words(role: str | None) -> tuple[str, str]:
    """The server's role in words (zh, en), never its code."""
    from ..domain.enums import Role

    try:
        r = Role(role)
    except ValueError:
        return "未知角色", "unknown role"
    return r.label("zh"), r.label("en")


def login(args, ctx) -> int:
    from ..identity import sign_in_online
    from ..sync.engine import SyncEngine

    password = ctx.password()
    account, store, user = sign_in_online(
        ctx.accounts, args.server, args.username, password,
        account=ctx.args.account or os.environ.get("GRIDWORKER_ACCOUNT"), server_password=_server_password(args),
    )  # fmt: skip
    ctx._store = store  # closed by the CLI frame
    ctx.log_to(account)
    name, url = account.name, account.info["server"]["url"]
    role_zh, role_en = _role_words(user.get("role"))
    ctx.say(
        f"已登录 {url}：{user.get('display_name') or args.username}（{role_zh}），本机账户“{name}”",
        f"Signed in to {url} as {user.get('display_name') or args.username} ({role_en}); local account '{name}'",
        file=sys.stderr if args.json else None,  # with --json, standard output is one JSON object
    )
    if args.no_sync:
        if args.json:
            signed_in = {"signed_in": True, "account": name, "server": url, "username": args.username,
                         "role": user.get("role"), "exit_status": EXIT_OK}  # fmt: skip
            print(json.dumps(signed_in, ensure_ascii=False, indent=2), flush=True)
        return EXIT_OK
    return _report(ctx, args, SyncEngine(account, store).sync_once())


def logout(args, ctx) -> int:
    from ..sync import link

    store = ctx.store()
    revoked = link.logout(ctx.account(), store)
    ctx.say(
        "已退出登录" + ("" if revoked else "（服务器暂不可达，登录凭据已在本机删除）") + "。本机数据和未同步的修改都已保留。",
        "Signed out" + ("" if revoked else " (server unreachable; the token was removed here)") + ". Local data and unsent edits are kept.",
    )
    return EXIT_OK


# -- sync / status ----------------------------------------------------------------
def sync(args, ctx) -> int:
    quiet = _quiet_round(ctx)
    if quiet is not None:
        return _report(ctx, args, _Result(quiet))
    from ..sync.worker import SyncWorker

    store = ctx.store()
    worker = SyncWorker(ctx.account(), store, retry=False, probe=False)  # the probe has just said there is work
    try:
        result = worker.sync_now()
    finally:
        worker.close()
    return _report(ctx, args, result)


def _light(ctx):
    """The account and its Probe (gridworker.sync.probe: no SQLAlchemy, no requests), the key unwrapped once (Ctx)."""
    from ..sync.probe import Probe

    account = ctx.account()
    probe = Probe(account.db_path, ctx.data_key(), account.info, page_size=_page_size())
    return account, probe


def _page_size() -> int:
    text = os.environ.get("GRIDWORKER_PULL_PAGE", "").strip()  # engine.PAGE_ENV: the engine's pages, asked the same way
    return int(text) if text.isdigit() and 1 <= int(text) <= 1000 else 1000


def _quiet_round(ctx) -> dict | None:
    """A round with nothing to do, done without loading the engine; None when there is something (or it cannot tell)."""
    account, probe = _light(ctx)
    try:
        quiet = probe.quiet_round()
    finally:
        probe.close()
    if quiet is not None:
        ctx.log_to(account)
    return quiet


class _Result:
    """A quiet round's result (probe.RESULT_FIELDS) in the shape of engine.SyncResult, for _report."""

    error = None

    def __init__(self, values: dict):
        self.__dict__.update(values)
        self._values = values

    def to_json(self) -> dict:
        out = dict(self._values)
        if self.error is not None:  # as SyncResult.to_json words it (a hung server the probe met: sync/probe._Hung)
            out["error"] = {"code": self.error.code, "message_zh": self.error.zh, "message_en": self.error.en}
        return out


def exit_status(result: SyncResult) -> int:
    if result.error is None:
        return EXIT_OK if result.complete else EXIT_INCOMPLETE
    from ..sync.errors import SignedOut, UpdateRequired

    if isinstance(result.error, SignedOut):
        return EXIT_SIGNED_OUT
    if isinstance(result.error, UpdateRequired):
        return EXIT_UPDATE
    if result.error is not None:
        return EXIT_INCOMPLETE if result.error.transient else 1
    return EXIT_OK if result.complete else EXIT_INCOMPLETE


def _report(ctx, args, result: SyncResult) -> int:
    code = exit_status(result)
    if getattr(args, "json", False):
        print(json.dumps(result.to_json() | {"exit_status": code}, ensure_ascii=False, indent=2), flush=True)
        return code
    ctx.say(
        f"上传 {result.pushed} 条（冲突 {result.conflicts}，被拒 {result.rejected}），下载 {result.pulled} 条，"
        f"移出 {result.evicted} 条，照片上传 {result.uploaded} 张、缩略图 {result.thumbnails} 张；"
        f"待发送 {result.pending} 条，待传照片 {result.photos_waiting} 张。",
        f"Sent {result.pushed} (conflicts {result.conflicts}, refused {result.rejected}), received {result.pulled}, "
        f"removed {result.evicted}, photos uploaded {result.uploaded}, thumbnails {result.thumbnails}; "
        f"{result.pending} edits and {result.photos_waiting} photos still to send.",
    )
    if result.resynced:
        ctx.say("服务器已从备份恢复：已重新同步全部数据，未发送的修改都已保留。",
                "The server was restored from a backup: everything was re-read; unsent edits are kept.")  # fmt: skip
        if result.resent:
            ctx.say(f"服务器因恢复而丢失的本机修改已重新排队上传（{result.resent} 条记录）。",
                    f"Edits of {result.resent} record(s) that the restore lost from the server were queued to be sent again.")  # fmt: skip
    if result.conflicts or result.rejected:
        ctx.say("有冲突或被拒绝的修改，请运行 gridworker conflicts 查看。", "There are conflicts or refused edits: see `gridworker conflicts`.")
    if result.error is not None:
        print(result.error.message(ctx.lang), file=sys.stderr, flush=True)
    return code


def _read_status(ctx) -> dict:
    """sync.status.read_status(...).to_json(): read by the Probe where it can, else through the store."""
    from ..sync.probe import Unsure

    account, probe = _light(ctx)
    try:
        data = probe.status()
        ctx.log_to(account)
        return data
    except Unsure:
        pass
    finally:
        probe.close()
    from ..sync.status import read_status

    return read_status(account, ctx.store()).to_json()


def _time_text(iso: str) -> str:
    """domain.display.time_text of a saved moment: Beijing time, to the minute, like the records and the app."""
    from datetime import datetime, timedelta, timezone

    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone(timedelta(hours=8), "Asia/Shanghai"))
    return moment.strftime("%Y-%m-%d %H:%M")


def status(args, ctx) -> int:
    account = ctx.account()
    st = SimpleNamespace(**_read_status(ctx))
    entry = account.info.get("server") or {}
    data = st.__dict__ | {"account": account.name, "server": entry.get("url"), "username": entry.get("username")}
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str), flush=True)
        return EXIT_OK
    last = _time_text(st.last_success) if st.last_success else "—"
    ctx.say(
        f"账户：{account.name}　服务器：{entry.get('url') or '未登录'}　用户：{entry.get('username') or '—'}\n"
        f"状态：{_state_zh(st.state)}　上次成功同步：{last}\n"
        f"待发送修改：{st.pending}　待传照片：{st.photos_waiting}　冲突：{st.conflicts}　被拒绝：{st.rejected}",
        f"Account: {account.name}  server: {entry.get('url') or 'not signed in'}  user: {entry.get('username') or '—'}\n"
        f"State: {st.state}  last successful sync: {last}\n"
        f"Unsent edits: {st.pending}  photos waiting: {st.photos_waiting}  conflicts: {st.conflicts}  refused: {st.rejected}",
    )
    if st.last_error and st.state != "ok":
        ctx.say(f"上次错误：{st.last_error.get('zh')}", f"Last error: {st.last_error.get('en')}")
    if st.set_aside:
        n = sum(len(x.get("fields") or ()) for x in st.set_aside)
        ctx.say(
            f"有 {len(st.set_aside)} 条下载的记录中 {n} 个值无法读取，已原样保留在本机，同步照常进行"
            "（详见 gridworker status --json）",
            f"{n} values in {len(st.set_aside)} pulled records could not be read: they are set aside, kept as sent, "
            "and sync goes on (gridworker status --json lists them)",
        )
    return EXIT_OK


_STATES_ZH = {
    "ok": "正常", "syncing": "同步中", "offline": "离线", "server busy": "服务器繁忙", "not signed in": "未登录",
    "signed out": "已退出登录", "signed out: sign in again": "登录已失效，请重新登录", "update the app": "请更新软件",
    "areas not on the server": "本机网格与服务器不符", "error": "出错",
    "records set aside": "有记录无法读取", "needs review": "有被拒绝的修改或冲突待查看（gridworker conflicts）",
}  # fmt: skip


def _state_zh(state: str) -> str:
    return _STATES_ZH.get(state, state)


# -- conflicts --------------------------------------------------------------------
def list_conflicts(args, ctx) -> int:
    from ..sync import conflicts as review

    from ..store import outbox
    from ..sync.review import record_label

    with ctx.store().read() as s:
        found = review.open_conflicts(s)
        refused = review.rejected_edits(s)
        refused_fields = outbox.fields_of(s.connection(), ((r.entity, r.record_id, r.fields) for r in refused))
        # What the sync page calls each record (a name, an address), beside its kind and number.
        labels = {(r.entity, r.record_id): record_label(s, r.entity, r.record_id) for r in [*found, *refused]}
    if args.json:
        data = {
            "conflicts": [
                {"id": c.id, "entity": c.entity, "record_id": c.record_id, "field": c.field, "mine": c.mine,
                 "theirs": c.theirs, "winner": c.winner, "detected_at": c.detected_at.isoformat()}
                for c in found
            ],
            "rejected": [
                {"mutation_id": r.mutation_id, "entity": r.entity, "record_id": r.record_id, "op": r.op, "fields": fields,
                 "error": (r.result or {}).get("error")}
                for r, fields in zip(refused, refused_fields)
            ],
        }  # fmt: skip
        print(json.dumps(data, ensure_ascii=False, indent=2), flush=True)
        return EXIT_OK
    if not found and not refused:
        ctx.say("没有冲突，也没有被拒绝的修改。", "No conflicts and no refused edits.")
    from ..domain.display import entity_label, field_label, value_text

    # Records and fields in words; the bracketed id is what `conflicts resolve` / `conflicts dismiss` take.
    def named(entity: str, record_id: str, lang: str) -> str:
        label = labels.get((entity, record_id)) or ""
        what = f"{entity_label(entity, lang)} {label}" if label else entity_label(entity, lang)
        return f"{what}（编号 {record_id[:8]}）" if lang == "zh" else f"{what} (no. {record_id[:8]})"

    for c in found:
        kept = "对方" if c.winner == "theirs" else "我的"
        zh = [value_text(c.entity, c.field, v, "zh") for v in (c.mine, c.theirs)]
        en = [value_text(c.entity, c.field, v, "en") for v in (c.mine, c.theirs)]
        ctx.say(
            f"[{c.id}] {named(c.entity, c.record_id, 'zh')}{field_label(c.field, 'zh', c.entity)}："
            f"我的＝{zh[0]}，对方＝{zh[1]}（服务器保留了{kept}）",
            f"[{c.id}] {named(c.entity, c.record_id, 'en')} {field_label(c.field, 'en', c.entity)}: "
            f"mine={en[0]}, theirs={en[1]} (the server kept {'theirs' if c.winner == 'theirs' else 'mine'})",
        )
    for r in refused:
        ctx.say(
            f"[被拒绝 {r.mutation_id}] {named(r.entity, r.record_id, 'zh')}：{review.reason(r, 'zh')}",
            f"[refused {r.mutation_id}] {named(r.entity, r.record_id, 'en')}: {review.reason(r, 'en')}",
        )
    return EXIT_OK


def resolve_conflict(args, ctx) -> int:
    from ..sync import conflicts as review

    c = review.resolve(ctx.store(), args.id, args.keep)
    ctx.say(
        f"已处理：{c.field} 保留{'我的' if args.keep == 'mine' else '对方的'}值，下次同步时发送。",
        f"Resolved: {c.field} keeps {args.keep}; it is sent at the next sync.",
    )
    return EXIT_OK


def dismiss(args, ctx) -> int:
    from ..sync import conflicts as review

    review.dismiss_rejected(ctx.store(), args.mutation_id)
    ctx.say("已从列表中移除。", "Removed from the list.")
    return EXIT_OK

