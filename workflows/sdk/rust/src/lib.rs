//! Guest SDK for mvm-ci workflows: the host ABI (`workflows/README.md`) as ordinary Rust.
//!
//! A workflow is a `cdylib` whose entry point is declared with [`workflow!`]:
//!
//! ```ignore
//! fn main() -> mvmci::Result<()> {
//!     let input: serde_json::Value = mvmci::input_json()?;
//!     mvmci::progress(50, "halfway");
//!     mvmci::output_json(&input)
//! }
//! mvmci::workflow!(main);
//! ```
//!
//! ABI versions: without features the SDK speaks version 1, and `workflow!` exports `mvmci_abi_v1`.
//! The `abi-v2` feature (`mvmci = { path = "...", features = ["abi-v2"] }`) adds version 2's
//! [`fail_terminal`] (the host's `fail_with`) and makes `workflow!` export `mvmci_abi_v2` instead,
//! so the module always declares the version its imports need: `fail_terminal` does not exist
//! without the feature, and a module built with it declares version 2 even if it never calls it.
//! The `abi-v3` feature (which implies `abi-v2`) adds version 3's signals and child jobs,
//! [`await_signal`], [`spawn_job`] and [`await_job`] (module [`jobs`]), and makes `workflow!` export
//! `mvmci_abi_v3`; without it a call of any of the three does not compile.
//!
//! Determinism: the host records every side effect in the run's history and replays it after a
//! crash (on any node), so a workflow
//! must make the same host calls, with the same arguments, every time it runs with the same
//! input and the same recorded results. Use [`now_ms`], [`random_fill`] and [`sleep`] from here,
//! never the clock or entropy of the language runtime (on `wasm32-unknown-unknown` there are none
//! anyway), and don't iterate hash maps whose order is random when you build a request.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod http;
pub mod jobs;
#[cfg(feature = "abi-v4")]
pub mod artifacts;
#[cfg(feature = "abi-v4")]
pub use artifacts::{store_artifact, Artifact};
mod sys;

pub use jobs::{await_job, await_signal, spawn_job, ConcurrencyPolicy, JobOptions, JobOutcome, JobStatus};

pub use serde_json;

/// What the host keeps of a `fail` message and of a `progress` message; the SDK cuts
/// longer ones itself, on a character boundary, rather than rely on the host to.
const FAIL_MAX: usize = 8 * 1024;
const PROGRESS_MAX: usize = 1024;
/// `random_fill` fills at most this many bytes a call.
const RANDOM_MAX: usize = 64 * 1024;
/// The longest error message from the host the SDK reads (the ABI sets no bound).
const ERROR_MESSAGE_MAX: usize = 64 * 1024;

/// Declares the workflow's entry point. Expands to the exports the ABI asks for: `run`, which
/// calls `$main` and ends the run as failed if it returns an error or panics, and
/// `mvmci_abi_v1` (`mvmci_abi_v2` with the SDK's `abi-v2` feature, `mvmci_abi_v3` with `abi-v3`),
/// whose presence declares the ABI version. `$main` is a `fn()` returning `()` or `Result<(), E>`
/// with `E: Display`.
#[cfg(not(feature = "abi-v2"))]
#[macro_export]
macro_rules! workflow {
    ($main:path) => {
        #[no_mangle]
        pub extern "C" fn mvmci_abi_v1() {}

        #[no_mangle]
        pub extern "C" fn run() {
            $crate::__run($main)
        }
    };
}

/// Declares the workflow's entry point. Expands to the exports the ABI asks for: `run`, which
/// calls `$main` and ends the run as failed if it returns an error or panics, and
/// `mvmci_abi_v2` (this SDK is built with its `abi-v2` feature), whose presence declares the
/// ABI version. `$main` is a `fn()` returning `()` or `Result<(), E>` with `E: Display`.
#[cfg(all(feature = "abi-v2", not(feature = "abi-v3")))]
#[macro_export]
macro_rules! workflow {
    ($main:path) => {
        #[no_mangle]
        pub extern "C" fn mvmci_abi_v2() {}

        #[no_mangle]
        pub extern "C" fn run() {
            $crate::__run($main)
        }
    };
}

/// Declares the workflow's entry point. Expands to the exports the ABI asks for: `run`, which
/// calls `$main` and ends the run as failed if it returns an error or panics, and
/// `mvmci_abi_v3` (this SDK is built with its `abi-v3` feature), whose presence declares the
/// ABI version. `$main` is a `fn()` returning `()` or `Result<(), E>` with `E: Display`.
#[cfg(all(feature = "abi-v3", not(feature = "abi-v4")))]
#[macro_export]
macro_rules! workflow {
    ($main:path) => {
        #[no_mangle]
        pub extern "C" fn mvmci_abi_v3() {}

        #[no_mangle]
        pub extern "C" fn run() {
            $crate::__run($main)
        }
    };
}

