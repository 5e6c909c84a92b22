// The raw imports of host ABI version 1 (workflows/README.md). Pointers are offsets into this
// module's memory. Workflows use index.ts instead.

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
