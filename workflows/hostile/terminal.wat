;; terminal: an ABI v2 guest that logs a line, then fails with fail_with. Its input's first byte
;; picks the flags: "t" fails terminally (flag 1: the job is not retried), anything else retryably.
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "log" (func $log (param i32 i32 i32)))
  (import "mvmci" "fail_with" (func $fail_with (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "about to fail")
  (data (i32.const 16) "stop here")
  (func (export "mvmci_abi_v2"))
  (func (export "run")
    (call $log (i32.const 1) (i32.const 0) (i32.const 13))
    (drop (call $input))
    (drop (call $result_read (i32.const 64) (i32.const 1)))
    (call $fail_with (i32.const 16) (i32.const 9)
      (if (result i32) (i32.eq (i32.load8_u (i32.const 64)) (i32.const 116))
        (then (i32.const 1)) (else (i32.const 0))))))
