"""Build the GridWorker bundle: a folder that runs where no Python is installed.

    python build_installer.py            build dist/GridWorker/ and dist/GridWorker-<version>-<platform>.tar.gz
                                         (.zip on Windows, plus the Inno Setup installer when `iscc` is on PATH)
    python build_installer.py --smoke    the same, then unpack the archive in a temporary folder and run its
                                         self-test with PATH=/usr/bin:/bin and nothing else from this machine
    python build_installer.py --force    build again even when nothing changed
    python build_installer.py --clean    remove what this script made under build/ and dist/

The PyInstaller spec is packaging/gridworker.spec. A build is reused while
the sources, the spec, this script and the installed packages stay the same
(a hash of them is kept in build/bundle.stamp), so `make test` pays for a
PyInstaller run only after a change. Run it on the oldest system you target:
the bundle carries the build machine's system libraries.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SPEC = ROOT / "packaging" / "gridworker.spec"
INNO_SCRIPT = ROOT / "packaging" / "gridworker.iss"
TRANSLATIONS_SCRIPT = ROOT / "scripts" / "build_translations.py"
I18N = ROOT / "resources" / "i18n"
BUILD = ROOT / "build"
WORK = BUILD / "pyinstaller"
STAMP = BUILD / "bundle.stamp"
DIST = ROOT / "dist"
BUNDLE_NAME = "GridWorker"  # the folder inside dist/ and inside the archive
BUNDLE = DIST / BUNDLE_NAME
WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""
SOURCE_VERSION = "0.0.0+source"
SELF_TEST_TIMEOUT = 300  # seconds; it takes ~5 s here


class BuildError(Exception):
    """The build or its smoke run failed; the message says where."""


@dataclass(frozen=True)
class Build:
    version: str
    archive: Path
    reused: bool


def say(message: str) -> None:
    print(f"[build_installer] {message}", flush=True)


# -- what is being built --------------------------------------------------------------------------
def package_version() -> str:
    """gridworker.__version__, which the bundle reports too; refused when the package is not installed."""
    result = subprocess.run(
        [sys.executable, "-c", "import gridworker; print(gridworker.__version__)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    version = result.stdout.strip()
    if version == SOURCE_VERSION:
        raise BuildError("gridworker is not installed in this Python: run `pip install -e .[ui]` first")
    return version


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    return f"{system}-{machine}"


def archive_path(version: str) -> Path:
    return DIST / f"{BUNDLE_NAME}-{version}-{platform_tag()}{'.zip' if WINDOWS else '.tar.gz'}"


def fingerprint() -> dict[str, str]:
    """Hashes of everything a build depends on: each source and resource file, the spec, this script,
    the installed packages and the Python; equal fingerprints make equal bundles."""
    files = [ROOT / "build_installer.py"]
    for folder in (ROOT / "gridworker", ROOT / "packaging"):
        files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    parts = {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    font = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # shipped when present (see the spec)
    parts["(installed packages)"] = hashlib.sha256("\n".join(packages).encode()).hexdigest()
    parts["(python and platform)"] = f"{sys.version} {platform_tag()}"
    parts["(chinese font)"] = str(font.stat().st_size) if font.is_file() else "absent"
    return parts


def changes_since(previous: dict[str, str], now: dict[str, str]) -> list[str]:
    return sorted(k for k in previous.keys() | now.keys() if previous.get(k) != now.get(k))


# -- building ------------------------------------------------------------------------------------
@contextmanager
def build_lock() -> Iterator[None]:
    """One build at a time in this tree (two `make test` runs would overwrite each other's dist/)."""
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".lock", "w") as lock:
        if not WINDOWS:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build_translations() -> None:
    """Compile the .ts files to .qm with the project's script, and make sure each one has its .qm."""
    sources = sorted(I18N.glob("*.ts")) if I18N.is_dir() else []
    if sources and TRANSLATIONS_SCRIPT.is_file():
        say("compiling translations")
        subprocess.run([sys.executable, str(TRANSLATIONS_SCRIPT), "--if-stale"], cwd=ROOT, check=True)
    missing = [ts.name for ts in sources if not ts.with_suffix(".qm").is_file()]
    if missing:
        raise BuildError(f"no .qm compiled for {', '.join(missing)} (scripts/build_translations.py)")


