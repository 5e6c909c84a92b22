;; recursion: calls itself without end.
(module
  (memory (export "memory") 1)
  (func (export "mvmci_abi_v1"))
  (func $deeper (param $n i64) (result i64)
    (i64.add (call $deeper (i64.add (local.get $n) (i64.const 1))) (i64.const 1)))
  (func (export "run")
    (drop (call $deeper (i64.const 0)))))
