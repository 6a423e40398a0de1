#!/usr/bin/env bash
# Debian packages the project needs: PostgreSQL for server tests, Xvfb and the
# X/GL libraries Qt loads, xdotool (real input for the real-window test), CJK fonts for PDFs (wqy-microhei is also the font the
# bundle carries: `make installer`), poppler for PDF checks, NSIS to check the
# Windows installer script compiles, Chromium and its WebDriver for the
# console's browser tests.
# As root they are installed; otherwise the exact command is printed.
set -euo pipefail
PKGS=(postgresql xvfb xauth xdotool fonts-wqy-zenhei fonts-wqy-microhei poppler-utils imagemagick
      libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
      libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libnss3
      libpulse0 libasound2 nsis chromium chromium-driver)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
