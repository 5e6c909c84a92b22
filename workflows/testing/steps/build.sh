#!/usr/bin/env bash
# Builds steps.wasm from steps.wat (WebAssembly text; wabt's wat2wasm). See workflows/README.md.
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get update && apt-get install -y wabt" >&2; exit 1; }
wat2wasm steps.wat -o steps.wasm
echo "$(stat -c %s steps.wasm) bytes  $(sha256sum steps.wasm | cut -c1-64)  workflows/testing/steps/steps.wasm"
