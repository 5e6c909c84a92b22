//! Signals and child jobs: host ABI version 3 (`workflows/README.md`, "Signals and child jobs").
//!
//! Needs the SDK's `abi-v3` feature (`mvmci = { path = "../sdk/rust", features = ["abi-v3"] }`),
//! with which [`workflow!`](crate::workflow) exports `mvmci_abi_v3`. Without it, a call of
//! [`await_signal`], [`spawn_job`] or [`await_job`] does not compile, since the module would import
//! functions of a version it does not declare.
//!
//! Each call is a step of the run's history, like an HTTP request:
//! - [`await_signal`] records the wait's deadline the first time it is reached (a resumed run keeps
//!   it), then the signal it took or its timeout. Signals of one name are taken in the order they
//!   arrived, each once per execution of the run. While there is nothing to take, the job is
//!   Waiting: its run gives its slot back and is resumed, on any node, by replaying its history,
//!   when a signal of that name arrives or the deadline passes.
//! - [`spawn_job`] submits a child job exactly once: a replayed run gets the same child's id.
//! - [`await_job`] records a child's outcome once the child has finished; until then the job is
//!   Waiting for it.
//!
//! A child that is not [detached](JobOptions::detached) is cancelled when its parent ends, whatever
//! the parent's outcome.

// Without the feature only what the stubs' signatures need is compiled, all of it inline or generic:
// the SDK's compiled code, and so the modules of workflows that do not use version 3, stay as they
// were before version 3 (the crawler's bytes did not change).

use std::time::Duration;

use serde::de::DeserializeOwned;
#[cfg(any(feature = "abi-v3", test))]
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

use crate::Error;
#[cfg(feature = "abi-v3")]
use crate::{sys, take_all};

/// Options of a child job: those of `POST /api/v1/jobs`, and `detached`. Unset ones take the jobs
/// API's defaults.
#[cfg_attr(any(feature = "abi-v3", test), derive(Debug, Clone, Default, PartialEq, Eq))]
pub struct JobOptions {
    pub priority: Option<i32>,
    pub max_attempts: Option<u32>,
    /// The child's wall-clock limit per attempt.
    pub timeout: Option<Duration>,
    /// When the child may start: an ISO-8601 instant such as `2030-01-01T00:00:00Z`.
    pub run_at: Option<String>,
    /// Pins the child to this version of its workflow (the module's sha-256).
    pub module_sha256: Option<String>,
    /// A detached child outlives its parent; one that is not (the default) is cancelled when the
    /// parent ends.
    pub detached: bool,
    /// Labels a worker must all have to run the child (README, "Worker labels"): a build fanned out
    /// to `gpu` or `arm64` machines. Empty: any worker.
    pub labels: Vec<String>,
    /// The child's concurrency group (README, "Concurrency groups").
    pub concurrency_key: Option<String>,
    /// How many jobs of the group may hold a slot at once (the API's default, 1, when unset).
    pub concurrency_limit: Option<u32>,
    /// What happens when the group is full (the API's default, `Queue`, when unset).
    pub concurrency_policy: Option<ConcurrencyPolicy>,
}

/// When a child's concurrency group is full: wait for a slot, cancel the group's older jobs, or do
/// not run the child.
#[cfg_attr(any(feature = "abi-v3", test), derive(Debug, Clone, Copy, PartialEq, Eq))]
pub enum ConcurrencyPolicy {
    Queue,
    CancelInProgress,
    Skip,
}

impl ConcurrencyPolicy {
    /// The name the jobs API takes.
    #[inline]
    pub fn wire_name(self) -> &'static str {
        match self {
            ConcurrencyPolicy::Queue => "queue",
            ConcurrencyPolicy::CancelInProgress => "cancel_in_progress",
            ConcurrencyPolicy::Skip => "skip",
        }
    }
}

impl JobOptions {
    #[inline]
    pub fn new() -> Self {
        JobOptions {
            priority: None,
            max_attempts: None,
            timeout: None,
            run_at: None,
            module_sha256: None,
            detached: false,
            labels: Vec::new(),
            concurrency_key: None,
            concurrency_limit: None,
            concurrency_policy: None,
        }
    }

