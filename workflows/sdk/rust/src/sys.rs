//! The raw imports of the host ABI: version 1, with the `abi-v2` feature `fail_with` of version 2,
//! and with the `abi-v3` feature `await_signal`, `spawn_job` and `await_job` of version 3. Pointers are offsets into this module's memory. Off wasm32 (the SDK's and
//! workflows' native unit tests) they exist but panic when called.

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "mvmci")]
extern "C" {
    pub fn result_read(ptr: *mut u8, len: i32) -> i32;
    pub fn input() -> i32;
    pub fn output(ptr: *const u8, len: i32);
    pub fn log(level: i32, ptr: *const u8, len: i32);
    pub fn progress(percent: i32, ptr: *const u8, len: i32);
    pub fn http_request(ptr: *const u8, len: i32, flags: i32) -> i32;
    pub fn now_ms() -> i64;
    pub fn random_fill(ptr: *mut u8, len: i32);
    pub fn sleep_ms(ms: i64);
    pub fn fail(ptr: *const u8, len: i32);
}

// ABI version 2. Declared only with the `abi-v2` feature, whose `workflow!` exports `mvmci_abi_v2`.
#[cfg(all(target_arch = "wasm32", feature = "abi-v2"))]
#[link(wasm_import_module = "mvmci")]
extern "C" {
    pub fn fail_with(ptr: *const u8, len: i32, flags: i32);
}

// ABI version 3. Declared only with the `abi-v3` feature, whose `workflow!` exports `mvmci_abi_v3`.
// Each returns a code, not a length: the result buffer is read whole (`take_all`).
#[cfg(all(target_arch = "wasm32", feature = "abi-v3"))]
#[link(wasm_import_module = "mvmci")]
extern "C" {
    /// 0: a signal was taken (its payload in the result buffer); 1: timed out.
    pub fn await_signal(name_ptr: *const u8, name_len: i32, timeout_ms: i64) -> i32;
    /// 0: spawned (`{"job_id": ...}` in the result buffer); 1: refused (the reason).
    pub fn spawn_job(ptr: *const u8, len: i32) -> i32;
    /// 0 Completed, 1 Failed, 2 Cancelled, -1 not a child; the outcome's JSON in the result buffer.
    pub fn await_job(id_ptr: *const u8, id_len: i32) -> i32;
}

// ABI version 4. Declared only with the `abi-v4` feature, whose `workflow!` exports `mvmci_abi_v4`.
#[cfg(all(target_arch = "wasm32", feature = "abi-v4"))]
#[link(wasm_import_module = "mvmci")]
extern "C" {
    /// A handle >= 0; -1 an invalid name; -2 too many open.
    pub fn artifact_open(name_ptr: *const u8, name_len: i32) -> i32;
    /// 0; -1 no such handle; -2 past max_artifact_bytes.
    pub fn artifact_write(handle: i32, ptr: *const u8, len: i32) -> i32;
    /// 0 stored (its JSON in the result buffer); 1 refused (the reason); -1 no such handle.
    pub fn artifact_close(handle: i32) -> i32;
}

/// `fail_with` flag: the failure is terminal, the job is not retried.
#[cfg(feature = "abi-v2")]
pub const FAIL_TERMINAL: i32 = 1;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    #![allow(clippy::missing_safety_doc)]
    fn absent() -> ! {
        panic!("mvmci host functions exist only in a wasm32 guest")
    }
    pub unsafe fn result_read(_: *mut u8, _: i32) -> i32 { absent() }
    pub unsafe fn input() -> i32 { absent() }
    pub unsafe fn output(_: *const u8, _: i32) { absent() }
    pub unsafe fn log(_: i32, _: *const u8, _: i32) { absent() }
    pub unsafe fn progress(_: i32, _: *const u8, _: i32) { absent() }
    pub unsafe fn http_request(_: *const u8, _: i32, _: i32) -> i32 { absent() }
    pub unsafe fn now_ms() -> i64 { absent() }
    pub unsafe fn random_fill(_: *mut u8, _: i32) { absent() }
    pub unsafe fn sleep_ms(_: i64) { absent() }
    pub unsafe fn fail(_: *const u8, _: i32) { absent() }
    #[cfg(feature = "abi-v2")]
    pub unsafe fn fail_with(_: *const u8, _: i32, _: i32) { absent() }
    #[cfg(feature = "abi-v3")]
    pub unsafe fn await_signal(_: *const u8, _: i32, _: i64) -> i32 { absent() }
    #[cfg(feature = "abi-v3")]
    pub unsafe fn spawn_job(_: *const u8, _: i32) -> i32 { absent() }
    #[cfg(feature = "abi-v3")]
    pub unsafe fn await_job(_: *const u8, _: i32) -> i32 { absent() }
    #[cfg(feature = "abi-v4")]
    pub unsafe fn artifact_open(_: *const u8, _: i32) -> i32 { absent() }
    #[cfg(feature = "abi-v4")]
    pub unsafe fn artifact_write(_: i32, _: *const u8, _: i32) -> i32 { absent() }
    #[cfg(feature = "abi-v4")]
    pub unsafe fn artifact_close(_: i32) -> i32 { absent() }
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;
