package io.mvmci.dashboard;

import io.mvmci.ops.security.Sessions;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's login. {@code GET} says whether one is needed and, for a live session, its
 * anti-CSRF value; {@code POST {"token": "..."}} trades {@code [api] token} for a session cookie;
 * {@code DELETE} ends the session. Without a token everything is open and there is nothing to log
 * into, as with the API itself.
 */
@RestController
@RequestMapping("/api/v1/session")
class SessionController {
  private final Sessions sessions;
  private final Clock clock;

  SessionController(Sessions sessions, Clock clock) {
    this.sessions = sessions;
    this.clock = clock;
  }

  /**
   * @param authRequired whether {@code [api] token} is set
   * @param authenticated whether this request may use the API (always, without a token)
   * @param csrfToken send it as {@code X-CSRF-Token} with every request that changes something
   */
  record State(boolean authRequired, boolean authenticated, String csrfToken) {}

  record Login(String token) {}

  @GetMapping
  State state(HttpServletRequest request) {
    if (!sessions.required()) {
      return new State(false, true, null);
    }
    String session = Sessions.cookie(request);
    boolean live = sessions.valid(session, clock.millis());
    return new State(true, live, live ? sessions.csrf(session) : null);
  }

  @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "Logged in: Set-Cookie"
      + " mvmci_session (HttpOnly, SameSite=Strict)", content = @io.swagger.v3.oas.annotations.media.Content(
          mediaType = "application/json", schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = State.class)))
  @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "204", description = "No token is set: nothing to log into")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> login(@RequestBody Login login) {
    if (!sessions.required()) {
      return ResponseEntity.noContent().build();
    }
    if (login == null || !sessions.isToken(login.token())) {
      ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, "that is not this cluster's api.token");
      p.setType(URI.create("urn:mvmci:problem:unauthorized"));
      p.setTitle("Unauthorized");
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }
    String session = sessions.issue(clock.millis());
    return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, Sessions.setCookie(session))
        .body(new State(true, true, sessions.csrf(session)));
  }

  @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "204", description = "The session cookie is cleared")
  @DeleteMapping
  ResponseEntity<Void> logout() {
    return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, Sessions.setCookie(null)).build();
  }
}
