;; loop: spins forever on a conditional backward branch (`br_if`), calling nothing.
(module
  (memory (export "memory") 1)
  (func (export "mvmci_abi_v1"))
  (func (export "run") (local $i i32)
    (loop $spin
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spin (i32.ne (local.get $i) (i32.const -1)))
      (local.set $i (i32.const 0))
      (br $spin))))
