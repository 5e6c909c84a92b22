;; v2-imports-v3: declares ABI version 2 but imports await_signal, which only version 3 has. The
;; registry must refuse it ("import mvmci.await_signal needs ABI version 3: export mvmci_abi_v3
;; instead of mvmci_abi_v2").
(module
  (import "mvmci" "await_signal" (func $await_signal (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "go")
  (func (export "mvmci_abi_v2"))
  (func (export "run")
    (drop (call $await_signal (i32.const 0) (i32.const 2) (i64.const 0)))))
