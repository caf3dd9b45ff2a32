#!/usr/bin/env python3
"""Compile the UI translations: every resources/i18n/*.ts into a .qm beside it.

    python scripts/build_translations.py [--strict] [--if-stale]

Uses pyside6-lrelease from the virtual environment of the Python running this
script (else from PATH). --strict fails when a catalogue has a message left
unfinished or empty; --if-stale compiles only catalogues newer than their .qm.
The .qm files are build output: the app loads them, git does not keep them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"


def find_lrelease() -> Path:
    here = Path(sys.executable).parent
    for candidate in (here / "pyside6-lrelease", here / "pyside6-lrelease.exe"):
        if candidate.exists():
            return candidate
    found = shutil.which("pyside6-lrelease")
    if found:
        return Path(found)
    raise SystemExit(
        "pyside6-lrelease not found next to "
        f"{sys.executable} nor on PATH: install the UI extra (pip install -e '.[ui]') and run this with the venv's Python"
    )


def unfinished(ts: Path) -> list[str]:
    """Source texts of `ts` with no finished translation."""
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        kind = translation.get("type") if translation is not None else "unfinished"
        if kind in ("obsolete", "vanished"):  # no longer in the code: not shipped
            continue
        empty = translation is None or not ((translation.text or "").strip() or list(translation))
        if kind == "unfinished" or empty:
            missing.append(message.findtext("source") or "")
    return missing


def build(*, strict: bool = False, if_stale: bool = False) -> list[Path]:
    sources = sorted(I18N_DIR.glob("*.ts"))
    if not sources:
        raise SystemExit(f"no .ts files in {I18N_DIR}")
    problems = []
    for ts in sources:
        missing = unfinished(ts)
        if missing:
            problems.append(f"{ts.name}: {len(missing)} unfinished, e.g. {missing[0]!r}")
    if strict and problems:
        raise SystemExit("translations not finished:\n  " + "\n  ".join(problems))
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    lrelease = find_lrelease()
    built = []
    for ts in sources:
        qm = ts.with_suffix(".qm")
        if if_stale and qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        result = subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True)
        if result.returncode != 0 or not qm.exists():
            raise SystemExit(f"pyside6-lrelease failed on {ts.name}:\n{result.stdout}{result.stderr}")
        built.append(qm)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="fail if a message is left untranslated")
    parser.add_argument("--if-stale", action="store_true", help="only catalogues changed since their .qm was built")
    args = parser.parse_args(argv)
    built = build(strict=args.strict, if_stale=args.if_stale)
    for qm in built:
        print(f"built {qm.relative_to(I18N_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
