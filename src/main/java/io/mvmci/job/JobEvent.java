package io.mvmci.job;

/**
 * One state change of a job: when, into which status, in which attempt, and why. A claim's event
 * (into InProgress) also names the module version that attempt runs; other events have none.
 */
public record JobEvent(long at, JobStatus status, int attempt, String reason, String moduleSha256) {}
