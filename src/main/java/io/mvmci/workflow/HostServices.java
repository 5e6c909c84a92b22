package io.mvmci.workflow;

import java.security.SecureRandom;
import java.time.Clock;

/** What host functions share across runs. Every member is thread-safe. */
record HostServices(Clock clock, SecureRandom random, HttpBridge http, ProgressCoalescer progress) {}
