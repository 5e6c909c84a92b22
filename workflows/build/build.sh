#!/usr/bin/env bash
# Builds build.wasm from build.ts (AssemblyScript). See workflows/README.md, "Building".
cd "$(dirname "$0")" && exec ../sdk/assemblyscript/build-workflow.sh build build.ts
