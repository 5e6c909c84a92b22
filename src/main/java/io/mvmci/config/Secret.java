package io.mvmci.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A configuration value that must never be printed: a shared secret, a bearer token, key
 * material.
 *
 * <p>Contract: {@link #toString()} MUST NOT reveal the value; it prints {@code <redacted, N
 * chars>}. Records holding a {@code Secret} are therefore safe to log as they are. Only {@link
 * #reveal()} hands the value out, and callers MUST NOT log what it returns.
 */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret itself. Never log it. */
  public String reveal() {
    return value;
  }

  /** Length in characters (UTF-16 code units), which is all an error message may show. */
  public int length() {
    return value.length();
  }

  /** How every secret appears in messages and {@code toString()}. */
  static String redacted(int length) {
    return "<redacted, " + length + " chars>";
  }

  @Override
  public String toString() {
    return redacted(value.length());
  }

  /** Constant-time comparison, so equality checks do not leak a prefix through timing. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
