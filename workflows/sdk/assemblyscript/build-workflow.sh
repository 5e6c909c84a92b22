#!/usr/bin/env bash
# Builds an AssemblyScript workflow in the current directory into NAME.wasm beside its sources:
# optimised for size (-O3z), no debug info, the incremental GC runtime, top-level code run by an
# exported `_initialize` (which the host calls before `run`) instead of a start section, and
# `abort` routed to the SDK's abortHandler so that the module imports only from `mvmci`.
#
# Reproducible: the compiler is pinned by package-lock.json next to this script; the same
# sources give the same bytes.
#
# After the build the module is checked against the ABI (workflows/tools/abi.mjs), so that a
# workflow that calls failTerminal but still re-exports mvmci_abi_v1, or one that waits for a signal
# or spawns a job but does not re-export mvmci_abi_v3, fails here, not at deploy.
#
# Usage: cd workflows/<name> && ../sdk/assemblyscript/build-workflow.sh NAME ENTRY.ts
set -euo pipefail
name=${1:?usage: build-workflow.sh NAME ENTRY.ts}
entry=${2:?usage: build-workflow.sh NAME ENTRY.ts}
sdk=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$sdk/../../.." && pwd)
asc="$sdk/node_modules/.bin/asc"

if ! command -v node >/dev/null; then
  echo "build-workflow.sh: Node.js is missing; install it with: apt-get update && apt-get install -y nodejs npm" >&2
  exit 1
fi
if [ ! -x "$asc" ]; then
  echo "build-workflow.sh: the AssemblyScript compiler is missing; install it with:" >&2
  echo "  npm ci --prefix ${sdk#"$repo"/}" >&2
  exit 1
fi

sdk_rel=$(realpath --relative-to=. "$sdk")
"$asc" "$entry" -o "$name.wasm" -O3z --runtime incremental --exportStart _initialize \
  --use "abort=$sdk_rel/assembly/index/abortHandler"
if ! check=$(node "$repo/workflows/tools/run.mjs" --check "$name.wasm"); then
  echo "build-workflow.sh: $check" >&2
  echo "  (a workflow that calls failTerminal re-exports mvmci_abi_v2 instead of mvmci_abi_v1; one that calls" >&2
  echo "  awaitSignal, spawnJob, JobRequest.spawn or awaitJob re-exports mvmci_abi_v3; one that stores artifacts, mvmci_abi_v4)" >&2
  rm "$name.wasm"
  exit 1
fi
echo "$(stat -c %s "$name.wasm") bytes  $(sha256sum "$name.wasm" | cut -c1-64)  ${PWD#"$repo"/}/$name.wasm"
