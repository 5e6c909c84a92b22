package io.mvmci.deploy;

import io.mvmci.job.Job;
import io.mvmci.replication.RaftNode;
import io.mvmci.store.HistoryQueries;
import io.mvmci.workflow.HistoryStep;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.ReplayReport;
import io.mvmci.workflow.WorkflowEngine;
import io.mvmci.workflow.WorkflowModule;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replays jobs' recorded histories against a module version, without side effects, on this node's
 * engine: for one job (the replay tool), or for every unfinished run of a workflow before a new
 * version becomes its latest (a deploy's {@code check=in-flight}). Reads this node's copy of the
 * history; the caller makes the read linearizable first if it must be.
 */
public final class Replays {
  /** How long one replay may run. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** The most runs one deploy check replays. */
  public static final int MAX_CHECKED = 1_000;

  private final RaftNode node;
  private final ModuleRegistry registry;
  private final WorkflowEngine engine;

  public Replays(RaftNode node, ModuleRegistry registry, WorkflowEngine engine) {
    this.node = node;
    this.registry = registry;
    this.engine = engine;
  }

  /** One job's replay: the version it ran against, and what it found. */
  public record JobReplay(String jobId, int execution, String moduleSha256, ReplayReport report) {}

  /**
   * Replays {@code job}'s current execution against version {@code sha256} of its workflow, or, if
   * null, against the version its last attempt ran.
   *
   * @throws IllegalArgumentException if that version is not deployed here, or the job never ran
   */
  public JobReplay replay(Job job, String sha256) {
    String version = sha256 != null ? sha256 : job.moduleSha256();
    if (version == null) {
      throw new IllegalArgumentException(job.id() + " has not run yet: give the module version to replay it with");
    }
    WorkflowModule module = registry.find(job.workflow(), version).orElseThrow(() ->
        new IllegalArgumentException("no version " + version + " of module " + job.workflow() + " is deployed"));
    return replay(job, module);
  }

  /** Replays every unfinished run of {@code candidate}'s workflow that has history against it. */
  public List<JobReplay> checkInFlight(WorkflowModule candidate) {
    List<Job> jobs;
    try {
      jobs = node.stateMachine().queries().unfinishedWithHistory(candidate.name(), MAX_CHECKED);
    } catch (SQLException e) {
      throw new IllegalStateException("reading the unfinished runs of " + candidate.name() + " failed: "
          + e.getMessage(), e);
    }
    List<JobReplay> out = new ArrayList<>(jobs.size());
    for (Job job : jobs) {
      out.add(replay(job, candidate));
    }
    return out;
  }

  private JobReplay replay(Job job, WorkflowModule module) {
    HistoryQueries history = node.stateMachine().queries().history();
    List<HistoryStep> steps = new ArrayList<>();
    try {
      for (HistoryQueries.Step s : history.steps(job.seq(), job.execution())) {
        steps.add(new HistoryStep(s.seq(), s.kind(), s.digest(), s.summary(), s.done(), s.code()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading the history of " + job.id() + " failed: " + e.getMessage(), e);
    }
    try {
      ReplayReport report = engine.replay(module, job.input().getBytes(StandardCharsets.UTF_8), steps,
          seq -> result(history, job, seq), TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
      return new JobReplay(job.id(), job.execution(), module.sha256(), report);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while replaying " + job.id());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("replaying " + job.id() + " failed: " + e, e);
    }
  }

  private static byte[] result(HistoryQueries history, Job job, int seq) {
    try {
      return history.result(job.seq(), job.execution(), seq).orElseThrow(() ->
          new IllegalStateException("step " + seq + " of " + job.id() + " is gone"));
    } catch (SQLException e) {
      throw new IllegalStateException("reading step " + seq + " of " + job.id() + " failed: " + e.getMessage(), e);
    }
  }
}
