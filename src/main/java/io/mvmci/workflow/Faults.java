package io.mvmci.workflow;

import java.util.Locale;

/**
 * Fault injection for tests that kill real processes at an exact point of a run: with
 * {@code MVMCI_FAULT_HALT_AT=<seq>:<point>[:<run id prefix>][,...]} in its environment (or the
 * system property {@code mvmci.fault.halt-at}), a process halts ({@code Runtime.halt(137)}, as a
 * kill -9 would leave it: no shutdown hook, nothing flushed) when a run whose id starts with the
 * prefix passes {@code point} (STARTED, PERFORMED or RECORDED) of its new step {@code seq}; with
 * several, at the first that matches. Replayed steps never trigger it. Never set in production; the
 * engine says so on stderr when it is set.
 */
final class Faults {
  static final String ENV = "MVMCI_FAULT_HALT_AT";
  static final String PROPERTY = "mvmci.fault.halt-at";

  private Faults() {}

  /** The hook the environment asks for, or {@link StepHook#NONE}. */
  static StepHook fromEnvironment() {
    return parse(System.getProperty(PROPERTY, System.getenv().getOrDefault(ENV, "")));
  }

  static StepHook parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return StepHook.NONE;
    }
    if (spec.contains(",")) {
      java.util.List<StepHook> hooks = new java.util.ArrayList<>();
      for (String one : spec.split(",")) {
        hooks.add(parse(one));
      }
      return (runId, s, kind, p) -> hooks.forEach(h -> h.at(runId, s, kind, p));
    }
    String[] parts = spec.split(":", 3);
    if (parts.length < 2) {
      throw new IllegalArgumentException(ENV + " must be <seq>:<point>[:<run id prefix>], not \"" + spec + "\"");
    }
    int seq = Integer.parseInt(parts[0].strip());
    StepHook.Point point = StepHook.Point.valueOf(parts[1].strip().toUpperCase(Locale.ROOT));
    String prefix = parts.length == 3 ? parts[2] : "";
    System.err.println("FAULT INJECTION: this process halts at step " + seq + " (" + point + ") of a run "
        + (prefix.isEmpty() ? "" : "whose id starts with " + prefix + " ") + "(" + ENV + ")");
    return (runId, s, kind, p) -> {
      if (s == seq && p == point && runId.startsWith(prefix)) {
        System.err.println("FAULT INJECTION: halting at step " + s + " (" + kind.importName() + ", " + p
            + ") of " + runId);
        System.err.flush();
        Runtime.getRuntime().halt(137);
      }
    };
  }
}
