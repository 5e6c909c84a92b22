package io.mvmci.workflow;

/** One line a guest logged, stamped with the engine's clock when it was logged. */
public record LogLine(long atMillis, LogLevel level, String message) {}
