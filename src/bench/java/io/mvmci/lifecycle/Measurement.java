package io.mvmci.lifecycle;

/**
 * One measured run. For throughput, {@code value} is jobs per second over the whole lifecycle; for
 * latency, {@code value} is the p50 in ms and {@code p99} the 99th percentile. {@code cpuMsPerJob}
 * is the CPU the system's processes (nodes, or PostgreSQL and the worker harness) used per job.
 */
record Measurement(String system, String kind, int round, long jobs, double seconds, double value,
    double p99, double cpuMsPerJob, String loadBefore, String loadAfter, boolean exact, String detail) {

  String line() {
    return String.format(java.util.Locale.ROOT,
        "RESULT system=%s kind=%s round=%d jobs=%d seconds=%.2f value=%.2f p99=%.2f cpu_ms_per_job=%.3f"
            + " load_before=%s load_after=%s exact=%s detail=%s",
        system, kind, round, jobs, seconds, value, p99, cpuMsPerJob, loadBefore.replace(' ', '/'),
        loadAfter.replace(' ', '/'), exact, detail.replace(' ', '_'));
  }
}
