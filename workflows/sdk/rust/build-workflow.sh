#!/usr/bin/env bash
# Builds the Rust workflow crate in the current directory into NAME.wasm beside its sources:
# runs its native unit tests, builds it for wasm32-unknown-unknown (release, size-optimised,
# no debug info), shrinks it with wasm-opt and strips the producers section.
#
# Offline and reproducible: Debian's rustc and cargo, crates from /usr/share/cargo/registry
# (the crate's .cargo/config.toml), Cargo.lock honoured, and source paths remapped so the
# module's bytes do not depend on where the repository is checked out.
#
# Usage: cd workflows/<name> && ../sdk/rust/build-workflow.sh <name>
set -euo pipefail
name=${1:?usage: build-workflow.sh NAME}
repo=$(cd "$(dirname "$0")/../../.." && pwd)

missing=()
[ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] || missing+=(rustc cargo)
[ -d /usr/lib/rustlib/wasm32-unknown-unknown ] || missing+=(libstd-rust-dev-wasm32)
[ -d /usr/share/cargo/registry/serde_json-1.0.87 ] || missing+=(librust-serde-json-dev librust-serde-derive-dev)
command -v wasm-opt >/dev/null || missing+=(binaryen)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-workflow.sh: missing Debian packages; install them with:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export RUSTFLAGS="--remap-path-prefix=$repo=/mvm-ci --remap-path-prefix=/usr/share/cargo/registry=/cargo"
export CARGO_TERM_QUIET=true
locked=()
[ -f Cargo.lock ] && locked=(--locked)

/usr/bin/cargo test "${locked[@]}" --target x86_64-unknown-linux-gnu
/usr/bin/cargo build "${locked[@]}" --release
crate=$(sed -n 's/^name *= *"\(.*\)"/\1/p' Cargo.toml | head -1 | tr - _)
wasm-opt -Oz --strip-debug --strip-producers "target/wasm32-unknown-unknown/release/$crate.wasm" -o "$name.wasm"
echo "$(stat -c %s "$name.wasm") bytes  $(sha256sum "$name.wasm" | cut -c1-64)  ${PWD#"$repo"/}/$name.wasm"
