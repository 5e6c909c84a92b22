;; v1-imports-v2: declares ABI version 1 but imports fail_with, which version 2 added: refused.
(module
  (import "mvmci" "fail_with" (func $fail_with (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "mvmci_abi_v1"))
  (func (export "run")))
