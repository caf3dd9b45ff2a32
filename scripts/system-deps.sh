#!/usr/bin/env bash
# Installs the Debian 12 packages GridWorker needs beyond Python: Qt's runtime
# libraries (offscreen and X11), Xvfb for screenshots, a Chinese font,
# PostgreSQL 15 for the server tests, and Chromium for the phone pages' browser
# tests and screenshots (Playwright drives this binary; it downloads no browser
# of its own). Does nothing when all are present.
set -euo pipefail

PACKAGES=(
  libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-util1
  fonts-wqy-zenhei postgresql-15 postgresql-common chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "system-deps: not a Debian system; install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
