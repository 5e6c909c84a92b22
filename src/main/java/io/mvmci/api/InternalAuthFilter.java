package io.mvmci.api;

import io.mvmci.access.TicketService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Guards the endpoints that are not for the public: worker endpoints take {@code secret_api} or a live
 * worker ticket; administration (tickets, module deployment, {@code /api/v1/admin/*} such as backups)
 * takes {@code secret_api} only. Both as
 * {@code Authorization: Bearer <token>}. A refusal is a 401 (no or unknown credential) or 403 (a
 * ticket where only the secret will do), with a problem body that never echoes the token.
 */
final class InternalAuthFilter extends OncePerRequestFilter {
  enum Need { NONE, WORKER, ADMIN }

  /**
   * Request attribute naming the worker ticket a worker request came with (absent for
   * {@code secret_api}): the worker endpoints keep each ticket's workers apart by it.
   */
  static final String TICKET_ATTRIBUTE = "mvmci.ticket";

  private final byte[] secretApi;
  private final TicketService tickets;
  private final ObjectMapper json;

  InternalAuthFilter(String secretApi, TicketService tickets, ObjectMapper json) {
    this.secretApi = secretApi.getBytes(StandardCharsets.UTF_8);
    this.tickets = tickets;
    this.json = json;
  }

  static Need need(String method, String path) {
    if (path.startsWith("/api/v1/workers/")) {
      return Need.WORKER;
    }
    if (path.equals("/api/v1/tickets") || path.startsWith("/api/v1/tickets/")) {
      return Need.ADMIN;
    }
    if (path.startsWith("/api/v1/modules/")) {
      return "GET".equals(method) ? Need.WORKER : Need.ADMIN;
    }
    if (path.startsWith("/api/v1/admin/")) {
      return Need.ADMIN;
    }
    return Need.NONE;
  }

  /**
   * The path the request is routed by: the servlet path and path info, which the container has
   * decoded, normalized and stripped of {@code ;parameters}. The raw request URI would let
   * {@code /api/v1/tickets;x} or {@code /api/v1/%74ickets} past the check to the same controller.
   */
  static String routedPath(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String info = request.getPathInfo();
    return (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    Need need = need(request.getMethod(), routedPath(request));
    if (need == Need.NONE) {
      chain.doFilter(request, response);
      return;
    }
    String header = request.getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip() : null;
    if (token == null || token.isEmpty()) {
      refuse(request, response, HttpStatus.UNAUTHORIZED, "this endpoint needs Authorization: Bearer <secret_api"
          + (need == Need.WORKER ? " or a worker ticket's token>" : ">"));
      return;
    }
    boolean admin = MessageDigest.isEqual(secretApi, token.getBytes(StandardCharsets.UTF_8));
    if (admin) {
      chain.doFilter(request, response);
      return;
    }
    Optional<String> ticket = tickets.ticketOf(token);
    if (need == Need.WORKER && ticket.isPresent()) {
      request.setAttribute(TICKET_ATTRIBUTE, ticket.get());
      chain.doFilter(request, response);
      return;
    }
    if (need == Need.ADMIN && ticket.isPresent()) {
      refuse(request, response, HttpStatus.FORBIDDEN, "a worker ticket cannot do this; it needs secret_api");
      return;
    }
    refuse(request, response, HttpStatus.UNAUTHORIZED, "the credential is not secret_api or a live worker ticket");
  }

  /** Refuses before the body is read; an unread body is not waited for ({@link EarlyAnswers}). */
  private void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    if (status == HttpStatus.UNAUTHORIZED) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"mvm-ci\"");
    }
    EarlyAnswers.problem(request, response, json, EarlyAnswers.of(status,
        status == HttpStatus.FORBIDDEN ? "forbidden" : "unauthorized", detail));
  }
}
