package io.mvmci.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * How the string-shaped values of the configuration bind: a {@link Secret}, a backup key ({@link
 * EncKey}, {@code "id/base64key"}), a member ({@link Member}, {@code "id raft_host:port
 * http_host:port"}) and a {@link Path}. Anything but a string is a type error; a string that does
 * not parse is {@link Refused} with the reason, and the binder names the field.
 */
final class ConfigValues {
  private static final Pattern ENC_KEY_ID = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private ConfigValues() {}

  /** A string value that does not parse; {@code shown} is the value as a message may show it. */
  static final class Refused extends DatabindException {
    private final String shown;
    private final String reason;

    Refused(JsonParser p, String shown, String reason) {
      super(p, reason);
      this.shown = shown;
      this.reason = reason;
    }

    String shown() {
      return shown;
    }

    String reason() {
      return reason;
    }
  }

  private interface Parse<T> {
    T from(String s, JsonParser p);
  }

  static SimpleModule module() {
    return new SimpleModule("mvm-ci configuration values")
        .addDeserializer(Secret.class, string(Secret.class, (s, p) -> new Secret(s)))
        .addDeserializer(EncKey.class, string(EncKey.class, ConfigValues::encKey))
        .addDeserializer(Member.class, string(Member.class, ConfigValues::member))
        .addDeserializer(Path.class, string(Path.class, ConfigValues::path));
  }

  private static <T> ValueDeserializer<T> string(Class<T> type, Parse<T> parse) {
    return new ValueDeserializer<>() {
      @Override
      @SuppressWarnings("unchecked")
      public T deserialize(JsonParser p, DeserializationContext ctxt) {
        if (!p.hasToken(JsonToken.VALUE_STRING)) {
          return (T) ctxt.handleUnexpectedToken(type, p);
        }
        return parse.from(p.getString(), p);
      }
    };
  }

  private static Path path(String s, JsonParser p) {
    if (s.isBlank()) {
      throw new Refused(p, Problems.quote(s), "must not be empty");
    }
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw new Refused(p, Problems.quote(s), "is not a valid path: " + e.getReason());
    }
  }

  private static EncKey encKey(String entry, JsonParser p) {
    int slash = entry.indexOf('/');
    if (slash < 0) {
      throw new Refused(p, Secret.redacted(entry.length()), "must be \"id/base64key\" (no '/' found)");
    }
    String id = entry.substring(0, slash);
    String key = entry.substring(slash + 1);
    String shown = Problems.quote(id + "/" + Secret.redacted(key.length()));
    if (!ENC_KEY_ID.matcher(id).matches()) {
      throw new Refused(p, shown, "key id must match [A-Za-z0-9_-]+");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      throw new Refused(p, shown, "key is not valid base64");
    }
    if (bytes.length != NodeSection.ENC_KEY_BYTES) {
      throw new Refused(p, shown,
          "key must be base64 of exactly 32 bytes (AES-256), it decodes to " + bytes.length);
    }
    return new EncKey(id, new Secret(key));
  }

  private static Member member(String entry, JsonParser p) {
    String shown = Problems.quote(entry);
    String[] parts = WHITESPACE.split(entry.strip());
    if (parts.length != 3 && parts.length != 4) {
      throw new Refused(p, shown, "must be \"id raft_host:port http_host:port [stream_host:port]\" (3 or 4 parts, found "
          + (entry.isBlank() ? 0 : parts.length) + ")");
    }
    int id;
    try {
      id = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      id = 0;
    }
    if (id < 1) {
      throw new Refused(p, shown, "member id must be an integer >= 1");
    }
    return new Member(id, endpoint(p, shown, "raft", parts[1]), endpoint(p, shown, "http", parts[2]),
        parts.length == 4 ? endpoint(p, shown, "stream", parts[3]) : null);
  }

  private static HostPort endpoint(JsonParser p, String shown, String kind, String s) {
    HostPort hp;
    try {
      hp = Addresses.hostPort(s);
    } catch (IllegalArgumentException e) {
      throw new Refused(p, shown, kind + " address " + s + " " + e.getMessage());
    }
    if (Addresses.isUnspecified(hp.host())) {
      throw new Refused(p, shown, kind + " address " + s
          + " cannot be dialled by peers; write the address they reach this member at"
          + " (to bind every interface, set listen_addr_" + (kind.equals("http") ? "api" : "raft") + ")");
    }
    return hp;
  }
}
