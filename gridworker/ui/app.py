"""The desktop app's entry point: `python -m gridworker.ui.app [--demo]`."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gridworker-app")
    parser.add_argument("--demo", action="store_true", help="open the demo community (created on first use)")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from ..demo_account import DEMO_ACCOUNT, open_demo_store
    from .register_window import RegisterWindow

    app = QApplication(sys.argv[:1])
    app.setApplicationName("GridWorker")
    app.setApplicationDisplayName("网格员工作台")
    store = open_demo_store()
    window = RegisterWindow(store, DEMO_ACCOUNT)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
