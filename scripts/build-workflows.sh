#!/usr/bin/env bash
# Rebuilds every workflow module (workflows/*/build.sh and the test workflows,
# workflows/testing/*/build.sh) from its sources, then tests them.
#
#   scripts/build-workflows.sh                  build, run the SDK unit tests and the Node harness tests
#   scripts/build-workflows.sh --no-test        build only
#   scripts/build-workflows.sh --reproducible   also build a second time, from a clean copy of
#                                               workflows/ in another directory, and fail unless
#                                               every .wasm comes out byte-identical
#
# Installs nothing: when a toolchain is missing it prints the command that installs it and
# stops. The built .wasm files are committed, so `mvn` never needs any of this.
set -euo pipefail
cd "$(dirname "$0")/.."

test=1 reproducible=0
for arg in "$@"; do
  case $arg in
    --no-test) test=0 ;;
    --reproducible) reproducible=1 ;;
    *) echo "usage: $0 [--no-test] [--reproducible]" >&2; exit 2 ;;
  esac
done

# Toolchains of our own workflows (kernel/'s clang and lld included); hostile/ checks its own.
apt=()
{ [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ]; } || apt+=(rustc cargo)
[ -d /usr/lib/rustlib/wasm32-unknown-unknown ] || apt+=(libstd-rust-dev-wasm32)
[ -d /usr/share/cargo/registry/serde_json-1.0.87 ] || apt+=(librust-serde-json-dev)
[ -d /usr/share/cargo/registry/serde_derive-1.0.152 ] || apt+=(librust-serde-derive-dev)
command -v wasm-opt >/dev/null || apt+=(binaryen)
command -v wat2wasm >/dev/null || apt+=(wabt)
command -v node >/dev/null || apt+=(nodejs npm)
{ command -v clang >/dev/null && command -v wasm-ld >/dev/null; } || apt+=(clang lld)
missing=0
if [ ${#apt[@]} -gt 0 ]; then
  echo "missing Debian packages; install them with:" >&2
  echo "  apt-get update && apt-get install -y ${apt[*]}" >&2
  missing=1
fi
if [ ! -x workflows/sdk/assemblyscript/node_modules/.bin/asc ]; then
  echo "missing the AssemblyScript compiler; install it (pinned by package-lock.json) with:" >&2
  echo "  npm ci --prefix workflows/sdk/assemblyscript" >&2
  missing=1
fi
[ $missing -eq 0 ] || exit 1

build_all() {
  for script in workflows/*/build.sh workflows/testing/*/build.sh; do
    echo "== ${script%/build.sh}"
    "$script"
  done
}

hashes() {
  find workflows -name '*.wasm' -not -path '*/target/*' -not -path '*/node_modules/*' | sort | xargs sha256sum
}

build_all
if [ $reproducible -eq 1 ]; then
  # The second build runs elsewhere: the bytes must not depend on where the repository is.
  elsewhere=$(mktemp -d)
  trap 'rm -rf "$elsewhere"' EXIT
  mkdir -p "$elsewhere/copy/of/mvm-ci"
  tar -C . --exclude=target --exclude=node_modules -cf - workflows | tar -C "$elsewhere/copy/of/mvm-ci" -xf -
  ln -s "$PWD/workflows/sdk/assemblyscript/node_modules" "$elsewhere/copy/of/mvm-ci/workflows/sdk/assemblyscript/node_modules"
  echo "== second build, from a clean copy in $elsewhere/copy/of/mvm-ci"
  if ! diff <(hashes) <(cd "$elsewhere/copy/of/mvm-ci" && build_all >&2 && hashes); then
    echo "NOT reproducible: the second build differs (above)" >&2
    exit 1
  fi
  echo "reproducible: both builds gave byte-identical modules"
fi

if [ $test -eq 1 ]; then
  echo "== Rust SDK unit tests"
  (cd workflows/sdk/rust && /usr/bin/cargo test --quiet --locked --target x86_64-unknown-linux-gnu \
    && /usr/bin/cargo test --quiet --locked --features abi-v2 --target x86_64-unknown-linux-gnu \
    && /usr/bin/cargo test --quiet --locked --features abi-v3 --target x86_64-unknown-linux-gnu)
  echo "== Node harness tests (the ABI in JavaScript)"
  node --test workflows/tools/test/*.test.mjs
fi

echo "== modules"
find workflows -name '*.wasm' -not -path '*/target/*' -not -path '*/node_modules/*' | sort | while read -r f; do
  printf '%8d  %s  %s\n' "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -c1-64)" "$f"
done
