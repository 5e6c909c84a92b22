// Guest SDK for mvm-ci workflows in AssemblyScript: host ABI versions 1 to 3 (workflows/README.md).
//
// A workflow's entry file re-exports the ABI version it speaks and exports `run`:
//
//   import { inputJson, outputJson, progress, Json } from "../sdk/assemblyscript/assembly";
//   export { mvmci_abi_v1 } from "../sdk/assemblyscript/assembly";
//   export function run(): void { const input = inputJson(); progress(50, "halfway"); outputJson(input); }
//
// Version 1 is everything here but failTerminal and jobs.ts. A workflow that calls failTerminal
// imports the host's `fail_with`, which only version 2 has: it re-exports `mvmci_abi_v2` instead of
// `mvmci_abi_v1` (a version 1 module that imports it is refused at deploy:
// "import mvmci.fail_with needs ABI version 2: export mvmci_abi_v2 instead of mvmci_abi_v1";
// build-workflow.sh checks this too). A workflow that waits for signals or spawns and awaits child
// jobs (awaitSignal, spawnJob, JobRequest, awaitJob: jobs.ts) imports version 3's functions and
// re-exports `mvmci_abi_v3`; it may call failTerminal too. The compiler leaves out imports nothing
// calls, so a workflow that calls none of these stays a version 1 module and runs on hosts that
// speak only version 1.
//
// The entry file is built with `--use abort=<path to this file>/abortHandler` so that a failed
// assertion, an out-of-range index or a null dereference fails the run with a readable message
// instead of importing `env.abort` (build-workflow.sh does this).
//
// Determinism: the host records every side effect in the run's history and replays it after a
// crash, so a run must make the same host calls with the same arguments every time. Use nowMs,
// randomFill and sleep from here, never Date.now or Math.random (which would also import from `env`).
import * as host from "./host";
import { Json } from "./json";
import { takeResult } from "./result";

export { Json, JsonKind, quote } from "./json";
export { Request, Response, HttpError, HttpResult, ErrorKind, httpGet } from "./http";
export {
  NO_TIMEOUT, awaitSignal, awaitSignalText, JobStatus, JobOutcome, SpawnResult, JobRequest, spawnJob, awaitJob,
  CONCURRENCY_QUEUE, CONCURRENCY_CANCEL_IN_PROGRESS, CONCURRENCY_SKIP,
} from "./jobs";
export { Artifact, ArtifactResult, storeArtifact } from "./artifacts";

/** What the host keeps of a `fail` and a `progress` message; the SDK cuts longer ones itself. */
const FAIL_MAX = 8 * 1024;
const PROGRESS_MAX = 1024;
/** `random_fill` fills at most this many bytes a call. */
const RANDOM_MAX = 64 * 1024;

/** Its presence declares host ABI version 1: re-export it from the workflow's entry file. */
export function mvmci_abi_v1(): void {}

/** Its presence declares host ABI version 2 (version 1 plus `fail_with`): re-export it instead of
 *  `mvmci_abi_v1` from a workflow that calls failTerminal. */
export function mvmci_abi_v2(): void {}

/** Its presence declares host ABI version 3 (version 2 plus `await_signal`, `spawn_job` and
 *  `await_job`): re-export it instead from a workflow that calls awaitSignal, spawnJob or awaitJob. */
export function mvmci_abi_v3(): void {}

/** Its presence declares host ABI version 4 (version 3 plus `artifact_open`, `artifact_write` and
 *  `artifact_close`): re-export it instead from a workflow that stores artifacts. */
export function mvmci_abi_v4(): void {}

/** `s` encoded as UTF-8, cut to at most `limit` bytes on a character boundary. */
function utf8(s: string, limit: i32 = i32.MAX_VALUE): ArrayBuffer {
  const buf = String.UTF8.encode(s);
  if (buf.byteLength <= limit) return buf;
  let end = limit;
  while (end > 0 && (load<u8>(changetype<usize>(buf) + end) & 0xc0) == 0x80) end--;
  return buf.slice(0, end);
}

