"""gridworker backup [-o FILE] [--overwrite] | gridworker restore FILE [--as NAME] [--force]"""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import Refused


def register(sub) -> None:
    b = sub.add_parser("backup", help="write an encrypted backup of the account (safe while the app is running)")
    b.add_argument("-o", "--output", help="backup file to write (default: gridworker-<account>-<time>.gwbak here)")
    b.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    b.set_defaults(func=backup)
    r = sub.add_parser(
        "restore", help="restore an account from a backup file (asks for the password the account had when it was backed up)"
    )
    r.add_argument("file", help="the backup file")
    r.add_argument("--as", dest="as_name", metavar="NAME", help="restore as a new account with this name")
    r.add_argument("--force", action="store_true", help="replace an existing account (it is moved aside, not deleted)")
    r.set_defaults(func=restore)


def backup(args, ctx) -> int:
    from ..services.backup import create_backup, default_backup_name

    account = ctx.account()
    out = Path(args.output) if args.output else Path(default_backup_name(account.name))
    if out.exists() and not args.overwrite:
        raise Refused(
            f"文件“{out}”已存在：请换一个文件名，或加 --overwrite 覆盖",
            f"The file '{out}' already exists: choose another name or add --overwrite",
            code="file_exists",
        )
    info = create_backup(account, ctx.store(), out)
    ctx.say(
        f"已备份账户“{info.account}”到 {info.path}（{info.bytes / 1e6:.1f} MB，照片{info.photos}张）",
        f"Backed up account '{info.account}' to {info.path} ({info.bytes / 1e6:.1f} MB, {info.photos} photos)",
    )
    return 0


def restore(args, ctx) -> int:
    from ..services.backup import read_manifest, restore_backup, restore_target

    # Everything that can be checked without the password is checked before asking for it.
    manifest = read_manifest(Path(args.file))
    name = restore_target(ctx.accounts, manifest, args.as_name, force=args.force)
    password = ctx.password(f"账户“{manifest['account']}”的密码：", f"Password of account '{manifest['account']}': ")
    result = restore_backup(ctx.accounts, Path(args.file), password, as_name=args.as_name, force=args.force)
    ctx.say(
        f"已从 {args.file}（{manifest['created_at']}）恢复账户“{name}”",
        f"Restored account '{name}' from {args.file} ({manifest['created_at']})",
    )
    if result.replaced is not None:
        ctx.say(f"原账户已移到 {result.replaced}", f"The account it replaced was moved to {result.replaced}")
    return 0
