#!/usr/bin/env bash
# A real Solana RPC validator for `dfpn-localnet` and the RPC end-to-end tests, from registries only.
#   1. `solana-test-validator` on PATH (the standard Solana CLI install): used as is.
#   2. Otherwise agave's own test validator built from crates.io (the `agave-validator` crate ships the
#      `solana-test-validator` binary): `cargo install agave-validator --version $AGAVE_VERSION --locked
#      --bin solana-test-validator`, once, into $CACHE/agave-$AGAVE_VERSION (a long first build: ~800 crates).
# Release binaries (github.com/anza-xyz/agave releases, release.anza.xyz) cannot be downloaded on our machines.
# Prints the binary's path on stdout.
set -euo pipefail

AGAVE_VERSION=${AGAVE_VERSION:-3.1.12}
CACHE=${DFPN_TOOLCHAIN_CACHE:-$HOME/.cache/dfpn-toolchain}
ROOT=$CACHE/agave-$AGAVE_VERSION
BIN=$ROOT/bin/solana-test-validator

log() { printf '[install-validator] %s\n' "$*" >&2; }

if [ -z "${DFPN_BUILD_VALIDATOR:-}" ] && command -v solana-test-validator >/dev/null 2>&1; then
  command -v solana-test-validator
  exit 0
fi
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/agave-$AGAVE_VERSION.lock"
flock 9
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

# rocksdb (bindgen -> libclang), protobuf, hidapi (libudev), openssl.
need=()
for pkg in libclang-dev clang protobuf-compiler libudev-dev pkg-config libssl-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  "$(dirname "$0")/apt-install.sh" "${need[@]}"
fi
libclang=$(dirname "$(ls /usr/lib/llvm-*/lib/libclang.so 2>/dev/null | head -1)")

log "building solana-test-validator (agave-validator $AGAVE_VERSION) from crates.io, once; cached in $ROOT"
start=$(date +%s)
host=$(rustc -vV | sed -n 's/^host: //p')
# The target dir is kept in the cache, so an interrupted build resumes where it stopped. opt-level 1 (rocksdb's
# C++ too) compiles faster than the published opt-level 3 on our 2-core machines and is ample for a test validator;
# AGAVE_OPT_LEVEL=3 gives the release build as published.
# Two C/C++ libraries that Debian already ships are not built from source (on a bare 2-core machine each took
# 7-8 min of the build): OpenSSL (openssl-sys honours OPENSSL_NO_VENDOR) and protobuf, whose `protobuf-src` build
# dependency only locates protoc: its build script is overridden (it has `links`) to point at Debian's
# /usr/bin/protoc. rocksdb has no usable Debian version (7.8 against librocksdb-sys' 9.9) and is still built.
# --timings writes where the time went to $CACHE/agave-build/target/cargo-timings/.
LIBCLANG_PATH=$libclang CARGO_TARGET_DIR=$CACHE/agave-build/target OPENSSL_NO_VENDOR=1 PROTOC=/usr/bin/protoc \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=${AGAVE_OPT_LEVEL:-1} CARGO_PROFILE_RELEASE_DEBUG=0 \
  cargo install agave-validator --version "$AGAVE_VERSION" --locked --bin solana-test-validator --root "$ROOT" \
    --timings --config "target.$host.protobuf-src.rustc-env.INSTALL_DIR=\"/usr\""
log "built $BIN in $(( $(date +%s) - start ))s"
echo "$BIN"
