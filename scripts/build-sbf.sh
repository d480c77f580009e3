#!/usr/bin/env bash
# Build programs/dfpn to target/deploy/dfpn.so from registry packages only:
#   Debian rustc-web/cargo-web (Rust 1.96, LLVM 22) for bpfel-unknown-none, core/alloc prebuilt by Debian
#   (libstd-rust-web-dev-bpf), linked by sbpf-linker 0.1.9 from crates.io, whose bpf-linker loads
#   Debian's libLLVM.so.22.1 (the same LLVM rustc-web uses) through aya-rustc-llvm-proxy.
# Installs what is missing; the linker binary is cached in $DFPN_TOOLCHAIN_CACHE (outside the repo).
# With the standard Solana toolchain, `cargo build-sbf --manifest-path programs/dfpn/Cargo.toml` also works.
set -euo pipefail
cd "$(dirname "$0")/.."

SBPF_LINKER_VERSION=0.1.9
CACHE=${DFPN_TOOLCHAIN_CACHE:-$HOME/.cache/dfpn-toolchain}
LINKER_DIR=$CACHE/sbpf-linker-$SBPF_LINKER_VERSION
LLVM_DIR=$CACHE/llvm22
DEBIAN_RUSTC=/usr/bin/rustc
DEBIAN_CARGO=/usr/bin/cargo

log() { printf '[build-sbf] %s\n' "$*" >&2; }

need_debian_rust() {
  [ -x "$DEBIAN_RUSTC" ] && "$DEBIAN_RUSTC" --version 2>/dev/null | grep -q '^rustc 1\.96' \
    && [ -d /usr/lib/rustlib/bpfel-unknown-none/lib ] && [ -e /usr/lib/x86_64-linux-gnu/libLLVM.so.22.1 ]
}

if ! need_debian_rust; then
  log "installing Debian rustc-web, cargo-web and libstd-rust-web-dev-bpf"
  scripts/apt-install.sh rustc-web cargo-web libstd-rust-web-dev-bpf
fi
need_debian_rust || { log "Debian rustc-web 1.96 with the bpfel sysroot is not available"; exit 1; }

# The proxy dlopens the first libLLVM* it finds on LD_LIBRARY_PATH: give it a directory holding only LLVM 22.
mkdir -p "$LLVM_DIR"
ln -sf /usr/lib/x86_64-linux-gnu/libLLVM.so.22.1 "$LLVM_DIR/libLLVM.so.22.1"

if [ ! -x "$LINKER_DIR/bin/sbpf-linker" ]; then
  log "building sbpf-linker $SBPF_LINKER_VERSION (once; cached in $LINKER_DIR)"
  cargo install sbpf-linker --version "$SBPF_LINKER_VERSION" --locked --root "$LINKER_DIR" --quiet
fi

log "compiling programs/dfpn for bpfel-unknown-none"
# sbpf-linker writes target/deploy/<crate>.so relative to its working directory: run from the repo root.
RUSTC=$DEBIAN_RUSTC LD_LIBRARY_PATH=$LLVM_DIR \
  "$DEBIAN_CARGO" build --release --target bpfel-unknown-none -p dfpn \
  --target-dir target/sbf \
  --config "target.bpfel-unknown-none.linker='$LINKER_DIR/bin/sbpf-linker'"

mkdir -p target/deploy
cp target/sbf/bpfel-unknown-none/release/libdfpn.so target/deploy/dfpn.so
rm -f target/deploy/libdfpn.so
log "target/deploy/dfpn.so: $(stat -c %s target/deploy/dfpn.so) bytes"