/// Declares the workflow's entry point, as above, exporting `mvmci_abi_v4` (this SDK is built with
/// its `abi-v4` feature: artifacts).
#[cfg(feature = "abi-v4")]
#[macro_export]
macro_rules! workflow {
    ($main:path) => {
        #[no_mangle]
        pub extern "C" fn mvmci_abi_v4() {}

        #[no_mangle]
        pub extern "C" fn run() {
            $crate::__run($main)
        }
    };
}

/// The ABI version [`workflow!`] declares: 1, 2 with the `abi-v2` feature, 3 with `abi-v3`, 4 with `abi-v4`.
pub const ABI_VERSION: u32 = if cfg!(feature = "abi-v4") {
    4
} else if cfg!(feature = "abi-v3") {
    3
} else if cfg!(feature = "abi-v2") {
    2
} else {
    1
};

#[doc(hidden)]
pub fn __run<O: Outcome>(main: impl FnOnce() -> O) {
    // A panic would otherwise trap with no message (panic=abort): turn it into a readable failure.
    std::panic::set_hook(Box::new(|info| fail(&info.to_string())));
    main().finish();
}

/// What a workflow's entry point may return: `()` (success), or a `Result` whose error fails the run.
pub trait Outcome {
    fn finish(self);
}

impl Outcome for () {
    fn finish(self) {}
}

impl<E: fmt::Display> Outcome for std::result::Result<(), E> {
    fn finish(self) {
        if let Err(e) = self {
            fail(&e.to_string())
        }
    }
}

/// An error with a message meant for a person; returning it from the entry point fails the run
/// with that message. Converts from the SDK's errors, `serde_json`'s and strings, so `?` works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn msg(message: impl Into<String>) -> Self {
        Error(message.into())
    }

    /// The same error with `context: ` in front of its message.
    pub fn context(self, context: impl fmt::Display) -> Self {
        Error(format!("{}: {}", context, self.0))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Error(s)
    }
}

impl From<&str> for Error {
    fn from(s: &str) -> Self {
        Error(s.to_owned())
    }
}

impl From<http::HttpError> for Error {
    fn from(e: http::HttpError) -> Self {
        Error(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error(format!("JSON: {}", e))
    }
}

/// Copies the host's result buffer (whose length the last call returned) into a new vector.
fn take_result(len: i32) -> Vec<u8> {
    let len = usize::try_from(len).unwrap_or(0);
    let mut buf = Vec::with_capacity(len);
    // SAFETY: the host writes at most `len` bytes at the pointer and says how many it wrote.
    unsafe {
        let copied = sys::result_read(buf.as_mut_ptr(), len as i32);
        buf.set_len((copied.max(0) as usize).min(len));
    }
    buf
}

/// Copies an error message out of the result buffer. A failed call returns its error code, not
/// the message's length, so read into a growing buffer until the host copies less than asked.
fn take_error_message() -> Vec<u8> {
    let mut cap = 1024;
    loop {
        let buf = take_result(cap as i32);
        if buf.len() < cap || cap >= ERROR_MESSAGE_MAX {
            return buf;
        }
        cap *= 4;
    }
}

/// Copies the whole result buffer after a call that returned a code rather than its length (ABI
/// version 3's): reads into a growing buffer until the host copies less than asked.
#[cfg(feature = "abi-v3")]
fn take_all() -> Vec<u8> {
    let mut cap = 4 * 1024;
    loop {
        let buf = take_result(cap as i32);
        if buf.len() < cap {
            return buf;
        }
        cap *= 4;
    }
}

/// The job's input, as submitted. The same bytes every time the job runs.
pub fn input() -> Vec<u8> {
    take_result(unsafe { sys::input() })
}

/// The job's input as UTF-8 text.
pub fn input_string() -> Result<String> {
    String::from_utf8(input()).map_err(|_| Error::msg("input is not valid UTF-8"))
}

/// The job's input parsed as JSON into `T`.
pub fn input_json<T: DeserializeOwned>() -> Result<T> {
    serde_json::from_slice(&input()).map_err(|e| Error::msg(format!("input is not the JSON expected: {}", e)))
}

/// Sets the run's output, replacing any earlier one. At most 1 MiB: the host traps past that.
pub fn output(bytes: impl AsRef<[u8]>) {
    let bytes = bytes.as_ref();
    unsafe { sys::output(bytes.as_ptr(), bytes.len() as i32) }
}

/// Sets the run's output to `value` as JSON.
pub fn output_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    output(serde_json::to_vec(value)?);
    Ok(())
}

