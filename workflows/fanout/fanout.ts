// fanout: fan-out/fan-in. Spawns one child job per input, then waits for each to finish, and outputs
// a summary of their outcomes. While a child runs, this job is Waiting and holds no worker's slot.
//
// Input: {"workflow": "echo", "inputs": [{...}, {...}], "detached": false, "require_all": false}
//    or {"workflow": "echo", "children": 3}   (the children's inputs are then {"index": 0}, {"index": 1}, ...)
//   `workflow` is what every child runs; `inputs` their inputs, one child each (at most 1000).
//   `detached` (default false): children that outlive this job. Children that are not detached are
//   cancelled when this job ends, however it ends (cancelled, failed, completed).
//   `require_all` (default false): fail (retryably) unless every child completed.
//
// Output: {"workflow", "children": [{"job_id", "status", "output"?, "error"?}], "completed", "failed",
//   "cancelled"}, the children in the order they were spawned; `status` is Completed, Failed or
//   Cancelled (Spawned for a child not awaited when the run failed). With `require_all` and a child that did not complete, the run fails with
//   "2 of 5 children did not complete" after setting that output.
// Fails terminally on invalid input and when the host refuses a child ("child 2 of 5 refused:
// unknown workflow ..."): no other execution would do better. The children spawned before are then
// cancelled with this job (unless detached).
//
// History: per child a spawn_job step (its id: a resumed run gets the same child, never a second
// one), then per child an await_job step (recorded once the child has finished) and a progress report.
import { Json, JobRequest, JobStatus, awaitJob, fail, failTerminal, info, input as inputText, outputJson, progress } from "../sdk/assemblyscript/assembly";
export { mvmci_abi_v3 } from "../sdk/assemblyscript/assembly";

const MAX_CHILDREN = 1000;

export function run(): void {
  const parsed = Json.parse(inputText());
  const input = parsed !== null ? parsed : Json.nil();
  const workflow = input.getString("workflow", "");
  if (workflow.length == 0) { failTerminal("input needs \"workflow\": the workflow every child runs"); return; }
  const inputs = Json.array();
  const given = input.get("inputs");
  const count = input.get("children");
  if (given !== null && given.isArray) {
    for (let i = 0; i < given.length; i++) inputs.push(given.at(i)!);
  } else if (count !== null && count.isNumber && count.asNumber(0) >= 0 && count.asNumber(0) == Math.floor(count.asNumber(0))) {
    const n = <i32>min(count.asNumber(0), <f64>(MAX_CHILDREN + 1));
    for (let i = 0; i < n; i++) inputs.push(Json.object().set("index", Json.number(i)));
  } else {
    failTerminal("input needs \"inputs\" (an array of the children's inputs) or \"children\" (a whole number)");
    return;
  }
  const n = inputs.length;
  if (n > MAX_CHILDREN) { failTerminal("at most " + MAX_CHILDREN.toString() + " children, not " + n.toString()); return; }
  const detached = input.getBool("detached", false);
  const requireAll = input.getBool("require_all", false);

  info("spawning " + n.toString() + " " + workflow + " children" + (detached ? " (detached)" : ""));
  const ids = new Array<string>();
  for (let i = 0; i < n; i++) {
    const spawned = new JobRequest(workflow, inputs.at(i)!).detached(detached).spawn();
    if (!spawned.ok) {
      outputJson(summary(workflow, ids, new Array<Json>(), 0, 0, 0));
      failTerminal("child " + (i + 1).toString() + " of " + n.toString() + " refused: " + spawned.refusal!);
      return;
    }
    ids.push(spawned.jobId!);
  }

  const children = new Array<Json>();
  let completed = 0, failed = 0, cancelled = 0;
  progress(0, "0 of " + n.toString() + " children finished");
  for (let i = 0; i < n; i++) {
    const outcome = awaitJob(ids[i]);
    const child = Json.object().set("job_id", Json.text(ids[i])).set("status", Json.text(outcome.statusName));
    const output = outcome.output;
    if (output !== null) child.set("output", output);
    const error = outcome.error;
    if (error !== null) child.set("error", Json.text(error));
    children.push(child);
    if (outcome.status == JobStatus.Completed) completed++;
    else if (outcome.status == JobStatus.Failed) failed++;
    else if (outcome.status == JobStatus.Cancelled) cancelled++;
    else {
      outputJson(summary(workflow, ids, children, completed, failed, cancelled));
      failTerminal("await_job " + ids[i] + ": " + (error !== null ? error : "not a child of this job"));
      return;
    }
    progress((i + 1) * 100 / n, (i + 1).toString() + " of " + n.toString() + " children finished");
  }
  outputJson(summary(workflow, ids, children, completed, failed, cancelled));
  if (requireAll && completed < n) {
    fail((n - completed).toString() + " of " + n.toString() + " children did not complete");
  }
}

/** The children that finished (`children`), then those spawned and not awaited yet (`ids` beyond). */
function summary(workflow: string, ids: Array<string>, children: Array<Json>, completed: i32, failed: i32, cancelled: i32): Json {
  const list = Json.array();
  for (let i = 0; i < children.length; i++) list.push(children[i]);
  for (let i = children.length; i < ids.length; i++) {
    list.push(Json.object().set("job_id", Json.text(ids[i])).set("status", Json.text("Spawned")));
  }
  return Json.object()
    .set("workflow", Json.text(workflow))
    .set("children", list)
    .set("completed", Json.number(completed))
    .set("failed", Json.number(failed))
    .set("cancelled", Json.number(cancelled));
}
