// The raw imports of the host ABI (workflows/README.md): version 1, `fail_with` of version 2, and
// `await_signal`, `spawn_job` and `await_job` of version 3. Pointers are offsets into this module's
// memory. Workflows use index.ts (and jobs.ts) instead.
//
// AssemblyScript emits an import only when code that the module keeps calls it, so a workflow
// that never calls failTerminal does not import `fail_with` and stays a valid version 1 module, and
// one that never waits for a signal or spawns a job imports none of version 3's.

@external("mvmci", "result_read") export declare function result_read(ptr: usize, len: i32): i32;
@external("mvmci", "input") export declare function input(): i32;
@external("mvmci", "output") export declare function output(ptr: usize, len: i32): void;
@external("mvmci", "log") export declare function log(level: i32, ptr: usize, len: i32): void;
@external("mvmci", "progress") export declare function progress(percent: i32, ptr: usize, len: i32): void;
@external("mvmci", "http_request") export declare function http_request(ptr: usize, len: i32, flags: i32): i32;
@external("mvmci", "now_ms") export declare function now_ms(): i64;
@external("mvmci", "random_fill") export declare function random_fill(ptr: usize, len: i32): void;
@external("mvmci", "sleep_ms") export declare function sleep_ms(ms: i64): void;
@external("mvmci", "fail") export declare function fail(ptr: usize, len: i32): void;
/** ABI version 2: `flags` bit 0 (FAIL_TERMINAL) marks the failure terminal: the job is not retried. */
@external("mvmci", "fail_with") export declare function fail_with(ptr: usize, len: i32, flags: i32): void;

/** ABI version 3: waits for a signal sent to the job. Returns 0 (taken: the payload is in the result
 *  buffer) or 1 (timed out). `timeout_ms` < 0: no timeout; 0: do not wait. */
@external("mvmci", "await_signal") export declare function await_signal(name_ptr: usize, name_len: i32, timeout_ms: i64): i32;
/** ABI version 3: submits a child job, exactly once. Returns 0 (the result buffer holds
 *  `{"job_id": ...}`) or 1 (refused: the result buffer holds the reason). */
@external("mvmci", "spawn_job") export declare function spawn_job(ptr: usize, len: i32): i32;
/** ABI version 3: a child's outcome, once it has one. Returns 0 Completed, 1 Failed, 2 Cancelled,
 *  -1 not a child of this job; the result buffer holds the outcome's JSON. */
@external("mvmci", "await_job") export declare function await_job(ptr: usize, len: i32): i32;

export const FAIL_TERMINAL: i32 = 1;
// Version 4 (artifacts): the compiler imports these only into a workflow that calls them.
@external("mvmci", "artifact_open") export declare function artifact_open(name_ptr: usize, name_len: i32): i32;
@external("mvmci", "artifact_write") export declare function artifact_write(handle: i32, ptr: usize, len: i32): i32;
@external("mvmci", "artifact_close") export declare function artifact_close(handle: i32): i32;
