;; oob: loads from an address far past the end of its one page of memory.
(module
  (memory (export "memory") 1)
  (func (export "mvmci_abi_v1"))
  (func (export "run")
    (drop (i32.load (i32.const 0x7ffffff0)))))
