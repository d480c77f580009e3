#!/usr/bin/env bash
# Build Kubo (the IPFS daemon the Python SDK's IPFS storage tests start) from the Go module proxy:
#   GOBIN=$CACHE/kubo-$KUBO_VERSION go install github.com/ipfs/kubo/cmd/ipfs@$KUBO_VERSION
# No prebuilt binary is downloaded. Skips the build when the binary is already cached.
# Prints the binary's path on stdout. Kubo v0.42.0 needs Go >= 1.26.4 (its go.mod); GOTOOLCHAIN=local keeps
# the build on the Go already installed. (Kubo v0.39 does not build with Go 1.26: cockroachdb/swiss.)
set -euo pipefail

KUBO_VERSION=${KUBO_VERSION:-v0.42.0}
CACHE=${DFPN_TOOLCHAIN_CACHE:-$HOME/.cache/dfpn-toolchain}
KUBO_DIR=$CACHE/kubo-$KUBO_VERSION

log() { printf '[install-kubo] %s\n' "$*" >&2; }

if [ -x "$KUBO_DIR/ipfs" ]; then
  echo "$KUBO_DIR/ipfs"
  exit 0
fi

# One build at a time (parallel `make test-python` runs): wait for another one, then re-check.
mkdir -p "$CACHE"
exec 9>"$CACHE/kubo-$KUBO_VERSION.lock"
flock 9
if [ -x "$KUBO_DIR/ipfs" ]; then
  echo "$KUBO_DIR/ipfs"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "go is not on PATH; installing Debian golang-go"
  "$(dirname "$0")/apt-install.sh" golang-go
fi

log "building Kubo $KUBO_VERSION with $(go version) (once; cached in $KUBO_DIR)"
mkdir -p "$KUBO_DIR"
start=$(date +%s)
export GOFLAGS="${GOFLAGS:-} -buildvcs=false" GOTOOLCHAIN=local
if ! GOBIN="$KUBO_DIR" go install "github.com/ipfs/kubo/cmd/ipfs@$KUBO_VERSION"; then
  # `go install pkg@version` also reads the module's version list (for deprecation notices); some proxies
  # refuse that endpoint. Same build, without that step: fetch the pinned module (checked against
  # sum.golang.org) and build cmd/ipfs inside it with Kubo's own go.mod and go.sum.
  log "go install failed; building from the downloaded module instead"
  dir=$(go mod download -json "github.com/ipfs/kubo@$KUBO_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || { log "could not download github.com/ipfs/kubo@$KUBO_VERSION"; exit 1; }
  (cd "$dir" && go build -trimpath -o "$KUBO_DIR/ipfs.tmp.$$" ./cmd/ipfs)
  mv "$KUBO_DIR/ipfs.tmp.$$" "$KUBO_DIR/ipfs"
fi
log "built $KUBO_DIR/ipfs in $(( $(date +%s) - start ))s"
"$KUBO_DIR/ipfs" version >&2
echo "$KUBO_DIR/ipfs"
