// Signals and child jobs: host ABI version 3 (workflows/README.md, "Signals and child jobs").
//
// A workflow that calls anything here imports version 3's host functions, so it re-exports
// `mvmci_abi_v3` instead of `mvmci_abi_v1` or `mvmci_abi_v2` (build-workflow.sh checks this). The
// compiler leaves out imports that nothing calls, so a workflow that uses none of these stays a
// version 1 (or 2) module.
//
// Each call is a step of the run's history, like an HTTP request:
//   - awaitSignal records the wait's deadline the first time it is reached (a resumed run keeps it),
//     then the signal it took or its timeout. Signals of one name are taken in the order they
//     arrived, each once per execution of the run. While there is nothing to take, the job is
//     Waiting: its run gives its slot back and is resumed, on any node, by replaying its history,
//     when a signal of that name arrives or the deadline passes.
//   - spawnJob submits a child job exactly once: a replayed run gets the same child's id.
//   - awaitJob records a child's outcome once the child has finished; until then the job is
//     Waiting for it.
// A child that is not detached is cancelled when its parent ends, whatever the parent's outcome.
import * as host from "./host";
import { Json, quote } from "./json";
import { takeAll } from "./result";

/** A concurrency group's policies (JobRequest.concurrencyPolicy), as the jobs API names them. */
export const CONCURRENCY_QUEUE = "queue";
export const CONCURRENCY_CANCEL_IN_PROGRESS = "cancel_in_progress";
export const CONCURRENCY_SKIP = "skip";

/** `awaitSignal`'s timeout for a wait without one. */
export const NO_TIMEOUT: i64 = -1;

/** Waits for the next signal named `name` (1-128 letters, digits, `.`, `_`, `:` or `-`; another name
 *  traps) and returns its payload as the JSON text it was sent with, or null when `timeoutMs` passed
 *  first. `timeoutMs` < 0: no timeout; 0: take a signal only if one is there already. */
export function awaitSignalText(name: string, timeoutMs: i64 = NO_TIMEOUT): string | null {
  const buf = String.UTF8.encode(name);
  const code = host.await_signal(changetype<usize>(buf), buf.byteLength, timeoutMs);
  const payload = String.UTF8.decode(takeAll());
  return code == 0 ? payload : null;
}

/** `awaitSignalText`, with the payload parsed: null on a timeout (a payload `null` is `Json.nil()`).
 *  Fails the run if the payload is not JSON (the jobs API accepts only JSON). */
export function awaitSignal(name: string, timeoutMs: i64 = NO_TIMEOUT): Json | null {
  const text = awaitSignalText(name, timeoutMs);
  if (text === null) return null;
  const v = Json.parse(text);
  if (v === null) {
    const message = "signal \"" + name + "\" carries a payload that is not JSON: " + Json.lastError;
    const m = String.UTF8.encode(message);
    host.fail(changetype<usize>(m), m.byteLength);
    unreachable();
  }
  return v;
}

/** A child job's final status, as `awaitJob` returns it. */
export enum JobStatus {
  Completed = 0,
  Failed = 1,
  Cancelled = 2,
  /** The id names no child of this job (or no job at all). */
  NotAChild = -1,
}

/** What `awaitJob` found: the child's status, its output (if it set one) and its error (if it did
 *  not complete). */
export class JobOutcome {
  constructor(
    public jobId: string,
    public status: JobStatus,
    public output: Json | null,
    public error: string | null,
  ) {}

  get ok(): bool { return this.status == JobStatus.Completed; }

  /** "Completed", "Failed", "Cancelled" or "NotAChild". */
  get statusName(): string {
    if (this.status == JobStatus.Completed) return "Completed";
    if (this.status == JobStatus.Failed) return "Failed";
    if (this.status == JobStatus.Cancelled) return "Cancelled";
    return "NotAChild";
  }
}

/** Either a child's id or the host's reason for refusing it: AssemblyScript has no exceptions. */
export class SpawnResult {
  constructor(public jobId: string | null, public refusal: string | null) {}
  get ok(): bool { return this.refusal === null; }
}

/** A child job to submit: the body of `POST /api/v1/jobs` (workflow, input and options) plus
 *  `detached`. Unset options take the jobs API's defaults. */
export class JobRequest {
  private priorityValue: i32 = 0;
  private hasPriority: bool = false;
  private maxAttemptsValue: i32 = 0;
  private timeoutMsValue: i64 = -1;
  private runAtValue: string | null = null;
  private moduleSha256Value: string | null = null;
  private isDetached: bool = false;
  private labelsValue: string[] | null = null;
  private concurrencyKeyValue: string | null = null;
  private concurrencyLimitValue: i32 = 0;
  private concurrencyPolicyValue: string | null = null;

  /** `input` is the child's input, a JSON object by convention. */
  constructor(public workflow: string, public input: Json) {}

