//! nightly: a job meant to run every night from a schedule. It calls a list of URLs (health checks,
//! say), times each, outputs a summary dated by the run's recorded clock, and can post that summary
//! to a URL (a chat hook, a dashboard).
//!
//! Input:
//! ```json
//! {"checks": [{"name": "api", "url": "https://api.example.com/health", "expect": 200}],
//!  "report_url": "https://hooks.example.com/nightly", "pause_ms": 0, "fail_on_error": false}
//! ```
//! `expect` (optional) is the status a check wants (any 2xx when absent); `report_url` (optional)
//! receives the summary as a POST; `pause_ms` (default 0) is a durable sleep between two checks;
//! `fail_on_error` (default false) fails the run, retryably, when a check failed.
//!
//! Output: `{"date": "2026-12-04", "started_at", "checks": [{"name", "url", "status", "ok", "ms",
//! "error"}], "ok", "failed"}`. `status` is null and `error` says why when a check got no response.
//!
//! Failures: invalid input fails terminally (ABI version 2's `fail_with`: no retry would do better).
//! A report that gets no 2xx fails the run retryably; the job's next execution runs the checks and
//! posts again. A report cut off by a crash (its POST in flight, so it may have arrived) is not
//! sent again: the run logs a warning and completes.
//!
//! Running it every night: schedules are a feature of the node (`POST /api/v1/schedules`), not of the
//! workflow; each firing submits the schedule's `job`:
//! ```text
//! curl -X POST http://localhost:3020/api/v1/schedules -H 'Content-Type: application/json' -d '{
//!   "id": "nightly-checks", "cron": "0 3 * * *", "time_zone": "Europe/Paris",
//!   "job": {"workflow": "nightly", "input": {"checks": [{"name": "api", "url": "https://api.example.com/health"}]}},
//!   "overlap": "skip", "catch_up": "last"}'
//! ```
//! `overlap: skip` leaves a night out while the previous run is still going; `catch_up: last` runs
//! once for the nights a stopped cluster missed, not once per night.

use std::time::Duration;

use mvmci::http::{ErrorKind, Request};
use mvmci::serde_json::{json, Value};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    checks: Vec<Check>,
    #[serde(default)]
    report_url: Option<String>,
    #[serde(default)]
    pause_ms: u64,
    #[serde(default)]
    fail_on_error: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    name: String,
    url: String,
    #[serde(default)]
    expect: Option<u16>,
}

fn main() {
    let input: Input = match mvmci::input_json() {
        Ok(input) => input,
        Err(e) => mvmci::fail_terminal(e.to_string()),
    };
    let started = mvmci::now_ms();
    let date = civil_date(started);
    let n = input.checks.len();
    mvmci::info(&format!("nightly {}: {} checks", date, n));

    let mut results = Vec::with_capacity(n);
    let mut failed = 0;
    for (i, check) in input.checks.iter().enumerate() {
        if i > 0 && input.pause_ms > 0 {
            mvmci::sleep(Duration::from_millis(input.pause_ms));
        }
        mvmci::progress((i * 100 / n.max(1)) as u32, &format!("{} ({} of {})", check.name, i + 1, n));
        let t0 = mvmci::now_ms();
        let response = Request::get(&check.url).timeout(Duration::from_secs(10)).send();
        let ms = mvmci::now_ms() - t0;
        let (status, ok, error) = match response {
            Ok(r) => {
                let ok = check.expect.map_or((200..300).contains(&r.status), |want| r.status == want);
                (json!(r.status), ok, if ok { Value::Null } else { json!(format!("HTTP {}", r.status)) })
            }
            Err(e) => (Value::Null, false, json!(e.to_string())),
        };
        if ok {
            mvmci::info(&format!("{}: ok in {} ms", check.name, ms));
        } else {
            failed += 1;
            mvmci::warn(&format!("{}: {}", check.name, error.as_str().unwrap_or("failed")));
        }
        results.push(json!({"name": check.name, "url": check.url, "status": status, "ok": ok, "ms": ms, "error": error}));
    }
    let summary = json!({
        "date": date, "started_at": started, "checks": results, "ok": n - failed, "failed": failed,
    });
    let body = mvmci::serde_json::to_string(&summary).unwrap_or_default();
    mvmci::output(&body);
    mvmci::progress(100, &format!("{} of {} checks ok", n - failed, n));

    if let Some(url) = &input.report_url {
        let sent = Request::post(url)
            .header("content-type", "application/json")
            .header("idempotency-key", &format!("nightly-{}-{}", date, started))
            .body(body)
            .send();
        match sent {
            Ok(r) if (200..300).contains(&r.status) => mvmci::info(&format!("report posted: HTTP {}", r.status)),
            Ok(r) => mvmci::fail(&format!("posting the report to {} failed: HTTP {}", url, r.status)),
            Err(e) if e.kind == ErrorKind::Interrupted => {
                mvmci::warn(&format!("the report to {} was cut off by a crash; not sending it twice", url))
            }
            Err(e) => mvmci::fail(&format!("posting the report to {} failed: {}", url, e)),
        }
    }
    if input.fail_on_error && failed > 0 {
        mvmci::fail(&format!("{} of {} checks failed", failed, n));
    }
}

/// The UTC calendar date of `epoch_ms`, as `YYYY-MM-DD` (Howard Hinnant's days-to-civil).
fn civil_date(epoch_ms: i64) -> String {
    let days = epoch_ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{:04}-{:02}-{:02}", year, month, day)
}

mvmci::workflow!(main);

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(86_399_999), "1970-01-01");
        assert_eq!(civil_date(951_782_400_000), "2000-02-29");
        assert_eq!(civil_date(1_796_342_400_000), "2026-12-04");
        assert_eq!(civil_date(-1), "1969-12-31");
    }
}
