// A CI-style pipeline: runs steps in order, each one HTTP call, retrying a flaky step with
// exponential backoff and durable sleeps, and stops at the first step that fails for good.
//
// Input:
//   {"steps": [{"name": "checkout", "url": "http://ci.example/checkout"},
//              {"name": "deploy", "url": "http://ci.example/deploy", "method": "POST",
//               "body": "{...}", "headers": {"content-type": "application/json"},
//               "retries": 0, "idempotent": false}],
//    "retries": 3, "backoff_ms": 100}
//
// `retries` (default 3) and `backoff_ms` (default 100) apply to every step unless the step sets
// its own. A step succeeds on a 2xx response. A transport error, 408, 425, 429 or 5xx is retried
// after backoff_ms × 2^(attempt−1) (at most 60 s) of durable sleep; any other status, a denied
// request, or a non-idempotent request interrupted by a crash fails the step at once (sending it
// again might do its work twice). GET, HEAD, PUT and DELETE steps are idempotent unless they say
// otherwise; POST steps are not unless they say so.
//
// Output: {"ok": true|false, "failed_step": null|"name", "steps": [{"name", "outcome":
// "succeeded"|"failed"|"skipped", "status": <last HTTP status or null>, "attempts",
// "duration_ms", "error": <reason or null>}, ...]}. When a step fails the output is set and the
// run then fails with the reason, e.g. `step "build" failed after 4 attempts: HTTP 503`.
//
// Which failures are terminal (ABI version 2's fail_with: the job ends Failed and is not retried,
// whatever its retry policy) and which leave the retry to the job's policy:
//
//   - terminal: a non-idempotent request that comes back INTERRUPTED (it was in flight when the
//     run's node died, and may have done its work: a retry of the job would send it again); a
//     status that is not retried (any 1xx, 3xx or 4xx but 408, 425 and 429); a DENIED request; a
//     response the SDK cannot read; and invalid input. Another execution would fail the same way,
//     or do harm.
//   - retryable: a step that exhausted its retries on transport errors, 408, 425, 429 or 5xx. The
//     service was unavailable for the whole backoff; a later execution of the job (a fresh start,
//     which sends every step again) may find it back, and the job's retry policy decides.
import { Json, Request, HttpResult, ErrorKind, fail, failTerminal, info, input, nowMs, outputJson, progress, sleep, warn } from "../sdk/assemblyscript/assembly";
// ABI version 2: the pipeline fails terminally with failTerminal (the host's fail_with).
export { mvmci_abi_v2 } from "../sdk/assemblyscript/assembly";

const MAX_BACKOFF_MS: i64 = 60_000;

class Step {
  name: string = "";
  request: Request = Request.get("");
  retries: i32 = 0;
  backoffMs: i64 = 0;
}

/** One attempt's verdict. */
class Attempt {
  constructor(public status: i32, public error: string | null, public retryable: bool) {}
}

