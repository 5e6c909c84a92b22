//! The raw imports of the host ABI: version 1, and with the `abi-v2` feature `fail_with` of
//! version 2. Pointers are offsets into this module's memory. Off wasm32 (the SDK's and
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
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;
