;; start-loop: its start function never returns, so instantiation itself never ends.
(module
  (memory (export "memory") 1)
  (func $forever (loop $spin (br $spin)))
  (start $forever)
  (func (export "mvmci_abi_v1"))
  (func (export "run")))
