#!/usr/bin/env bash
# Rebuilds every hostile/test guest in this folder from its .wat source (needs wabt's
# wat2wasm: `apt-get install wabt`). The built .wasm files are committed.
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get install wabt" >&2; exit 1; }
for wat in *.wat; do
  wat2wasm "$wat" -o "${wat%.wat}.wasm"
done
# not-wasm.wasm: bytes that are not a WebAssembly module at all.
printf 'this is not a WebAssembly module\n' > not-wasm.wasm
echo "built $(ls *.wasm | wc -l) modules in $(pwd)"