    #[inline]
    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = Some(priority);
        self
    }

    #[inline]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    #[inline]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    #[inline]
    pub fn run_at(mut self, instant: impl Into<String>) -> Self {
        self.run_at = Some(instant.into());
        self
    }

    #[inline]
    pub fn module_sha256(mut self, sha256: impl Into<String>) -> Self {
        self.module_sha256 = Some(sha256.into());
        self
    }

    #[inline]
    pub fn detached(mut self, detached: bool) -> Self {
        self.detached = detached;
        self
    }

    /// Labels a worker must all have to run the child: `.labels(["gpu", "arm64"])`.
    #[inline]
    pub fn labels<L: Into<String>>(mut self, labels: impl IntoIterator<Item = L>) -> Self {
        self.labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// Puts the child in concurrency group `key`, at most `limit` of its jobs holding a slot at once.
    #[inline]
    pub fn concurrency(mut self, key: impl Into<String>, limit: u32) -> Self {
        self.concurrency_key = Some(key.into());
        self.concurrency_limit = Some(limit);
        self
    }

    #[inline]
    pub fn concurrency_policy(mut self, policy: ConcurrencyPolicy) -> Self {
        self.concurrency_policy = Some(policy);
        self
    }
}

/// A `spawn_job` request as the ABI encodes it: fields in this order, `input` as serde writes it
/// (a `serde_json::Value`'s keys sorted), so the same request always gives the same bytes.
#[cfg(any(feature = "abi-v3", test))]
#[derive(Serialize)]
struct Wire<'a, I: ?Sized> {
    workflow: &'a str,
    input: &'a I,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_attempts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module_sha256: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    detached: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    labels: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    concurrency_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concurrency_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concurrency_policy: Option<&'static str>,
}

#[cfg(any(feature = "abi-v3", test))]
fn encode<I: Serialize + ?Sized>(workflow: &str, input: &I, options: &JobOptions) -> Result<Vec<u8>, Error> {
    let wire = Wire {
        workflow,
        input,
        priority: options.priority,
        max_attempts: options.max_attempts,
        timeout_ms: options.timeout.map(|t| u64::try_from(t.as_millis()).unwrap_or(u64::MAX)),
        run_at: options.run_at.as_deref(),
        module_sha256: options.module_sha256.as_deref(),
        detached: options.detached,
        labels: &options.labels,
        concurrency_key: options.concurrency_key.as_deref(),
        concurrency_limit: options.concurrency_limit,
        concurrency_policy: options.concurrency_policy.map(ConcurrencyPolicy::wire_name),
    };
    serde_json::to_vec(&wire).map_err(|e| Error::msg(format!("spawn_job {}: the input is not JSON: {}", workflow, e)))
}

/// A child's final status.
#[cfg_attr(any(feature = "abi-v3", test), derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize))]
pub enum JobStatus {
    Completed,
    Failed,
    Cancelled,
}

/// What [`await_job`] found.
#[cfg_attr(any(feature = "abi-v3", test), derive(Debug, Clone, PartialEq, Deserialize))]
pub struct JobOutcome {
    pub job_id: String,
    pub status: JobStatus,
    /// The child's output, when it set one (a failed child may have).
    #[cfg_attr(any(feature = "abi-v3", test), serde(default))]
    pub output: Option<Value>,
    /// Why the child did not complete (Failed, Cancelled).
    #[cfg_attr(any(feature = "abi-v3", test), serde(default))]
    pub error: Option<String>,
}

impl JobOutcome {
    #[inline]
    pub fn completed(&self) -> bool {
        matches!(self.status, JobStatus::Completed)
    }
}

#[cfg(feature = "abi-v3")]
#[derive(Deserialize)]
struct Spawned {
    job_id: String,
}

