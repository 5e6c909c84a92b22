package io.mvmci.worker.node;

import io.mvmci.workflow.RunServices;
import java.nio.file.Path;

/**
 * How this node stores an artifact for a run of its own workers (ABI v4): 0 and the stored artifact
 * (JSON), or 1 and why not; a {@link io.mvmci.worker.WorkException} when the cluster cannot take it
 * now (the run retries, then stops to be resumed).
 */
public interface NodeArtifacts {
  RunServices.Answer store(long seq, String name, Path file, long size, String sha256);
}
