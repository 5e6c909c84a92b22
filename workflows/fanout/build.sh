#!/usr/bin/env bash
# Builds fanout.wasm from fanout.ts (AssemblyScript). See workflows/README.md, "Building".
cd "$(dirname "$0")" && exec ../sdk/assemblyscript/build-workflow.sh fanout fanout.ts
