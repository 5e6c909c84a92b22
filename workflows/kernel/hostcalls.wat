;; hostcalls: calls one host function many times, to measure what a host call costs
;; (scripts/bench-engine.sh). Its input is a letter and a count, e.g. "t100000":
;;   i  input()            not journaled: the cost of crossing into the host
;;   t  now_ms()           journaled, no request bytes
;;   l  log(info, 64 B)    journaled, a 64-byte request
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "now_ms" (func $now (result i64)))
  (import "mvmci" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "a log line of sixty-four bytes, to give the journal some request.")
  (func (export "mvmci_abi_v1"))
  (func (export "run") (local $len i32) (local $p i32) (local $n i32) (local $mode i32)
    (local.set $len (call $input))
    (drop (call $result_read (i32.const 0) (local.get $len)))
    (local.set $mode (i32.load8_u (i32.const 0)))
    (local.set $p (i32.const 1))
    (block $parsed
      (loop $digit
        (br_if $parsed (i32.ge_u (local.get $p) (local.get $len)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10))
          (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    (block $done
      (loop $call
        (br_if $done (i32.eqz (local.get $n)))
        (if (i32.eq (local.get $mode) (i32.const 105)) (then (drop (call $input))))
        (if (i32.eq (local.get $mode) (i32.const 116)) (then (drop (call $now))))
        (if (i32.eq (local.get $mode) (i32.const 108)) (then (call $log (i32.const 1) (i32.const 1024) (i32.const 64))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $call)))))
