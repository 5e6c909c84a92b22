package io.mvmci.api;

import io.mvmci.config.Member;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The other members' own views of the cluster, asked for at once and in parallel over their HTTP API
 * ({@code GET /api/v1/cluster}, with {@code secret_api}, which every member shares), each within a
 * second: what the cluster page shows of the nodes other than the one serving it.
 */
final class ClusterPeers {
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final java.util.function.Supplier<List<Member>> members;
  private final String secretApi;
  private final ObjectMapper json;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  ClusterPeers(java.util.function.Supplier<List<Member>> members, String secretApi, ObjectMapper json) {
    this.members = members;
    this.secretApi = secretApi;
    this.json = json;
  }

  List<JsonNode> views(int self) {
    List<CompletableFuture<JsonNode>> asked = new ArrayList<>();
    for (Member m : members.get()) {
      if (m.id() == self) {
        continue;
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + m.http() + "/api/v1/cluster"))
          .timeout(TIMEOUT).header("Authorization", "Bearer " + secretApi).GET().build();
      asked.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> r.statusCode() == 200 ? json.readTree(r.body())
              : unreachable(m, "HTTP " + r.statusCode()))
          .exceptionally(e -> unreachable(m, e.getCause() == null ? e.toString() : e.getCause().toString())));
    }
    return asked.stream().map(CompletableFuture::join).toList();
  }

  private JsonNode unreachable(Member m, String why) {
    ObjectNode n = json.createObjectNode();
    n.put("node_id", m.id());
    n.put("state", "unreachable");
    n.put("error", why);
    return n;
  }
}
