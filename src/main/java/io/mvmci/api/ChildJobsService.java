package io.mvmci.api;

import io.mvmci.job.Job;
import io.mvmci.job.JobId;
import io.mvmci.job.JobStatus;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.InvalidJobException;
import io.mvmci.queue.JobNotFoundException;
import io.mvmci.queue.JobService;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.StoreUnavailableException;
import io.mvmci.worker.WorkException;
import io.mvmci.worker.node.ChildJobs;
import io.mvmci.workflow.RunServices;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Child jobs for runs ({@code spawn_job}, {@code await_job}): a request is parsed and checked as
 * {@code POST /api/v1/jobs} checks a submission, and submitted with the parent's link under the run's
 * key. A child's outcome is read from this node's copy; an answer that would end the parent's wait
 * for good (no such child) is read again linearizably first, since a child spawned through another
 * node may not have applied here yet.
 */
@Component
class ChildJobsService implements ChildJobs {
  static final int SPAWNED = 0;
  static final int REFUSED = 1;
  static final int NOT_A_CHILD = -1;

  private final JobService jobs;
  private final ObjectMapper json;
  private final Clock clock;

  ChildJobsService(JobService jobs, ObjectMapper json, Clock clock) {
    this.jobs = jobs;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public RunServices.Answer spawn(long parentSeq, String key, byte[] request) {
    try {
      var child = SubmitRequests.fromSpawn(new String(request, StandardCharsets.UTF_8), json, parentSeq, key,
          clock.millis());
      Job job = jobs.submit(child).job();
      ObjectNode out = json.createObjectNode().put("job_id", job.id());
      return RunServices.Answer.of(SPAWNED, json.writeValueAsBytes(out));
    } catch (BadRequestException | InvalidJobException e) {
      return RunServices.Answer.of(REFUSED, ("spawn_job: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
    } catch (ReplicationException | StoreUnavailableException e) {
      throw new WorkException("cannot submit the child: " + e.getMessage(), e);
    }
  }

  @Override
  public RunServices.Answer outcome(long parentSeq, String childId) {
    long seq = JobId.parse(childId);
    if (seq < 0) {
      return notAChild(childId, "\"" + clip(childId) + "\" is not a job id");
    }
    try {
      Job child = find(childId, Consistency.LOCAL);
      if (child == null || child.parentSeq() == null || child.parentSeq() != parentSeq) {
        child = find(childId, Consistency.LINEARIZABLE);
      }
      if (child == null) {
        return notAChild(childId, "no job " + childId);
      }
      if (child.parentSeq() == null || child.parentSeq() != parentSeq) {
        return notAChild(childId, childId + " is not a child of " + JobId.format(parentSeq));
      }
      if (!child.status().isTerminal()) {
        return RunServices.Answer.waitFor("job:" + seq);
      }
      ObjectNode out = json.createObjectNode().put("job_id", childId).put("status", child.status().name());
      if (child.output() != null) {
        out.set("output", json.readTree(child.output()));
      }
      if (child.status() != JobStatus.Completed) {
        out.put("error", child.error() != null ? child.error() : child.reason());
      }
      int code = switch (child.status()) {
        case Completed -> 0;
        case Failed -> 1;
        default -> 2;
      };
      return RunServices.Answer.of(code, json.writeValueAsBytes(out));
    } catch (ReplicationException | StoreUnavailableException e) {
      throw new WorkException("cannot read " + childId + ": " + e.getMessage(), e);
    }
  }

  private Job find(String id, Consistency consistency) {
    try {
      return jobs.get(id, consistency);
    } catch (JobNotFoundException e) {
      return null;
    }
  }

  private RunServices.Answer notAChild(String id, String why) {
    ObjectNode out = json.createObjectNode().put("job_id", clip(id)).put("error", why);
    return RunServices.Answer.of(NOT_A_CHILD, json.writeValueAsBytes(out));
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
