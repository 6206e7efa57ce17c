#!/usr/bin/env bash
# Installs Debian's Chromium and the DejaVu fonts for the browser tests of tests/test_views.py, which
# open every page of `kehoach views` headless, offline, from file:// (docs: tests/test_views.py).
# Non-interactive; idempotent (does nothing when chromium and DejaVu Sans are present). Run as root
# (.ci/run runs every .ci/install-*.sh before pytest).
set -euo pipefail

have_font() { [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; }

if command -v chromium >/dev/null 2>&1 && have_font; then
    echo "chromium: already installed ($(command -v chromium))"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium.sh: must run as root (apt-get)" >&2
    exit 2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

command -v chromium >/dev/null && have_font || {
    echo "install-chromium.sh: chromium or DejaVu Sans missing after the install" >&2
    exit 2
}
echo "chromium: installed $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || true)"
