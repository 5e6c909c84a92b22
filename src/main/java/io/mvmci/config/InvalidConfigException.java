package io.mvmci.config;

/**
 * The node's configuration cannot be used. The message is one line meant for an operator:
 *
 * <pre>invalid configuration (&lt;source&gt;): &lt;field&gt; = &lt;value&gt;: &lt;reason&gt;</pre>
 *
 * <p>{@code source} is the file path (or {@code environment}, or {@code built-in defaults});
 * {@code field} is a dotted path with list indexes counted from 0 ({@code node.nodes[1]}), an
 * environment variable that is not a key's value ({@code HTTP_PORT}, {@code SECRET_RAFT_FILE}, an
 * unknown {@code MVMCI_RAFT__...}), a flag ({@code --config}) or a position ({@code line 3, column
 * 12}, for an integer too large to read). A value an environment variable gave is followed by
 * {@code (from VARIABLE)}. A cross-field rule, or two variables that disagree, name the second
 * field or variable and its value in the reason. A TOML syntax error reads {@code invalid configuration
 * (<source>): TOML syntax error at line L, column C: <reason>}.
 *
 * <p>Contract: the message MUST NOT contain a secret; secret values
 * appear as {@code <redacted, N chars>}.
 */
public final class InvalidConfigException extends RuntimeException {
  private final String source;
  private final String field;
  private final String value;
  private final String reason;

  InvalidConfigException(String source, String field, String value, String reason) {
    this(source, field, value, reason,
        "invalid configuration (" + source + "): " + field + " = " + value + ": " + reason);
  }

  private InvalidConfigException(String source, String field, String value, String reason, String message) {
    super(message);
    this.source = source;
    this.field = field;
    this.value = value;
    this.reason = reason;
  }

  /**
   * A TOML syntax error: {@code invalid configuration (<source>): TOML syntax error at line L,
   * column C: <reason>}. {@link #field()} is the position, {@link #value()} is empty.
   */
  static InvalidConfigException syntax(String source, String position, String reason) {
    return new InvalidConfigException(source, position, "", reason,
        "invalid configuration (" + source + "): TOML syntax error at " + position + ": " + reason);
  }

  /** Where the configuration came from: a file path, {@code environment} or {@code built-in defaults}. */
  public String source() {
    return source;
  }

  /** The offending field, e.g. {@code node.nodes[1]}, {@code HTTP_PORT} or {@code --config}. */
  public String field() {
    return field;
  }

  /** The offending value as shown in the message (already redacted when secret). */
  public String value() {
    return value;
  }

  /** Why the value is refused. */
  public String reason() {
    return reason;
  }
}
