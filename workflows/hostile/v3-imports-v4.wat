;; v3-imports-v4: declares ABI version 3 but imports artifact_open, which version 4 introduced.
(module
  (import "mvmci" "artifact_open" (func $open (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "mvmci_abi_v3"))
  (func (export "run")))
