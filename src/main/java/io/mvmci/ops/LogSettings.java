package io.mvmci.ops;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a node logs, as Spring Boot default properties (lowest precedence: Spring's own
 * {@code logging.*} properties and their environment variables still win).
 *
 * <ul>
 *   <li>Human-readable by default. Every line carries {@code [node-N]}, and {@code job-K} while a
 *       worker thread handles a job (MDC {@code job_id}).</li>
 *   <li>{@code MVMCI_LOG_FORMAT=ecs|logstash|gelf} turns the console into one JSON object per line
 *       (Spring Boot's structured logging), with {@code node_id} on every line and every MDC entry
 *       ({@code job_id}, {@code run_id}) as a field. {@code text} (or unset) keeps the default.</li>
 * </ul>
 * The node id is a fixed member of every line rather than an MDC entry: MDC is per thread, and
 * Ratis, Tomcat and the engine log from threads of their own.
 */
public final class LogSettings {
  public static final String ENV_FORMAT = "MVMCI_LOG_FORMAT";
  static final Set<String> STRUCTURED = Set.of("ecs", "logstash", "gelf");

  private LogSettings() {}

  /** {@code MVMCI_LOG_FORMAT} names no format; the message says which ones exist. */
  public static final class InvalidLogFormat extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidLogFormat(String message) {
      super(message);
    }
  }

  /**
   * @throws InvalidLogFormat naming {@code MVMCI_LOG_FORMAT} and its value if unknown
   */
  public static Map<String, Object> defaults(int nodeId, Map<String, String> env) {
    Map<String, Object> p = new HashMap<>();
    p.put("logging.pattern.correlation", "[node-" + nodeId + "%replace( %X{job_id}){'^ $', ''}] ");
    p.put("logging.structured.json.add.node_id", Integer.toString(nodeId));
    p.put("logging.structured.ecs.service.name", "mvm-ci");
    p.put("logging.structured.ecs.service.node-name", "node-" + nodeId);
    p.put("logging.structured.gelf.host", "mvm-ci-node-" + nodeId);
    String format = env.getOrDefault(ENV_FORMAT, "").strip().toLowerCase(Locale.ROOT);
    if (STRUCTURED.contains(format)) {
      p.put("logging.structured.format.console", format);
    } else if (!format.isEmpty() && !format.equals("text")) {
      throw new InvalidLogFormat("invalid configuration (environment): " + ENV_FORMAT + " = \""
          + env.get(ENV_FORMAT) + "\": must be text, ecs, logstash or gelf");
    }
    return p;
  }
}
