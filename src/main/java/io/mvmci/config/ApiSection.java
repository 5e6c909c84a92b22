package io.mvmci.config;

import java.util.Optional;

/**
 * The {@code [api]} section: the public HTTP API. Every key is optional.
 *
 * <p>Invariant once loaded: {@code token}, when present, has at least 16 characters.
 *
 * @param token bearer token required on public endpoints ({@code Authorization: Bearer ...});
 *     {@code token}, string, default unset; an empty string also leaves the API open
 * @param maxBodyBytes largest accepted request body for job submissions and other JSON
 *     requests; {@code max_body_bytes}, bytes, default 65536
 * @param maxModuleBytes largest accepted WebAssembly module on deploy; {@code
 *     max_module_bytes}, bytes, default 16 MiB
 * @param bodyTimeoutMs how long a request's whole body may take to arrive once its headers have; a
 *     body still incomplete then is answered 408 and its connection closed; no request thread waits
 *     for it meanwhile; {@code body_timeout_ms}, milliseconds, default 10000
 */
public record ApiSection(
    Optional<Secret> token,
    @Range(min = 1024, max = 64 * 1024 * 1024, unit = "bytes") int maxBodyBytes,
    @Range(min = 1024, max = 512 * 1024 * 1024, unit = "bytes") int maxModuleBytes,
    @Range(min = 100, max = 600_000, unit = "milliseconds") int bodyTimeoutMs) {

  public static final ApiSection DEFAULTS = new ApiSection(Optional.empty(), 65_536, 16 * 1024 * 1024, 10_000);

  /** The token rule; an empty token turns the token off. The binder has checked the ranges. */
  ApiSection checked(Fields f) {
    Optional<Secret> t = token.filter(s -> s.length() > 0);
    if (t.isPresent() && t.get().length() < NodeSection.MIN_SECRET_CHARS) {
      throw f.invalid("token", "must be at least " + NodeSection.MIN_SECRET_CHARS
          + " characters (empty turns the token off)");
    }
    return new ApiSection(t, maxBodyBytes, maxModuleBytes, bodyTimeoutMs);
  }
}
