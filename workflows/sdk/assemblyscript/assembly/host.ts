// The raw imports of the host ABI (workflows/README.md): version 1, and `fail_with` of version 2.
// Pointers are offsets into this module's memory. Workflows use index.ts instead.
//
// AssemblyScript emits an import only when code that the module keeps calls it, so a workflow
// that never calls failTerminal does not import `fail_with` and stays a valid version 1 module.

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

export const FAIL_TERMINAL: i32 = 1;
