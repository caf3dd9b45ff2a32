"""`python -m gridworker.ui [--demo]`: the desktop app (what `make run` starts).

Run as a package's __main__, not as `-m gridworker.ui.app`: the sync process
is spawned from this interpreter, and a spawned child re-imports the parent's
main module unless it is a `__main__` — which would load Qt and the whole
window code into the sync process for nothing (≈80 MB).
"""

import sys

from .app import main

if __name__ == "__main__":
    sys.exit(main())
