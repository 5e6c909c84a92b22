package io.mvmci.artifact;

/** An artifact, or a job's artifacts together, past a configured cap (413). */
public class ArtifactTooLargeException extends RuntimeException {
  public ArtifactTooLargeException(String message) {
    super(message);
  }
}
