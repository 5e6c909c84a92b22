package io.mvmci.api;

/** {@code secret_api}, as this node resolved it (configured, or generated for a lone node). */
public record ApiSecret(String value) {
  @Override
  public String toString() {
    return "ApiSecret[redacted]";
  }
}
