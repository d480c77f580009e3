#!/usr/bin/env bash
# Build livekit-server from the Go module proxy into ~/.cache/dfpn-toolchain/livekit-<version>/bin/livekit-server
# and print its path. `go install ...@version` refuses the module (its go.mod has replace directives pointing at
# LiveKit's pion forks), so the module source is downloaded with `go mod download` and built as the main module.
# v1.13.5 is the newest release whose every dependency the module proxy serves (v1.13.7-v1.13.11 need
# livekit/protocol and psrpc versions that the proxy answers with 403). Needs Go >= 1.26 (the module's `go` line).
# First build: about 5 minutes on 2 cores (downloads included); afterwards it is cached.
set -euo pipefail
VERSION="${LIVEKIT_SERVER_VERSION:-v1.13.5}"
PREFIX="${DFPN_TOOLCHAIN_CACHE:-$HOME/.cache/dfpn-toolchain}/livekit-$VERSION"
BIN="$PREFIX/bin/livekit-server"
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "go is not installed (need Go >= 1.26)" >&2; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
SRC_RO="$(go mod download -json "github.com/livekit/livekit-server@$VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
WORK="$(mktemp -d)"
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT
cp -r "$SRC_RO/." "$WORK/"
chmod -R u+w "$WORK"
mkdir -p "$PREFIX/bin"
(cd "$WORK" && nice -n 10 go build -trimpath -o "$BIN.tmp" ./cmd/server) >&2
mv "$BIN.tmp" "$BIN"
echo "$BIN"
