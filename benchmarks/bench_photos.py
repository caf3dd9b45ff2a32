"""Attaching a 12-megapixel phone photo: time and peak memory of import_photo, against raw Pillow.

Pillow's pixel buffers are C allocations that tracemalloc does not see, so each
measurement runs in a fresh Python process and reports its peak resident size
(VmHWM on Linux, ru_maxrss elsewhere). An "idle" process that only imports the same modules gives the
floor, so the memory figures are what the work itself added.

Baseline: the same file through plain Pillow, open + load + save as JPEG
quality 85, with none of our pipeline (no reduced-scale decode, no resize, no
colour or orientation handling, no hashing, no files written).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from benchmarks.common import Report

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 4000, 3000
DECODED_MB = WIDTH * HEIGHT * 3 / 2**20

# Runs in the child process: argv = mode, source, photos_dir, repeats.
_CHILD = r"""
import io, json, os, resource, sys, time
from pathlib import Path
from PIL import Image
import gridworker.photos as photos
from gridworker.photos import crypto

mode, src, photos_dir, repeats = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
seconds = []
for i in range(repeats if mode != "idle" else 0):
    t = time.perf_counter()
    if mode == "pipeline":
        crypto.unlock(photos_dir / str(i), os.urandom(32))  # as opening an account does: files are encrypted
        photos.import_photo(src, photos_dir / str(i))  # a fresh folder: every run writes its files
    else:
        with Image.open(src) as img:
            img.load()
            img.save(io.BytesIO(), "JPEG", quality=85)
    seconds.append(time.perf_counter() - t)

def peak_rss_mb():
    # Linux: VmHWM belongs to this process's own memory map. ru_maxrss would also
    # count the parent's pages at the fork that started us (kept across exec).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10  # bytes on macOS, KiB elsewhere

print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb()}))
"""


def make_phone_like_jpeg(path: Path) -> int:
    """A 4000×3000 JPEG that compresses like a photo: smooth gradients plus sensor-like noise, with EXIF."""
    gradient = Image.linear_gradient("L")
    horizontal = gradient.rotate(90).resize((WIDTH, HEIGHT))
    vertical = gradient.resize((WIDTH, HEIGHT))
    radial = Image.radial_gradient("L").resize((WIDTH, HEIGHT))
    scene = Image.merge("RGB", (horizontal, vertical, radial))
    noise = Image.merge("RGB", [Image.effect_noise((WIDTH, HEIGHT), 48) for _ in range(3)])
    photo = Image.blend(scene, noise, 0.25)
    exif = Image.Exif()
    exif[0x0112] = 6  # taken in portrait: the pipeline must also turn it
    exif[0x010F] = "BenchCam"
    photo.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return path.stat().st_size


def _measure(mode: str, src: Path, photos_dir: Path, repeats: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(src), str(photos_dir), str(repeats)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(report: Report, scale: str) -> None:
    repeats = 10 if scale == "full" else 3
    with tempfile.TemporaryDirectory(prefix="gw-bench-photos-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / "IMG_4000x3000.jpg"
        size = make_phone_like_jpeg(src)
        print(f"# source: {WIDTH}×{HEIGHT} JPEG, {size / 2**20:.1f} MiB; decoded RGB {DECODED_MB:.0f} MiB", flush=True)

        idle = _measure("idle", src, tmp_path / "idle", 0)
        # Memory: one attach per fresh process, so the peak is that of a single photo.
        ours_once = _measure("pipeline", src, tmp_path / "once", 1)
        raw_once = _measure("raw", src, tmp_path / "raw-once", 1)
        # Time: several in one process (the first pays for imports and caches).
        ours = _measure("pipeline", src, tmp_path / "many", repeats)
        raw = _measure("raw", src, tmp_path / "raw-many", repeats)

        report.add(
            "photos: attach 12 MP JPEG (median s)",
            statistics.median(ours["seconds"]),
            "s",
            baseline=statistics.median(raw["seconds"]),
            baseline_label="raw Pillow open+load+save q85",
            target="< 1 s on 2 cores",
        )
        report.add(
            "photos: attach 12 MP JPEG, peak memory added (MiB)",
            ours_once["peak_rss_mb"] - idle["peak_rss_mb"],
            "MiB",
            baseline=raw_once["peak_rss_mb"] - idle["peak_rss_mb"],
            baseline_label="raw Pillow open+load+save q85",
            target=f"< 3× decoded size ({3 * DECODED_MB:.0f} MiB)",
        )
        report.add("photos: idle process peak RSS (floor)", idle["peak_rss_mb"], "MiB")


if __name__ == "__main__":
    run(Report(), sys.argv[1] if len(sys.argv) > 1 else "small")
