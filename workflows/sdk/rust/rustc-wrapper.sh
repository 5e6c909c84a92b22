#!/usr/bin/env bash
# The RUSTC_WRAPPER of build-workflow.sh (cargo runs it as `rustc-wrapper.sh RUSTC ARGS...`): makes
# the module's bytes independent of where the repository is checked out.
#
# - Source paths in the output (panic locations) are remapped: the repository to /mvm-ci, Debian's
#   crate registry to /cargo.
# - Cargo's `-C metadata` of a path crate (the workflow, the SDK) hashes the crate's absolute path
#   when it lies outside the workspace root, as ../sdk/rust does; the metadata seeds symbol names,
#   and the linker's function order follows them, so the same sources built in /a and /b/c gave
#   different modules. For a crate outside Debian's registry the metadata is replaced by a hash of
#   the crate's name, version and the arguments that carry no path (features, target, profile).
#   Registry crates keep cargo's, which does not depend on any checkout.
set -euo pipefail
rustc=$1
shift
registry=/usr/share/cargo/registry
args=("$@")
if [ -n "${CARGO_MANIFEST_DIR:-}" ] && [[ $CARGO_MANIFEST_DIR != "$registry"/* ]]; then
  key=("${CARGO_PKG_NAME:-}" "${CARGO_PKG_VERSION:-}")
  for a in "$@"; do
    case $a in
      metadata=* | extra-filename=* | */*) ;;
      *) key+=("$a") ;;
    esac
  done
  metadata=$(printf '%s\n' "${key[@]}" | sha256sum | cut -c1-16)
  for i in "${!args[@]}"; do
    case ${args[$i]} in
      metadata=*) args[$i]="metadata=$metadata" ;;
    esac
  done
fi
remap=()
[ -n "${MVMCI_REPO:-}" ] && remap+=("--remap-path-prefix=$MVMCI_REPO=/mvm-ci")
exec "$rustc" "${args[@]}" "${remap[@]}" "--remap-path-prefix=$registry=/cargo"
