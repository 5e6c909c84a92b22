package io.mvmci.ops.security;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dashboard's sessions when {@code [api] token} is set: a person types the token once and the
 * browser keeps a session cookie instead ({@value #COOKIE}, HttpOnly, SameSite=Strict). A session is
 * stateless, {@code v1.<expiry>.<nonce>.<mac>} signed with a key derived from the token, so every node
 * of the cluster accepts it and changing the token ends every session. Requests that change something
 * and come with the cookie must also carry {@value #CSRF_HEADER}: a value derived from the session that
 * only a page of this origin can read ({@code GET /api/v1/session}); a cross-site form cannot set it.
 */
public final class Sessions {
  public static final String COOKIE = "mvmci_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  /** How long a session lasts. */
  public static final long MAX_AGE_SECONDS = 12 * 3600;

  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] key;
  private final byte[] token;

  public Sessions(Optional<String> token) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    this.key = token.map(t -> hmac(t.getBytes(StandardCharsets.UTF_8), "mvm-ci dashboard session v1")).orElse(null);
  }

  /** Whether the dashboard needs a login (a token is set). */
  public boolean required() {
    return key != null;
  }

  /** Whether {@code presented} is the token, compared in constant time. */
  public boolean isToken(String presented) {
    return token != null && presented != null
        && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
  }

  /** A new session cookie's value, valid until {@code nowMs} plus {@link #MAX_AGE_SECONDS}. */
  public String issue(long nowMs) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String body = "v1." + (nowMs / 1000 + MAX_AGE_SECONDS) + "." + b64(nonce);
    return body + "." + b64(hmac(key, body));
  }

  /** Whether {@code value} is a session this cluster's token signed and that has not expired. */
  public boolean valid(String value, long nowMs) {
    if (key == null || value == null) {
      return false;
    }
    int sig = value.lastIndexOf('.');
    String[] parts = value.split("\\.");
    if (sig < 0 || parts.length != 4 || !parts[0].equals("v1")) {
      return false;
    }
    byte[] expected = b64(hmac(key, value.substring(0, sig))).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII))) {
      return false;
    }
    try {
      return Long.parseLong(parts[1]) > nowMs / 1000;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The anti-CSRF value of a (valid) session. */
  public String csrf(String session) {
    return b64(hmac(key, "csrf." + session));
  }

  /** Whether {@code header} is the anti-CSRF value of {@code session}. */
  public boolean csrfMatches(String session, String header) {
    return header != null && MessageDigest.isEqual(csrf(session).getBytes(StandardCharsets.US_ASCII),
        header.strip().getBytes(StandardCharsets.US_ASCII));
  }

  /** The session cookie's value in {@code request}, if it has one. */
  public static String cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie c : cookies) {
      if (COOKIE.equals(c.getName())) {
        return c.getValue();
      }
    }
    return null;
  }

  /** A {@code Set-Cookie} value: the session, or (null) one that ends it. */
  public static String setCookie(String value) {
    return COOKIE + "=" + (value == null ? "" : value) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
        + (value == null ? 0 : MAX_AGE_SECONDS);
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
