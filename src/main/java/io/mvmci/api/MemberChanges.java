package io.mvmci.api;

import io.mvmci.config.HostPort;
import io.mvmci.config.Member;
import io.mvmci.config.NodeConfig;
import io.mvmci.replication.GroupMembers;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.RaftSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Adds, removes and replaces members of the Raft group at runtime (Ratis's
 * {@code setConfiguration}). A new member joins as a <em>listener</em>: it receives the log (or the
 * leader's snapshot, when the log it needs was purged) and applies it, but does not vote and does
 * not count toward the quorum. Only once its own database has applied everything committed when it
 * was added is it promoted to a voter, so a new member never makes a write wait for its catch-up.
 * One change at a time per node; Ratis's compare-and-set refuses a change racing another node's.
 */
final class MemberChanges {
  private static final Logger LOG = LoggerFactory.getLogger(MemberChanges.class);
  static final Duration DEFAULT_CATCH_UP = Duration.ofMinutes(2);

  /** A change that cannot be made as asked; answered with {@code status} and the reason. */
  static final class RefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    RefusedException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final RaftNode node;
  private final String secretApi;
  private final ObjectMapper json;
  /** HTTP addresses by member id: the file's, then those given to changes made through this node. */
  private final Map<Integer, HostPort> http = new ConcurrentHashMap<>();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  /** Runs a listener's addition, which Ratis may hold while it cannot reach the member. */
  private static final java.util.concurrent.Executor ADDER = java.util.concurrent.Executors.newCachedThreadPool(
      io.mvmci.worker.Threads.named("member-add"));

  MemberChanges(RaftNode node, NodeConfig config, String secretApi, ObjectMapper json) {
    this.node = node;
    this.secretApi = secretApi;
    this.json = json;
    config.members().forEach(m -> http.put(m.id(), m.http()));
  }

  /** The HTTP address of member {@code id}, if this node knows it. */
  Optional<HostPort> http(int id) {
    return Optional.ofNullable(http.get(id));
  }

  /** The replicated members, each with its HTTP address where this node knows it. */
  List<Member> known() {
    List<Member> out = new ArrayList<>();
    GroupMembers g = node.membership().current();
    for (List<RaftSettings.Peer> list : List.of(g.voters(), g.listeners())) {
      for (RaftSettings.Peer p : list) {
        HostPort h = http.get(p.id());
        if (h != null) {
          out.add(new Member(p.id(), HostPort.parse(p.raftAddress()), h));
        }
      }
    }
    return out;
  }

  /** Adds member {@code id}: as a listener, then, once it has caught up, as a voter. */
  synchronized GroupMembers add(int id, HostPort raft, HostPort httpAddress, Duration catchUp) {
    GroupMembers now = stable();
    if (now.isVoter(id)) {
      throw new RefusedException(409, "member " + id + " is already a voter");
    }
    checkAddressFree(now, id, raft);
    admit(now, id, raft, httpAddress, catchUp, Optional.empty());
    return node.membership().current();
  }

  /** Removes member {@code id}; it notices and stops. */
  synchronized GroupMembers remove(int id) {
    GroupMembers now = stable();
    if (!now.contains(id)) {
      throw new RefusedException(404, "member " + id + " is not in the group (members: " + ids(now) + ")");
    }
    List<RaftSettings.Peer> voters = without(now.voters(), id);
    if (voters.isEmpty()) {
      throw new RefusedException(409, "member " + id + " is the last voter; a group cannot be empty");
    }
    LOG.info("removing member {} from the group", id);
    node.membership().change(now, voters, without(now.listeners(), id));
    LOG.info("member {} removed; voters now {}", id, ids(node.membership().current()));
    return node.membership().current();
  }

  /** Adds member {@code id} as {@link #add} does, and removes {@code old} in the same change. */
  synchronized GroupMembers replace(int old, int id, HostPort raft, HostPort httpAddress, Duration catchUp) {
    GroupMembers now = stable();
    if (!now.isVoter(old)) {
      throw new RefusedException(404, "member " + old + " is not a voter (voters: " + ids(now) + ")");
    }
    if (old == id || now.isVoter(id)) {
      throw new RefusedException(409, "member " + id + " is already a voter; the new member needs a new id");
    }
    checkAddressFree(now, id, raft);
    admit(now, id, raft, httpAddress, catchUp, Optional.of(old));
    return node.membership().current();
  }

  private void admit(GroupMembers now, int id, HostPort raft, HostPort httpAddress, Duration catchUp,
      Optional<Integer> replacing) {
    RaftSettings.Peer peer = new RaftSettings.Peer(id, raft.toString());
    http.put(id, httpAddress);
    GroupMembers asListener = now;
    long deadline = System.nanoTime() + catchUp.toNanos();
    if (!now.contains(id)) {
      List<RaftSettings.Peer> listeners = new ArrayList<>(now.listeners());
      listeners.add(peer);
      LOG.info("adding member {} ({}, http {}) as a listener", id, raft, httpAddress);
      addListener(now, listeners, id, raft, catchUp);
      asListener = node.membership().current();
    }
    long target = Math.max(node.commitIndex(), asListener.index());
    awaitCaughtUp(id, httpAddress, target, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), catchUp);
    LOG.info("member {} caught up to index {}; making it a voter{}", id, target,
        replacing.map(old -> " in place of member " + old).orElse(""));
    node.membership().promote(id, replacing);
    LOG.info("voters now {}", ids(node.membership().current()));
  }

  /**
   * Waits until member {@code id} has applied {@code target} (asked over its HTTP API); when it does
   * not in time, takes it out of the group again and refuses the change.
   */
  private void awaitCaughtUp(int id, HostPort address, long target, Duration left, Duration patience) {
    long deadline = System.nanoTime() + left.toNanos();
    String last = "it did not answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/api/v1/cluster"))
            .timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + secretApi).GET().build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          JsonNode view = json.readTree(r.body());
          long applied = view.path("applied_index").asLong(-1);
          if (view.path("node_id").asInt() != id) {
            throw new RefusedException(409, address + " is node " + view.path("node_id").asInt() + ", not " + id);
          }
          if (applied >= target) {
            return;
          }
          last = "it had applied " + applied + " of " + target;
        } else {
          last = "it answered HTTP " + r.statusCode();
        }
      } catch (java.io.IOException e) {
        last = "it did not answer: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.warn("member {} did not catch up within {} ({}); taking it out again", id, patience, last);
    takeOut(id);
    throw notCaughtUp(id, address + " did not catch up to index " + target, patience, last);
  }

  /**
   * Adds the listener, for at most {@code patience}: Ratis first stages a new listener and proposes
   * the configuration only once the leader has reached it, so while its Raft address does not answer
   * the change waits (until Ratis's staging timeout gives it up). After {@code patience} the call is
   * refused (504); should Ratis still add it later, it is taken out again.
   */
  private void addListener(GroupMembers now, List<RaftSettings.Peer> listeners, int id, HostPort raft,
      Duration patience) {
    java.util.concurrent.atomic.AtomicBoolean givenUp = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CompletableFuture<Void> adding = java.util.concurrent.CompletableFuture.runAsync(
        () -> node.membership().change(now, now.voters(), listeners), ADDER).whenComplete((ok, e) -> {
          if (e == null && givenUp.get()) {
            LOG.warn("member {} was added as a listener after its change had been given up; taking it out", id);
            takeOut(id);
          }
        });
    try {
      adding.get(patience.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      givenUp.set(true);
      throw notCaughtUp(id, "the leader did not reach raft " + raft, patience, "its Raft address did not"
          + " answer, or Ratis is still trying to reach a member added earlier");
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RefusedException(503, "interrupted adding member " + id);
    }
  }

  private void takeOut(int id) {
    try {
      GroupMembers now = node.membership().current();
      if (now.listeners().stream().anyMatch(p -> p.id() == id)) {
        node.membership().change(now, now.voters(), without(now.listeners(), id));
      }
    } catch (RuntimeException e) {
      LOG.warn("could not take listener {} out again: {}", id, e.getMessage());
    }
  }

  private static RefusedException notCaughtUp(int id, String what, Duration patience, String why) {
    return new RefusedException(504, "member " + id + ": " + what + " within " + patience.toMillis() + " ms ("
        + why + "); it is not a member. Is it running with node.join (or --join), an empty data directory and"
        + " the cluster's secrets?");
  }

  private GroupMembers stable() {
    GroupMembers now = node.membership().current();
    if (!now.stable()) {
      throw new RefusedException(409, "another membership change is in progress; try again");
    }
    return now;
  }

  private static void checkAddressFree(GroupMembers now, int id, HostPort raft) {
    for (List<RaftSettings.Peer> list : List.of(now.voters(), now.listeners())) {
      for (RaftSettings.Peer p : list) {
        if (p.id() != id && HostPort.parse(p.raftAddress()).sameEndpoint(raft)) {
          throw new RefusedException(409, "raft address " + raft + " is member " + p.id() + "'s");
        }
      }
    }
  }

  private static List<RaftSettings.Peer> without(List<RaftSettings.Peer> peers, int id) {
    return peers.stream().filter(p -> p.id() != id).toList();
  }

  private static String ids(GroupMembers g) {
    return g.voters().stream().map(p -> String.valueOf(p.id())).toList().toString();
  }
}
