;; trap: logs a line, then executes `unreachable`.
(module
  (import "mvmci" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "about to trap")
  (func (export "mvmci_abi_v1"))
  (func (export "run")
    (call $log (i32.const 1) (i32.const 0) (i32.const 13))
    unreachable))
