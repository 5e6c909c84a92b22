package io.mvmci.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The {@code [artifacts]} section: what a job's runs may store, and where the bytes are kept
 * (artifact/DESIGN.md). Every key is optional.
 *
 * <p>Invariants once loaded: {@code maxJobBytes >= maxArtifactBytes}; {@code store} is {@code nodes}
 * or {@code s3}; with {@code s3}, {@code s3Bucket} is set; {@code s3Endpoint}, when set, is an
 * {@code http(s)://} URI; the access key id and the secret access key are both set or both unset;
 * {@code s3Prefix} is empty or ends with {@code /}.
 *
 * @param maxArtifactBytes the largest single artifact; an upload past it is refused while it
 *     arrives; {@code max_artifact_bytes}, bytes, default 1073741824 (1 GiB)
 * @param maxJobBytes the most bytes one job's artifacts may hold together; {@code max_job_bytes},
 *     bytes, default 4294967296 (4 GiB)
 * @param maxPerJob the most artifacts one job may hold; {@code max_per_job}, count, default 1000
 * @param store where new artifacts' bytes go: {@code nodes} (every member's disk, by Ratis
 *     DataStream) or {@code s3} (an S3-compatible bucket); {@code store}, default {@code nodes}
 * @param s3Bucket the bucket; {@code s3_bucket}, required with {@code store = "s3"}
 * @param s3Endpoint an S3-compatible service's URL (MinIO, Ceph, R2...); {@code s3_endpoint},
 *     default AWS's endpoint for the region
 * @param s3Region the region; {@code s3_region}, default the AWS SDK's region chain ({@code
 *     AWS_REGION}, the profile...), else {@code us-east-1}
 * @param s3Prefix prepended to every object key; {@code s3_prefix}, default none
 * @param s3PathStyle path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible
 *     services need; {@code s3_path_style}, default false
 * @param s3AccessKeyId with {@code s3SecretAccessKey}, the credentials; {@code s3_access_key_id},
 *     default the AWS SDK's default credentials chain (environment, profile, instance role...)
 * @param s3SecretAccessKey {@code s3_secret_access_key}, never shown
 * @param s3PartBytes an upload larger than this goes up as a multipart upload of parts this size;
 *     {@code s3_part_bytes}, bytes, 5 MiB to 5 GiB, default 16 MiB
 */
public record ArtifactsSection(
    @Range(min = 1, max = 1L << 40, unit = "bytes") long maxArtifactBytes,
    @Range(min = 1, max = 1L << 44, unit = "bytes") long maxJobBytes,
    @Range(min = 1, max = 1_000_000, unit = "artifacts") int maxPerJob,
    String store,
    Optional<String> s3Bucket,
    Optional<String> s3Endpoint,
    Optional<String> s3Region,
    String s3Prefix,
    boolean s3PathStyle,
    Optional<String> s3AccessKeyId,
    Optional<Secret> s3SecretAccessKey,
    @Range(min = 5L << 20, max = 5L << 30, unit = "bytes") long s3PartBytes) {

  public static final String NODES = "nodes";
  public static final String S3 = "s3";

  public static final ArtifactsSection DEFAULTS = new ArtifactsSection(1L << 30, 4L << 30, 1000, NODES,
      Optional.empty(), Optional.empty(), Optional.empty(), "", false, Optional.empty(), Optional.empty(),
      16L << 20);

  /** Whether new artifacts' bytes go to S3. */
  public boolean s3() {
    return S3.equals(store);
  }

  ArtifactsSection checked(Fields f) {
    if (maxJobBytes < maxArtifactBytes) {
      throw f.invalid("max_job_bytes",
          "must not be less than " + f.field("max_artifact_bytes") + " (" + maxArtifactBytes + ")");
    }
    if (!List.of(NODES, S3).contains(store)) {
      throw f.invalid("store", "must be \"nodes\" (every member's disk) or \"s3\" (an S3-compatible bucket)");
    }
    if (s3() && s3Bucket.filter(b -> !b.isBlank()).isEmpty()) {
      throw f.invalid("s3_bucket", "required when " + f.field("store") + " is \"s3\"");
    }
    s3Endpoint.ifPresent(e -> {
      URI u;
      try {
        u = URI.create(e);
      } catch (IllegalArgumentException x) {
        throw f.invalid("s3_endpoint", "not a URL: " + x.getMessage());
      }
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw f.invalid("s3_endpoint", "must be an http:// or https:// URL with a host");
      }
    });
    if (s3AccessKeyId.isPresent() != s3SecretAccessKey.isPresent()) {
      throw f.invalid(s3AccessKeyId.isPresent() ? "s3_secret_access_key" : "s3_access_key_id",
          "set both " + f.field("s3_access_key_id") + " and " + f.field("s3_secret_access_key")
              + ", or neither (the AWS SDK's default credentials chain)");
    }
    if (!s3Prefix.isEmpty() && (!s3Prefix.endsWith("/") || s3Prefix.startsWith("/"))) {
      throw f.invalid("s3_prefix", "must end with '/' and not start with one (\"ci/artifacts/\"), or be empty");
    }
    return this;
  }
}
