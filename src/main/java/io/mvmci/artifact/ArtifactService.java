package io.mvmci.artifact;

import io.mvmci.command.RecordArtifact;
import io.mvmci.command.Result;
import io.mvmci.config.ArtifactsSection;
import io.mvmci.replication.RaftNode;
import io.mvmci.store.ArtifactQueries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Stores and finds artifacts (DESIGN.md): spools an upload, has the configured {@link ArtifactStore}
 * make its bytes durable (every member's disk by DataStream, or S3) and record them with a {@link
 * RecordArtifact}, and answers once the entry applied; finds a row's bytes in the store that keeps
 * them, whatever store new uploads use. Thread-safe; {@link #store} blocks its caller.
 */
public final class ArtifactService implements AutoCloseable {
  static final int PROBE_MS = 300;
  /** How old unreferenced bytes must be before a sweep deletes them: covers a write whose entry is not applied yet. */
  public static final long SWEEP_GRACE_MS = TimeUnit.HOURS.toMillis(1);

  private final RaftNode node;
  private final ArtifactsSection limits;
  private final Clock clock;
  private final NodeStore nodes;
  private final Optional<S3Store> s3;

  public ArtifactService(RaftNode node, BlobStore blobs, ArtifactsSection limits, Clock clock, PeerBlobs peers) {
    this(node, blobs, limits, clock, peers, Optional.empty());
  }

  /** With {@code s3}, new artifacts' bytes go to that bucket; rows kept on the nodes are still read there. */
  public ArtifactService(RaftNode node, BlobStore blobs, ArtifactsSection limits, Clock clock, PeerBlobs peers,
      Optional<S3Store> s3) {
    this.node = node;
    this.limits = limits;
    this.clock = clock;
    this.nodes = new NodeStore(node, blobs, peers);
    this.s3 = s3;
  }

  public ArtifactsSection limits() {
    return limits;
  }

  /** What was stored. */
  public record Stored(long jobSeq, String name, long size, String sha256, String holders) {}

  /** Reads {@code in} to its end and stores it as {@code name} of job {@code seq}. */
  public Stored store(long seq, String name, InputStream in) throws IOException {
    checkName(name);
    try (BlobStore.Spooled s = nodes.blobs().spool(in, limits.maxArtifactBytes())) {
      return store(seq, name, s);
    }
  }

  /** Stores a spooled upload (the caller deletes the spool). */
  public Stored store(long seq, String name, BlobStore.Spooled s) throws IOException {
    checkName(name);
    ArtifactStore to = s3.<ArtifactStore>map(x -> x).orElse(nodes);
    ArtifactStore.Kept kept = to.keep(s, holders -> new RecordArtifact(clock.millis(), seq, name, s.size(),
        s.sha256(), holders, limits.maxJobBytes(), limits.maxPerJob()));
    return answer(seq, name, s, kept.holders(), kept.result());
  }

  private static Stored answer(long seq, String name, BlobStore.Spooled s, String holders, Result r) {
    if (r instanceof Result.Rejected rejected) {
      switch (rejected.reason()) {
        case LIMIT -> throw new ArtifactTooLargeException(rejected.message());
        case UNKNOWN_JOB -> throw new ArtifactException(404, rejected.message());
        default -> throw new ArtifactException(409, rejected.message());
      }
    }
    return new Stored(seq, name, s.size(), s.sha256(), holders);
  }

  /** Names are path segments: 1-255 characters, no slash, no control character, not . or .. */
  public static void checkName(String name) {
    if (name == null || name.isEmpty() || name.length() > 255 || name.equals(".") || name.equals("..")
        || name.chars().anyMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("an artifact name is 1-255 characters without '/', '\\' or control"
          + " characters, and not . or ..: " + name);
    }
  }

  public List<ArtifactQueries.Row> list(long seq) throws SQLException {
    return node.stateMachine().queries().artifacts().list(seq);
  }

  public Optional<ArtifactQueries.Row> find(long seq, String name) throws SQLException {
    return node.stateMachine().queries().artifacts().get(seq, name);
  }

  /** Makes sure a download of the row can start: its bytes fetched here, or found in S3; or throws. */
  public void ready(ArtifactQueries.Row row) throws IOException {
    storeOf(row).ready(row);
  }

  /** The row's bytes from {@code offset} to its end. */
  public InputStream open(ArtifactQueries.Row row, long offset) throws IOException {
    return storeOf(row).open(row, offset);
  }

  private ArtifactStore storeOf(ArtifactQueries.Row row) {
    if (nodes.keeps(row.holders())) {
      return nodes;
    }
    return s3.filter(x -> x.keeps(row.holders())).orElseThrow(() -> new ArtifactException(503,
        row.name() + " is kept at " + row.holders() + ", and this node has no [artifacts] S3 store configured"));
  }

  /** The local file of a blob, if this node holds it (what peers fetch). */
  public Optional<Path> localBlob(String sha256) {
    BlobStore blobs = nodes.blobs();
    return sha256.matches("[0-9a-f]{64}") && blobs.has(sha256) ? Optional.of(blobs.path(sha256)) : Optional.empty();
  }

  /**
   * Deletes the bytes no artifact refers to any more (after retention) and older than {@code graceMs}:
   * this node's blobs, and, on the leader alone, the S3 objects. Returns how many went.
   */
  public int sweep(long graceMs) throws IOException {
    Predicate<String> referenced = sha -> {
      try {
        return node.stateMachine().queries().artifacts().referenced(sha);
      } catch (SQLException | RuntimeException e) {
        return true;
      }
    };
    int n = nodes.sweep(referenced, graceMs, clock.millis());
    if (s3.isPresent() && node.isLeader()) {
      try {
        n += s3.get().sweep(referenced, graceMs, clock.millis());
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        throw new IOException("sweeping S3: " + S3Store.reason(e), e);
      }
    }
    return n;
  }

  /** Closes the S3 client, if any (its connection pool). */
  @Override
  public void close() {
    s3.ifPresent(S3Store::close);
  }

  /** Reads a blob from a peer: an open stream of its bytes, or null if the peer has none. */
  public interface PeerBlobs {
    InputStream open(int nodeId, String sha256) throws IOException;
  }
}
