package io.mvmci.replication;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.server.RaftServer;

/**
 * How this node's requests reach the group: the entries {@link GroupCommitter} proposes, and the
 * ReadIndex round trips {@link ReadBarrier} asks for. A proposal takes the leader's shortcut into the
 * local Ratis server when this node leads, else the {@link ForwardingClient}; a read index is retried
 * through an election. Kept apart from {@link RaftNode}, which builds the node and answers for it, so
 * that the paths a request can take, and the failures that send it down the other one, read together.
 */
final class RaftRequests {
  /** How long a read barrier keeps retrying while no leader is known. */
  static final long READ_RETRY_MS = 5_000;

  private final RaftServer server;
  private final RaftPeerId selfId;
  private final BooleanSupplier leads;
  /** The node's client, built once the server has started (so asked for at each request). */
  private final Supplier<ForwardingClient> client;
  /** Identifies this node's own proposals on the leader path (Ratis's retry cache is keyed by it). */
  private final ClientId localClientId = ClientId.randomId();
  private final AtomicLong localCallId = new AtomicLong();

  RaftRequests(RaftServer server, RaftPeerId selfId, BooleanSupplier leads, Supplier<ForwardingClient> client) {
    this.server = server;
    this.selfId = selfId;
    this.leads = leads;
    this.client = client;
  }

  /**
   * Proposes one entry. On the leader it goes straight into the local Ratis server, skipping the
   * client's gRPC round trip to itself; elsewhere, or if this node turns out not to lead (nothing
   * was appended then), through the client, which finds the leader.
   */
  CompletableFuture<byte[]> propose(byte[] entry) {
    Message message = Message.valueOf(
        org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(entry));
    if (leads.getAsBoolean()) {
      return submitLocally(message).handle((reply, error) -> notAppended(reply, error)
              ? client.get().send(message)
              : error != null ? CompletableFuture.<RaftClientReply>failedFuture(error)
              : CompletableFuture.completedFuture(reply))
          .thenCompose(f -> f)
          .thenApply(RaftRequests::replyContent);
    }
    return client.get().send(message).thenApply(RaftRequests::replyContent);
  }

  /** Sends a write straight into the local Ratis server, without the client's gRPC round trip. */
  private CompletableFuture<RaftClientReply> submitLocally(Message message) {
    try {
      return server.submitClientRequestAsync(RaftClientRequest.newBuilder()
          .setClientId(localClientId)
          .setServerId(selfId)
          .setGroupId(RaftNode.GROUP_ID)
          .setCallId(localCallId.incrementAndGet())
          .setMessage(message)
          .setType(RaftClientRequest.writeRequestType())
          .build());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** This node did not lead (any more, or not yet) or was not running: nothing reached the log. */
  private static boolean notAppended(RaftClientReply reply, Throwable error) {
    Throwable e = error != null ? ReplicationException.unwrap(error) : reply.getException();
    return e instanceof NotLeaderException || e instanceof LeaderNotReadyException
        || e instanceof ServerNotReadyException;
  }

  private static byte[] replyContent(RaftClientReply reply) {
    return checkReply(reply).getMessage().getContent().toByteArray();
  }

  static RaftClientReply checkReply(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      Throwable e = reply.getException();
      throw new ReplicationException("Raft request failed: "
          + (e == null ? "no reason given" : e.getMessage()), e);
    }
    return reply;
  }

  /**
   * One ReadIndex round trip through this node. While no leader is known (an election), Ratis fails
   * it at once; it is retried every 50 ms for up to {@link #READ_RETRY_MS}, so a read during an
   * election waits for the new leader instead of failing.
   */
  CompletableFuture<RaftClientReply> readIndex() {
    return readIndex(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_RETRY_MS));
  }

  private CompletableFuture<RaftClientReply> readIndex(long deadline) {
    return client.get().current().async().sendReadOnlyUnordered(Message.EMPTY, selfId)
        .thenApply(RaftRequests::checkReply)
        .handle((reply, error) -> {
          if (error == null) {
            return CompletableFuture.completedFuture(reply);
          }
          if (System.nanoTime() > deadline) {
            return CompletableFuture.<RaftClientReply>failedFuture(error);
          }
          return CompletableFuture.supplyAsync(() -> null,
                  CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))
              .thenCompose(ignored -> readIndex(deadline));
        })
        .thenCompose(f -> f);
  }
}
