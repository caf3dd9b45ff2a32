"""Entry point of the bundled executables (PyInstaller runs this file as a script).

One bundle folder, one Python, several executables built from this file; the
executable's own name says which program it is:

    GridWorker                  the desktop app
    GridWorker --version        the version, without starting Qt
    GridWorker --self-test      checks this installation (gridworker.ui.selftest); 0 if it works
    GridWorker cli ARGS...      the `gridworker` command line (backup, import, sync, ...)
    gridworker-cli ARGS...      the same command line as a console program (Windows: the app has no console)
    gridworker-server ARGS...   the sync server's admin and serve commands

Imports are deferred so `--version` and the server never load Qt.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import PureWindowsPath

APP, CLI, SERVER = "gridworker", "gridworker-cli", "gridworker-server"


def program_name(executable: str) -> str:
    """Which program an executable path is: APP, CLI or SERVER (case and .exe ignored)."""
    name = PureWindowsPath(executable).name.lower().removesuffix(".exe")  # splits at "/" and at a backslash
    return name if name in (CLI, SERVER) else APP


def run(program: str, argv: list[str]) -> int:
    if program == SERVER:
        from gridworker.server.admin.cli import main as server_main

        return server_main(argv)
    if argv[:1] == ["--version"]:
        from gridworker import __version__

        print(__version__)
        return 0
    if argv[:1] == ["--self-test"]:
        from gridworker.ui.selftest import main as selftest_main

        return selftest_main(argv[1:])
    if program == CLI:
        from gridworker.cli import main as cli_main

        return cli_main(argv)
    if argv[:1] == ["cli"]:
        from gridworker.cli import main as cli_main

        return cli_main(argv[1:])
    from gridworker.ui.app import main as app_main

    return app_main(argv)


def main() -> int:
    # uvicorn --workers starts processes with multiprocessing's spawn: in a
    # frozen program the child must be caught here before it runs `main` again.
    multiprocessing.freeze_support()
    return run(program_name(sys.executable), sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
