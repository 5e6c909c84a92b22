package io.mvmci.artifact;

import io.mvmci.command.RecordArtifact;
import io.mvmci.command.Result;
import io.mvmci.job.JobId;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.ArtifactQueries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts' bytes on the members' disks ({@code nodes:1,2,3}): streamed by Ratis DataStream to every
 * member that answers, a majority at least, before the entry is proposed; read from this node's blob,
 * fetched first from a holder if this node was down when it was stored (DESIGN.md).
 */
final class NodeStore implements ArtifactStore {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStore.class);
  static final String PREFIX = "nodes:";

  private final RaftNode node;
  private final BlobStore blobs;
  private final ArtifactService.PeerBlobs peers;

  NodeStore(RaftNode node, BlobStore blobs, ArtifactService.PeerBlobs peers) {
    this.node = node;
    this.blobs = blobs;
    this.peers = peers;
    node.stateMachine().receiveStreamsWith(blobs.receiver());
  }

  @Override
  public Kept keep(BlobStore.Spooled s, Function<String, RecordArtifact> header) throws IOException {
    if (!node.streamsEnabled()) {
      blobs.publishCopy(s);
      String holders = PREFIX + node.selfId();
      return new Kept(holders, Entries.submit(node, header.apply(holders)));
    }
    IOException last = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      List<Integer> others = node.reachableStreamPeers(ArtifactService.PROBE_MS);
      int majority = node.members() / 2 + 1;
      if (others.size() + 1 < majority) {
        throw new ArtifactException(503, "only " + (others.size() + 1) + " of " + node.members()
            + " members can take the artifact's bytes now; a majority (" + majority + ") must hold them");
      }
      List<Integer> holders = new ArrayList<>(others);
      holders.add(node.selfId());
      holders.sort(null);
      String where = PREFIX + holders.stream().map(String::valueOf).collect(Collectors.joining(","));
      RecordArtifact c = header.apply(where);
      try {
        Result r = node.stream(c, s.file(), others);
        return new Kept(where, r);
      } catch (ReplicationException e) {
        throw new ArtifactException(503, "the artifact's entry could not be written: " + e.getMessage(), e);
      } catch (IOException e) {
        LOG.warn("streaming artifact {} of {} to {} failed; probing the members again", c.name(),
            JobId.format(c.seq()), where, e);
        last = e;
      }
    }
    throw new ArtifactException(503, "the artifact's bytes could not be streamed to a majority: "
        + last.getMessage(), last);
  }

  BlobStore blobs() {
    return blobs;
  }

  @Override
  public boolean keeps(String holders) {
    return holders.startsWith(PREFIX);
  }

  @Override
  public void ready(ArtifactQueries.Row row) throws IOException {
    blob(row);
  }

  @Override
  public InputStream open(ArtifactQueries.Row row, long offset) throws IOException {
    FileChannel c = FileChannel.open(blob(row));
    try {
      return Channels.newInputStream(c.position(offset));
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** This node's file of the row's blob: local, or fetched from a holder first. */
  Path blob(ArtifactQueries.Row row) throws IOException {
    if (blobs.has(row.sha256())) {
      return blobs.path(row.sha256());
    }
    List<Integer> holders = keeps(row.holders())
        ? Arrays.stream(row.holders().substring(PREFIX.length()).split(",")).map(Integer::parseInt).toList()
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

  @Override
  public int sweep(Predicate<String> referenced, long graceMs, long nowMs) throws IOException {
    return blobs.sweep(referenced, graceMs, nowMs);
  }
}
