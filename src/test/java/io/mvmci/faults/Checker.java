package io.mvmci.faults;

import io.mvmci.faults.History.Op;
import io.mvmci.faults.History.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Judges a finished run. Its inputs are plain data (so a test can feed it a bad history): the
 * clients' {@link History}, what each job was asked to do, the facts of the database (every node's
 * applied index and dump, and one node's jobs once the dumps agree), and when each path of the
 * counting server was requested. Each rule that breaks gives a {@link Violation} with the events
 * around it.
 */
final class Checker {
  static final Set<String> FINISHED = JobRegister.FINISHED;

  record Violation(String rule, String key, String what, List<String> context) {
    @Override
    public String toString() {
      return "VIOLATION [" + rule + "] " + (key == null ? "" : key + ": ") + what
          + (context.isEmpty() ? "" : "\n" + String.join("\n", context));
    }
  }

  /** Each node's applied index and canonical dump, once writes stopped. */
  record NodeState(int node, long appliedIndex, String dump) {}

  private final History history;
  private final Map<String, Workload.Job> asked;
  private final Facts facts;
  private final List<NodeState> states;
  private final Map<String, List<Long>> arrivals;
  final List<Violation> violations = new ArrayList<>();
  final Map<String, Integer> figures = new TreeMap<>();

  Checker(History history, Map<String, Workload.Job> asked, Facts facts, List<NodeState> states,
      Map<String, List<Long>> arrivals) {
    this.history = history;
    this.asked = asked;
    this.facts = facts;
    this.states = states;
    this.arrivals = arrivals;
  }

