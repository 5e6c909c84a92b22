package io.mvmci.artifact;

import io.mvmci.command.RecordArtifact;
import io.mvmci.command.Result;
import io.mvmci.config.ArtifactsSection;
import io.mvmci.job.JobId;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.ArtifactQueries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores and finds artifacts (DESIGN.md): spools an upload, streams it to a majority or more of the
 * group with its {@link RecordArtifact} header, and answers once the entry applied; finds a blob
 * locally or fetches it from a holder. Thread-safe; {@link #store} blocks its caller.
 */
public final class ArtifactService {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactService.class);
  static final int PROBE_MS = 300;

  private final RaftNode node;
  private final BlobStore blobs;
  private final ArtifactsSection limits;
  private final Clock clock;
  private final PeerBlobs peers;

  public ArtifactService(RaftNode node, BlobStore blobs, ArtifactsSection limits, Clock clock, PeerBlobs peers) {
    this.node = node;
    this.blobs = blobs;
    this.limits = limits;
    this.clock = clock;
    this.peers = peers;
    node.stateMachine().receiveStreamsWith(blobs.receiver());
  }

  public ArtifactsSection limits() {
    return limits;
  }

  /** What was stored. */
  public record Stored(long jobSeq, String name, long size, String sha256, String holders) {}

  /** Reads {@code in} to its end and stores it as {@code name} of job {@code seq}. */
  public Stored store(long seq, String name, InputStream in) throws IOException {
    checkName(name);
    try (BlobStore.Spooled s = blobs.spool(in, limits.maxArtifactBytes())) {
      return store(seq, name, s);
    }
  }

  /** Stores a spooled upload (the caller deletes the spool). */
  public Stored store(long seq, String name, BlobStore.Spooled s) throws IOException {
    checkName(name);
    if (!node.streamsEnabled()) {
      blobs.publishCopy(s);
      String holders = "nodes:" + node.selfId();
      return answer(seq, name, s, holders, submit(command(seq, name, s, holders)));
    }
    IOException last = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      List<Integer> others = node.reachableStreamPeers(PROBE_MS);
      int majority = node.members() / 2 + 1;
      if (others.size() + 1 < majority) {
        throw new ArtifactException(503, "only " + (others.size() + 1) + " of " + node.members()
            + " members can take the artifact's bytes now; a majority (" + majority + ") must hold them");
      }
      List<Integer> holders = new ArrayList<>(others);
      holders.add(node.selfId());
      holders.sort(null);
      String where = "nodes:" + holders.stream().map(String::valueOf).collect(Collectors.joining(","));
      try {
        Result r = node.stream(command(seq, name, s, where), s.file(), others);
        return answer(seq, name, s, where, r);
      } catch (ReplicationException e) {
        throw new ArtifactException(503, "the artifact's entry could not be written: " + e.getMessage(), e);
      } catch (IOException e) {
        LOG.warn("streaming artifact {} of {} to {} failed; probing the members again", name, JobId.format(seq),
            where, e);
        last = e;
      }
    }
    throw new ArtifactException(503, "the artifact's bytes could not be streamed to a majority: "
        + last.getMessage(), last);
  }

  private RecordArtifact command(long seq, String name, BlobStore.Spooled s, String holders) {
    return new RecordArtifact(clock.millis(), seq, name, s.size(), s.sha256(), holders,
        limits.maxJobBytes(), limits.maxPerJob());
  }

  private Result submit(RecordArtifact c) throws IOException {
    try {
      return node.submit(c).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new ArtifactException(503, "the artifact's entry could not be written: " + e.getMessage(), e);
    }
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

  /** This node's file of the row's blob: local, or fetched from a holder first. */
  public Path blob(ArtifactQueries.Row row) throws IOException {
    if (blobs.has(row.sha256())) {
      return blobs.path(row.sha256());
    }
    List<Integer> holders = row.holders().startsWith("nodes:")
        ? java.util.Arrays.stream(row.holders().substring(6).split(",")).map(Integer::parseInt).toList()
        : List.of();
    for (int id : holders) {
      if (id == node.selfId()) {
        continue;
      }
      try (InputStream in = peers.open(id, row.sha256())) {
        if (in != null) {
          blobs.put(in, row.sha256(), row.size());
          return blobs.path(row.sha256());
        }
      } catch (IOException e) {
        LOG.info("blob {} not fetched from node {}: {}", row.sha256(), id, e.getMessage());
      }
    }
    throw new ArtifactException(503, "no reachable holder has the bytes of " + row.name() + " ("
        + row.holders() + ")");
  }

  /** The local file of a blob, if this node holds it (what peers fetch). */
  public Optional<Path> localBlob(String sha256) {
    return sha256.matches("[0-9a-f]{64}") && blobs.has(sha256) ? Optional.of(blobs.path(sha256)) : Optional.empty();
  }

  /** Deletes local blobs no artifact refers to any more (after retention), older than an hour. */
  public int sweep() throws IOException {
    return blobs.sweep(sha -> {
      try {
        return node.stateMachine().queries().artifacts().referenced(sha);
      } catch (SQLException | RuntimeException e) {
        return true;
      }
    }, TimeUnit.HOURS.toMillis(1), clock.millis());
  }

  /** Reads a blob from a peer: an open stream of its bytes, or null if the peer has none. */
  public interface PeerBlobs {
    InputStream open(int nodeId, String sha256) throws IOException;
  }
}
