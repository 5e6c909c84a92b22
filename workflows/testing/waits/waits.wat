;; waits: a test workflow (workflows/testing/) for runs that wait (ABI version 3). Its input picks
;; what it does by the key's first letter, with N the first whole number in the input:
;;   {"sleep": N}  sleep_ms(N), then output {"slept":true}
;;   {"gate": N}   await_signal("approve", N ms; no number: no timeout); output the signal's payload,
;;                 or fail terminally "no approval in time" when it times out
;;   {"twice": 0}  await_signal("step") twice, no timeout; output [first payload, second payload]
;;   {"fan": N}    spawn N children {"workflow":"waits","input":{"sleep":1000}}, then await each in
;;                 turn; output {"completed":K}, K the children that Completed
;; No allocator and no JSON library: the smallest guest that exercises the host's waits.
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "output" (func $output (param i32 i32)))
  (import "mvmci" "sleep_ms" (func $sleep_ms (param i64)))
  (import "mvmci" "fail_with" (func $fail_with (param i32 i32 i32)))
  (import "mvmci" "await_signal" (func $await_signal (param i32 i32 i64) (result i32)))
  (import "mvmci" "spawn_job" (func $spawn_job (param i32 i32) (result i32)))
  (import "mvmci" "await_job" (func $await_job (param i32 i32) (result i32)))
  ;; 0: names and texts; 1024: the input; 16384: child ids (32 bytes each: length, then the id);
  ;; 65536: a result; 131072: the output being built.
  (memory (export "memory") 4)
  (data (i32.const 0) "approve")
  (data (i32.const 16) "step")
  (data (i32.const 32) "no approval in time")
  (data (i32.const 64) "{\"workflow\":\"waits\",\"input\":{\"sleep\":1000}}")
  (data (i32.const 160) "{\"completed\":")
  (data (i32.const 256) "{\"slept\":true}")
  (data (i32.const 288) "spawn_job refused")
  (func (export "mvmci_abi_v3"))

  ;; the first whole number in the input at 1024 of length $len, or -1
  (func $number (param $len i32) (result i64)
    (local $p i32) (local $end i32) (local $n i64) (local $seen i32) (local $d i32)
    (local.set $p (i32.const 1024))
    (local.set $end (i32.add (i32.const 1024) (local.get $len)))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
      (if (i32.le_u (local.get $d) (i32.const 9))
        (then (local.set $seen (i32.const 1))
              (local.set $n (i64.add (i64.mul (local.get $n) (i64.const 10)) (i64.extend_i32_u (local.get $d)))))
        (else (br_if $b (local.get $seen))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (if (result i64) (local.get $seen) (then (local.get $n)) (else (i64.const -1))))

  ;; writes $v's decimal digits at $p; returns the end
  (func $digits (param $p i32) (param $v i32) (result i32)
    (local $n i32) (local $w i32) (local $end i32)
    (local.set $n (i32.const 1))
    (local.set $w (local.get $v))
    (block $b (loop $l
      (br_if $b (i32.lt_u (local.get $w) (i32.const 10)))
      (local.set $w (i32.div_u (local.get $w) (i32.const 10)))
      (local.set $n (i32.add (local.get $n) (i32.const 1))) (br $l)))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (local.set $p (local.get $end))
    (loop $l
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $l (i32.gt_u (local.get $p) (i32.sub (local.get $end) (local.get $n)))))
    (local.get $end))

  (func $gate (param $timeout i64)
    (local $len i32)
    (if (i32.eq (call $await_signal (i32.const 0) (i32.const 7) (local.get $timeout)) (i32.const 1))
      (then (call $fail_with (i32.const 32) (i32.const 19) (i32.const 1)) (unreachable)))
    (local.set $len (call $result_read (i32.const 65536) (i32.const 65536)))
    (call $output (i32.const 65536) (local.get $len)))

  (func $twice
    (local $p i32) (local $len i32)
    (i32.store8 (i32.const 131072) (i32.const 91))
    (drop (call $await_signal (i32.const 16) (i32.const 4) (i64.const -1)))
    (local.set $len (call $result_read (i32.const 131073) (i32.const 30000)))
    (local.set $p (i32.add (i32.const 131073) (local.get $len)))
    (i32.store8 (local.get $p) (i32.const 44))
    (drop (call $await_signal (i32.const 16) (i32.const 4) (i64.const -1)))
    (local.set $len (call $result_read (i32.add (local.get $p) (i32.const 1)) (i32.const 30000)))
    (local.set $p (i32.add (i32.add (local.get $p) (i32.const 1)) (local.get $len)))
    (i32.store8 (local.get $p) (i32.const 93))
    (call $output (i32.const 131072) (i32.sub (i32.add (local.get $p) (i32.const 1)) (i32.const 131072))))

  (func $fan (param $n i32)
    (local $i i32) (local $len i32) (local $slot i32) (local $done i32) (local $end i32)
    (if (i32.gt_u (local.get $n) (i32.const 1000)) (then (local.set $n (i32.const 1000))))
    ;; spawn: the answer is {"job_id":"job-12"}, the id from byte 11 to the last 2
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
      (if (call $spawn_job (i32.const 64) (i32.const 43))
        (then (call $fail_with (i32.const 288) (i32.const 17) (i32.const 0)) (unreachable)))
      (local.set $len (call $result_read (i32.const 65536) (i32.const 64)))
      (local.set $slot (i32.add (i32.const 16384) (i32.mul (local.get $i) (i32.const 32))))
      (i32.store (local.get $slot) (i32.sub (local.get $len) (i32.const 13)))
      (memory.copy (i32.add (local.get $slot) (i32.const 4)) (i32.const 65547) (i32.sub (local.get $len) (i32.const 13)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    ;; await each in turn
    (local.set $i (i32.const 0))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $slot (i32.add (i32.const 16384) (i32.mul (local.get $i) (i32.const 32))))
      (if (i32.eqz (call $await_job (i32.add (local.get $slot) (i32.const 4)) (i32.load (local.get $slot))))
        (then (local.set $done (i32.add (local.get $done) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (memory.copy (i32.const 131072) (i32.const 160) (i32.const 13))
    (local.set $end (call $digits (i32.const 131085) (local.get $done)))
    (i32.store8 (local.get $end) (i32.const 125))
    (call $output (i32.const 131072) (i32.sub (i32.add (local.get $end) (i32.const 1)) (i32.const 131072))))

  (func (export "run")
    (local $len i32) (local $mode i32) (local $n i64)
    (local.set $len (call $input))
    (if (i32.gt_u (local.get $len) (i32.const 4096)) (then (local.set $len (i32.const 4096))))
    (local.set $len (call $result_read (i32.const 1024) (local.get $len)))
    (local.set $mode (i32.load8_u (i32.const 1026)))
    (local.set $n (call $number (local.get $len)))
    (if (i32.eq (local.get $mode) (i32.const 115)) ;; s
      (then (call $sleep_ms (local.get $n)) (call $output (i32.const 256) (i32.const 14)) (return)))
    (if (i32.eq (local.get $mode) (i32.const 103)) ;; g
      (then (call $gate (local.get $n)) (return)))
    (if (i32.eq (local.get $mode) (i32.const 116)) ;; t
      (then (call $twice) (return)))
    (if (i32.eq (local.get $mode) (i32.const 102)) ;; f
      (then (call $fan (i32.wrap_i64 (local.get $n))) (return)))
    (call $fail_with (i32.const 288) (i32.const 0) (i32.const 1))))
