package io.mvmci.worker.node;

import io.mvmci.workflow.RunServices;

/**
 * A node's answers to runs about their child jobs: submitting one from a {@code spawn_job} request
 * (parsed and checked as the jobs API checks a submission) and a child's outcome. Implemented where
 * submissions are parsed ({@code io.mvmci.api}); the transports call it for embedded and remote
 * workers alike.
 *
 * <p>A refusal the guest can read (a bad request, a job that is not a child) is an answer with its
 * code; a queue that cannot be reached is a {@link io.mvmci.worker.WorkException}, retried by the run.
 */
public interface ChildJobs {
  /** Submits a child of job {@code parentSeq} under {@code key}; answers 0 and its id, or 1 and why not. */
  RunServices.Answer spawn(long parentSeq, String key, byte[] request);

  /** Child {@code childId}'s outcome for its parent, or what the parent waits for while it runs. */
  RunServices.Answer outcome(long parentSeq, String childId);
}
