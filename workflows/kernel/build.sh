#!/usr/bin/env bash
# Rebuilds the benchmark guests: kernel.wasm from C (clang with the wasm32 target and lld:
# `apt-get install clang lld`), hostcalls.wasm from WAT (`apt-get install wabt`). The built
# .wasm files are committed.
set -euo pipefail
cd "$(dirname "$0")"
{ command -v clang >/dev/null && command -v wasm-ld >/dev/null; } || { echo "clang or wasm-ld not found: apt-get update && apt-get install -y clang lld" >&2; exit 1; }
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get update && apt-get install -y wabt" >&2; exit 1; }
clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o kernel.wasm kernel.c
wat2wasm hostcalls.wat -o hostcalls.wasm
echo "built kernel.wasm and hostcalls.wasm in $(pwd)"
