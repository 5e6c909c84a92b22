#!/usr/bin/env bash
# Builds waits.wasm from waits.wat (WebAssembly text; wabt's wat2wasm). See workflows/README.md.
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get update && apt-get install -y wabt" >&2; exit 1; }
wat2wasm waits.wat -o waits.wasm
echo "$(stat -c %s waits.wasm) bytes  $(sha256sum waits.wasm | cut -c1-64)  workflows/testing/waits/waits.wasm"
