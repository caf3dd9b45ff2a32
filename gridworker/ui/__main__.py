"""`python -m gridworker.ui [--demo]`, or the installed `gridworker-app`: the desktop app (what `make run` starts).

Run as a package's __main__ (or through `main` below, the gui-scripts entry
point of pyproject.toml), not as `-m gridworker.ui.app`: the sync process is
spawned from this interpreter, and a spawned child re-imports the parent's
main module (the entry point's launcher script too) unless it is a
`__main__` — which would load Qt and the whole window code into the sync
process for nothing (≈80 MB). So the window code is imported only by `main`.
"""

import sys


def main() -> int:
    from .app import main as app_main

    return app_main()


if __name__ == "__main__":
    sys.exit(main())
