;; nondeterministic: branches on something the journal cannot see.
;;
;; It logs "start" (step 0), then asks for 256 more pages of memory (16 MiB). If it gets
;; them, step 1 requests <input>big"}; if memory.grow is refused (the node it resumes on caps
;; memory lower), step 1 requests <input>small"} instead. Its input is the start of the
;; request JSON, e.g. {"url":"http://127.0.0.1:8080/
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "log" (func $log (param i32 i32 i32)))
  (import "mvmci" "http_request" (func $http (param i32 i32 i32) (result i32)))
  (import "mvmci" "output" (func $output (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "start")
  (data (i32.const 16) "big\"}")
  (data (i32.const 32) "small\"}")
  (func (export "mvmci_abi_v1"))
  (func (export "run") (local $len i32) (local $status i32)
    (call $log (i32.const 1) (i32.const 0) (i32.const 5))
    (local.set $len (call $input))
    (drop (call $result_read (i32.const 1024) (local.get $len)))
    (if (i32.ne (memory.grow (i32.const 256)) (i32.const -1))
      (then
        (memory.copy (i32.add (i32.const 1024) (local.get $len)) (i32.const 16) (i32.const 5))
        (local.set $len (i32.add (local.get $len) (i32.const 5))))
      (else
        (memory.copy (i32.add (i32.const 1024) (local.get $len)) (i32.const 32) (i32.const 7))
        (local.set $len (i32.add (local.get $len) (i32.const 7)))))
    (local.set $status (call $http (i32.const 1024) (local.get $len) (i32.const 0)))
    (call $output (i32.const 1024) (local.get $len))))
