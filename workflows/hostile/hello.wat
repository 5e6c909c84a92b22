;; hello: a well-behaved guest. Its output is "hello, " followed by its input.
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "output" (func $output (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello, ")
  (func (export "mvmci_abi_v1"))
  (func (export "run") (local $len i32)
    (local.set $len (call $input))
    (drop (call $result_read (i32.const 7) (i32.const 1024)))
    (call $output (i32.const 0) (i32.add (i32.const 7) (local.get $len)))))
