;; no-abi: a module that does not declare the ABI version (no mvmci_abi_v1 export).
(module
  (memory (export "memory") 1)
  (func (export "run")))