export function run(): void {
  const given = Json.parse(input());
  if (given === null) {
    failTerminal("input is not valid JSON: " + Json.lastError);
    return;
  }
  const steps = parseSteps(given);
  const summaries = new Array<Json>();
  let failure: string | null = null;
  let failedStep: string | null = null;
  let terminal = false;

  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const label = "step " + (i + 1).toString() + "/" + steps.length.toString() + " " + step.name;
    const summary = Json.object().set("name", Json.text(step.name));
    summaries.push(summary);
    if (failure !== null) {
      summary.set("outcome", Json.text("skipped")).set("status", Json.nil()).set("attempts", Json.number(0))
        .set("duration_ms", Json.number(0)).set("error", Json.nil());
      continue;
    }
    const started = nowMs();
    let attempt = 0;
    let last = new Attempt(0, null, false);
    while (true) {
      attempt++;
      progress(i * 100 / steps.length, label + (attempt > 1 ? ": attempt " + attempt.toString() : ""));
      last = judge(step.request.send());
      if (last.error === null || !last.retryable || attempt > step.retries) break;
      const backoff = backoffFor(step.backoffMs, attempt);
      warn(label + ": attempt " + attempt.toString() + " failed (" + last.error! + "), retrying in " + backoff.toString() + " ms");
      sleep(backoff);
    }
    const error = last.error;
    summary.set("outcome", Json.text(error === null ? "succeeded" : "failed"))
      .set("status", last.status > 0 ? Json.number(last.status) : Json.nil())
      .set("attempts", Json.number(attempt))
      .set("duration_ms", Json.number(<f64>(nowMs() - started)))
      .set("error", Json.textOrNil(error));
    if (error !== null) {
      failedStep = step.name;
      failure = "step \"" + step.name + "\" failed after " + attempt.toString() + (attempt == 1 ? " attempt: " : " attempts: ") + error;
      // Not retryable: another execution cannot mend it, or must not send it again.
      terminal = !last.retryable;
    } else {
      info(label + ": HTTP " + last.status.toString() + " after " + attempt.toString() + " attempt(s)");
    }
  }

  const result = Json.object()
    .set("ok", Json.flag(failure === null))
    .set("failed_step", Json.textOrNil(failedStep));
  const list = Json.array();
  for (let i = 0; i < summaries.length; i++) list.push(summaries[i]);
  result.set("steps", list);
  outputJson(result);
  if (failure !== null) {
    if (terminal) failTerminal(failure);
    else fail(failure);
    return;
  }
  progress(100, "pipeline succeeded: " + steps.length.toString() + " steps");
}

/** `retryable`: the step may be tried again (by the step's retries, or by another execution of
 *  the job); a failure that is not ends the run terminally. */
function judge(r: HttpResult): Attempt {
  const error = r.error;
  if (error !== null) {
    // Only transport errors are retried. A non-idempotent request cut off by a crash
    // (Interrupted) may already have done its work: neither the step nor the job sends it again.
    return new Attempt(0, error.toString(), error.kind == ErrorKind.Transport);
  }
  const status = r.response!.status;
  if (status >= 200 && status < 300) return new Attempt(status, null, false);
  const retryable = status == 408 || status == 425 || status == 429 || status >= 500;
  return new Attempt(status, "HTTP " + status.toString(), retryable);
}

function backoffFor(baseMs: i64, attempt: i32): i64 {
  let ms = baseMs;
  for (let i = 1; i < attempt && ms < MAX_BACKOFF_MS; i++) ms *= 2;
  return min(ms, MAX_BACKOFF_MS);
}

function parseSteps(input: Json): Array<Step> {
  const given = input.get("steps");
  if (given === null || !given.isArray || given.length == 0) {
    failTerminal("input must have \"steps\": a non-empty array of {\"name\", \"url\"}");
    unreachable();
  }
  const list = given!;
  const retries = input.getNumber("retries", 3);
  const backoff = input.getNumber("backoff_ms", 100);
  const steps = new Array<Step>();
  for (let i = 0; i < list.length; i++) {
    const s = list.at(i)!;
    const name = s.getString("name", "step " + (i + 1).toString());
    const url = s.getString("url", "");
    if (url.length == 0) {
      failTerminal("step \"" + name + "\" has no \"url\"");
      unreachable();
    }
    const step = new Step();
    step.name = name;
    step.retries = <i32>max(s.getNumber("retries", retries), 0);
    step.backoffMs = <i64>max(s.getNumber("backoff_ms", backoff), 0);
    const request = new Request(s.getString("method", "GET"), url);
    const headers = s.get("headers");
    if (headers !== null) {
      const names = headers.keyList();
      for (let h = 0; h < names.length; h++) request.header(names[h], headers.getString(names[h], ""));
    }
    const body = s.get("body");
    if (body !== null && body.isString) request.withBody(body.asString(""));
    const idempotent = s.get("idempotent");
    if (idempotent !== null && idempotent.isBool) request.idempotent(idempotent.asBool(false));
    step.request = request;
    steps.push(step);
  }
  return steps;
}
