#!/usr/bin/env bash
# Builds fanout-rs.wasm from src/ (Rust). See workflows/README.md, "Building".
# The module is named after this folder.
cd "$(dirname "$0")" && exec ../sdk/rust/build-workflow.sh "$(basename "$PWD")"
