"""Start-up of the `gridworker` command (targets: `--version` under 0.3 s, `status` under 0.6 s).

Each figure is the median wall time of a fresh process (`python -m
gridworker.cli …`) over a few runs. Baseline: `python -c pass`, the same
interpreter starting and doing nothing, measured in the same run — the part
of the figure no change of ours can remove. `status` opens a real account
(created once here, with the cheap test KDF so the figure is start-up and not
the password hashing a real account spends on purpose).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Report, median

RUNS = {"small": 3, "full": 7}
PASSWORD = "bench password 1"
ROOT = Path(__file__).resolve().parent.parent


def _env(home: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return os.environ | {"GRIDWORKER_HOME": str(home), "GRIDWORKER_KDF": "fast", "PYTHONPATH": path}


def _wall(args: list[str], env: dict[str, str], runs: int, stdin: str = "") -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, *args], input=stdin, text=True, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return median(samples)


def run(report: Report, scale: str) -> None:
    runs = RUNS[scale]
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp))
        cli = ["-m", "gridworker.cli"]
        subprocess.run([sys.executable, *cli, "account", "create", "bench", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)  # fmt: skip
        baseline = _wall(["-c", "pass"], env, runs)
        label = "python -c pass"
        version = _wall([*cli, "--version"], env, runs)
        report.add("gridworker --version", version, "s", baseline=baseline, baseline_label=label, target="< 0.3 s")
        status = _wall([*cli, "status", "--password-stdin"], env, runs, stdin=PASSWORD + "\n")
        report.add("gridworker status (an account, nothing to sync)", status, "s", baseline=baseline, baseline_label=label,
                   target="< 0.6 s")  # fmt: skip
