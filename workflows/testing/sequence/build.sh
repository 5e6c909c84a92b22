#!/usr/bin/env bash
# Builds sequence.wasm from sequence.ts (AssemblyScript). See workflows/README.md.
cd "$(dirname "$0")" && exec ../../sdk/assemblyscript/build-workflow.sh sequence sequence.ts
