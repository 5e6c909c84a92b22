#!/usr/bin/env bash
# Builds echo.wasm from src/ (Rust). See workflows/README.md, "Building a workflow".
cd "$(dirname "$0")" && exec ../sdk/rust/build-workflow.sh echo
