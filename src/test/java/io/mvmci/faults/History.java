package io.mvmci.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a run did and saw, as the checker reads it: client operations, each with the times it
 * was invoked and answered (ms since the run began) and its outcome, and the faults with the time
 * each began and healed. Thread-safe; records in the order they finish.
 */
final class History {
  /** OK: the answer came and says what happened. FAIL: it did not happen (a 4xx). UNKNOWN: no answer, or a 5xx. */
  enum Outcome { OK, FAIL, UNKNOWN }

  /**
   * One client operation on job {@code key} (its Idempotency-Key) through node {@code node}.
   *
   * @param kind submit, cancel, read (the job's events: version = how many, status = the last's) or
   *     view (the job itself: attempt and worker, for the claims check)
   * @param version events seen (read); 0 when the job was not found
   */
  record Op(long index, int process, String kind, String key, int node, long invoke, long complete,
      Outcome outcome, String jobId, String status, int version, int attempt, String worker, String detail) {
    @Override
    public String toString() {
      return "%7d..%7d ms p%d %-6s %s via node %d -> %s%s%s%s".formatted(invoke, complete, process, kind, key, node,
          outcome, jobId == null ? "" : " " + jobId, status == null ? "" : " " + status + "/v" + version,
          (worker == null ? "" : " attempt " + attempt + " by " + worker) + (detail == null ? "" : " (" + detail + ")"));
    }
  }

  /** One fault, from the moment it was injected to the moment it was healed. */
  record Fault(String kind, String target, long start, long end) {
    @Override
    public String toString() {
      return "%7d..%7d ms FAULT %s %s".formatted(start, end, kind, target);
    }
  }

  private final long origin = System.nanoTime();
  private final AtomicLong next = new AtomicLong();
  private final List<Op> ops = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();

  /** Now, in ms since the run began. */
  long now() {
    return (System.nanoTime() - origin) / 1_000_000;
  }

  /** The wall-clock time (ms since the epoch) of a run time, to compare with times the nodes stamped. */
  long epochOf(long runMs) {
    return System.currentTimeMillis() - (now() - runMs);
  }

  synchronized void add(int process, String kind, String key, int node, long invoke, Outcome outcome, String jobId,
      String status, int version, int attempt, String worker, String detail) {
    ops.add(new Op(next.getAndIncrement(), process, kind, key, node, invoke, now(), outcome, jobId, status, version,
        attempt, worker, detail));
  }

  /** For tests of the checker: an operation with given times. */
  synchronized void add(Op op) {
    ops.add(op);
  }

  synchronized void fault(String kind, String target, long start) {
    faults.add(new Fault(kind, target, start, now()));
  }

  synchronized void fault(Fault f) {
    faults.add(f);
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  synchronized List<Fault> faults() {
    return List.copyOf(faults);
  }

  /** Operations on {@code key} and faults within 3 s of [from, to], in time order: a violation's context. */
  synchronized List<String> around(String key, long from, long to) {
    List<Object[]> lines = new ArrayList<>();
    for (Op o : ops) {
      if (key != null && key.equals(o.key())) {
        lines.add(new Object[] {o.invoke(), o.toString()});
      }
    }
    for (Fault f : faults) {
      if (f.end() >= from - 3000 && f.start() <= to + 3000) {
        lines.add(new Object[] {f.start(), f.toString()});
      }
    }
    lines.sort(Comparator.comparingLong(a -> (Long) a[0]));
    List<String> out = new ArrayList<>();
    int skip = Math.max(0, lines.size() - 40);
    if (skip > 0) {
      out.add("  ... " + skip + " earlier events");
    }
    for (Object[] l : lines.subList(skip, lines.size())) {
      out.add("  " + l[1]);
    }
    return out;
  }
}
