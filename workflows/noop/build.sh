#!/usr/bin/env bash
# Builds noop.wasm from noop.wat (WebAssembly text, with wabt's wat2wasm).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v wat2wasm >/dev/null; then
  echo "noop/build.sh: wat2wasm is missing; install it with: apt-get update && apt-get install -y wabt" >&2
  exit 1
fi
wat2wasm noop.wat -o noop.wasm
echo "$(stat -c %s noop.wasm) bytes  $(sha256sum noop.wasm | cut -c1-64)  workflows/noop/noop.wasm"
