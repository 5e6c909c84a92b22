package io.mvmci.artifact;

/**
 * An artifact that cannot be stored or served now, with the HTTP status that says why: 404 (no such
 * job or artifact), 503 (too few members reachable, the group not writable), 410 (no holder has the
 * bytes any more).
 */
public class ArtifactException extends RuntimeException {
  private final int status;

  public ArtifactException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ArtifactException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
