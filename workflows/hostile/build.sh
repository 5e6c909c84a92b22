#!/usr/bin/env bash
# Rebuilds every hostile/test guest in this folder from its .wat source (needs wabt's
# wat2wasm: `apt-get install wabt`). The built .wasm files are committed.
set -euo pipefail
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "wat2wasm not found: apt-get install wabt" >&2; exit 1; }
for wat in *.wat; do
  wat2wasm "$wat" -o "${wat%.wat}.wasm"
done
# huge-loop.wasm: `run` is too large for one JVM method, so Chicory runs it in its interpreter,
# and its loop closes with br_if, which that interpreter does not check for interruption. The
# loop ends by itself after about a second here, so a test's abandoned thread does not linger.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  echo '(module'
  echo '  (memory (export "memory") 1)'
  echo '  (func (export "mvmci_abi_v1"))'
  echo '  (func (export "run") (local $x i32) (local $i i32)'
  echo '    (loop $spin'
  echo '      (local.set $x (i32.const 0))'
  for ((i = 0; i < 8000; i++)); do
    echo '      (local.set $x (i32.add (local.get $x) (i32.load (local.get $x))))'
  done
  echo '      (local.set $i (i32.add (local.get $i) (i32.const 1)))'
  echo '      (br_if $spin (i32.lt_u (local.get $i) (i32.const 2000))))))'
} > "$tmp/huge-loop.wat"
wat2wasm "$tmp/huge-loop.wat" -o huge-loop.wasm

# not-wasm.wasm: bytes that are not a WebAssembly module at all.
printf 'this is not a WebAssembly module\n' > not-wasm.wasm
echo "built $(ls *.wasm | wc -l) modules in $(pwd)"
