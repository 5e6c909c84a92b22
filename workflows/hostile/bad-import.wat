;; bad-import: a well-formed module that imports from outside the `mvmci` module.
(module
  (import "env" "abort" (func $abort))
  (memory (export "memory") 1)
  (func (export "mvmci_abi_v1"))
  (func (export "run") (call $abort)))
