#!/usr/bin/env bash
# Installs Debian's Virtuoso Open Source (virtuoso-t, isql-vt) for tests/test_remote.py, which runs
# its own private instance on 127.0.0.1 with free ports and a throw-away database (docs: VIRTUOSO.md).
# Non-interactive; idempotent (does nothing when both programs are present); never starts the
# packaged service. Run as root (.ci/run runs every .ci/install-*.sh before pytest).
set -euo pipefail

if command -v isql-vt >/dev/null 2>&1 && command -v virtuoso-t >/dev/null 2>&1; then
    echo "virtuoso: already installed ($(command -v virtuoso-t))"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-virtuoso.sh: must run as root (apt-get)" >&2
    exit 2
fi

export DEBIAN_FRONTEND=noninteractive
# The package asks for a DBA password. Preseed a throw-away one: the tests never use the packaged
# database (each run creates its own and sets its own password), so this value protects nothing.
throwaway="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
debconf-set-selections <<SEL
virtuoso-opensource-7 virtuoso-opensource-7/dba-password password ${throwaway}
virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password ${throwaway}
SEL
unset throwaway

# Keep the packaged service from starting (a container usually has a policy-rc.d doing this already);
# remove our blocker afterwards only if we created it.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null

command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null || {
    echo "install-virtuoso.sh: virtuoso-t or isql-vt missing after the install" >&2
    exit 2
}
echo "virtuoso: installed $(dpkg-query -W -f='${Version}' virtuoso-opensource-7 2>/dev/null || true)"
