;; waits: an ABI version 3 exerciser driven by its input, used by the engine's tests (AbiV3Test).
;;
;; The input is a list of commands, one per line, in script.wat's form: a letter, an optional
;; unsigned number N, an optional space, and the rest of the line as TEXT:
;;   aN NAME   await_signal(NAME, N)           -> "a <return> <result buffer>"
;;   a NAME    await_signal(NAME, -1): no timeout (no digits after the letter)
;;   j TEXT    spawn_job(TEXT)                 -> "j <return> <result buffer>"
;;   k TEXT    await_job(TEXT)                 -> "k <return> <result buffer>"
;;   sN        sleep_ms(N)                     -> "s"
;;   t         now_ms()                        -> "t <ms>"
;;   lN TEXT   log(level N, TEXT)              -> "l"
;; Each command appends one line to the output, which is set once `run` has gone through every
;; command (a run that suspends sets none).
(module
  (import "mvmci" "input" (func $input (result i32)))
  (import "mvmci" "result_read" (func $result_read (param i32 i32) (result i32)))
  (import "mvmci" "output" (func $output (param i32 i32)))
  (import "mvmci" "log" (func $log (param i32 i32 i32)))
  (import "mvmci" "now_ms" (func $now (result i64)))
  (import "mvmci" "sleep_ms" (func $sleep (param i64)))
  (import "mvmci" "await_signal" (func $await_signal (param i32 i32 i64) (result i32)))
  (import "mvmci" "spawn_job" (func $spawn_job (param i32 i32) (result i32)))
  (import "mvmci" "await_job" (func $await_job (param i32 i32) (result i32)))

  ;; 0..64K scratch | 64K..128K input | 128K..1M+128K result copies | output after that
  (memory (export "memory") 64)
  (global $IN i32 (i32.const 0x10000))
  (global $RES i32 (i32.const 0x20000))
  (global $RES_MAX i32 (i32.const 0x100000))
  (global $in_end (mut i32) (i32.const 0))
  (global $pos (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 0x120000))

  (func (export "mvmci_abi_v3"))

  (func $emit_byte (param $b i32)
    (i32.store8 (global.get $out) (local.get $b))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))

  (func $emit (param $p i32) (param $n i32)
    (memory.copy (global.get $out) (local.get $p) (local.get $n))
    (global.set $out (i32.add (global.get $out) (local.get $n))))

  (func $emit_result
    (call $emit (global.get $RES) (call $result_read (global.get $RES) (global.get $RES_MAX))))

  (func $emit_i64 (param $v i64) (local $p i32)
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then
        (call $emit_byte (i32.const 45))
        (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (local.set $p (i32.const 32))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i64.store8 (local.get $p) (i64.add (i64.const 48) (i64.rem_u (local.get $v) (i64.const 10))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (call $emit (local.get $p) (i32.sub (i32.const 32) (local.get $p))))

  ;; Reads an unsigned decimal number at $pos (0 when there are no digits).
  (func $number (result i64) (local $v i64) (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (global.get $pos) (global.get $in_end)))
        (local.set $c (i32.sub (i32.load8_u (global.get $pos)) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
        (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
        (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
        (br $next)))
    (local.get $v))

  (func $line_end (result i32) (local $p i32)
    (local.set $p (global.get $pos))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (global.get $in_end)))
        (br_if $done (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $p))

  ;; " <code> <result buffer>"
  (func $emit_answer (param $code i32)
    (call $emit_byte (i32.const 32))
    (call $emit_i64 (i64.extend_i32_s (local.get $code)))
    (call $emit_byte (i32.const 32))
    (call $emit_result))

  (func (export "run") (local $cmd i32) (local $n i64) (local $digits i32) (local $end i32) (local $text_len i32) (local $len i32)
    (local.set $len (call $input))
    (drop (call $result_read (global.get $IN) (local.get $len)))
    (global.set $pos (global.get $IN))
    (global.set $in_end (i32.add (global.get $IN) (local.get $len)))
    (block $finished
      (loop $next
        (br_if $finished (i32.ge_u (global.get $pos) (global.get $in_end)))
        (local.set $cmd (i32.load8_u (global.get $pos)))
        (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
        (local.set $digits (global.get $pos))
        (local.set $n (call $number))
        (local.set $digits (i32.ne (local.get $digits) (global.get $pos)))
        (if (i32.and (i32.lt_u (global.get $pos) (global.get $in_end))
                     (i32.eq (i32.load8_u (global.get $pos)) (i32.const 32)))
          (then (global.set $pos (i32.add (global.get $pos) (i32.const 1)))))
        (local.set $end (call $line_end))
        (local.set $text_len (i32.sub (local.get $end) (global.get $pos)))
        (call $emit_byte (local.get $cmd))
        (block $done
          (if (i32.eq (local.get $cmd) (i32.const 97)) ;; a
            (then
              (call $emit_answer (call $await_signal (global.get $pos) (local.get $text_len)
                (select (local.get $n) (i64.const -1) (local.get $digits))))
              (br $done)))
          (if (i32.eq (local.get $cmd) (i32.const 106)) ;; j
            (then (call $emit_answer (call $spawn_job (global.get $pos) (local.get $text_len))) (br $done)))
          (if (i32.eq (local.get $cmd) (i32.const 107)) ;; k
            (then (call $emit_answer (call $await_job (global.get $pos) (local.get $text_len))) (br $done)))
          (if (i32.eq (local.get $cmd) (i32.const 115)) ;; s
            (then (call $sleep (local.get $n)) (br $done)))
          (if (i32.eq (local.get $cmd) (i32.const 116)) ;; t
            (then
              (call $emit_byte (i32.const 32))
              (call $emit_i64 (call $now))
              (br $done)))
          (if (i32.eq (local.get $cmd) (i32.const 108)) ;; l
            (then (call $log (i32.wrap_i64 (local.get $n)) (global.get $pos) (local.get $text_len)) (br $done)))
          unreachable)
        (call $emit_byte (i32.const 10))
        (global.set $pos (i32.add (local.get $end) (i32.const 1)))
        (br $next)))
    (call $output (i32.const 0x120000) (i32.sub (global.get $out) (i32.const 0x120000)))))
