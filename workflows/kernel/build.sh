#!/usr/bin/env bash
# Rebuilds the benchmark guests: kernel.wasm from C (clang with the wasm32 target and lld:
# `apt-get install clang lld`), hostcalls.wasm from WAT (`apt-get install wabt`). The built
# .wasm files are committed.
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o kernel.wasm kernel.c
wat2wasm hostcalls.wat -o hostcalls.wasm
echo "built kernel.wasm and hostcalls.wasm in $(pwd)"
