// approval: an approval gate. The job waits, without holding a worker's slot, until someone decides,
// and ends Completed when approved, Failed (terminally) when rejected or when nobody decided in time.
//
// Input: {"subject": "deploy 1.4 to production", "timeout_ms": 86400000, "approvers": ["ada", "bob"]}
//   `subject` (optional) names what is approved, for the log and the output. `timeout_ms` (optional)
//   bounds the wait; without it the job waits until a decision comes. `approvers` (optional) lists
//   who may decide; a decision by anyone else is ignored (with a warning), as is a malformed one.
//
// The decision is a signal named "decision" whose payload is {"approved": true|false, "by": "ada",
// "comment": "..."} ("comment" optional), sent with
//   curl -X POST http://localhost:3020/api/v1/jobs/$id/signals/decision \
//        -H 'Content-Type: application/json' -d '{"approved": true, "by": "ada"}'
// One signal name for both answers keeps the gate to one wait: a decision that arrives is taken,
// in arrival order, whether it approves or rejects.
//
// Output: {"subject", "approved", "by", "comment", "waited_ms", "ignored"}: who decided, what, how
//   long the job waited (by the recorded clock), and how many signals were ignored. Set before a
//   failure too.
// Fails terminally (no retry: another execution would wait all over again):
//   - "rejected by bob: not on a Friday" when the decision rejects;
//   - "no decision within 86400000 ms" when the timeout passes first;
//   - on input that is not what is described above.
//
// History: now_ms, a log line and a progress report, then per wait two await_signal steps (the
// wait's deadline, then the signal or the timeout), now_ms, and a warn line for an ignored signal. A resumed run replays them, so it keeps
// the deadline the first wait recorded and takes the next signal, not one it took before.
import { Json, awaitSignalText, failTerminal, info, input as inputText, nowMs, outputJson, progress, warn } from "../sdk/assemblyscript/assembly";
export { mvmci_abi_v3 } from "../sdk/assemblyscript/assembly";

export function run(): void {
  const parsed = Json.parse(inputText());
  if (parsed === null || !parsed.isObject) { failTerminal("input must be a JSON object"); return; }
  const input = parsed;
  const subject = input.getString("subject", "");
  const timeout = input.get("timeout_ms");
  let timeoutMs: i64 = -1;
  if (timeout !== null) {
    const t = timeout.asNumber(-1);
    if (!timeout.isNumber || t < 0 || t != Math.floor(t)) { failTerminal("\"timeout_ms\" must be a whole number of milliseconds, 0 or more"); return; }
    timeoutMs = <i64>t;
  }
  const approvers = input.get("approvers");
  if (approvers !== null && !approvers.isArray) { failTerminal("\"approvers\" must be an array of names"); return; }

  const started = nowMs();
  info("waiting for a decision" + (subject.length > 0 ? " on " + subject : "") +
    (timeoutMs < 0 ? "" : " for up to " + timeoutMs.toString() + " ms"));
  progress(0, "waiting for a decision");
  let ignored = 0;
  let now = started;
  while (true) {
    // Every wait ends at the first one's deadline: what is left of the timeout, by the recorded clock.
    const left: i64 = timeoutMs < 0 ? -1 : max<i64>(timeoutMs - (now - started), 0);
    const payload = awaitSignalText("decision", left);
    if (payload === null) {
      outputJson(summary(subject, Json.flag(false), Json.nil(), Json.nil(), nowMs() - started, ignored));
      failTerminal("no decision within " + timeoutMs.toString() + " ms");
      return;
    }
    // A payload that is not JSON cannot come through the jobs API; treat it as a malformed decision.
    const parsed = Json.parse(payload);
    const decision = parsed !== null ? parsed : Json.text(payload);
    const approved = decision.get("approved");
    const by = decision.get("by");
    const why = problem(approved, by, approvers);
    if (why.length == 0) {
      const comment = decision.get("comment");
      const text = comment !== null && comment.isString ? comment : Json.nil();
      const waited = nowMs() - started;
      outputJson(summary(subject, approved!, by!, text, waited, ignored));
      const name = by!.asString("");
      if (!approved!.asBool(false)) {
        failTerminal("rejected by " + name + (text.isString ? ": " + text.asString("") : ""));
        return;
      }
      info("approved by " + name);
      progress(100, "approved by " + name);
      return;
    }
    ignored++;
    warn("ignored a decision: " + why + ": " + decision.toString());
    now = nowMs();
  }
}

/** Why a decision cannot be taken, or "" when it can. */
function problem(approved: Json | null, by: Json | null, approvers: Json | null): string {
  if (approved === null || !approved.isBool) return "\"approved\" must be true or false";
  if (by === null || !by.isString || by.asString("").length == 0) return "\"by\" must name who decided";
  if (approvers === null) return "";
  const name = by.asString("");
  for (let i = 0; i < approvers.length; i++) {
    if (approvers.at(i)!.asString("") == name) return "";
  }
  return name + " is not one of the approvers";
}

function summary(subject: string, approved: Json, by: Json, comment: Json, waitedMs: i64, ignored: i32): Json {
  return Json.object()
    .set("subject", Json.text(subject))
    .set("approved", approved)
    .set("by", by)
    .set("comment", comment)
    .set("waited_ms", Json.number(<f64>waitedMs))
    .set("ignored", Json.number(ignored));
}
