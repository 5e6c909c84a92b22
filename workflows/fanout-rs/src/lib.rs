//! fanout-rs: fan-out/fan-in, the Rust twin of `fanout/fanout.ts` (same input, output, failures and
//! history). Spawns one child job per input, then waits for each to finish, and outputs a summary of
//! their outcomes. While a child runs, this job is Waiting and holds no worker's slot.
//!
//! Input: `{"workflow": "echo", "inputs": [{...}, ...], "detached": false, "require_all": false}`, or
//! `{"workflow": "echo", "children": 3}` (the children's inputs are then `{"index": 0}`, ...). At most
//! 1000 children. Children that are not `detached` are cancelled when this job ends, however it ends.
//!
//! Output: `{"workflow", "children": [{"job_id", "status", "output"?, "error"?}], "completed",
//! "failed", "cancelled"}`. With `require_all`, fails (retryably) unless every child completed.
//! Fails terminally on invalid input and when the host refuses a child.

use mvmci::serde_json::{json, Map, Value};
use mvmci::{JobOptions, JobStatus};

const MAX_CHILDREN: usize = 1000;

fn main() {
    let input: Value = mvmci::input_json().unwrap_or(Value::Null);
    let workflow = match input["workflow"].as_str() {
        Some(w) if !w.is_empty() => w.to_owned(),
        _ => mvmci::fail_terminal("input needs \"workflow\": the workflow every child runs"),
    };
    let inputs: Vec<Value> = match (&input["inputs"], &input["children"]) {
        (Value::Array(given), _) => given.clone(),
        (_, Value::Number(n)) if n.as_f64().map_or(false, |n| n >= 0.0 && n.fract() == 0.0) => {
            let n = n.as_f64().unwrap_or(0.0).min((MAX_CHILDREN + 1) as f64) as usize;
            (0..n).map(|i| json!({ "index": i })).collect()
        }
        _ => mvmci::fail_terminal(
            "input needs \"inputs\" (an array of the children's inputs) or \"children\" (a whole number)"),
    };
    let n = inputs.len();
    if n > MAX_CHILDREN {
        mvmci::fail_terminal(format!("at most {} children, not {}", MAX_CHILDREN, n));
    }
    let detached = input["detached"].as_bool().unwrap_or(false);
    let require_all = input["require_all"].as_bool().unwrap_or(false);

    mvmci::info(&format!("spawning {} {} children{}", n, workflow, if detached { " (detached)" } else { "" }));
    let options = JobOptions::new().detached(detached);
    let mut ids = Vec::with_capacity(n);
    for (i, child_input) in inputs.iter().enumerate() {
        match mvmci::spawn_job(&workflow, child_input, &options) {
            Ok(id) => ids.push(id),
            Err(e) => {
                output(&workflow, &ids, &[], [0, 0, 0]);
                let reason = e.to_string();
                let reason = reason.split_once(" refused: ").map_or(reason.as_str(), |(_, r)| r);
                mvmci::fail_terminal(format!("child {} of {} refused: {}", i + 1, n, reason));
            }
        }
    }

    let mut children = Vec::with_capacity(n);
    let mut counts = [0u32; 3]; // completed, failed, cancelled
    mvmci::progress(0, &format!("0 of {} children finished", n));
    for (i, id) in ids.iter().enumerate() {
        let outcome = match mvmci::await_job(id) {
            Ok(outcome) => outcome,
            Err(e) => {
                output(&workflow, &ids, &children, counts);
                mvmci::fail_terminal(e.to_string());
            }
        };
        let (status, slot) = match outcome.status {
            JobStatus::Completed => ("Completed", 0),
            JobStatus::Failed => ("Failed", 1),
            JobStatus::Cancelled => ("Cancelled", 2),
        };
        counts[slot] += 1;
        let mut child = Map::new();
        child.insert("job_id".into(), json!(id));
        child.insert("status".into(), json!(status));
        if let Some(out) = outcome.output {
            child.insert("output".into(), out);
        }
        if let Some(error) = outcome.error {
            child.insert("error".into(), json!(error));
        }
        children.push(Value::Object(child));
        mvmci::progress(((i + 1) * 100 / n) as u32, &format!("{} of {} children finished", i + 1, n));
    }
    output(&workflow, &ids, &children, counts);
    if require_all && (counts[0] as usize) < n {
        mvmci::fail(&format!("{} of {} children did not complete", n - counts[0] as usize, n));
    }
}

/// The children that finished, then those spawned and not awaited yet (status "Spawned").
fn output(workflow: &str, ids: &[String], children: &[Value], [completed, failed, cancelled]: [u32; 3]) {
    let mut list = children.to_vec();
    list.extend(ids[children.len()..].iter().map(|id| json!({"job_id": id, "status": "Spawned"})));
    let summary = json!({
        "workflow": workflow, "children": list,
        "completed": completed, "failed": failed, "cancelled": cancelled,
    });
    mvmci::output(mvmci::serde_json::to_vec(&summary).unwrap_or_default());
}

mvmci::workflow!(main);
