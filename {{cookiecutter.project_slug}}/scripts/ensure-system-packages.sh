#!/usr/bin/env bash
# Installs the Debian packages whose servers the tests start (PostgreSQL, Redis, Chromium)
# when they are missing and apt-get can be used (root on Debian or Ubuntu, as on CI).
# Elsewhere (macOS, no root) it only says what is missing: the tests that need a missing
# server skip with a message naming it.
#
#   bash scripts/ensure-system-packages.sh postgresql redis-server chromium
set -uo pipefail

missing=()
for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ -z "${missing[*]:-}" ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "Not installed (no apt-get here): ${missing[*]}; the tests that need them will skip."
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Not installed (needs root): ${missing[*]}; run: sudo apt-get install ${missing[*]}"
    exit 0
fi
echo "Installing ${missing[*]} from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
# Servers are started by the tests on free loopback ports: keep apt from starting its own.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
apt-get update -qq >/dev/null \
    && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
status=$?
[ "$created_policy" -eq 1 ] && rm -f "$policy"
if [ $status -ne 0 ]; then
    echo "apt-get could not install: ${missing[*]}; the tests that need them will skip."
fi
exit 0
