"""gridworker account create NAME | list | passwd"""

from __future__ import annotations

import getpass
import os
import sys

from ..domain.errors import GridWorkerError


def register(sub) -> None:
    p = sub.add_parser("account", help="local accounts: create, list, change password")
    asub = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    c = asub.add_parser("create", help="create a local account that works offline")
    c.add_argument("name")
    c.set_defaults(func=create)
    ls = asub.add_parser("list", help="list the local accounts")
    ls.set_defaults(func=list_accounts)
    pw = asub.add_parser("passwd", help="change the account password (rewraps the data key)")
    pw.add_argument("--new-password-stdin", action="store_true", help="read the new password from the next line of standard input")
    pw.set_defaults(func=passwd)


def create(args, ctx) -> int:
    password = ctx.password()
    account = ctx.accounts.create(args.name, password)
    ctx.say(f"已创建账户“{account.name}”：{account.folder}", f"Created account '{account.name}': {account.folder}")
    return 0


def list_accounts(args, ctx) -> int:
    for name in ctx.accounts.names():
        print(name)
    return 0


def passwd(args, ctx) -> int:
    name = ctx.account_name()
    old = ctx.password("当前密码：", "Current password: ")
    if args.new_password_stdin:
        new = sys.stdin.readline().rstrip("\r\n")
    elif os.environ.get("GRIDWORKER_NEW_PASSWORD") is not None:
        new = os.environ["GRIDWORKER_NEW_PASSWORD"]
    elif sys.stdin.isatty():
        new = getpass.getpass("新密码：" if ctx.lang == "zh" else "New password: ")
    else:
        raise GridWorkerError("需要新密码", "A new password is needed", code="no_password")
    ctx.accounts.change_password(name, old, new)
    ctx.say("密码已修改。", "Password changed.")
    return 0
