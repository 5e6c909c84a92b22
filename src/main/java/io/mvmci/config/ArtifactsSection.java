package io.mvmci.config;

/**
 * The {@code [artifacts]} section: what a job's runs may store (artifact/DESIGN.md). Every key is
 * optional.
 *
 * @param maxArtifactBytes the largest single artifact; an upload past it is refused while it
 *     arrives; {@code max_artifact_bytes}, bytes, default 1073741824 (1 GiB)
 * @param maxJobBytes the most bytes one job's artifacts may hold together; {@code max_job_bytes},
 *     bytes, default 4294967296 (4 GiB)
 * @param maxPerJob the most artifacts one job may hold; {@code max_per_job}, count, default 1000
 */
public record ArtifactsSection(
    @Range(min = 1, max = 1L << 40, unit = "bytes") long maxArtifactBytes,
    @Range(min = 1, max = 1L << 44, unit = "bytes") long maxJobBytes,
    @Range(min = 1, max = 1_000_000, unit = "artifacts") int maxPerJob) {

  public static final ArtifactsSection DEFAULTS = new ArtifactsSection(1L << 30, 4L << 30, 1000);

  ArtifactsSection checked(Fields f) {
    if (maxJobBytes < maxArtifactBytes) {
      throw f.invalid("max_job_bytes",
          "must not be less than " + f.field("max_artifact_bytes") + " (" + maxArtifactBytes + ")");
    }
    return this;
  }
}
