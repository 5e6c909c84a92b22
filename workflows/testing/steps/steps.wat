;; steps: a test workflow (workflows/testing/). Makes N journaled now_ms calls, each one durable
;; step of the run's history, and outputs {"steps": N}. The workflow of the durable-steps
;; benchmark against Restate: what a step costs the engine and the replicated history, with next
;; to nothing of the guest's own (no allocator, no JSON library: it finds "steps" in its input).
;;
;; Input: {"steps": N} with N a whole number from 0 to 1000000000; without "steps", N is 10.
;; Anything else after "steps": fails the run. ABI version 1.
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "output" (func $output (param i32 i32)))
  (import "mvmci" "now_ms" (func $now_ms (result i64)))
  (import "mvmci" "fail" (func $fail (param i32 i32)))
  ;; 0..: the key; 64..: the failure message; 512..: the output; 1024..: the input (at most 64 KiB).
  (memory (export "memory") 2)
  (data (i32.const 0) "\"steps\"")
  (data (i32.const 64) "input must be {\"steps\": N}, N a whole number from 0 to 1000000000")
  (data (i32.const 512) "{\"steps\": ")
  (func (export "mvmci_abi_v1"))

  (func $space (param $c i32) (result i32)
    (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
            (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13)))))

  ;; N from the input at 1024 of length $len: 10 without the key, -1 if its value is not a number.
  (func $count (param $len i32) (result i32)
    (local $at i32) (local $k i32) (local $p i32) (local $end i32) (local $n i32) (local $digits i32)
    (local.set $end (i32.add (i32.const 1024) (local.get $len)))
    ;; find the 7 bytes "steps" (quotes included)
    (local.set $at (i32.const 1024))
    (block $found
      (loop $scan
        (if (i32.gt_u (i32.add (local.get $at) (i32.const 7)) (local.get $end)) (then (return (i32.const 10))))
        (local.set $k (i32.const 0))
        (block $differs
          (loop $compare
            (br_if $differs (i32.ne (i32.load8_u (i32.add (local.get $at) (local.get $k)))
                                    (i32.load8_u (local.get $k))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br_if $found (i32.eq (local.get $k) (i32.const 7)))
            (br $compare)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $scan)))
    (local.set $p (i32.add (local.get $at) (i32.const 7)))
    ;; spaces, a colon, spaces
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $p) (local.get $end)))
      (br_if $b (i32.eqz (call $space (i32.load8_u (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $l)))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 58)) (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $p) (local.get $end)))
      (br_if $b (i32.eqz (call $space (i32.load8_u (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $l)))
    ;; digits
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $p) (local.get $end)))
      (br_if $b (i32.gt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)) (i32.const 9)))
      (if (i32.gt_u (local.get $n) (i32.const 100000000)) (then (return (i32.const -1))))
      (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10))
                             (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
      (if (i32.gt_u (local.get $n) (i32.const 1000000000)) (then (return (i32.const -1))))
      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1))) (br $l)))
    (if (i32.eqz (local.get $digits)) (then (return (i32.const -1))))
    ;; the number ends there: not 1.5, not 10x
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then (if (i32.eqz (i32.or (i32.or (call $space (i32.load8_u (local.get $p)))
                                         (i32.eq (i32.load8_u (local.get $p)) (i32.const 44)))
                                 (i32.eq (i32.load8_u (local.get $p)) (i32.const 125))))
              (then (return (i32.const -1))))))
    (local.get $n))

  (func (export "run")
    (local $len i32) (local $n i32) (local $i i32) (local $digits i32) (local $v i32) (local $p i32)
    (local.set $len (call $input))
    (if (i32.gt_u (local.get $len) (i32.const 65536)) (then (local.set $len (i32.const 65536))))
    (local.set $len (call $result_read (i32.const 1024) (local.get $len)))
    (local.set $n (call $count (local.get $len)))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (call $fail (i32.const 64) (i32.const 65)) (unreachable)))
    ;; the steps
    (block $done (loop $step
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (drop (call $now_ms))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $step)))
    ;; {"steps": N}: the prefix is at 512 (10 bytes), N's digits follow, then "}"
    (local.set $digits (i32.const 1))
    (local.set $v (local.get $n))
    (block $b (loop $l
      (br_if $b (i32.lt_u (local.get $v) (i32.const 10)))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (local.set $digits (i32.add (local.get $digits) (i32.const 1))) (br $l)))
    (local.set $v (local.get $n))
    (local.set $p (i32.add (i32.const 522) (local.get $digits)))
    (i32.store8 (local.get $p) (i32.const 125))
    (loop $l
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $l (i32.gt_u (local.get $p) (i32.const 522))))
    (call $output (i32.const 512) (i32.add (i32.const 11) (local.get $digits)))))
