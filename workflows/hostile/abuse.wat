;; abuse: misuses the host ABI in the way its input's first byte selects:
;;   o  output of 1 MiB + 1 byte          b  result_read into memory it does not have
;;   r  random_fill of 64 KiB + 1 bytes   l  log with a pointer past the end of memory
;;   w  log with a length that wraps a 32-bit sum (ptr 16, len 0xfffffff8)
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "output" (func $output (param i32 i32)))
  (import "mvmci" "log" (func $log (param i32 i32 i32)))
  (import "mvmci" "random_fill" (func $random (param i32 i32)))
  (memory (export "memory") 32)
  (func (export "mvmci_abi_v1"))
  (func (export "run") (local $case i32)
    (drop (call $input))
    (drop (call $result_read (i32.const 0) (i32.const 1)))
    (local.set $case (i32.load8_u (i32.const 0)))
    (if (i32.eq (local.get $case) (i32.const 111)) ;; o
      (then (call $output (i32.const 0) (i32.const 1048577))))
    (if (i32.eq (local.get $case) (i32.const 98)) ;; b
      (then (drop (call $result_read (i32.const 0x7fffff00) (i32.const 16)))))
    (if (i32.eq (local.get $case) (i32.const 114)) ;; r
      (then (call $random (i32.const 0) (i32.const 65537))))
    (if (i32.eq (local.get $case) (i32.const 108)) ;; l
      (then (call $log (i32.const 1) (i32.const -16) (i32.const 8))))
    (if (i32.eq (local.get $case) (i32.const 119)) ;; w
      (then (call $log (i32.const 1) (i32.const 16) (i32.const 0xfffffff8))))))
