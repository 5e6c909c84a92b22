package io.mvmci.api;

/** Why this node's readiness probe fails now, or null if it passes (operations provide it). */
@FunctionalInterface
public interface NodeReadiness {
  String notReadyReason();
}
