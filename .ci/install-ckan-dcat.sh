#!/usr/bin/env bash
# Installs ckanext-dcat (with CKAN) into its own virtual environment, /opt/kehoach-ckan-venv, for
# tests/test_export_ckan.py, which parses the exported DCAT catalogue with ckanext-dcat's RDFParser
# (profile euro_dcat_ap_3) exactly as a CKAN harvester would. Test-only: CKAN and ckanext-dcat are
# AGPL and heavy, never a dependency of kehoach-kg itself (docs: shared/docs/OPEN-DATA.md).
# Non-interactive; idempotent (does nothing when the venv already imports the parser). Run as root
# (.ci/run runs every .ci/install-*.sh before pytest). KEHOACH_CKAN_VENV overrides the location.
set -euo pipefail

venv="${KEHOACH_CKAN_VENV:-/opt/kehoach-ckan-venv}"
ckan_version="2.12.0"
dcat_version="2.4.4"
probe="import ckan, ckanext.dcat.processors; from ckanext.dcat.processors import RDFParser"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$probe" >/dev/null 2>&1; then
    echo "ckanext-dcat: already installed in $venv"
    exit 0
fi

# psycopg2 (a CKAN requirement) builds from source when no wheel fits: it needs pg_config and a C
# compiler. Install them only when missing (root only; elsewhere pip may still find a wheel).
need=()
command -v pg_config >/dev/null 2>&1 || need+=(libpq-dev)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
dpkg-query -W -f='${Status}' python3-dev 2>/dev/null | grep -q "ok installed" || need+=(python3-dev)
if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
        echo "install-ckan-dcat.sh: not root, cannot apt-get install ${need[*]}; trying without" >&2
    fi
fi

python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
"$venv/bin/python" -m pip install --quiet "ckan[requirements]==${ckan_version}" "ckanext-dcat==${dcat_version}"

"$venv/bin/python" -c "$probe" || {
    echo "install-ckan-dcat.sh: ckanext-dcat does not import in $venv after the install" >&2
    exit 2
}
echo "ckanext-dcat: installed ckan ${ckan_version} + ckanext-dcat ${dcat_version} in $venv"
