package io.mvmci.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes malformed and mutated HTTP requests for every endpoint of a node, from its
 * {@code /openapi.json} and the legacy endpoints it does not list: wrong methods, content types,
 * headers and credentials; query strings and path parameters out of range, badly encoded or absurd;
 * JSON and form bodies with fields dropped, retyped, duplicated, nested, truncated, or not UTF-8;
 * Content-Lengths that lie. Everything comes from one seed, so a seed replays the same requests.
 */
final class ApiFuzzer {
  /** One operation: method, path template, its query parameters, its body types, seed bodies. */
  record Endpoint(String method, String path, Set<String> query, List<String> types, List<String> bodies) {}

  /** A request as sent, and a one-line description of it for a report. */
  record Request(String method, String target, String contentType, byte[] bytes) {
    String describe() {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      return text.length() > 600 ? text.substring(0, 600) + "...(" + bytes.length + " bytes)" : text;
    }
  }

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
      "FOO", "get", "PROPFIND", "CONNECT"};
  private static final String[] TYPES = {"application/json", "application/x-www-form-urlencoded", "text/plain",
      "application/json; charset=ISO-8859-1", "application/json; charset=nope", "multipart/form-data",
      "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=UTF-16", "*/*", "garbage",
      "", "application/problem+json", "application/vnd.x+json", "application/octet-stream", "application/wasm",
      "text/event-stream", "application/json;;;", "application/json; q=\"x"};
  private static final String[] ACCEPTS = {"application/json", "text/event-stream", "text/html", "application/xml",
      "garbage", "*/*;q=x", "application/problem+json", "image/png", ""};
  private static final String[] IDS = {"job-0", "job-1", "job-2", "job-3", "0", "1", "job--1", "job-",
      "job-99999999999999999999", "job-9223372036854775807", "job-2147483648", "-1", "%2e%2e", "..", "%ff", "%zz",
      "job-0%00", "a".repeat(300), "%E2%82%AC", "echo", "noop", "crawler", "a".repeat(64), "0".repeat(64),
      "job-0;x=1", "*", "%2F", "JOB-0", "job-1e3", "job-0x10", "t-1", "%C3%28", "ticket", "job-0.json"};
  private static final String[] VALUES = {"", "0", "1", "-1", "10", "100", "1000", "2147483648", "-2147483649",
      "9223372036854775808", "-9223372036854775808", "1e3", "1.5", "abc", "%ff", "%zz", "%", "true", "false",
      "null", "linearizable", "stale", "leader", "local", "Pending", "InProgress", "Completed", "Failed",
      "job-0", "job-1", "x".repeat(3000), "%00", "%C3%28", "+", "[]", "{}", "2030-01-01T00:00:00Z",
      "+1000000000-01-01T00:00:00Z", "NaN", "Infinity", "0x10", "1_000", " 1", "%E2%82%AC"};
  /** wait_ms stays out of the valid range above 100 ms: a long poll that waits is not a hang. */
  private static final String[] WAITS = {"-1", "0", "1", "60001", "99999999999", "abc", "%ff", "", "1e3", "100"};
  private static final String[] PARAMS = {"limit", "cursor", "status", "consistency", "wait_ms", "follow", "after",
      "since", "workflow", "offset", "before", "name", "level", "from", "to", "x"};
  private static final String[] AUTHS = {"Bearer %s", "Bearer %s", "Bearer wrong-0123456789", "Basic dXNlcjpwYXNz",
      "Bearer ", "bearer %s", "Bearer %sx", "Bearer %s %s", "Token %s"};

  private final List<Endpoint> endpoints;
  private final SplittableRandom random;
  private final String secret;

  ApiFuzzer(List<Endpoint> endpoints, long seed, String secret) {
    this.endpoints = endpoints;
    this.random = new SplittableRandom(seed);
    this.secret = secret;
  }

  /** Every operation in an OpenAPI document, with a body built from its schema, plus {@code extra}. */
  static List<Endpoint> endpoints(JsonNode openApi, List<Endpoint> extra) {
    Map<String, Endpoint> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> path : openApi.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        String method = op.getKey().toUpperCase(Locale.ROOT);
        Set<String> query = new LinkedHashSet<>();
        op.getValue().path("parameters").forEach(p -> {
          if (p.path("in").asString("").equals("query")) {
            query.add(p.path("name").asString());
          }
        });
        List<String> types = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (Map.Entry<String, JsonNode> c : op.getValue().path("requestBody").path("content").properties()) {
          types.add(c.getKey());
          bodies.add(JSON.writeValueAsString(example(openApi, c.getValue().path("schema"), 0)));
        }
        out.put(method + " " + path.getKey(), new Endpoint(method, path.getKey(), query, types, bodies));
      }
    }
    extra.forEach(e -> out.merge(e.method() + " " + e.path(), e, (a, b) -> new Endpoint(a.method(), a.path(),
        union(a.query(), b.query()), concat(a.types(), b.types()), concat(a.bodies(), b.bodies()))));
    return List.copyOf(out.values());
  }

  private static JsonNode example(JsonNode doc, JsonNode schema, int depth) {
    if (schema.has("$ref")) {
      String name = schema.get("$ref").asString().replace("#/components/schemas/", "");
      return depth > 6 ? NODES.nullNode() : example(doc, doc.path("components").path("schemas").path(name), depth + 1);
    }
    if (schema.has("example")) {
      return schema.get("example");
    }
    if (schema.has("enum")) {
      return schema.get("enum").get(0);
    }
    for (String any : List.of("oneOf", "anyOf", "allOf")) {
      if (schema.path(any).isArray() && !schema.path(any).isEmpty()) {
        return example(doc, schema.path(any).get(0), depth + 1);
      }
    }
    switch (schema.path("type").asString("object")) {
      case "array" -> {
        ArrayNode a = NODES.arrayNode();
        a.add(example(doc, schema.path("items"), depth + 1));
        return a;
      }
      case "string" -> {
        String format = schema.path("format").asString("");
        return NODES.stringNode(format.equals("date-time") ? "2030-01-01T00:00:00Z"
            : format.equals("uri") ? "https://example.com/" : "x");
      }
      case "integer" -> {
        return NODES.numberNode(1);
      }
      case "number" -> {
        return NODES.numberNode(1.5);
      }
      case "boolean" -> {
        return NODES.booleanNode(true);
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
          o.set(p.getKey(), depth > 6 ? NODES.nullNode() : example(doc, p.getValue(), depth + 1));
        }
        return o;
      }
    }
  }

  Request next() {
    Endpoint e = endpoints.get(random.nextInt(endpoints.size()));
    String method = random.nextInt(100) < 85 ? e.method() : pick(METHODS);
    String target = path(e.path()) + query(e);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", random.nextInt(50) == 0 ? pick(VALUES) : "127.0.0.1");
    String type = null;
    if (!e.types().isEmpty() && random.nextInt(100) < 70) {
      type = e.types().get(random.nextInt(e.types().size()));
    } else if (random.nextInt(100) < 50) {
      type = pick(TYPES);
    }
    if (type != null) {
      headers.put("Content-Type", type);
    }
    if (random.nextInt(4) == 0) {
      headers.put("Accept", pick(ACCEPTS));
    }
    if (random.nextInt(100) < 40) {
      headers.put("Authorization", pick(AUTHS).replace("%s", secret));
    }
    if (random.nextInt(8) == 0) {
      headers.put("Idempotency-Key", pick(new String[] {"", "k" + random.nextInt(5), "x".repeat(300), "\u00e9t\u00e9",
          "a b", "%ff", "\t"}));
    }
    if (random.nextInt(20) == 0) {
      headers.put(pick(new String[] {"X-Forwarded-For", "Range", "If-None-Match", "Last-Event-ID", "Expect",
          "Origin", "Cookie", "X-Request-Id"}), pick(VALUES));
    }
    byte[] body = body(e, type, method);
    return new Request(method, target, type, assemble(method, target, headers, body));
  }

  private String path(String template) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      out.append(template, i, open);
      int close = template.indexOf('}', open);
      String name = template.substring(open + 1, close);
      out.append(name.equals("sha256") && random.nextBoolean() ? "0".repeat(64) : pick(IDS));
      i = close + 1;
    }
    String p = out.toString();
    return switch (random.nextInt(40)) {
      case 0 -> p + "/";
      case 1 -> p + "/x";
      case 2 -> p.replace("/api/v1", "/api/v2");
      case 3 -> p.toUpperCase(Locale.ROOT);
      case 4 -> "//" + p;
      case 5 -> p + "%20";
      case 6 -> p + ";jsessionid=1";
      default -> p;
    };
  }

  private String query(Endpoint e) {
    int n = random.nextInt(100) < 40 ? 0 : 1 + random.nextInt(3);
    if (n == 0) {
      return random.nextInt(30) == 0 ? pick(new String[] {"?", "?&", "?=", "?%", "?a=%zz", "?==="}) : "";
    }
    List<String> names = new ArrayList<>(e.query());
    StringBuilder q = new StringBuilder("?");
    for (int i = 0; i < n; i++) {
      String name = !names.isEmpty() && random.nextInt(3) > 0 ? names.get(random.nextInt(names.size())) : pick(PARAMS);
      String value = name.equals("wait_ms") ? pick(WAITS) : pick(VALUES);
      q.append(i > 0 ? "&" : "").append(name);
      if (random.nextInt(20) > 0) {
        q.append('=').append(value.replace(" ", "%20").replace("+", "%2B"));
      }
    }
    return q.toString();
  }

  private byte[] body(Endpoint e, String type, String method) {
    int roll = random.nextInt(100);
    if (roll < 10 || (method.equals("GET") && roll < 80)) {
      return new byte[0];
    }
    String seed = e.bodies().isEmpty() ? "{}" : e.bodies().get(random.nextInt(e.bodies().size()));
    String text = seed.startsWith("{") || seed.startsWith("[") ? mutateJson(seed) : mutateForm(seed);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return random.nextInt(100) < 20 ? mutateBytes(bytes) : bytes;
  }

  private String mutateJson(String seed) {
    JsonNode root;
    try {
      root = JSON.readTree(seed);
    } catch (RuntimeException notJson) {
      return seed;
    }
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      root = mutate(root, 0);
    }
    String text = JSON.writeValueAsString(root);
    return switch (random.nextInt(30)) {
      case 0 -> text.length() > 2 ? text.substring(0, 1) + "\"url\":\"a\",\"url\":\"b\"," + text.substring(1) : text;
      case 1 -> "[".repeat(2000 + random.nextInt(5000)) + "]".repeat(10);
      case 2 -> "{\"a\":".repeat(1500) + "1" + "}".repeat(1500);
      case 3 -> "[" + text + "]";
      case 4 -> text.substring(0, random.nextInt(text.length() + 1));
      case 5 -> text + text;
      case 6 -> text.replace("\"", "'");
      default -> text;
    };
  }

  /** Replaces, retypes, drops or adds one value somewhere in the tree. */
  private JsonNode mutate(JsonNode node, int depth) {
    if (node instanceof ObjectNode o && !o.isEmpty() && random.nextInt(3) > 0 && depth < 8) {
      List<String> names = new ArrayList<>(o.propertyNames());
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(5)) {
        case 0 -> o.remove(name);
        case 1 -> o.set(pick(new String[] {"x", "URL", "jobs", "detached", "idempotency_key", ""}), value());
        default -> o.set(name, mutate(o.get(name), depth + 1));
      }
      return o;
    }
    if (node instanceof ArrayNode a && !a.isEmpty() && random.nextBoolean() && depth < 8) {
      int i = random.nextInt(a.size());
      a.set(i, mutate(a.get(i), depth + 1));
      if (random.nextInt(4) == 0) {
        for (int n = random.nextInt(200); n > 0; n--) {
          a.add(a.get(0).deepCopy());
        }
      }
      return a;
    }
    return value();
  }

  private JsonNode value() {
    return switch (random.nextInt(16)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.numberNode(pick(new long[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
          Long.MIN_VALUE, 1L << 32, -2147483648L}));
      case 4 -> NODES.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(40))));
      case 5 -> NODES.numberNode(pick(new double[] {1.5, -0.0, 1e308, 4.9e-324, 2.5e9}));
      case 6 -> NODES.stringNode("x".repeat(random.nextInt(100_000)));
      case 7 -> NODES.arrayNode().add(1).add("a");
      case 8 -> NODES.objectNode().put("k", "v");
      case 9 -> NODES.stringNode(pick(new String[] {"https://example.com", "http://127.0.0.1:1/", "ftp://x",
          "javascript:alert(1)", "https://[::1", "https://example.com/" + "a".repeat(5000), "file:///etc/passwd"}));
      case 10 -> NODES.stringNode(pick(new String[] {"job-0", "job-1", "echo", "noop", "crawler", "\u0000",
          "\ud800", "\u202e", "a".repeat(65), "Pending", "Completed", "0".repeat(64)}));
      default -> NODES.stringNode(pick(VALUES));
    };
  }

  private String mutateForm(String seed) {
    List<String> pairs = new ArrayList<>(List.of(seed.split("&")));
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      switch (random.nextInt(6)) {
        case 0 -> pairs.add(pick(new String[] {"url", "workflow", "priority", "run_at", "delay_ms", "x", "input",
            "max_attempts", "timeout_ms", "module_sha256", "%zz", ""}) + "=" + pick(VALUES));
        case 1 -> {
          if (!pairs.isEmpty()) {
            pairs.remove(random.nextInt(pairs.size()));
          }
        }
        case 2 -> pairs.add(pairs.isEmpty() ? "url" : pairs.get(0));
        default -> {
          if (!pairs.isEmpty()) {
            int i = random.nextInt(pairs.size());
            String name = pairs.get(i).split("=", 2)[0];
            pairs.set(i, name + "=" + pick(VALUES));
          }
        }
      }
    }
    return String.join("&", pairs);
  }

  private byte[] mutateBytes(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(in);
    byte[] b = out.toByteArray();
    switch (random.nextInt(5)) {
      case 0 -> {
        for (int n = 1 + random.nextInt(8); n > 0 && b.length > 0; n--) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
      }
      case 1 -> {
        byte[] bad = {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        out.writeBytes(bad);
        return out.toByteArray();
      }
      case 2 -> {
        byte[] noise = new byte[random.nextInt(2048)];
        random.nextBytes(noise);
        return noise;
      }
      case 3 -> {
        return new byte[64 * 1024 + 1 + random.nextInt(200_000)]; // past the default body cap
      }
      default -> {
        return java.util.Arrays.copyOf(b, Math.max(0, b.length - 1 - random.nextInt(Math.max(1, b.length))));
      }
    }
  }

  private byte[] assemble(String method, String target, Map<String, String> headers, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String version = random.nextInt(200) == 0 ? pick(new String[] {"HTTP/1.0", "HTTP/2.0", "HTTP/1.x", "HTTP/9.9"})
        : "HTTP/1.1";
    out.writeBytes((method + " " + target + " " + version + "\r\n").getBytes(StandardCharsets.UTF_8));
    headers.forEach((k, v) -> out.writeBytes((k + ": " + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
    int lie = random.nextInt(100);
    if (lie == 0 && body.length > 0) {
      out.writeBytes(("Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(body);
      out.writeBytes((random.nextBoolean() ? "\r\n0\r\n\r\n" : "\r\nzz\r\n").getBytes(StandardCharsets.ISO_8859_1));
      return withClose(out);
    }
    long length = switch (lie) {
      case 1 -> body.length + 1L + random.nextInt(100); // more than comes: the body read times out
      case 2 -> Math.max(0, body.length - 1 - random.nextInt(Math.max(1, body.length)));
      case 3 -> -1;
      default -> body.length;
    };
    if (length != 0 || !method.equals("GET")) {
      out.writeBytes(("Content-Length: " + length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    out.writeBytes("Connection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] withClose(ByteArrayOutputStream chunked) {
    // the chunked form above wrote its blank line already; Connection: close goes in front of it
    String text = chunked.toString(StandardCharsets.ISO_8859_1);
    int blank = text.indexOf("\r\n\r\n");
    return (text.substring(0, blank) + "\r\nConnection: close" + text.substring(blank))
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private long pick(long[] values) {
    return values[random.nextInt(values.length)];
  }

  private double pick(double[] values) {
    return values[random.nextInt(values.length)];
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    b.stream().filter(x -> !out.contains(x)).forEach(out::add);
    return out;
  }
}
