;; bad-signature: imports mvmci.now_ms with a signature the ABI does not define.
(module
  (import "mvmci" "now_ms" (func $now (result i32)))
  (memory (export "memory") 1)
  (func (export "mvmci_abi_v1"))
  (func (export "run") (drop (call $now))))
