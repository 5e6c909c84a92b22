package io.mvmci.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.faults.History.Op;
import io.mvmci.faults.History.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker fails bad histories, each for its own rule, and passes a good one. */
class CheckerTest {
  private final History history = new History();
  private final Map<String, Workload.Job> asked = new HashMap<>();
  private final Map<String, Facts.JobFacts> jobs = new HashMap<>();
  private final Map<String, List<Long>> arrivals = new HashMap<>();
  private final List<Checker.NodeState> states = new ArrayList<>(List.of(
      new Checker.NodeState(1, 40, "same"), new Checker.NodeState(2, 40, "same"), new Checker.NodeState(3, 40, "same")));
  private long index;

  private void op(String kind, String key, long invoke, long complete, Outcome outcome, String id, String status,
      int version, int attempt, String worker, String detail) {
    history.add(new Op(index++, 0, kind, key, 1, invoke, complete, outcome, id, status, version, attempt, worker,
        detail));
  }

  /** A job k (job-N) submitted, claimed once by node-1, completed, its two requests made once each. */
  private void goodJob(String key, String id, long t) {
    asked.put(key, new Workload.Job(key, "POST", List.of("/fx/" + key + "/0", "/fx/" + key + "/1")));
    op("submit", key, t, t + 10, Outcome.OK, id, "Pending", 0, 0, null, "created");
    op("read", key, t + 20, t + 30, Outcome.OK, id, "Pending", 1, 0, null, null);
    op("view", key, t + 40, t + 50, Outcome.OK, id, "InProgress", 0, 1, "node-1", null);
    op("read", key, t + 60, t + 70, Outcome.OK, id, "InProgress", 2, 0, null, null);
    op("read", key, t + 200, t + 210, Outcome.OK, id, "Completed", 3, 0, null, null);
    jobs.put(id, new Facts.JobFacts(id, key, "Completed", List.of(new Facts.Event(1, "Pending", 0),
        new Facts.Event(2, "InProgress", 1), new Facts.Event(3, "Completed", 1)), new ArrayList<>(List.of(
        new Facts.Step(1, 3, 1, "http_request", true, 1000L), new Facts.Step(1, 7, 1, "http_request", true, 2000L)))));
    arrivals.put("/fx/" + key + "/0", List.of(990L));
    arrivals.put("/fx/" + key + "/1", List.of(1990L));
  }

  private List<Checker.Violation> check() {
    return new Checker(history, asked, new Facts(40, jobs), states, arrivals).check();
  }

  private static List<String> rules(List<Checker.Violation> v) {
    return v.stream().map(Checker.Violation::rule).toList();
  }

  @Test
  void aGoodHistoryPasses() {
    goodJob("a", "job-0", 0);
    goodJob("b", "job-1", 100);
    assertThat(check()).isEmpty();
  }

  @Test
  void anAcknowledgedJobMissingFromTheDatabaseIsLost() {
    goodJob("a", "job-0", 0);
    jobs.remove("job-0");
    List<Checker.Violation> v = check();
    assertThat(rules(v)).containsExactly("lost");
    assertThat(v.get(0).context()).anyMatch(line -> line.contains("submit"));
  }

  @Test
  void twoWorkersSeenHoldingOneAttemptAreADoubleClaim() {
    goodJob("a", "job-0", 0);
    op("view", "a", 80, 90, Outcome.OK, "job-0", "InProgress", 0, 1, "rw-0", null);
    assertThat(rules(check())).containsExactly("double-claim");
  }

  @Test
  void aClaimWhileAnotherHoldsTheJobOrAStaleAppendIsADoubleClaim() {
    goodJob("a", "job-0", 0);
    Facts.JobFacts j = jobs.get("job-0");
    jobs.put("job-0", new Facts.JobFacts("job-0", "a", "Completed", List.of(new Facts.Event(1, "Pending", 0),
        new Facts.Event(2, "InProgress", 1), new Facts.Event(3, "InProgress", 1), new Facts.Event(4, "Completed", 1)),
        j.steps()));
    assertThat(rules(check())).containsExactly("double-claim");
    jobs.put("job-0", new Facts.JobFacts("job-0", "a", "Completed", j.events(), List.of(
        new Facts.Step(1, 3, 2, "http_request", true, 1000L), new Facts.Step(1, 7, 1, "http_request", true, 2000L))));
    assertThat(rules(check())).containsExactly("double-claim");
  }

