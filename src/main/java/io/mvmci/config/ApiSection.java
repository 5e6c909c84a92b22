package io.mvmci.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

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
 */
public record ApiSection(Optional<Secret> token, int maxBodyBytes, int maxModuleBytes) {

  public static final ApiSection DEFAULTS = new ApiSection(Optional.empty(), 65_536, 16 * 1024 * 1024);

  static final List<String> KEYS = List.of("token", "max_body_bytes", "max_module_bytes");
  static final Set<String> SECRET_KEYS = Set.of("token");

  static ApiSection from(TomlTable t) {
    ApiSection d = DEFAULTS;
    Optional<Secret> token = t.optionalString("token").filter(s -> !s.isEmpty()).map(Secret::new);
    if (token.isPresent() && token.get().length() < NodeSection.MIN_SECRET_CHARS) {
      throw t.invalid(
          "token",
          "must be at least " + NodeSection.MIN_SECRET_CHARS
              + " characters (empty turns the token off)");
    }
    int body = t.intValue("max_body_bytes", d.maxBodyBytes, 1024, 64 * 1024 * 1024, "bytes");
    int module = t.intValue("max_module_bytes", d.maxModuleBytes, 1024, 512 * 1024 * 1024, "bytes");
    return new ApiSection(token, body, module);
  }
}