def run_pyinstaller() -> None:
    say(f"PyInstaller {importlib.metadata.version('pyinstaller')} with {SPEC.relative_to(ROOT)}")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK)],
        cwd=ROOT, check=True,
    )


def make_archive(bundle: Path, target: Path) -> None:
    """The bundle folder as one archive with a single top folder, written beside and renamed into place."""
    partial = target.with_name(target.name + ".partial")
    if WINDOWS:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as z:
            for path in sorted(bundle.rglob("*")):
                z.write(path, Path(BUNDLE_NAME) / path.relative_to(bundle))
    else:
        with tarfile.open(partial, "w:gz", compresslevel=3) as t:
            t.add(bundle, arcname=BUNDLE_NAME)
    os.replace(partial, target)


def build_windows_installer(version: str) -> None:
    """Inno Setup: per-user install, Start-menu shortcut, data kept on uninstall (packaging/gridworker.iss)."""
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        say("iscc (Inno Setup 6) is not on PATH: the .zip is built, the installer is not")
        return
    numeric = re.match(r"\d+(\.\d+){0,3}", version)
    subprocess.run(
        [iscc, f"/DAppVersion={version}", f"/DAppNumericVersion={numeric.group(0) if numeric else '0'}",
         f"/DBundleDir={BUNDLE}", f"/DOutputDir={DIST}",
         f"/DOutputBaseName={BUNDLE_NAME}-{version}-{platform_tag()}-setup", str(INNO_SCRIPT)],
        cwd=ROOT, check=True,
    )


def last_build_matches(stamp: dict, archive: Path) -> bool:
    """True when the bundle and archive on disk were built from exactly this tree; else says what changed."""
    try:
        previous = json.loads(STAMP.read_text("utf-8"))
    except (OSError, ValueError):
        return False  # no stamp, or an unreadable one
    if not (archive.is_file() and BUNDLE.is_dir()):
        return False
    if previous == stamp:
        return True
    earlier = previous.get("fingerprint") if isinstance(previous, dict) else None
    changed = changes_since(earlier if isinstance(earlier, dict) else {}, stamp["fingerprint"]) or ["the archive name"]
    say(f"building again: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''} changed")
    return False


def build(force: bool = False) -> Build:
    build_translations()
    version = package_version()
    archive = archive_path(version)
    stamp = {"archive": archive.name, "fingerprint": fingerprint()}
    if not force and last_build_matches(stamp, archive):
        say(f"nothing changed since the last build: reusing {archive.relative_to(ROOT)}")
        return Build(version, archive, reused=True)
    STAMP.unlink(missing_ok=True)  # a build that stops half-way is never reused
    started = time.perf_counter()
    run_pyinstaller()
    built = time.perf_counter()
    make_archive(BUNDLE, archive)
    say(f"built in {built - started:.0f} s, archived in {time.perf_counter() - built:.0f} s")
    if WINDOWS:
        build_windows_installer(version)
    STAMP.write_text(json.dumps(stamp), "utf-8")
    return Build(version, archive, reused=False)


def clean() -> None:
    for path in (WORK, STAMP, BUNDLE, *DIST.glob(f"{BUNDLE_NAME}-*")):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    say("removed the bundle, its archives and PyInstaller's work folder")


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of a folder, symbolic links not followed."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def report_size(result: Build) -> None:
    size, count = folder_size(BUNDLE)
    say(f"bundle {BUNDLE.relative_to(ROOT)}: {size / 1e6:.0f} MB in {count} files; "
        f"archive {result.archive.relative_to(ROOT)}: {result.archive.stat().st_size / 1e6:.0f} MB")


# -- running the bundle where nothing of this machine's Python is in reach --------------------------
def stripped_env(root: Path) -> dict[str, str]:
    """The variables a fresh login would have, pointing into `root`: no virtual environment, no PYTHONPATH."""
    home, tmp = root / "home", root / "tmp"
    home.mkdir()
    tmp.mkdir()
    if WINDOWS:
        system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        return {"SYSTEMROOT": system_root, "PATH": f"{system_root}\\System32;{system_root}",
                "USERPROFILE": str(home), "LOCALAPPDATA": str(home / "AppData" / "Local"),
                "APPDATA": str(home / "AppData" / "Roaming"), "TEMP": str(tmp), "TMP": str(tmp)}
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "TMPDIR": str(tmp)}


