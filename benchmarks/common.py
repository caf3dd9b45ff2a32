"""What every benchmark prints: a figure, the machine's raw baseline for the same work beside it, the target."""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, name, value, unit, *, baseline=None, baseline_label="", target="") -> Figure:
        fig = Figure(name, value, unit, baseline, baseline_label, target)
        self.figures.append(fig)
        print(format_figure(fig), flush=True)
        return fig


def format_figure(f: Figure) -> str:
    line = f"{f.name:<58} {f.value:>12.3f} {f.unit:<8}"
    if f.baseline is not None:
        ratio = f.value / f.baseline if f.baseline else float("inf")
        line += f"  baseline {f.baseline:.3f} {f.unit} ({f.baseline_label}; ×{ratio:.1f})"
    if f.target:
        line += f"  target {f.target}"
    return line


@contextmanager
def timer():
    box = {}
    t = time.perf_counter()
    yield box
    box["s"] = time.perf_counter() - t


def percentile(samples: list[float], p: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(samples: list[float]) -> float:
    return statistics.median(samples)
