#!/usr/bin/env bash
# Builds approval.wasm from approval.ts (AssemblyScript). See workflows/README.md, "Building".
cd "$(dirname "$0")" && exec ../sdk/assemblyscript/build-workflow.sh approval approval.ts
