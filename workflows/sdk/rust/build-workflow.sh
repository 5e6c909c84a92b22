#!/usr/bin/env bash
# Builds the Rust workflow crate in the current directory into NAME.wasm beside its sources:
# runs its native unit tests, builds it for wasm32-unknown-unknown (release, size-optimised,
# no debug info), shrinks it with wasm-opt and strips the producers section.
#
# Offline and reproducible: Debian's rustc and cargo, crates from /usr/share/cargo/registry
# (the crate's .cargo/config.toml), Cargo.lock honoured, and rustc-wrapper.sh beside this script
# so that the module's bytes do not depend on where the repository is checked out.
#
# A Cargo.lock that does not name this crate was copied with another workflow's folder: it is
# replaced by a fresh one (the versions are Debian's either way: its registry has one of each).
# After the build the module's ABI declaration is checked against its imports: a module that
# imports `fail_with` must export `mvmci_abi_v2` or `mvmci_abi_v3` (the SDK's `abi-v2` feature does
# that), one that imports `await_signal`, `spawn_job` or `await_job` `mvmci_abi_v3` (`abi-v3`).
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

export RUSTC_WRAPPER="$repo/workflows/sdk/rust/rustc-wrapper.sh" MVMCI_REPO="$repo"
export CARGO_TERM_QUIET=true
crate=$(sed -n 's/^name *= *"\(.*\)"/\1/p' Cargo.toml | head -1)
locked=()
if [ -f Cargo.lock ] && ! grep -qx "name = \"$crate\"" Cargo.lock; then
  echo "build-workflow.sh: Cargo.lock does not name crate $crate (copied from another workflow?): writing a new one" >&2
  rm Cargo.lock
fi
[ -f Cargo.lock ] && locked=(--locked)

/usr/bin/cargo test "${locked[@]}" --target x86_64-unknown-linux-gnu
/usr/bin/cargo build "${locked[@]}" --release
wasm-opt -Oz --strip-debug --strip-producers "target/wasm32-unknown-unknown/release/${crate//-/_}.wasm" -o "$name.wasm"
module=$(wasm-dis "$name.wasm")
declared=0
for v in 3 2 1; do
  if grep -q "(export \"mvmci_abi_v$v\"" <<<"$module"; then declared=$v; break; fi
done
needs() { # needs FUNCTION VERSION FEATURE: the module may import FUNCTION only if it declares VERSION or later
  if grep -q "(import \"mvmci\" \"$1\"" <<<"$module" && [ "$declared" -lt "$2" ]; then
    echo "build-workflow.sh: $name.wasm imports mvmci.$1, which needs ABI version $2: build it with the SDK's" >&2
    echo "  $3 feature (mvmci = { path = \"../sdk/rust\", features = [\"$3\"] }), whose workflow! exports mvmci_abi_v$2" >&2
    rm "$name.wasm"
    exit 1
  fi
}
needs fail_with 2 abi-v2
for f in await_signal spawn_job await_job; do needs "$f" 3 abi-v3; done
echo "$(stat -c %s "$name.wasm") bytes  $(sha256sum "$name.wasm" | cut -c1-64)  ${PWD#"$repo"/}/$name.wasm"