  priority(p: i32): JobRequest { this.priorityValue = p; this.hasPriority = true; return this; }
  /** How many times the child may be attempted (the API's default when not set). */
  maxAttempts(n: i32): JobRequest { this.maxAttemptsValue = n; return this; }
  /** The child's wall-clock limit per attempt. */
  timeout(ms: i64): JobRequest { this.timeoutMsValue = ms; return this; }
  /** When the child may start: an ISO-8601 instant such as 2030-01-01T00:00:00Z. */
  runAt(instant: string): JobRequest { this.runAtValue = instant; return this; }
  /** Pins the child to this version of its workflow (the module's sha-256). */
  moduleSha256(sha256: string): JobRequest { this.moduleSha256Value = sha256; return this; }
  /** A detached child outlives its parent; one that is not (the default) is cancelled when the
   *  parent ends. */
  detached(yes: bool = true): JobRequest { this.isDetached = yes; return this; }
  /** Labels a worker must all have to run the child (README, "Worker labels"): ["gpu", "arm64"]. */
  labels(labels: string[]): JobRequest { this.labelsValue = labels; return this; }
  /** Puts the child in concurrency group `key`, at most `limit` of its jobs holding a slot at once
   *  (README, "Concurrency groups"). */
  concurrency(key: string, limit: i32 = 1): JobRequest {
    this.concurrencyKeyValue = key;
    this.concurrencyLimitValue = limit;
    return this;
  }
  /** When the group is full: CONCURRENCY_QUEUE (the API's default), CONCURRENCY_CANCEL_IN_PROGRESS
   *  or CONCURRENCY_SKIP. */
  concurrencyPolicy(policy: string): JobRequest { this.concurrencyPolicyValue = policy; return this; }

  /** The request as the JSON passed to `spawn_job`: same request, same bytes (the history compares
   *  them on replay). */
  toJson(): string {
    let s = "{\"workflow\":" + quote(this.workflow) + ",\"input\":" + this.input.toString();
    if (this.hasPriority) s += ",\"priority\":" + this.priorityValue.toString();
    if (this.maxAttemptsValue > 0) s += ",\"max_attempts\":" + this.maxAttemptsValue.toString();
    if (this.timeoutMsValue >= 0) s += ",\"timeout_ms\":" + this.timeoutMsValue.toString();
    const runAt = this.runAtValue;
    if (runAt !== null) s += ",\"run_at\":" + quote(runAt);
    const sha = this.moduleSha256Value;
    if (sha !== null) s += ",\"module_sha256\":" + quote(sha);
    if (this.isDetached) s += ",\"detached\":true";
    const labels = this.labelsValue;
    if (labels !== null && labels.length > 0) {
      s += ",\"labels\":[";
      for (let i = 0; i < labels.length; i++) s += (i > 0 ? "," : "") + quote(labels[i]);
      s += "]";
    }
    const key = this.concurrencyKeyValue;
    if (key !== null) s += ",\"concurrency_key\":" + quote(key) + ",\"concurrency_limit\":" + this.concurrencyLimitValue.toString();
    const policy = this.concurrencyPolicyValue;
    if (policy !== null) s += ",\"concurrency_policy\":" + quote(policy);
    return s + "}";
  }

  /** Submits the child, exactly once: a replayed run gets the id of the child it spawned before. */
  spawn(): SpawnResult {
    const json = String.UTF8.encode(this.toJson());
    const code = host.spawn_job(changetype<usize>(json), json.byteLength);
    const answer = String.UTF8.decode(takeAll());
    if (code != 0) return new SpawnResult(null, answer.length > 0 ? answer : "refused (code " + code.toString() + ")");
    const v = Json.parse(answer);
    const id = v === null ? "" : v.getString("job_id", "");
    if (id.length == 0) return new SpawnResult(null, "spawn_job answered without a job id: " + answer);
    return new SpawnResult(id, null);
  }
}

/** Submits a child job running `workflow` with `input` and the API's default options. */
export function spawnJob(workflow: string, input: Json): SpawnResult {
  return new JobRequest(workflow, input).spawn();
}

/** Waits for child `jobId` to finish and returns its outcome. While the child runs, the job is
 *  Waiting and its run gives its slot back; the outcome is recorded once, so a replayed run gets
 *  the same one. */
export function awaitJob(jobId: string): JobOutcome {
  const buf = String.UTF8.encode(jobId);
  const code = host.await_job(changetype<usize>(buf), buf.byteLength);
  const text = String.UTF8.decode(takeAll());
  const v = Json.parse(text);
  const status = code == 0 || code == 1 || code == 2 ? <JobStatus>code : JobStatus.NotAChild;
  if (v === null || !v.isObject) {
    return new JobOutcome(jobId, status, null, "await_job answered with text that is not a JSON object: " + text);
  }
  const error = v.get("error");
  return new JobOutcome(jobId, status, v.get("output"), error !== null && error.isString ? error.asString("") : null);
}
