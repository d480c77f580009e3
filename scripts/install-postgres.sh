#!/usr/bin/env bash
# The PostgreSQL server binaries the gateway's tests and benchmark start a throwaway cluster with
# (dfpn_gateway.testing.ThrowawayPostgres: initdb in a temporary directory, a free port, stopped afterwards).
# Installs Debian's `postgresql` package when no initdb is found; prints the binaries' directory on stdout.
# Found in this order: $DFPN_PG_BINDIR, the newest /usr/lib/postgresql/<version>/bin, initdb on the PATH.
set -euo pipefail
log() { printf '[install-postgres] %s\n' "$*" >&2; }

find_bindir() {
  if [ -n "${DFPN_PG_BINDIR:-}" ] && [ -x "$DFPN_PG_BINDIR/initdb" ]; then echo "$DFPN_PG_BINDIR"; return 0; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return 0; fi
  return 1
}

if bindir=$(find_bindir); then
  echo "$bindir"
  exit 0
fi
log "no PostgreSQL server found: installing Debian's postgresql"
"$(dirname "$0")/apt-install.sh" postgresql
bindir=$(find_bindir) || { log "postgresql installed but no initdb found"; exit 1; }
log "PostgreSQL $("$bindir/postgres" --version | awk '{print $NF}') in $bindir"
echo "$bindir"
