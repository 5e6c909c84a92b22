//! HTTP through the host's journaled `http_request`.
//!
//! A request is sent at most once per *execution* of a run: a run resumed after a crash, on this
//! node or another, gets the response recorded in its history. A request that was in flight when
//! the run stopped comes back as [`ErrorKind::Interrupted`] unless it is marked idempotent, in
//! which case the host sends it again. (A retry of the job after a failure is a new execution: it
//! starts with an empty history and sends everything again.) [`Request::new`] marks the methods RFC 9110 §9.2.2 calls idempotent (GET, HEAD,
//! OPTIONS, TRACE, PUT, DELETE); override with [`Request::idempotent`].
//!
//! The host does not follow redirects: a 3xx comes back as a response with its `location`.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{sys, take_error_message, take_result};

/// An HTTP request. Headers are kept sorted, so the same request always encodes to the same
/// bytes (the host compares them on replay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    method: String,
    url: String,
    headers: BTreeMap<String, String>,
    body: Option<String>,
    timeout: Option<Duration>,
    idempotent: bool,
}

/// The request as the ABI encodes it.
#[derive(Serialize)]
struct Wire<'a> {
    method: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    headers: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<u64>,
}

impl Request {
    pub fn new(method: &str, url: &str) -> Self {
        let method = method.to_ascii_uppercase();
        let idempotent = matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE" | "PUT" | "DELETE");
        Request { method, url: url.to_owned(), headers: BTreeMap::new(), body: None, timeout: None, idempotent }
    }

    pub fn get(url: &str) -> Self {
        Request::new("GET", url)
    }

    pub fn post(url: &str) -> Self {
        Request::new("POST", url)
    }

    /// Sets a header; names are lower-cased, and a later value for the same name replaces an earlier one.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.to_ascii_lowercase(), value.to_owned());
        self
    }

    /// A UTF-8 request body (the ABI carries text bodies only).
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The host's default is 10 s and its maximum 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Whether the host may send the request again when a crash left it in flight.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// The request as the bytes passed to `http_request`.
    pub fn to_json(&self) -> Vec<u8> {
        let wire = Wire {
            method: &self.method,
            url: &self.url,
            headers: &self.headers,
            body: self.body.as_deref(),
            timeout_ms: self.timeout.map(|t| t.as_millis().min(u64::MAX as u128) as u64),
        };
        serde_json::to_vec(&wire).expect("a request always encodes")
    }

    /// Performs the request. Any HTTP status, 4xx and 5xx included, is an `Ok` response.
    pub fn send(&self) -> Result<Response, HttpError> {
        let json = self.to_json();
        let flags = if self.idempotent { 1 } else { 0 };
        let n = unsafe { sys::http_request(json.as_ptr(), json.len() as i32, flags) };
        if n < 0 {
            let message = String::from_utf8_lossy(&take_error_message()).into_owned();
            return Err(HttpError { kind: ErrorKind::from_code(n), message });
        }
        serde_json::from_slice(&take_result(n)).map_err(|e| HttpError {
            kind: ErrorKind::Malformed,
            message: format!("response from host is not the expected JSON: {}", e),
        })
    }
}

/// `GET url`, marked idempotent.
pub fn get(url: &str) -> Result<Response, HttpError> {
    Request::get(url).send()
}

/// A response. `headers` has lower-case names, repeated headers joined with `", "`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Response {
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body decoded as UTF-8 (malformed bytes replaced by U+FFFD), at most 1 MiB.
    #[serde(default)]
    pub body: String,
    /// The host cut the body at 1 MiB.
    #[serde(default)]
    pub truncated: bool,
}

impl Response {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body parsed as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.body)
    }
}

/// Why `http_request` did not produce a response (the ABI's negative codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// -1: connection refused, DNS failure, TLS failure, timeout.
    Transport,
    /// -2: in flight when the run crashed and not idempotent, so not sent again.
    Interrupted,
    /// -3: not allowed (not http(s), or a malformed request).
    Denied,
    /// A code this SDK does not know, or a response it could not decode.
    Malformed,
}

impl ErrorKind {
    fn from_code(code: i32) -> Self {
        match code {
            -1 => ErrorKind::Transport,
            -2 => ErrorKind::Interrupted,
            -3 => ErrorKind::Denied,
            _ => ErrorKind::Malformed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    pub kind: ErrorKind,
    /// The host's readable reason.
    pub message: String,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ErrorKind::Transport => "transport error",
            ErrorKind::Interrupted => "interrupted by a crash and not idempotent",
            ErrorKind::Denied => "denied",
            ErrorKind::Malformed => "malformed",
        };
        write!(f, "{}: {}", kind, self.message)
    }
}

impl std::error::Error for HttpError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_requests_canonically() {
        let get = Request::get("http://h/").header("X-B", "2").header("accept", "text/html").header("x-b", "3");
        assert_eq!(
            String::from_utf8(get.to_json()).unwrap(),
            r#"{"method":"GET","url":"http://h/","headers":{"accept":"text/html","x-b":"3"}}"#
        );
        let post = Request::post("http://h/p").body("{\"a\":1}").timeout(Duration::from_secs(5));
        assert_eq!(
            String::from_utf8(post.to_json()).unwrap(),
            r#"{"method":"POST","url":"http://h/p","body":"{\"a\":1}","timeout_ms":5000}"#
        );
    }

    #[test]
    fn idempotent_by_method_unless_told() {
        let idempotent = |r: Request| r.idempotent;
        assert!(idempotent(Request::get("u")));
        assert!(idempotent(Request::new("put", "u")));
        assert!(idempotent(Request::new("DELETE", "u")));
        assert!(!idempotent(Request::post("u")));
        assert!(!idempotent(Request::new("PATCH", "u")));
        assert!(idempotent(Request::post("u").idempotent(true)));
        assert!(!idempotent(Request::get("u").idempotent(false)));
    }

    #[test]
    fn decodes_responses() {
        let r: Response = serde_json::from_str(r#"{"status":503,"headers":{"retry-after":"1"},"body":"busy"}"#).unwrap();
        assert_eq!((r.status, r.header("Retry-After"), r.body.as_str(), r.truncated), (503, Some("1"), "busy", false));
        assert!(!r.is_success());
        let minimal: Response = serde_json::from_str(r#"{"status":204}"#).unwrap();
        assert!(minimal.is_success() && minimal.body.is_empty() && minimal.headers.is_empty());
    }

    #[test]
    fn names_error_codes() {
        assert_eq!(ErrorKind::from_code(-1), ErrorKind::Transport);
        assert_eq!(ErrorKind::from_code(-2), ErrorKind::Interrupted);
        assert_eq!(ErrorKind::from_code(-3), ErrorKind::Denied);
        assert_eq!(ErrorKind::from_code(-9), ErrorKind::Malformed);
        let e = HttpError { kind: ErrorKind::Transport, message: "connection refused".into() };
        assert_eq!(e.to_string(), "transport error: connection refused");
    }
}
