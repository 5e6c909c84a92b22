package io.mvmci.api;

import io.mvmci.access.TicketService;
import io.mvmci.config.NodeConfig;
import io.mvmci.store.JobQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Worker tickets (administration; {@code secret_api} only). A ticket is shown once, when issued:
 * give it to {@code mvm-ci worker --ticket} or {@code CONTROL_PLANE_TICKET}.
 */
@RestController
@RequestMapping("/api/v1/tickets")
class TicketsController {
  private final TicketService tickets;
  private final ObjectMapper json;
  private final List<String> memberUrls;

  TicketsController(TicketService tickets, ObjectMapper json, NodeConfig config) {
    this.tickets = tickets;
    this.json = json;
    this.memberUrls = config.members().stream().map(m -> "http://" + m.http()).toList();
  }

  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
  record Issued(String id, String label, List<String> urls, String ticket, List<String> labels) {}

  /**
   * {@code revoked_at}: null while the ticket is live (always present); {@code labels}: the only worker
   * labels the ticket's holder may use (absent: any).
   */
  record TicketView(String id, String label, String createdAt,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
      String revokedAt,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
      List<String> labels) {
    static TicketView of(JobQueries.Ticket t) {
      return new TicketView(t.id(), t.label(), JobView.time(t.createdAt()), JobView.time(t.revokedAt()), t.labels());
    }
  }

  /**
   * Body (optional): {@code {"label": "...", "urls": ["http://host:3020", ...], "labels": ["gpu"]}};
   * default urls: the members'; with {@code labels}, the holder may use only those worker labels.
   */
  @PostMapping
  ResponseEntity<Issued> issue(HttpServletRequest request) throws IOException {
    String text = RequestBodies.read(request, 64 * 1024);
    JsonNode body;
    try {
      body = text.isBlank() ? json.createObjectNode() : json.readTree(text);
    } catch (JacksonException e) {
      throw new BadRequestException(null, "body is not valid JSON: " + e.getOriginalMessage());
    }
    String label = body.path("label").asString("worker");
    if (label.length() > 200) {
      throw new BadRequestException("label", "label is longer than 200 characters");
    }
    List<String> urls = new ArrayList<>();
    body.path("urls").forEach(u -> urls.add(u.asString()));
    for (String u : urls) {
      if (!u.startsWith("http://") && !u.startsWith("https://")) {
        throw new BadRequestException("urls", "each url must be http(s)://host:port, not \"" + u + "\"");
      }
    }
    List<String> labels = WorkerController.labels(body);
    TicketService.Issued t = tickets.issue(label, urls.isEmpty() ? memberUrls : urls, labels);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new Issued(t.id(), t.label(), t.ticket().urls(), t.ticket().encode(), t.labels()));
  }

  @GetMapping
  List<TicketView> list() {
    return tickets.list().stream().map(TicketView::of).toList();
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> revoke(@PathVariable String id) {
    if (!tickets.revoke(id)) {
      throw new TicketNotFoundException(id);
    }
    return ResponseEntity.noContent().build();
  }

  static final class TicketNotFoundException extends RuntimeException {
    TicketNotFoundException(String id) {
      super("no live ticket " + id);
    }
  }
}