  List<Violation> check() {
    Map<String, List<Op>> byKey = new HashMap<>();
    for (Op o : history.ops()) {
      byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
      figures.merge("ops " + o.kind() + " " + o.outcome(), 1, Integer::sum);
      if (o.outcome() == Outcome.UNKNOWN && o.detail() != null) {
        figures.merge("unknown: " + cause(o.detail()), 1, Integer::sum);
      }
    }
    Map<String, Facts.JobFacts> byId = facts.jobs();
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      String key = e.getKey();
      Set<String> ids = new HashSet<>();
      e.getValue().stream().filter(o -> o.kind().equals("submit") && o.outcome() == Outcome.OK)
          .forEach(o -> ids.add(o.jobId()));
      if (ids.size() > 1) {
        add("idempotency", key, "one Idempotency-Key gave several jobs: " + ids, e.getValue());
      }
      for (String id : ids) {
        Facts.JobFacts j = byId.get(id);
        if (j == null) {
          add("lost", key, "acknowledged as " + id + ", absent from the database", e.getValue());
        } else {
          jobRules(key, j, e.getValue());
        }
      }
      linearizable(key, e.getValue());
    }
    claimsObserved(byKey);
    identical();
    digests();
    figures.put("jobs acknowledged", (int) byKey.values().stream()
        .filter(l -> l.stream().anyMatch(o -> o.kind().equals("submit") && o.outcome() == Outcome.OK)).count());
    figures.put("jobs in the database", byId.size());
    return violations;
  }

  private void jobRules(String key, Facts.JobFacts j, List<Op> ops) {
    figures.merge("jobs " + j.status(), 1, Integer::sum);
    long finishes = j.events().stream().filter(ev -> FINISHED.contains(ev.status())).count();
    if (!FINISHED.contains(j.status())) {
      add("stuck", key, j.jobId() + " is still " + j.status() + " when the run ends; events " + j.events(), ops);
    } else if (finishes != 1) {
      add("finished-once", key, j.jobId() + " finished " + finishes + " times: " + j.events(), ops);
    }
    // claims: each new claim has a higher attempt, and a finish is by the latest claim
    int lastClaim = 0;
    for (Facts.Event ev : j.events()) {
      if (ev.status().equals("InProgress")) {
        if (ev.attempt() <= lastClaim) {
          add("double-claim", key, j.jobId() + " claimed as attempt " + ev.attempt() + " after attempt " + lastClaim
              + ": " + j.events(), ops);
        }
        lastClaim = Math.max(lastClaim, ev.attempt());
      } else if (ev.status().equals("Completed") && ev.attempt() != lastClaim) {
        add("double-claim", key, j.jobId() + " completed by attempt " + ev.attempt() + " while attempt " + lastClaim
            + " held it: " + j.events(), ops);
      }
    }
    int stepAttempt = 0;
    for (Facts.Step s : j.steps()) {
      if (s.attempt() < stepAttempt) {
        add("double-claim", key, j.jobId() + " step " + s.seq() + " recorded by attempt " + s.attempt()
            + " after attempt " + stepAttempt + " recorded earlier steps: a stale claim appended", ops);
      }
      stepAttempt = Math.max(stepAttempt, s.attempt());
    }
    sideEffects(key, j, ops);
  }

  /**
   * POST never twice; a completed job's requests all made; no request sent again after its step was
   * recorded, beyond what the contract allows. A request in flight when its worker lost its claim (a
   * pause past the lease, a partition) may still land after the next attempt recorded its step: a POST
   * is then recorded INTERRUPTED and not sent again, so it lands once in all (the check above); a GET is
   * idempotent and sent again by the next attempt, so each earlier attempt of the job may add one late
   * arrival. More late arrivals than that are a completed side effect repeated.
   */
  private void sideEffects(String key, Facts.JobFacts j, List<Op> ops) {
    Workload.Job job = asked.get(key);
    if (job == null) {
      return;
    }
    long earlierAttempts = j.steps().stream().map(s -> s.execution() + "/" + s.attempt()).distinct().count() - 1;
    for (int i = 0; i < job.paths().size(); i++) {
      String path = job.paths().get(i);
      List<Long> at = arrivals.getOrDefault(path, List.of());
      figures.merge("side effects performed", at.size(), Integer::sum);
      boolean post = job.method().equals("POST");
      if (post && at.size() > 1) {
        add("effect-repeated", key, "POST " + path + " (not idempotent) arrived " + at.size() + " times", ops);
      }
      if (j.status().equals("Completed") && at.isEmpty()) {
        add("effect-missing", key, j.jobId() + " Completed but " + path + " was never requested", ops);
      }
      int seq = i * 4 + 3; // the sequence workflow: progress, log, sleep, then the request of URL i
      for (Facts.Step s : j.steps()) {
        if (!post && s.seq() == seq && s.kind().equals("http_request") && s.done() && s.finishedAt() != null) {
          long after = at.stream().filter(t -> t > s.finishedAt()).count();
          if (after > Math.max(0, earlierAttempts)) {
            add("effect-repeated", key, path + " requested " + after + " more time(s) after its step was recorded at "
                + s.finishedAt() + ", with " + earlierAttempts + " earlier attempt(s) that could have had it in flight"
                + " (arrivals " + at + ")", ops);
          } else if (after > 0) {
            figures.merge("late arrivals of requests in flight at a takeover", (int) after, Integer::sum);
          }
        }
      }
    }
  }

  private void linearizable(String key, List<Op> ops) {
    List<Linearizability.Entry<Op>> entries = new ArrayList<>();
    for (Op o : ops) {
      boolean definite = switch (o.kind()) {
        case "submit", "read" -> o.outcome() == Outcome.OK;
        case "cancel" -> o.outcome() != Outcome.UNKNOWN;
        default -> false;
      };
      if (definite) {
        entries.add(new Linearizability.Entry<>(o, o.invoke(), o.complete()));
      }
    }
    figures.merge("register ops checked", entries.size(), Integer::sum);
    Linearizability.Verdict<Op> v = Linearizability.check(new JobRegister(), entries);
    if (!v.ok()) {
      add("linearizable", key, "no linearization of " + entries.size() + " operations; the search could not get past "
          + v.stuckAt() + " (at most " + v.longestPrefix() + " linearized)", ops);
    }
  }

  /** Two different workers seen holding the same attempt of a job: two valid claims at once. */
  private void claimsObserved(Map<String, List<Op>> byKey) {
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      Map<Integer, Set<String>> holders = new TreeMap<>();
      for (Op o : e.getValue()) {
        if (o.kind().equals("view") && o.outcome() == Outcome.OK && o.worker() != null && o.attempt() > 0) {
          holders.computeIfAbsent(o.attempt(), a -> new HashSet<>()).add(o.worker());
        }
      }
      holders.forEach((attempt, who) -> {
        if (who.size() > 1) {
          add("double-claim", e.getKey(), "attempt " + attempt + " seen held by " + who, e.getValue());
        }
      });
    }
  }

  /**
   * The nodes' own consistency checks, run every few seconds through the faults: every check's
   * reports carry one digest. The first check that differs brackets where a divergence began (after
   * the check before it, by that check's log index); its table digests say which tables.
   */
  private void digests() {
    figures.put("consistency checks", facts.checks().size());
    figures.put("consistency reports", facts.checks().stream().mapToInt(c -> c.digests().size()).sum());
    long agreedBefore = 0;
    for (Facts.DigestCheck c : facts.checks()) {
      if (new HashSet<>(c.digests().values()).size() > 1) {
        List<String> context = new ArrayList<>();
        c.tables().forEach((node, tables) -> context.add("  node " + node + ": " + c.digests().get(node).substring(0, 16)
            + " " + tables));
        violations.add(new Violation("digests", null, "the consistency check at index " + c.index()
            + " found the nodes' copies different; the check before it (index " + agreedBefore + ") agreed", context));
        return;
      }
      if (c.digests().size() > 1) {
        agreedBefore = c.index();
      }
    }
  }

  private void identical() {
    if (states.isEmpty()) {
      return;
    }
    NodeState first = states.get(0);
    for (NodeState s : states.subList(1, states.size())) {
      if (s.appliedIndex() != first.appliedIndex()) {
        violations.add(new Violation("identical", null, "node " + s.node() + " applied " + s.appliedIndex()
            + ", node " + first.node() + " applied " + first.appliedIndex() + " when compared", List.of()));
      } else if (!s.dump().equals(first.dump())) {
        String[] a = first.dump().split("\n");
        String[] b = s.dump().split("\n");
        int i = 0;
        while (i < Math.min(a.length, b.length) && a[i].equals(b[i])) {
          i++;
        }
        List<String> context = new ArrayList<>(List.of(
            "  node " + first.node() + ": " + (i < a.length ? a[i] : "(end)"),
            "  node " + s.node() + ": " + (i < b.length ? b[i] : "(end)")));
        context.addAll(tableDifferences(first, s));
        violations.add(new Violation("identical", null, "at applied index " + s.appliedIndex() + " node " + s.node()
            + " differs from node " + first.node() + " at line " + (i + 1), context));
      }
    }
  }

  /**
   * Every table whose rows differ between two dumps, not only the first: its row counts, and up to
   * three rows each node holds that the other does not (a row that moved to another key shows on both
   * sides). The first differing line alone can hide where a divergence began: tables are dumped by
   * name, so a difference in {@code jobs} is reported after one in {@code job_steps} it may have caused.
   */
  static List<String> tableDifferences(NodeState x, NodeState y) {
    Map<String, List<String>> a = tables(x.dump());
    Map<String, List<String>> b = tables(y.dump());
    List<String> out = new ArrayList<>();
    Set<String> names = new java.util.TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String t : names) {
      List<String> ra = a.getOrDefault(t, List.of());
      List<String> rb = b.getOrDefault(t, List.of());
      if (ra.equals(rb)) {
        continue;
      }
      Set<String> sa = new java.util.LinkedHashSet<>(ra);
      Set<String> sb = new java.util.LinkedHashSet<>(rb);
      List<String> onlyA = ra.stream().filter(r -> !sb.contains(r)).limit(3).toList();
      List<String> onlyB = rb.stream().filter(r -> !sa.contains(r)).limit(3).toList();
      out.add("  table " + t + ": " + ra.size() + " rows on node " + x.node() + ", " + rb.size() + " on node " + y.node());
      onlyA.forEach(r -> out.add("    only node " + x.node() + ": " + abbreviate(r)));
      onlyB.forEach(r -> out.add("    only node " + y.node() + ": " + abbreviate(r)));
    }
    return out;
  }

  /** A dump's rows by table ({@code -- name} starts a table's rows; schema lines come first). */
  private static Map<String, List<String>> tables(String dump) {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    List<String> current = new ArrayList<>();
    out.put("(schema)", current);
    for (String line : dump.split("\n")) {
      if (line.startsWith("-- ")) {
        current = new ArrayList<>();
        out.put(line.substring(3), current);
      } else {
        current.add(line);
      }
    }
    return out;
  }

  static String abbreviate(String row) {
    return row.length() > 400 ? row.substring(0, 400) + "..." : row;
  }

  /** "503 {...}" or "java.net.http.HttpTimeoutException: ..." as "503" or "HttpTimeoutException". */
  static String cause(String detail) {
    String first = detail.split("[ :]", 2)[0];
    return first.substring(first.lastIndexOf('.') + 1);
  }

  private void add(String rule, String key, String what, List<Op> ops) {
    long from = ops.stream().mapToLong(Op::invoke).min().orElse(0);
    long to = ops.stream().mapToLong(Op::complete).max().orElse(0);
    violations.add(new Violation(rule, key, what, history.around(key, from, to)));
  }
}
