"""`gridworker`: the headless commands.

    gridworker [--home DIR] [--account NAME] [--password-stdin] [--lang zh|en] COMMAND ...

The global options may also follow the command (`gridworker account create
NAME --password-stdin`), except where the command has an option of the same
name: `template` and `export` take `--lang` after the command as the
language of the sheet's headers.

Each command lives in a module of gridworker.commands with `register(sub)`
(adds its sub-parser and sets `func`) and a function `func(args, ctx) -> int`.
Scripts rely on these forms: keep them. A command module imports its heavy
dependencies (the store, openpyxl, pypinyin, alembic) inside the functions
that use them, so `gridworker --version` and the light commands start fast
(benchmarks/bench_cli.py measures it).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from importlib import import_module
from typing import TYPE_CHECKING

from .domain.errors import GridWorkerError
from .language import default_language

if TYPE_CHECKING:
    from .store import AccountManager, Store

COMMAND_MODULES = ["account", "register", "excel", "compare", "places", "demo", "backup", "sync"]


class Ctx:
    """What every command needs: the home folder, the account, its password, the language."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.lang = args.lang or default_language()
        self._accounts: AccountManager | None = None
        self._password: str | None = None
        self._key: bytes | None = None
        self._store: Store | None = None

    @property
    def accounts(self) -> AccountManager:
        if self._accounts is None:
            from .store import AccountManager

            self._accounts = AccountManager(self.args.home)
        return self._accounts

    def say(self, zh: str, en: str, *, file=None) -> None:
        print(zh if self.lang == "zh" else en, file=file or sys.stdout, flush=True)

    def password(self, prompt_zh: str = "密码：", prompt_en: str = "Password: ") -> str:
        if self._password is None:
            if self.args.password_stdin:
                line = sys.stdin.readline()
                self._password = line.rstrip("\r\n")
            elif os.environ.get("GRIDWORKER_PASSWORD") is not None:
                self._password = os.environ["GRIDWORKER_PASSWORD"]
            elif sys.stdin.isatty():
                self._password = getpass.getpass(prompt_zh if self.lang == "zh" else prompt_en)
            else:
                raise GridWorkerError(
                    "需要密码：请用 --password-stdin、GRIDWORKER_PASSWORD 环境变量或在终端输入",
                    "A password is needed: give --password-stdin, set GRIDWORKER_PASSWORD, or run in a terminal",
                    code="no_password",
                )
        return self._password

    def account_name(self) -> str:
        name = self.args.account or os.environ.get("GRIDWORKER_ACCOUNT")
        if name:
            return name
        names = self.accounts.names()
        if len(names) == 1:
            return names[0]
        if not names:
            raise GridWorkerError(
                "还没有账户：请先运行 gridworker account create 名称",
                "No account yet: run `gridworker account create NAME` first",
                code="no_account",
            )
        raise GridWorkerError(
            f"有多个账户（{'、'.join(names)}），请用 --account 指定",
            f"There are several accounts ({', '.join(names)}): choose one with --account",
            code="which_account",
        )

    def data_key(self) -> bytes:
        """The account's data key, unwrapped from the password once per process (Argon2 is slow on purpose)."""
        if self._key is None:
            from .store import keys

            account = self.account()
            self._key = keys.unwrap(account.info["key"], self.password(), account.name.encode())
        return self._key

    def store(self) -> Store:
        if self._store is None:
            account, self._store = self.accounts.open(self.account_name(), None, key=self.data_key())
            self.log_to(account)
        return self._store

    def log_to(self, account) -> None:
        """The account's log file receives the log lines from now on (like the app's)."""
        from .logs import log_to_account

        log_to_account(account.logs_dir)

    def account(self):
        return self.accounts.get(self.account_name())

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        from .logs import stop_account_log

        stop_account_log()


def _global_options(parser: argparse.ArgumentParser, *, default=None) -> None:
    options = [
        (("--home",), {"help": "data folder (default: GRIDWORKER_HOME, else the user data folder)"}),
        (("--account",), {"help": "local account name (default: GRIDWORKER_ACCOUNT, or the only account)"}),
        (("--password-stdin",), {"action": "store_true", "help": "read the account password from the first line of standard input"}),
        (("--verbose",), {"action": "store_true", "help": "also print the log's lines on standard error (they always go to the account's log file)"}),
        (("--lang",), {"choices": ["zh", "en"], "help": "language of messages (default: GRIDWORKER_LANG, else the locale; Chinese unless it names another language)"}),
        (("--version",), {"action": "store_true", "help": "print the version and exit"}),
    ]  # fmt: skip
    taken = set(parser._option_string_actions)
    for flags, kwargs in options:
        if not taken.intersection(flags):
            parser.add_argument(*flags, **kwargs, **({} if default is None else {"default": default}))


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield child
                yield from _subparsers(child)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridworker", description="GridWorker 网格员工作台 — command line")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(f"gridworker.commands.{name}").register(sub)
    # Accepted after the command too. SUPPRESS: a sub-parser that did not see the option leaves the
    # value given before the command alone (argparse copies a sub-parser's defaults over its parent's).
    for child in _subparsers(parser):
        _global_options(child, default=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

        print(__version__)
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    ctx = Ctx(args)
    handler = _terminal_log(bool(getattr(args, "verbose", False)))
    try:
        return int(args.func(args, ctx) or 0)
    except GridWorkerError as e:
        print(e.message(ctx.lang), file=sys.stderr, flush=True)
        return 1
    except OSError as e:  # a file a command reads or writes: in words, never a traceback
        print(_file_error(e, ctx.lang), file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        ctx.close()
        logging.getLogger().removeHandler(handler)


def _file_error(e: OSError, lang: str) -> str:
    name = e.filename or ""
    if isinstance(e, FileNotFoundError):
        return f"找不到文件或文件夹：{name}" if lang == "zh" else f"No such file or folder: {name}"
    if isinstance(e, PermissionError):
        return f"没有权限读写：{name}" if lang == "zh" else f"Not allowed to read or write: {name}"
    return f"无法读写文件：{name}" if lang == "zh" else f"Cannot read or write the file: {name}"


def _terminal_log(verbose: bool) -> logging.Handler:
    """Log lines are English and for the log file: on the terminal only with --verbose.

    Without any handler Python would print warnings on standard error (logging.lastResort);
    a NullHandler keeps them off the user's terminal.
    """
    if not verbose:
        handler: logging.Handler = logging.NullHandler()
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        app = logging.getLogger("gridworker")
        if app.level == logging.NOTSET or app.level > logging.INFO:
            app.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    return handler


if __name__ == "__main__":
    sys.exit(main())
