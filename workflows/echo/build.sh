#!/usr/bin/env bash
# Builds echo.wasm from src/ (Rust). See workflows/README.md, "Building".
# The module is named after this folder, so a copy of it (cp -r workflows/echo workflows/NAME)
# builds NAME.wasm without editing this file.
cd "$(dirname "$0")" && exec ../sdk/rust/build-workflow.sh "$(basename "$PWD")"