def unpack(archive: Path, into: Path) -> Path:
    if WINDOWS:
        with zipfile.ZipFile(archive) as z:
            z.extractall(into)
    else:
        with tarfile.open(archive) as t:
            t.extractall(into, filter="tar")
    return into / BUNDLE_NAME


def run_timed(cmd: list[str], env: dict[str, str], cwd: Path, *, stdin: str | None = None,
              timeout: float = 120, echo: bool = False) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    result = subprocess.run(cmd, check=False, env=env, cwd=cwd, input=stdin, capture_output=True, text=True,
                            encoding="utf-8", errors="replace", timeout=timeout)
    took = time.perf_counter() - started
    if echo or result.returncode != 0:
        sys.stdout.write(result.stdout)
        sys.stdout.write(result.stderr)
    return result, took


def smoke(result: Build) -> list[str]:
    """Unpack the archive in a temporary folder and run the executables with a stripped environment.

    Returns what failed (empty when everything passed).
    """
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gridworker-smoke-") as tmp:
        root = Path(tmp)
        bundle = unpack(result.archive, root)
        env, cwd = stripped_env(root), root / "tmp"
        # The app has no console on Windows: there the console twin answers.
        console_app = bundle / (f"gridworker-cli{EXE}" if WINDOWS else "GridWorker")
        say(f"smoke run from {bundle} with only {', '.join(sorted(env))} set")

        run, cold_start = run_timed([str(console_app), "--version"], env, cwd)
        if run.returncode != 0 or run.stdout.strip() != result.version:
            failures.append(f"{console_app.name} --version printed {run.stdout.strip()!r}, expected {result.version}")
        say(f"cold start ({console_app.name} --version, first run after unpacking): {cold_start:.2f} s")

        run, took = run_timed([str(console_app), "--self-test"], env, cwd, timeout=SELF_TEST_TIMEOUT, echo=True)
        if run.returncode != 0:
            failures.append(f"{console_app.name} --self-test exited {run.returncode}")
        say(f"self-test: {took:.1f} s, exit {run.returncode}")

        run, took = run_timed([str(bundle / f"gridworker-cli{EXE}"), "--version"], env, cwd)
        if run.returncode != 0 or run.stdout.strip() != result.version:
            failures.append(f"gridworker-cli --version printed {run.stdout.strip()!r}")

        server = [str(bundle / f"gridworker-server{EXE}"), "--lang", "en", "init", "--data", str(root / "server"),
                  "--password-stdin"]
        run, took = run_timed(server, env, cwd, stdin="smoke-Test-password-1\n")
        if run.returncode != 0 or not (root / "server" / "server.db").is_file():
            failures.append(f"gridworker-server init exited {run.returncode} without making server.db")
        else:
            say(f"gridworker-server init: {run.stdout.strip()} ({took:.1f} s)")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the GridWorker bundle (PyInstaller) and its archive.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--smoke", action="store_true", help="then run the unpacked archive's self-test in a stripped environment")
    mode.add_argument("--clean", action="store_true", help="remove the bundle, its archives and PyInstaller's work folder")
    parser.add_argument("--force", action="store_true", help="build even when nothing changed since the last build")
    args = parser.parse_args(argv)
    try:
        with build_lock():
            if args.clean:
                clean()
                return 0
            result = build(force=args.force)
            report_size(result)
            if not args.smoke:
                _, cold_start = run_timed([str(BUNDLE / f"gridworker-cli{EXE}"), "--version"], dict(os.environ), ROOT)
                say(f"start-up (gridworker-cli --version): {cold_start:.2f} s")
                return 0
            failures = smoke(result)
    except (BuildError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        say(f"FAILED: {exc}")
        return 1
    if failures:
        say("smoke run FAILED: " + "; ".join(failures))
        return 1
    say("smoke run passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
