;; membomb: grows its memory one page at a time until memory.grow returns -1, touching
;; every new page, then fails with "memory.grow refused at N pages".
(module
  (import "mvmci" "fail" (func $fail (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "memory.grow refused at ")
  (data (i32.const 100) " pages")
  (func (export "mvmci_abi_v1"))
  (func (export "run") (local $pages i32) (local $n i32) (local $p i32) (local $len i32)
    (block $refused
      (loop $grow
        (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 1))
        (br $grow)))
    ;; message: prefix (23 bytes) + decimal page count + " pages", written from offset 0
    (local.set $n (memory.size))
    (local.set $p (i32.const 64))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (i32.ne (local.get $n) (i32.const 0))))
    (local.set $len (i32.sub (i32.const 64) (local.get $p)))
    (memory.copy (i32.const 23) (local.get $p) (local.get $len))
    (memory.copy (i32.add (i32.const 23) (local.get $len)) (i32.const 100) (i32.const 6))
    (call $fail (i32.const 0) (i32.add (i32.const 23) (i32.add (local.get $len) (i32.const 6))))))
