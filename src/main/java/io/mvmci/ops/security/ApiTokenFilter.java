package io.mvmci.ops.security;

import io.mvmci.api.EarlyAnswers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Guards the public API with {@code [api] token} when one is set.
 *
 * <table>
 *   <caption>Who may call what</caption>
 *   <tr><th>paths</th><th>token unset (default)</th><th>token set</th></tr>
 *   <tr><td>everything not listed below: {@code /new-job}, {@code /queue/**}, {@code /api/v1/jobs**}, {@code /api/v1/schedules**},
 *       {@code /api/v1/stats}, {@code /api/v1/modules} (the list), {@code /api/v1/workers} (the list),
 *       {@code /api/v1/cluster}, {@code /api/v1/cluster/consistency} (the verdict without digests),
 *       {@code /openapi.json}, unknown paths</td><td>anyone</td><td>{@code api.token}
 *       or {@code secret_api}</td></tr>
 *   <tr><td>{@code /actuator/health**}</td><td>anyone, with details</td><td>anyone; details only
 *       with {@code api.token} or {@code secret_api}</td></tr>
 *   <tr><td>other {@code /actuator/**} (prometheus)</td><td>anyone</td><td>{@code api.token} or
 *       {@code secret_api}</td></tr>
 *   <tr><td>the dashboard's shell ({@code /}, {@code /assets/**}) and {@code /api/v1/session}</td>
 *       <td colspan="2">anyone: a browser loads them before it holds a session</td></tr>
 *   <tr><td>worker, ticket, module-deploy and admin endpoints</td><td colspan="2">not here: {@code
 *       secret_api} or a ticket (the API's InternalAuthFilter); {@code api.token} is refused there</td></tr>
 * </table>
 *
 * Credentials come as {@code Authorization: Bearer <value>} and are compared in constant time, or as
 * the dashboard's session cookie ({@link Sessions}); a request that changes something with the cookie
 * alone must carry the session's anti-CSRF header, else it is a 403. A refusal is a 401 problem+json
 * that never echoes what was sent. A caller holding a credential is
 * shown to Spring as an authenticated principal, which is what lets the health endpoint show
 * details to it ({@code show-details: when-authorized}).
 */
public final class ApiTokenFilter extends OncePerRequestFilter {
  enum Guard { PUBLIC, HEALTH, ACTUATOR, NONE }

  private final byte[] token;
  private final byte[] secretApi;
  private final ObjectMapper json;
  private final Sessions sessions;

  public ApiTokenFilter(Optional<String> token, String secretApi, ObjectMapper json) {
    this(token, secretApi, json, new Sessions(token));
  }

  public ApiTokenFilter(Optional<String> token, String secretApi, ObjectMapper json, Sessions sessions) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    this.secretApi = secretApi.getBytes(StandardCharsets.UTF_8);
    this.json = json;
    this.sessions = sessions;
  }

  /**
   * Which rule a path follows. Everything is guarded unless it is health (open for probes) or one of
   * the internal endpoints, which have their own filter: a new endpoint (or {@code /api/v1/cluster},
   * the worker list, {@code /openapi.json}, an unknown path) needs the token without anyone listing it.
   */
  static Guard guard(String path) {
    if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
      return Guard.HEALTH;
    }
    if (path.equals("/actuator") || path.startsWith("/actuator/")) {
      return Guard.ACTUATOR;
    }
    if (path.startsWith("/api/v1/workers/") || path.equals("/api/v1/tickets") || path.startsWith("/api/v1/tickets/")
        || path.startsWith("/api/v1/modules/") || path.startsWith("/api/v1/admin/")) {
      return Guard.NONE;
    }
    // The dashboard's shell and its login: a browser must load them before it holds a session.
    if (path.equals("/") || path.equals("/index.html") || path.startsWith("/assets/")
        || path.equals("/api/v1/session")) {
      return Guard.NONE;
    }
    return Guard.PUBLIC;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    Guard guard = guard(Paths.of(request));
    if (guard == Guard.NONE) {
      chain.doFilter(request, response);
      return;
    }
    if (token == null) {
      chain.doFilter(authenticated(request), response);
      return;
    }
    boolean known = credentialMatches(bearer(request));
    if (!known && bearer(request) == null) {
      String session = Sessions.cookie(request);
      if (sessions.valid(session, System.currentTimeMillis())) {
        if (!SAFE.contains(request.getMethod())
            && !sessions.csrfMatches(session, request.getHeader(Sessions.CSRF_HEADER))) {
          refuse(request, response, HttpStatus.FORBIDDEN, "csrf", "a request that changes something with the"
              + " session cookie must carry the session's " + Sessions.CSRF_HEADER + " header");
          return;
        }
        known = true;
      }
    }
    if (known) {
      chain.doFilter(authenticated(request), response);
    } else if (guard == Guard.HEALTH) {
      chain.doFilter(request, response);
    } else {
      refuse(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", bearer(request) == null
          ? "this endpoint needs Authorization: Bearer <api.token> (or a dashboard session)"
          : "the bearer credential is not this cluster's api.token");
    }
  }

  private boolean credentialMatches(String presented) {
    if (presented == null || presented.isEmpty()) {
      return false;
    }
    byte[] p = presented.getBytes(StandardCharsets.UTF_8);
    boolean isToken = MessageDigest.isEqual(token, p);
    boolean isSecret = MessageDigest.isEqual(secretApi, p);
    return isToken | isSecret;
  }

  static String bearer(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String v = header.substring(7).strip();
    return v.isEmpty() ? null : v;
  }

  private static HttpServletRequest authenticated(HttpServletRequest request) {
    Principal operator = () -> "operator";
    return new HttpServletRequestWrapper(request) {
      @Override
      public Principal getUserPrincipal() {
        return operator;
      }

      @Override
      public boolean isUserInRole(String role) {
        return true;
      }
    };
  }

  private static final java.util.Set<String> SAFE = java.util.Set.of("GET", "HEAD", "OPTIONS");

  /** Refuses before the body is read; an unread body is not waited for ({@link EarlyAnswers}). */
  private void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
      String detail) throws IOException {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create("urn:mvmci:problem:" + type));
    p.setTitle(status.getReasonPhrase());
    if (status == HttpStatus.UNAUTHORIZED) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"mvm-ci\"");
    }
    EarlyAnswers.problem(request, response, json, p);
  }
}
