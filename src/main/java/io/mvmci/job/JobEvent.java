package io.mvmci.job;

/** One state change of a job: when, into which status, in which attempt, and why. */
public record JobEvent(long at, JobStatus status, int attempt, String reason) {}
