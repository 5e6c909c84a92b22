package io.mvmci;

import io.mvmci.config.HostPort;
import io.mvmci.replication.RaftSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A new node's first contact with the cluster it joins: asks the member at {@code node.join} for the
 * replicated members ({@code GET /api/v1/cluster} with {@code secret_api}), so that the node knows
 * where the group is before an operator adds it. Tries for up to {@link #PATIENCE}, then stops the
 * node with one line that says why.
 */
final class ClusterJoin {
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private ClusterJoin() {}

  /** The members the cluster at {@code join} has now (voters and listeners), by id and Raft address. */
  static List<RaftSettings.Peer> members(HostPort join, String secretApi) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + join + "/api/v1/cluster"))
        .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + secretApi).GET().build();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    String why;
    while (true) {
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return parse(JsonMapper.builder().build().readTree(r.body()), join);
        }
        why = "it answered HTTP " + r.statusCode() + (r.statusCode() == 401 ? " (is secret_api the cluster's?)" : "");
        if (r.statusCode() / 100 == 4) {
          break;
        }
      } catch (IOException e) {
        why = String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        why = "interrupted";
        break;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new StartupFailure(ExitCodes.FAILED, "cannot join the cluster through " + join
        + " (node.join): " + why, null);
  }

  static List<RaftSettings.Peer> parse(JsonNode view, HostPort join) {
    List<RaftSettings.Peer> peers = new ArrayList<>();
    for (JsonNode m : view.path("members")) {
      peers.add(new RaftSettings.Peer(m.path("id").asInt(), m.path("raft").asString()));
    }
    if (peers.isEmpty()) {
      throw new StartupFailure(ExitCodes.FAILED, "cannot join the cluster through " + join
          + " (node.join): it named no members", null);
    }
    return peers;
  }
}