  @Test
  void aReadOlderThanOneThatFinishedBeforeItIsNotLinearizable() {
    goodJob("a", "job-0", 0);
    // after the Completed read (200..210), another node answers InProgress: a stale read
    op("read", "a", 300, 310, Outcome.OK, "job-0", "InProgress", 2, 0, null, null);
    List<Checker.Violation> v = check();
    assertThat(rules(v)).containsExactly("linearizable");
    assertThat(v.get(0).what()).contains("InProgress/v2");
  }

  @Test
  void aJobNotFoundAfterItsSubmissionWasAcknowledgedIsNotLinearizable() {
    goodJob("a", "job-0", 0);
    op("read", "a", 15, 18, Outcome.OK, "job-0", "absent", 0, 0, null, null);
    assertThat(rules(check())).containsExactly("linearizable");
  }

  @Test
  void aCancelAcknowledgedThenReadAsRunningIsNotLinearizable() {
    History h = new History();
    h.add(new Op(0, 0, "submit", "c", 1, 0, 10, Outcome.OK, "job-5", "Pending", 0, 0, null, "created"));
    h.add(new Op(1, 0, "cancel", "c", 2, 20, 30, Outcome.OK, "job-5", "Cancelled", 0, 0, null, null));
    h.add(new Op(2, 1, "read", "c", 3, 40, 50, Outcome.OK, "job-5", "InProgress", 2, 0, null, null));
    Map<String, Facts.JobFacts> f = Map.of("job-5", new Facts.JobFacts("job-5", "c", "Cancelled", List.of(
        new Facts.Event(1, "Pending", 0), new Facts.Event(2, "Cancelled", 0)), List.of()));
    List<Checker.Violation> v = new Checker(h, Map.of(), new Facts(40, f), states, Map.of()).check();
    assertThat(rules(v)).containsExactly("linearizable");
  }

  @Test
  void theFirstConsistencyCheckWhoseDigestsDifferIsReportedWithTheOneBeforeIt() {
    List<Facts.DigestCheck> checks = List.of(
        new Facts.DigestCheck(10, Map.of(1, "a".repeat(64), 2, "a".repeat(64)), Map.of(1, "jobs=00/1", 2, "jobs=00/1")),
        new Facts.DigestCheck(20, Map.of(1, "b".repeat(64), 2, "c".repeat(64)), Map.of(1, "jobs=01/2", 2, "jobs=02/2")),
        new Facts.DigestCheck(30, Map.of(1, "d".repeat(64), 2, "e".repeat(64)), Map.of(1, "jobs=03/3", 2, "jobs=04/3")));
    List<Checker.Violation> v = new Checker(new History(), Map.of(), new Facts(40, Map.of(), checks), states, Map.of())
        .check();
    assertThat(rules(v)).containsExactly("digests");
    assertThat(v.get(0).what()).contains("index 20").contains("(index 10) agreed");
    assertThat(v.get(0).context()).anyMatch(l -> l.contains("node 2: cccccccccccccccc jobs=02/2"));
    List<Facts.DigestCheck> agreeing = checks.subList(0, 1);
    assertThat(new Checker(new History(), Map.of(), new Facts(40, Map.of(), agreeing), states, Map.of()).check())
        .isEmpty();
  }

  @Test
  void concurrentReadsMayBeOrderedEitherWay() {
    goodJob("a", "job-0", 0);
    // overlapping the Completed read: an InProgress read is fine
    op("read", "a", 150, 250, Outcome.OK, "job-0", "InProgress", 2, 0, null, null);
    assertThat(check()).isEmpty();
  }