/** The job's input, as submitted. The same bytes every time the job runs. */
export function inputBytes(): ArrayBuffer {
  return takeResult(host.input());
}

/** The job's input as text (UTF-8). */
export function input(): string {
  return String.UTF8.decode(inputBytes());
}

/** The job's input parsed as JSON; fails the run if it is not JSON. */
export function inputJson(): Json {
  const v = Json.parse(input());
  if (v === null) fail("input is not valid JSON: " + Json.lastError);
  return v!;
}

/** Sets the run's output, replacing any earlier one. At most 1 MiB: the host traps past that. */
export function outputBytes(bytes: ArrayBuffer): void {
  host.output(changetype<usize>(bytes), bytes.byteLength);
}

export function output(text: string): void {
  outputBytes(String.UTF8.encode(text));
}

export function outputJson(value: Json): void {
  output(value.toString());
}

export enum Level { Debug = 0, Info = 1, Warn = 2, Error = 3 }

/** Writes a log line (journaled: a replayed run does not log it again). The host cuts lines over 8 KiB. */
export function log(level: Level, message: string): void {
  const buf = String.UTF8.encode(message);
  host.log(level, changetype<usize>(buf), buf.byteLength);
}

export function debug(message: string): void { log(Level.Debug, message); }
export function info(message: string): void { log(Level.Info, message); }
export function warn(message: string): void { log(Level.Warn, message); }
export function error(message: string): void { log(Level.Error, message); }

/** Reports progress: `percent` (0–100) and a short message (cut at 1 KiB). */
export function progress(percent: i32, message: string): void {
  const buf = utf8(message, PROGRESS_MAX);
  host.progress(min(max(percent, 0), 100), changetype<usize>(buf), buf.byteLength);
}

/** Wall-clock time in milliseconds since the Unix epoch; a replayed run gets the recorded value. */
export function nowMs(): i64 {
  return host.now_ms();
}

/** A durable sleep: after a crash the resumed run sleeps only for what remains. On a node, a sleep
 *  longer than the node's suspension threshold gives the run's slot back: the job is Waiting for a
 *  timer and any node resumes it, by replay, once the wake-up time has come. */
export function sleep(ms: i64): void {
  host.sleep_ms(ms);
}

/** Fills `buf` with secure random bytes; a replayed run gets the recorded bytes. */
export function randomFill(buf: Uint8Array): void {
  for (let off = 0; off < buf.length; off += RANDOM_MAX) {
    host.random_fill(buf.dataStart + <usize>off, min(buf.length - off, RANDOM_MAX));
  }
}

export function randomBytes(len: i32): Uint8Array {
  const buf = new Uint8Array(len);
  randomFill(buf);
  return buf;
}

/** Ends the run as failed with `message` (cut at 8 KiB). Does not return: the code after it never
 *  runs. The job's retry policy decides whether the job runs again. */
export function fail(message: string): void {
  const buf = utf8(message, FAIL_MAX);
  host.fail(changetype<usize>(buf), buf.byteLength);
  unreachable(); // the host never returns from fail
}

/** Ends the run as failed with `message` (cut at 8 KiB), **terminally**: the job ends Failed and is
 *  not retried, whatever its retry policy. For failures another attempt cannot mend, or must not
 *  try (a request that may have done its work already). Does not return.
 *
 *  ABI version 2: a workflow that calls it re-exports `mvmci_abi_v2` instead of `mvmci_abi_v1`. */
export function failTerminal(message: string): void {
  const buf = utf8(message, FAIL_MAX);
  host.fail_with(changetype<usize>(buf), buf.byteLength, host.FAIL_TERMINAL);
  unreachable(); // the host never returns from fail_with
}

/** Replaces AssemblyScript's `env.abort` (see the top of this file). */
export function abortHandler(message: string | null, fileName: string | null, line: u32, column: u32): void {
  fail((message !== null ? message : "abort") + " at " + (fileName !== null ? fileName : "?") + ":" + line.toString() + ":" + column.toString());
}
