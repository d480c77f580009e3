#!/usr/bin/env bash
# Install Debian packages, safely from several scripts at once (CI builds the validator in the background while
# `make test` installs the SBF toolchain): `apt-get update` takes /var/lib/apt/lists/lock without waiting
# (DPkg::Lock::Timeout covers only the dpkg lock), so every caller serialises on one flock first.
# Usage: scripts/apt-install.sh PACKAGE...   (installs only the packages that are missing)
set -euo pipefail
need=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
exec 8>"${TMPDIR:-/tmp}/dfpn-apt.lock"
flock 8
apt() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 "$@"; }
# Another caller may have updated the lists a moment ago; a failed update (a foreign apt holding the lock) is
# retried a few times before giving up.
for attempt in 1 2 3 4 5; do
  apt update -qq && break
  [ "$attempt" -eq 5 ] && exit 1
  sleep 10
done
apt install -y -qq "${need[@]}" >/dev/null