  @Test
  void aRepeatedEffectAStuckJobATwiceFinishedJobAndDivergentNodesAreReported() {
    goodJob("a", "job-0", 0);
    arrivals.put("/fx/a/1", List.of(1990L, 2500L)); // a POST sent again after its step was recorded
    goodJob("b", "job-1", 100);
    Facts.JobFacts b = jobs.get("job-1");
    jobs.put("job-1", new Facts.JobFacts("job-1", "b", "InProgress", b.events().subList(0, 2), b.steps()));
    goodJob("c", "job-2", 200);
    Facts.JobFacts c = jobs.get("job-2");
    List<Facts.Event> twice = new ArrayList<>(c.events());
    twice.add(new Facts.Event(9, "Failed", 1));
    jobs.put("job-2", new Facts.JobFacts("job-2", "c", "Failed", twice, c.steps()));
    states.set(2, new Checker.NodeState(3, 40, "other"));
    List<Checker.Violation> v = check();
    assertThat(rules(v)).containsExactlyInAnyOrder("effect-repeated", "stuck", "finished-once", "identical");
  }

  @Test
  void aGetInFlightAtATakeoverMayLandLateOnceAnEarlierAttemptButNotMore() {
    goodJob("g", "job-0", 0);
    asked.put("g", new Workload.Job("g", "GET", List.of("/fx/g/0", "/fx/g/1")));
    Facts.JobFacts g = jobs.get("job-0");
    // attempt 1 recorded step 3; attempt 2 (after a takeover) re-sent and recorded step 7 at 2000, and
    // attempt 1's own send of it, in flight when it lost its claim, landed at 2500
    List<Facts.Step> steps = List.of(new Facts.Step(1, 3, 1, "http_request", true, 1000L),
        new Facts.Step(1, 7, 2, "http_request", true, 2000L));
    jobs.put("job-0", new Facts.JobFacts("job-0", "g", "Completed", g.events(), steps));
    arrivals.put("/fx/g/1", List.of(1990L, 2500L));
    assertThat(check()).as("one late arrival, one earlier attempt").isEmpty();

    arrivals.put("/fx/g/1", List.of(1990L, 2500L, 2600L));
    assertThat(rules(check())).as("two late arrivals, one earlier attempt").containsExactly("effect-repeated");

    jobs.put("job-0", new Facts.JobFacts("job-0", "g", "Completed", g.events(), List.of(steps.get(0),
        new Facts.Step(1, 7, 1, "http_request", true, 2000L))));
    arrivals.put("/fx/g/1", List.of(1990L, 2500L));
    assertThat(rules(check())).as("a late arrival with no takeover").containsExactly("effect-repeated");
  }

  @Test
  void divergentDatabasesNameEveryTableThatDiffersWithTheRowsEachNodeAloneHolds() {
    String schema = "table jobs: CREATE TABLE jobs (...)\n";
    String one = schema + "-- job_events\n1|316|Pending\n-- job_steps\n1|317|8\n2|316|7\n-- jobs\n316|InProgress|w1\n317|Completed|w2\n";
    String two = schema + "-- job_events\n1|316|Pending\n-- job_steps\n1|316|7\n2|317|8\n-- jobs\n316|InProgress|w3\n317|Completed|w2\n";
    List<String> d = Checker.tableDifferences(new Checker.NodeState(1, 9, one), new Checker.NodeState(2, 9, two));
    assertThat(d).containsExactly(
        "  table job_steps: 2 rows on node 1, 2 on node 2",
        "    only node 1: 1|317|8", "    only node 1: 2|316|7",
        "    only node 2: 1|316|7", "    only node 2: 2|317|8",
        "  table jobs: 2 rows on node 1, 2 on node 2",
        "    only node 1: 316|InProgress|w1",
        "    only node 2: 316|InProgress|w3");
    states.set(1, new Checker.NodeState(2, 40, "x\n-- jobs\nb"));
    states.set(0, new Checker.NodeState(1, 40, "x\n-- jobs\na"));
    states.set(2, new Checker.NodeState(3, 40, "x\n-- jobs\na"));
    List<Checker.Violation> v = check();
    assertThat(rules(v)).containsExactly("identical");
    assertThat(v.get(0).context()).contains("  table jobs: 1 rows on node 1, 1 on node 2", "    only node 2: b");
  }
}
