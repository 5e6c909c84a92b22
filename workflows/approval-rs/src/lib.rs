//! approval-rs: an approval gate, the Rust twin of `approval/approval.ts` (same input, output,
//! failures and history). The job waits, without holding a worker's slot, until someone decides,
//! and ends Completed when approved, Failed (terminally) when rejected or when nobody decided in time.
//!
//! Input: `{"subject": "deploy 1.4 to production", "timeout_ms": 86400000, "approvers": ["ada", "bob"]}`,
//! all optional: `subject` names what is approved; `timeout_ms` bounds the wait (without it the job
//! waits until a decision comes); `approvers` lists who may decide (a decision by anyone else is
//! ignored with a warning, as is a malformed one).
//!
//! The decision is a signal named `decision` with the payload
//! `{"approved": true|false, "by": "ada", "comment": "..."}` (`comment` optional):
//! `POST /api/v1/jobs/{id}/signals/decision`. Output: `{"subject", "approved", "by", "comment",
//! "waited_ms", "ignored"}`, set before a failure too. Fails terminally with
//! `rejected by bob: <comment>`, `no decision within <timeout_ms> ms`, or on invalid input.

use mvmci::serde_json::{json, Value};
use std::time::Duration;

fn main() {
    let input: Value = match mvmci::input_json() {
        Ok(v) => v,
        Err(e) => mvmci::fail_terminal(e.to_string()),
    };
    if !input.is_object() {
        mvmci::fail_terminal("input must be a JSON object");
    }
    let subject = input["subject"].as_str().unwrap_or("").to_owned();
    let timeout_ms: i64 = match input.get("timeout_ms") {
        None => -1,
        Some(t) => match t.as_f64() {
            Some(ms) if ms >= 0.0 && ms.fract() == 0.0 && ms <= i64::MAX as f64 => ms as i64,
            _ => mvmci::fail_terminal("\"timeout_ms\" must be a whole number of milliseconds, 0 or more"),
        },
    };
    let approvers = match input.get("approvers") {
        None => None,
        Some(Value::Array(names)) => Some(names.clone()),
        Some(_) => mvmci::fail_terminal("\"approvers\" must be an array of names"),
    };

    let started = mvmci::now_ms();
    mvmci::info(&format!(
        "waiting for a decision{}{}",
        if subject.is_empty() { String::new() } else { format!(" on {}", subject) },
        if timeout_ms < 0 { String::new() } else { format!(" for up to {} ms", timeout_ms) }
    ));
    mvmci::progress(0, "waiting for a decision");
    let mut ignored = 0;
    let mut now = started;
    loop {
        // Every wait ends at the first one's deadline: what is left of the timeout, by the recorded clock.
        let left = if timeout_ms < 0 { None } else { Some(Duration::from_millis((timeout_ms - (now - started)).max(0) as u64)) };
        // A payload that is not JSON cannot come through the jobs API; treat it as a malformed decision.
        let decision: Value = match mvmci::await_signal::<Value>("decision", left) {
            Ok(Some(d)) => d,
            Ok(None) => {
                let waited = mvmci::now_ms() - started;
                output(&subject, json!(false), Value::Null, Value::Null, waited, ignored);
                mvmci::fail_terminal(format!("no decision within {} ms", timeout_ms));
            }
            Err(e) => Value::String(e.to_string()),
        };
        match problem(&decision, approvers.as_deref()) {
            None => {
                let approved = decision["approved"].as_bool().unwrap_or(false);
                let by = decision["by"].as_str().unwrap_or("").to_owned();
                let comment = match &decision["comment"] {
                    Value::String(c) => Value::String(c.clone()),
                    _ => Value::Null,
                };
                let waited = mvmci::now_ms() - started;
                output(&subject, json!(approved), json!(by), comment.clone(), waited, ignored);
                if !approved {
                    let why = comment.as_str().map(|c| format!(": {}", c)).unwrap_or_default();
                    mvmci::fail_terminal(format!("rejected by {}{}", by, why));
                }
                mvmci::info(&format!("approved by {}", by));
                mvmci::progress(100, &format!("approved by {}", by));
                return;
            }
            Some(why) => {
                ignored += 1;
                mvmci::warn(&format!("ignored a decision: {}: {}", why, decision));
                now = mvmci::now_ms();
            }
        }
    }
}

/// Why a decision cannot be taken, or None when it can.
fn problem(decision: &Value, approvers: Option<&[Value]>) -> Option<String> {
    if !decision["approved"].is_boolean() {
        return Some("\"approved\" must be true or false".into());
    }
    let by = match decision["by"].as_str() {
        Some(by) if !by.is_empty() => by,
        _ => return Some("\"by\" must name who decided".into()),
    };
    match approvers {
        Some(names) if !names.iter().any(|n| n.as_str() == Some(by)) => Some(format!("{} is not one of the approvers", by)),
        _ => None,
    }
}

fn output(subject: &str, approved: Value, by: Value, comment: Value, waited_ms: i64, ignored: u32) {
    let summary = json!({
        "subject": subject, "approved": approved, "by": by, "comment": comment,
        "waited_ms": waited_ms, "ignored": ignored,
    });
    mvmci::output(mvmci::serde_json::to_vec(&summary).unwrap_or_default());
}

mvmci::workflow!(main);

#[cfg(test)]
mod tests {
    use super::problem;
    use mvmci::serde_json::json;

    #[test]
    fn a_decision_needs_a_verdict_and_a_name_on_the_list() {
        let list = [json!("ada")];
        assert_eq!(problem(&json!({"approved": true, "by": "ada"}), Some(&list)), None);
        assert_eq!(problem(&json!({"approved": false, "by": "ada"}), None), None);
        assert_eq!(problem(&json!({"approved": "yes", "by": "ada"}), None).unwrap(), "\"approved\" must be true or false");
        assert_eq!(problem(&json!({"approved": true}), None).unwrap(), "\"by\" must name who decided");
        assert_eq!(problem(&json!({"approved": true, "by": "eve"}), Some(&list)).unwrap(), "eve is not one of the approvers");
    }
}
