/** Benchmark harnesses, built only by the {@code bench} Maven profile and run by scripts/bench-*.sh. */
package io.mvmci;
