#!/usr/bin/env bash
# What the gateway's browser tests (gateway/tests/test_web_browser.py) need besides Python packages:
# - Debian's chromium and chromium-driver (the same packages `make test-realtime` installs; scripts/apt-install.sh
#   installs only what is missing), driven by Selenium;
# - axe-core, the accessibility audit the tests run inside the page, from npm into the toolchain cache (for the
#   tests only: it is not part of the gateway's wheel).
# Prints the path of axe.min.js on stdout. Safe to run from several jobs at once (flock).
set -euo pipefail

AXE_VERSION=${AXE_VERSION:-4.14.1}
CACHE=${DFPN_TOOLCHAIN_CACHE:-$HOME/.cache/dfpn-toolchain}
AXE_DIR=$CACHE/axe-core-$AXE_VERSION
AXE_JS=$AXE_DIR/node_modules/axe-core/axe.min.js
HERE=$(cd "$(dirname "$0")" && pwd)

log() { printf '[install-browser-tests] %s\n' "$*" >&2; }

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing Debian chromium and chromium-driver"
  "$HERE/apt-install.sh" chromium chromium-driver
fi

if [ ! -f "$AXE_JS" ]; then
  mkdir -p "$CACHE"
  exec 9>"$CACHE/axe-core-$AXE_VERSION.lock"
  flock 9
  if [ ! -f "$AXE_JS" ]; then
    command -v npm >/dev/null || "$HERE/apt-install.sh" npm
    log "npm install axe-core@$AXE_VERSION into $AXE_DIR"
    rm -rf "$AXE_DIR.tmp"
    mkdir -p "$AXE_DIR.tmp"
    npm install --silent --no-audit --no-fund --prefix "$AXE_DIR.tmp" "axe-core@$AXE_VERSION" >&2
    rm -rf "$AXE_DIR"
    mv "$AXE_DIR.tmp" "$AXE_DIR"
  fi
fi
echo "$AXE_JS"
