;; The smallest valid workflow (host ABI v1): outputs {} and returns. Benchmarks use it to
;; measure the engine's own cost per job; it is hand-written so that no SDK or runtime is in it.
(module
  (import "mvmci" "output" (func $output (param $ptr i32) (param $len i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{}")
  (func (export "mvmci_abi_v1"))
  (func (export "run")
    (call $output (i32.const 0) (i32.const 2))))
