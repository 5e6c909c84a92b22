package io.mvmci.dashboard;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /}: the dashboard's page. Its scripts and styles come from {@code /assets/} (see
 * {@link DashboardWiring}); the page is the same for every route (the route is the URL's fragment). A
 * strict Content-Security-Policy lets it load nothing but this node's own assets and APIs.
 */
@RestController
@io.swagger.v3.oas.annotations.Hidden
class DashboardController {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final byte[] page;

  DashboardController() throws IOException {
    try (InputStream in = DashboardController.class.getResourceAsStream("/dashboard/index.html")) {
      if (in == null) {
        throw new IllegalStateException("the dashboard's index.html is missing from the jar");
      }
      page = in.readAllBytes();
    }
  }

  @GetMapping(value = {"/", "/index.html"}, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<byte[]> page() {
    return ResponseEntity.ok().cacheControl(CacheControl.noCache())
        .header("Content-Security-Policy", CSP).header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer")
        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8)).body(page);
  }
}
