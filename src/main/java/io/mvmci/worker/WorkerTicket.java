package io.mvmci.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything a remote worker needs in one opaque string: the control plane's addresses and a
 * credential. {@code mvmci-ticket-v1.} followed by base64url of {@code {"urls":[...],"token":"..."}}.
 * The token is checked against the cluster's replicated ticket table, so a ticket can be revoked.
 */
public record WorkerTicket(List<String> urls, String token) {
  static final String PREFIX = "mvmci-ticket-v1.";
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  public WorkerTicket {
    urls = List.copyOf(urls);
  }

  public String encode() {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode a = o.putArray("urls");
    urls.forEach(a::add);
    o.put("token", token);
    return PREFIX + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8));
  }

  /** Parses a ticket; the message of the exception says what is wrong with it (never its token). */
  public static WorkerTicket decode(String ticket) {
    String t = ticket == null ? "" : ticket.strip();
    if (!t.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a worker ticket (it should start with " + PREFIX + ")");
    }
    try {
      JsonNode o = JSON.readTree(new String(Base64.getUrlDecoder().decode(t.substring(PREFIX.length())),
          StandardCharsets.UTF_8));
      List<String> urls = new ArrayList<>();
      o.path("urls").forEach(u -> urls.add(u.asString()));
      String token = o.path("token").asString("");
      if (urls.isEmpty() || token.isEmpty()) {
        throw new IllegalArgumentException("worker ticket lacks control-plane URLs or a token");
      }
      return new WorkerTicket(urls, token);
    } catch (IllegalArgumentException | JacksonException e) {
      throw new IllegalArgumentException("worker ticket is damaged: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "WorkerTicket" + urls + " (token redacted)";
  }
}
