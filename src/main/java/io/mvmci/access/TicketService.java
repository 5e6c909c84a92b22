package io.mvmci.access;

import io.mvmci.command.Command;
import io.mvmci.command.IssueTicket;
import io.mvmci.command.Result;
import io.mvmci.command.RevokeTicket;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.JobQueries;
import io.mvmci.worker.WorkerTicket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Worker tickets: issued and revoked through the log, so every node knows every ticket. A node checks
 * a presented token against its own copy; a revocation therefore takes effect on each node as soon as
 * that node has applied it (normally milliseconds).
 */
public final class TicketService {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RaftNode node;
  private final Clock clock;

  public TicketService(RaftNode node, Clock clock) {
    this.node = node;
    this.clock = clock;
  }

  /** A new ticket; its token exists only in the returned string. */
  public record Issued(String id, String label, WorkerTicket ticket, List<String> labels) {}

  public Issued issue(String label, List<String> urls) {
    return issue(label, urls, List.of());
  }

  /** A new ticket whose holder may use only {@code labels} (empty: any). */
  public Issued issue(String label, List<String> urls, List<String> labels) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    byte[] idBytes = new byte[6];
    RANDOM.nextBytes(idBytes);
    String id = "tk-" + HexFormat.of().formatHex(idBytes);
    Result r = propose(new IssueTicket(clock.millis(), id, sha256(token), label, labels));
    if (r instanceof Result.Rejected rejected) {
      throw new IllegalStateException(rejected.message());
    }
    return new Issued(id, label, new WorkerTicket(urls, token), io.mvmci.job.Labels.canonical(labels));
  }

  /** Revokes a ticket; false if there is no live ticket with this id. */
  public boolean revoke(String id) {
    return propose(new RevokeTicket(clock.millis(), id)) instanceof Result.Ack;
  }

  public List<JobQueries.Ticket> list() {
    node.readBarrier().join();
    try {
      return node.stateMachine().queries().tickets();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The labels ticket {@code id} restricts its holder to, on this node's copy; empty: any. */
  public List<String> labelsOf(String id) {
    try {
      for (JobQueries.Ticket t : node.stateMachine().queries().tickets()) {
        if (t.id().equals(id)) {
          return t.labels();
        }
      }
      return List.of();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The id of the live ticket {@code token} belongs to, on this node's copy; empty if none. */
  public Optional<String> ticketOf(String token) {
    try {
      return node.stateMachine().queries().liveTicketId(sha256(token));
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private Result propose(Command c) {
    try {
      return node.submit(c).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicationException("interrupted", true);
    } catch (ExecutionException | TimeoutException e) {
      throw new ReplicationException("ticket change was not committed: "
          + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
    }
  }

  static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
