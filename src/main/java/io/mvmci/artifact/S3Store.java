package io.mvmci.artifact;

import io.mvmci.command.RecordArtifact;
import io.mvmci.config.ArtifactsSection;
import io.mvmci.config.Secret;
import io.mvmci.replication.RaftNode;
import io.mvmci.store.ArtifactQueries;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Artifacts' bytes in an S3-compatible bucket ({@code s3:bucket/key}, DESIGN.md "S3"): the node that
 * spooled an upload PUTs it under {@code <prefix>sha256/<sha256>} (a multipart upload past {@code
 * s3_part_bytes}, each part read from the spool file, never the whole artifact in memory) and, once S3
 * acknowledged it, proposes the entry through the ordinary log. Any node reads it from the bucket, by
 * range. Thread-safe (the SDK's client is).
 */
public final class S3Store implements ArtifactStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);
  static final String PREFIX = "s3:";

  private final RaftNode node;
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final long partBytes;
  private final String shown;

  S3Store(RaftNode node, S3Client s3, String bucket, String prefix, long partBytes, String shown) {
    this.node = node;
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.partBytes = partBytes;
    this.shown = shown;
  }

  /** A store with the section's bucket, endpoint, region and credentials. */
  public static S3Store create(RaftNode node, ArtifactsSection c) {
    S3ClientBuilder b = S3Client.builder()
        .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(Duration.ofSeconds(5)))
        .forcePathStyle(c.s3PathStyle())
        .region(c.s3Region().map(Region::of).orElseGet(S3Store::defaultRegion))
        .credentialsProvider(credentials(c));
    c.s3Endpoint().map(URI::create).ifPresent(b::endpointOverride);
    String bucket = c.s3Bucket().orElseThrow();
    String shown = "S3 bucket " + bucket + c.s3Endpoint().map(e -> " at " + e).orElse("");
    return new S3Store(node, b.build(), bucket, c.s3Prefix(), c.s3PartBytes(), shown);
  }

  private static Region defaultRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkException e) {
      return Region.US_EAST_1;
    }
  }

  private static AwsCredentialsProvider credentials(ArtifactsSection c) {
    if (c.s3AccessKeyId().isPresent()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(c.s3AccessKeyId().get(),
          c.s3SecretAccessKey().map(Secret::reveal).orElseThrow()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** The object key of a blob. */
  String key(String sha256) {
    return prefix + "sha256/" + sha256;
  }

  @Override
  public Kept keep(BlobStore.Spooled s, Function<String, RecordArtifact> header) throws IOException {
    String key = key(s.sha256());
    try {
      put(s.file(), s.size(), key);
    } catch (SdkException e) {
      throw new ArtifactException(502, shown + " did not take the artifact's bytes: " + reason(e), e);
    }
    String holders = PREFIX + bucket + "/" + key;
    return new Kept(holders, Entries.submit(node, header.apply(holders)));
  }

  /**
   * Uploads the file as {@code key}; returns once S3 acknowledged it. Always written, even if the key
   * exists: the fresh write time keeps the sweep off a blob that an entry about to commit refers to.
   */
  private void put(Path file, long size, String key) {
    if (size <= partBytes) {
      s3.putObject(r -> r.bucket(bucket).key(key).contentLength(size).contentType("application/octet-stream"),
          RequestBody.fromContentProvider(() -> region(file, 0, size), size, "application/octet-stream"));
      return;
    }
    String upload = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)
        .contentType("application/octet-stream")).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (long off = 0; off < size; off += partBytes) {
        long from = off;
        long len = Math.min(partBytes, size - off);
        int number = parts.size() + 1;
        String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload).partNumber(number)
                .contentLength(len),
            RequestBody.fromContentProvider(() -> region(file, from, len), len, "application/octet-stream"))
            .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload)
          .multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload));
      } catch (SdkException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  /** A fresh stream of {@code len} bytes of the file from {@code from} (the SDK may ask again to retry). */
  private static InputStream region(Path file, long from, long len) {
    try {
      FileChannel c = FileChannel.open(file);
      c.position(from);
      return new Bounded(Channels.newInputStream(c), len);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public boolean keeps(String holders) {
    return holders.startsWith(PREFIX);
  }

  @Override
  public void ready(ArtifactQueries.Row row) {
    Location at = location(row);
    try {
      s3.headObject(r -> r.bucket(at.bucket).key(at.key));
    } catch (NoSuchKeyException e) {
      throw gone(row, at);
    } catch (S3Exception e) {
      throw e.statusCode() == 404 ? gone(row, at) : unreadable(row, e);
    } catch (SdkException e) {
      throw unreadable(row, e);
    }
  }

  @Override
  public InputStream open(ArtifactQueries.Row row, long offset) {
    Location at = location(row);
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(at.bucket).key(at.key)
          .range(offset > 0 ? "bytes=" + offset + "-" : null));
      return new Unread(in);
    } catch (NoSuchKeyException e) {
      throw gone(row, at);
    } catch (SdkException e) {
      throw unreadable(row, e);
    }
  }

  @Override
  public int sweep(Predicate<String> referenced, long graceMs, long nowMs) {
    int deleted = 0;
    for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + "sha256/")).contents()) {
      String sha = o.key().substring(o.key().lastIndexOf('/') + 1);
      if (sha.matches("[0-9a-f]{64}") && nowMs - o.lastModified().toEpochMilli() > graceMs && !referenced.test(sha)) {
        s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public void close() {
    s3.close();
  }

  private record Location(String bucket, String key) {}

  private static Location location(ArtifactQueries.Row row) {
    String rest = row.holders().substring(PREFIX.length());
    int slash = rest.indexOf('/');
    return new Location(rest.substring(0, slash), rest.substring(slash + 1));
  }

  private static ArtifactException gone(ArtifactQueries.Row row, Location at) {
    return new ArtifactException(410, "the bytes of " + row.name() + " are gone from S3 (" + at.bucket + "/"
        + at.key + ")");
  }

  private ArtifactException unreadable(ArtifactQueries.Row row, SdkException e) {
    LOG.warn("reading {} from {}: {}", row.holders(), shown, reason(e));
    return new ArtifactException(502, shown + " did not serve the bytes of " + row.name() + ": " + reason(e), e);
  }

  /** The SDK's message, with the cause's when that says more (a refused connection). */
  static String reason(SdkException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = e.getMessage();
    return root == e || root.getMessage() == null || m.contains(root.getMessage()) ? m : m + " (" + root + ")";
  }

  /** At most {@code left} bytes of a stream. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long left) {
      super(in);
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }

  /** A GET's body; closed before its end, the connection is aborted rather than drained. */
  private static final class Unread extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private boolean ended;

    Unread(ResponseInputStream<GetObjectResponse> in) {
      super(in);
      this.response = in;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      ended |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      ended |= n < 0;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        response.abort();
      }
      super.close();
    }
  }
}
