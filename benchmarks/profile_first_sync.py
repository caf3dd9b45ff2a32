"""Where GridWorker's first sync spends its time: `gridworker sync` into an empty account, profiled.

    python -m benchmarks.profile_first_sync [--scale small|full] [--out FOLDER] [--top 15]

The same set-up as bench_peer's first-sync figure (the server's demo community
on loopback, `gridworker login --no-sync`, then the timed `gridworker sync`
process). With py-spy (GRIDWORKER_PYSPY, on PATH, or beside the interpreter) every thread is
sampled, waits included (`--idle`), and the summary gives each thread's share
and the top functions by own time and by time inside them, as a share of all
samples; the raw stacks stay in FOLDER/first-sync.txt for a flame graph.
Without py-spy, cProfile profiles the main thread only (FOLDER/first-sync.prof).
Not part of `make bench` (its name has no bench_ prefix): a tool for the one
working on the first sync.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.bench_peer import _env, _login
from benchmarks.bench_sync import SIZES, Server

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*):(?P<line>\d+)\)$")


def _where(frame: str) -> str:
    """'func (path/to/module.py:123)' -> 'func (module.py)': one entry a function, whatever the line."""
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m["file"].replace("\\", "/")
    parts = path.split("/")
    short = "/".join(parts[-2:]) if "gridworker" in path or "site-packages" not in path else parts[-1]
    if "site-packages/" in path:
        short = path.split("site-packages/", 1)[1].split("/", 1)[0] + ":" + parts[-1]
    return f"{m['func']} ({short})"


def summarise(raw: Path, top: int) -> str:
    """The collapsed stacks py-spy wrote: each thread's share and its top functions by own time, all threads'
    top functions by own time, GridWorker's functions by time inside them, and the share spent importing."""
    names: dict[str, str] = {}  # py-spy names a thread on some of its stacks only
    stacks: list[tuple[str, list[str], int]] = []
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        head, *frames = stack.split(";")
        tid, _, name = head.partition(":")
        if name.strip():
            names[tid] = re.sub(r"_\d+$", "", name.strip())
        stacks.append((tid, [_where(f) for f in frames], int(count)))
    total = sum(n for _tid, _where_, n in stacks) or 1
    threads: Counter[str] = Counter()
    own: Counter[str] = Counter()
    own_by_thread: dict[str, Counter[str]] = {}
    inside: Counter[str] = Counter()
    imports = 0
    for tid, where, n in stacks:
        thread = names.get(tid, tid)
        threads[thread] += n
        if not where:
            continue
        own[where[-1]] += n
        own_by_thread.setdefault(thread, Counter())[where[-1]] += n
        for func in set(where):
            if "gridworker/" in func or "(sync/" in func or "(store/" in func or "(services/" in func:
                inside[func] += n
        imports += any(f.startswith("_find_and_load ") for f in where) and n
    pct = lambda n, of=total: f"{100 * n / of:5.1f}%"  # noqa: E731
    out = [f"{total} samples (all threads, waits included); importing modules: {pct(imports).strip()}", "", "by thread:"]
    for thread, n in threads.most_common():
        out.append(f"  {pct(n)}  {thread}; its time:")
        out += [f"      {pct(k, n)}  {func}" for func, k in own_by_thread.get(thread, Counter()).most_common(6)]
    out += ["", f"top {top} by own time (the innermost Python frame; C calls such as SQLite count in their caller):"]
    out += [f"  {pct(n)}  {name}" for name, n in own.most_common(top)]
    out += ["", f"top {top} of GridWorker's functions by time inside (the function or anything it called):"]
    out += [f"  {pct(n)}  {name}" for name, n in inside.most_common(top)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_first_sync")
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "gridworker-first-sync-profile")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    beside = Path(sys.executable).with_name("py-spy")  # the virtual environment's own, when not on PATH
    pyspy = os.environ.get("GRIDWORKER_PYSPY") or shutil.which("py-spy") or (str(beside) if beside.exists() else None)
    os.environ.setdefault("GRIDWORKER_KDF", "fast")
    with tempfile.TemporaryDirectory(prefix="gw-profile-") as tmp:
        server = Server(Path(tmp) / "server")
        server.admin("init", "--password-stdin", stdin="bench-admin-1\n")
        server.admin("demo-seed", "--persons", str(SIZES[args.scale]))
        server.start()
        try:
            env = _login(server, Path(tmp) / "home")
            sync = [sys.executable, "-m", "gridworker.cli", "sync"]
            if pyspy:
                raw = args.out / "first-sync.txt"
                cmd = [pyspy, "record", "--idle", "--threads", "--rate", str(args.rate), "--format", "raw",
                       "-o", str(raw), "--", *sync]  # fmt: skip
            else:
                raw = args.out / "first-sync.prof"
                cmd = [sys.executable, "-m", "cProfile", "-o", str(raw), "-m", "gridworker.cli", "sync"]
            started = time.perf_counter()
            done = subprocess.run(cmd, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - started
            if done.returncode != 0:
                print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
                return 1
        finally:
            server.stop()
    print(f"first sync of {SIZES[args.scale]} people, profiled ({'py-spy' if pyspy else 'cProfile, main thread only'}): "
          f"{wall:.1f} s wall (profiling slows it)\n")  # fmt: skip
    if pyspy:
        print(summarise(raw, args.top))
    else:
        import pstats

        stats = pstats.Stats(str(raw))
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    print(f"\nraw profile: {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
