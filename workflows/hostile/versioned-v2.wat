;; versioned-v2: two versions of one workflow, to test a module that changes between a crash
;; and the resume. Both log "hello", then (v2 only) log "changed", then send their input as
;; an http_request and output the response.
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "log" (func $log (param i32 i32 i32)))
  (import "mvmci" "http_request" (func $http (param i32 i32 i32) (result i32)))
  (import "mvmci" "output" (func $output (param i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "hello")
  (data (i32.const 16) "changed")
  (func (export "mvmci_abi_v1"))
  (func (export "run") (local $len i32)
    (call $log (i32.const 1) (i32.const 0) (i32.const 5))
    (call $log (i32.const 1) (i32.const 16) (i32.const 7))
    (local.set $len (call $input))
    (drop (call $result_read (i32.const 1024) (local.get $len)))
    (local.set $len (call $http (i32.const 1024) (local.get $len) (i32.const 0)))
    (drop (call $result_read (i32.const 4096) (local.get $len)))
    (call $output (i32.const 4096) (local.get $len))))