/// The timeout as the ABI takes it: -1 for none.
#[cfg(any(feature = "abi-v3", test))]
fn timeout_ms(timeout: Option<Duration>) -> i64 {
    timeout.map_or(-1, |t| i64::try_from(t.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(any(feature = "abi-v3", test))]
fn parse_signal<T: DeserializeOwned>(name: &str, payload: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(payload)
        .map_err(|e| Error::msg(format!("signal \"{}\" carries a payload that is not the JSON expected: {}", name, e)))
}

#[cfg(any(feature = "abi-v3", test))]
fn parse_outcome(code: i32, job_id: &str, answer: &[u8]) -> Result<JobOutcome, Error> {
    if code == -1 {
        let why = serde_json::from_slice::<Value>(answer).ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| "not a child of this job".to_owned());
        return Err(Error::msg(format!("await_job {}: {}", job_id, why)));
    }
    serde_json::from_slice(answer).map_err(|e| {
        Error::msg(format!("await_job {}: the host answered {} with JSON this SDK does not understand: {}",
            job_id, code, e))
    })
}

/// Waits for the next signal named `name` (1-128 letters, digits, `.`, `_`, `:` or `-`; another name
/// traps) and returns its payload parsed as `T` (`serde_json::Value` for any JSON), or `None` when
/// `timeout` passed first. `None` for `timeout` waits without one; `Duration::ZERO` takes a signal
/// only if one is there already. A payload that is not a `T` is an error (the signal is taken all
/// the same: the next call takes the next one).
#[cfg(feature = "abi-v3")]
pub fn await_signal<T: DeserializeOwned>(name: &str, timeout: Option<Duration>) -> Result<Option<T>, Error> {
    let code = unsafe { sys::await_signal(name.as_ptr(), name.len() as i32, timeout_ms(timeout)) };
    let payload = take_all();
    if code != 0 {
        return Ok(None);
    }
    parse_signal(name, &payload).map(Some)
}

/// Submits a child job running `workflow` with `input` (a JSON object by convention), exactly
/// once: a replayed run gets the id of the child it spawned before. Returns the child's id
/// (`"job-12"`), or an error with the host's reason when it refused the child (an unknown
/// workflow, an invalid option).
#[cfg(feature = "abi-v3")]
pub fn spawn_job<I: Serialize + ?Sized>(workflow: &str, input: &I, options: &JobOptions) -> Result<String, Error> {
    let request = encode(workflow, input, options)?;
    let code = unsafe { sys::spawn_job(request.as_ptr(), request.len() as i32) };
    let answer = take_all();
    if code != 0 {
        return Err(Error::msg(format!("spawn_job {} refused: {}", workflow, String::from_utf8_lossy(&answer))));
    }
    serde_json::from_slice::<Spawned>(&answer).map(|s| s.job_id).map_err(|e| {
        Error::msg(format!("spawn_job {}: the host answered JSON this SDK does not understand: {}", workflow, e))
    })
}

/// Waits for child `job_id` to finish and returns its outcome. While the child runs, the job is
/// Waiting and its run gives its slot back; the outcome is recorded once, so a replayed run gets
/// the same one. An id that is not a child of this job is an error.
#[cfg(feature = "abi-v3")]
pub fn await_job<J: AsRef<str>>(job_id: J) -> Result<JobOutcome, Error> {
    let id = job_id.as_ref();
    let code = unsafe { sys::await_job(id.as_ptr(), id.len() as i32) };
    parse_outcome(code, id, &take_all())
}

// Without the `abi-v3` feature the three functions do not compile where they are called: their
// module would import functions of version 3 while declaring an earlier one, and the host would
// refuse it at deploy. Each is generic, so the error is raised only in a workflow that calls it.

/// Needs the SDK's `abi-v3` feature (see the module's documentation).
#[cfg(not(feature = "abi-v3"))]
pub fn await_signal<T: DeserializeOwned>(name: &str, timeout: Option<Duration>) -> Result<Option<T>, Error> {
    #[allow(clippy::let_unit_value)]
    let () = NeedsAbiV3::<T>::AWAIT_SIGNAL;
    let _ = (name, timeout);
    unreachable!()
}

/// Needs the SDK's `abi-v3` feature (see the module's documentation).
#[cfg(not(feature = "abi-v3"))]
pub fn spawn_job<I: Serialize + ?Sized>(workflow: &str, input: &I, options: &JobOptions) -> Result<String, Error> {
    #[allow(clippy::let_unit_value)]
    let () = NeedsAbiV3::<&I>::SPAWN_JOB;
    let _ = (workflow, input, options);
    unreachable!()
}

/// Needs the SDK's `abi-v3` feature (see the module's documentation).
#[cfg(not(feature = "abi-v3"))]
pub fn await_job<J: AsRef<str>>(job_id: J) -> Result<JobOutcome, Error> {
    #[allow(clippy::let_unit_value)]
    let () = NeedsAbiV3::<J>::AWAIT_JOB;
    let _ = job_id;
    unreachable!()
}

#[cfg(not(feature = "abi-v3"))]
#[doc(hidden)]
pub struct NeedsAbiV3<T: ?Sized>(std::marker::PhantomData<T>);

#[cfg(not(feature = "abi-v3"))]
impl<T: ?Sized> NeedsAbiV3<T> {
    // Named so that the error reads well where the build cannot show this source (remapped paths).
    const AWAIT_SIGNAL: () = panic!(
        "mvmci::await_signal needs host ABI version 3: depend on the SDK with \
         features = [\"abi-v3\"], and workflow! then exports mvmci_abi_v3"
    );
    const SPAWN_JOB: () = panic!(
        "mvmci::spawn_job needs host ABI version 3: depend on the SDK with \
         features = [\"abi-v3\"], and workflow! then exports mvmci_abi_v3"
    );
    const AWAIT_JOB: () = panic!(
        "mvmci::await_job needs host ABI version 3: depend on the SDK with \
         features = [\"abi-v3\"], and workflow! then exports mvmci_abi_v3"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_always_encodes_to_the_same_bytes() {
        let input = json!({"b": 2, "a": [1, {"z": true, "y": null}]});
        let bare = encode("echo", &input, &JobOptions::new()).unwrap();
        assert_eq!(String::from_utf8(bare).unwrap(), r#"{"workflow":"echo","input":{"a":[1,{"y":null,"z":true}],"b":2}}"#);
        let options = JobOptions::new().priority(-3).max_attempts(2).timeout(Duration::from_secs(90))
            .run_at("2030-01-01T00:00:00Z").module_sha256("ab12").detached(true);
        let full = encode("echo", &input, &options).unwrap();
        assert_eq!(String::from_utf8(full).unwrap(), concat!(
            r#"{"workflow":"echo","input":{"a":[1,{"y":null,"z":true}],"b":2},"priority":-3,"max_attempts":2,"#,
            r#""timeout_ms":90000,"run_at":"2030-01-01T00:00:00Z","module_sha256":"ab12","detached":true}"#));
        let dispatched = JobOptions::new().labels(["gpu", "arm64"]).concurrency("deploy-prod", 1)
            .concurrency_policy(ConcurrencyPolicy::CancelInProgress);
        assert_eq!(String::from_utf8(encode("deploy", &json!({}), &dispatched).unwrap()).unwrap(), concat!(
            r#"{"workflow":"deploy","input":{},"labels":["gpu","arm64"],"concurrency_key":"deploy-prod","#,
            r#""concurrency_limit":1,"concurrency_policy":"cancel_in_progress"}"#));
    }

    #[test]
    fn timeouts_are_minus_one_for_none() {
        assert_eq!(timeout_ms(None), -1);
        assert_eq!(timeout_ms(Some(Duration::ZERO)), 0);
        assert_eq!(timeout_ms(Some(Duration::from_millis(1500))), 1500);
    }

    #[test]
    fn outcomes_are_read_from_the_hosts_json() {
        let done = parse_outcome(0, "job-3", br#"{"job_id":"job-3","status":"Completed","output":{"n":1}}"#).unwrap();
        assert_eq!(done, JobOutcome { job_id: "job-3".into(), status: JobStatus::Completed, output: Some(json!({"n": 1})), error: None });
        assert!(done.completed());
        let failed = parse_outcome(1, "job-4", br#"{"job_id":"job-4","status":"Failed","error":"boom"}"#).unwrap();
        assert_eq!((failed.status, failed.error.as_deref(), failed.output), (JobStatus::Failed, Some("boom"), None));
        let stranger = parse_outcome(-1, "job-9", br#"{"job_id":"job-9","error":"job-9 is not a child of job-1"}"#);
        assert_eq!(stranger.unwrap_err().to_string(), "await_job job-9: job-9 is not a child of job-1");
    }

    #[test]
    fn a_signal_payload_is_parsed_into_the_type_asked_for() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Decision {
            approved: bool,
        }
        assert_eq!(parse_signal::<Decision>("d", br#"{"approved":true}"#).unwrap(), Decision { approved: true });
        let e = parse_signal::<Decision>("d", b"{}").unwrap_err().to_string();
        assert!(e.starts_with("signal \"d\" carries a payload that is not the JSON expected: missing field"), "{}", e);
    }
}
