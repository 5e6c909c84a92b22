#!/usr/bin/env bash
# Builds pipeline.wasm from pipeline.ts (AssemblyScript). See workflows/README.md, "Building a workflow".
cd "$(dirname "$0")" && exec ../sdk/assemblyscript/build-workflow.sh pipeline pipeline.ts