/// Log levels, as numbered by the ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

/// Writes a log line (recorded in the run's history: a replayed run does not log it again). The host cuts lines over 8 KiB.
pub fn log(level: Level, message: &str) {
    unsafe { sys::log(level as i32, message.as_ptr(), message.len() as i32) }
}

pub fn debug(message: &str) {
    log(Level::Debug, message)
}

pub fn info(message: &str) {
    log(Level::Info, message)
}

pub fn warn(message: &str) {
    log(Level::Warn, message)
}

pub fn error(message: &str) {
    log(Level::Error, message)
}

/// Reports progress: `percent` (0–100) and a short message (cut at 1 KiB).
pub fn progress(percent: u32, message: &str) {
    let message = truncate(message, PROGRESS_MAX);
    unsafe { sys::progress(percent.min(100) as i32, message.as_ptr(), message.len() as i32) }
}

/// Wall-clock time in milliseconds since the Unix epoch; a replayed run gets the recorded value.
pub fn now_ms() -> i64 {
    unsafe { sys::now_ms() }
}

/// A durable sleep: after a crash the resumed run sleeps only for what remains. On a node, a sleep
/// longer than the node's suspension threshold gives the run's slot back: the job is Waiting for a
/// timer, and any node resumes it, by replay, once the wake-up time has come.
pub fn sleep(duration: Duration) {
    let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
    unsafe { sys::sleep_ms(ms) }
}

/// Fills `buf` with secure random bytes; a replayed run gets the recorded bytes.
pub fn random_fill(buf: &mut [u8]) {
    for chunk in buf.chunks_mut(RANDOM_MAX) {
        unsafe { sys::random_fill(chunk.as_mut_ptr(), chunk.len() as i32) }
    }
}

pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut buf = vec![0; len];
    random_fill(&mut buf);
    buf
}

pub fn random_u64() -> u64 {
    let mut buf = [0; 8];
    random_fill(&mut buf);
    u64::from_le_bytes(buf)
}

/// Ends the run as failed with `message` (cut at 8 KiB). Does not return. The job's retry policy
/// decides whether the job runs again.
pub fn fail(message: &str) -> ! {
    let message = truncate(message, FAIL_MAX);
    unsafe { sys::fail(message.as_ptr(), message.len() as i32) }
    // The host never returns from `fail`; if one did, trap rather than run on.
    std::process::abort()
}

/// Ends the run as failed with `message` (cut at 8 KiB), **terminally**: the job ends Failed and
/// is not retried, whatever its retry policy. For failures another attempt cannot mend, or must
/// not try (a request that may have done its work already). Does not return.
///
/// ABI version 2, through the host's `fail_with`: needs the SDK's `abi-v2` feature, with which
/// [`workflow!`] exports `mvmci_abi_v2`.
#[cfg(feature = "abi-v2")]
pub fn fail_terminal(message: impl AsRef<str>) -> ! {
    let message = truncate(message.as_ref(), FAIL_MAX);
    unsafe { sys::fail_with(message.as_ptr(), message.len() as i32, sys::FAIL_TERMINAL) }
    // The host never returns from `fail_with`; if one did, trap rather than run on.
    std::process::abort()
}

/// Without the `abi-v2` feature a call of `fail_terminal` does not compile: its module would
/// import `fail_with` while declaring ABI version 1, and the host would refuse it at deploy.
#[cfg(not(feature = "abi-v2"))]
pub fn fail_terminal<M: AsRef<str>>(message: M) -> ! {
    // Evaluated where a caller's `M` is known, so only a workflow that calls it fails to build.
    #[allow(clippy::let_unit_value)]
    let () = FailTerminalNeedsTheFeature::<M>::ABI_V2;
    fail(message.as_ref())
}

#[cfg(not(feature = "abi-v2"))]
#[doc(hidden)]
pub struct FailTerminalNeedsTheFeature<T>(T);

#[cfg(not(feature = "abi-v2"))]
impl<T> FailTerminalNeedsTheFeature<T> {
    // Named so that the error reads well where the build cannot show this source (remapped paths).
    const ABI_V2: () = panic!(
        "mvmci::fail_terminal needs host ABI version 2: depend on the SDK with \
         features = [\"abi-v2\"], and workflow! then exports mvmci_abi_v2"
    );
}

/// `s` cut to at most `max` bytes, on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncate_keeps_characters_whole() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
        assert_eq!(truncate("abc", 8), "abc");
    }
}
