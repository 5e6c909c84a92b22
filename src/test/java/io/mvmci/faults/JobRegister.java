package io.mvmci.faults;

import io.mvmci.faults.History.Op;
import java.util.Optional;
import java.util.Set;

/**
 * The sequential specification of one job as clients see it: a register holding (version, status),
 * where version counts the job's state changes ({@code GET /api/v1/jobs/{id}/events}) and 0 means
 * "no such job". Workers change it too, unseen by the client, so a read may move the state to any
 * later version; it may never go back, nor change a finished job. A submission answered 201 creates
 * it; a cancel answered 200 makes it Cancelled for good; one answered 409 finds it finished.
 *
 * <p>A state is either exact (the version and status a read saw) or a lower bound (version at least
 * {@code version}, status one of {@code allowed}, or any if null) after a write whose version the
 * client did not see.
 */
final class JobRegister implements Linearizability.Model<JobRegister.State, Op> {
  static final Set<String> FINISHED = Set.of("Completed", "Failed", "Cancelled");

  record State(int version, String status, boolean exact, Set<String> allowed) {
    static State exact(int version, String status) {
      return new State(version, status, true, null);
    }

    static State atLeast(int version, Set<String> allowed) {
      return new State(version, null, false, allowed);
    }

    boolean finished() {
      return exact && FINISHED.contains(status);
    }

    boolean finishedForSure() {
      return finished() || (!exact && allowed != null && FINISHED.containsAll(allowed));
    }
  }

  @Override
  public State init() {
    return State.exact(0, "absent");
  }

  @Override
  public Optional<State> step(State s, Op op) {
    switch (op.kind()) {
      case "read" -> {
        int v = op.version();
        String status = v == 0 ? "absent" : op.status();
        boolean fits = s.exact()
            ? (s.finished() || v == 0 ? v == s.version() && status.equals(s.status())
                : v > s.version() || (v == s.version() && status.equals(s.status())))
            : v >= s.version() && (s.allowed() == null || s.allowed().contains(status));
        return fits ? Optional.of(State.exact(v, status)) : Optional.empty();
      }
      case "submit" -> {
        if ("created".equals(op.detail())) {
          return s.exact() && s.version() == 0 ? Optional.of(State.atLeast(1, null)) : Optional.empty();
        }
        // a replay of an earlier submission: the job exists (perhaps made by one whose answer was lost)
        return Optional.of(s.exact() && s.version() == 0 ? State.atLeast(1, null) : s);
      }
      case "cancel" -> {
        if (op.outcome() == History.Outcome.OK) {
          if (s.finishedForSure() || (s.exact() && s.version() == 0)) {
            return Optional.empty();
          }
          return Optional.of(State.atLeast(s.version() + 1, Set.of("Cancelled")));
        }
        // 409: finished already, by a worker (unseen) or an earlier cancel
        if (s.exact() && s.version() == 0) {
          return Optional.empty();
        }
        return Optional.of(s.finishedForSure() ? s : State.atLeast(s.version() + (s.exact() ? 1 : 0), FINISHED));
      }
      default -> {
        return Optional.of(s);
      }
    }
  }
}
