"""`make bench`: every benchmarks/bench_*.py, figures printed with the raw baseline beside them.

    python -m benchmarks [--scale small|full|huge] [--only NAME ...]

huge: full, and the server at 1,000,000 records (bench_server); the others run as full.

Timings are never asserted anywhere: this machine is shared and noisy, so
compare the ratio to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from .common import Report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--scale", choices=["small", "full", "huge"], default="full")
    parser.add_argument("--quick", action="store_true", help="district: the 200-device run only, one and four workers")
    parser.add_argument("--only", nargs="*", help="bench module names, e.g. search import")
    args = parser.parse_args(argv)
    names = sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))
    if args.only:
        names = [n for n in names if n in args.only]
    print(f"GridWorker benchmarks — {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, scale {args.scale}")
    report = Report()
    failed = []
    for name in names:
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        try:
            scale = "full" if args.scale == "huge" and name != "server" else args.scale
            importlib.import_module(f"benchmarks.bench_{name}").run(report, "small" if args.quick and name == "district" else scale)
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
