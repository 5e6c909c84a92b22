package io.mvmci.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code [node]} section (alias {@code [hiqlite]}, the original's name): who this node is,
 * who its peers are, where it keeps data, and the cluster's shared secrets.
 *
 * <p>Invariants once loaded: {@code nodes} is non-empty, member ids and all raft/http
 * endpoints are unique, {@code nodeId} names a member, the secrets are present when there is
 * more than one member, and {@code encKeyActive} names one of {@code encKeys}.
 *
 * @param nodeId this node's id; {@code node_id}, integer &ge; 1, default 1
 * @param dataDir where Raft log, snapshots and SQLite live; {@code data_dir}, default {@code ./data},
 *     relative paths resolve against the working directory
 * @param secretRaft shared by all members; peers prove they know it before taking part in Raft;
 *     {@code secret_raft}, &ge; 16 chars, required with more than one member
 * @param secretApi shared by all members; guards node-to-node and worker endpoints; {@code
 *     secret_api}, &ge; 16 chars, required with more than one member, differs from secretRaft
 * @param encKeys AES-256 keys for encrypted backups; {@code enc_keys}, default none
 * @param encKeyActive id of the key new backups use; {@code enc_key_active}, required when
 *     encKeys is not empty
 * @param nodes all members including this one; {@code nodes}, default one member {@code "1
 *     127.0.0.1:9000 127.0.0.1:3020"}
 * @param listenAddrRaft host the Raft server binds; {@code listen_addr_raft}, default this
 *     member's raft host
 * @param listenAddrApi host the HTTP server binds; {@code listen_addr_api}, default this
 *     member's http host
 */
public record NodeSection(
    int nodeId,
    Path dataDir,
    Optional<Secret> secretRaft,
    Optional<Secret> secretApi,
    List<EncKey> encKeys,
    Optional<String> encKeyActive,
    List<Member> nodes,
    String listenAddrRaft,
    String listenAddrApi) {

  public static final int DEFAULT_NODE_ID = 1;
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final List<String> DEFAULT_NODES = List.of("1 127.0.0.1:9000 127.0.0.1:3020");
  public static final int MIN_SECRET_CHARS = 16;
  public static final int ENC_KEY_BYTES = 32;

  static final List<String> KEYS =
      List.of(
          "node_id",
          "data_dir",
          "secret_raft",
          "secret_api",
          "enc_keys",
          "enc_key_active",
          "nodes",
          "listen_addr_raft",
          "listen_addr_api");
  static final Set<String> SECRET_KEYS = Set.of("secret_raft", "secret_api", "enc_keys");

  /** Keys of the original's {@code [hiqlite]} section that mvm-ci does not have. */
  static final Map<String, String> ORIGINAL_ONLY =
      Stream.of(
              "node_id_from", "filename_db", "log_statements", "prepared_statement_cache_capacity",
              "read_pool_size", "log_sync", "wal_size", "cache_storage_disk", "logs_until_snapshot",
              "tls_auto_certificates", "tls_raft_key", "tls_raft_cert", "tls_raft_danger_tls_no_verify",
              "tls_api_key", "tls_api_cert", "tls_api_danger_tls_no_verify", "secrets_file",
              "health_check_delay", "health_check_delay_secs", "learner_only", "backup_cron",
              "backup_keep_for", "backup_keep_for_local", "backup_keep_days", "backup_keep_days_local",
              "s3_url", "s3_bucket", "s3_region", "s3_path_style", "s3_key", "s3_secret",
              "password_dashboard", "insecure_cookie", "rate_limit_cache_rps", "rate_limit_cache_burst",
              "rate_limit_db_rps", "rate_limit_db_burst")
          .collect(Collectors.toUnmodifiableMap(
              k -> k, k -> "a setting of the original (hiqlite) that mvm-ci does not have; remove it"));

  private static final Pattern ENC_KEY_ID = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  public NodeSection {
    encKeys = List.copyOf(encKeys);
    nodes = List.copyOf(nodes);
  }

  /** This node's member entry. */
  public Member self() {
    return nodes.stream()
        .filter(m -> m.id() == nodeId)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("node " + nodeId + " is not a member"));
  }

  /** The key new backups are encrypted with, if any keys are configured. */
  public Optional<EncKey> activeEncKey() {
    return encKeyActive.flatMap(id -> encKeys.stream().filter(k -> k.id().equals(id)).findFirst());
  }

  /**
   * Reads and checks the section.
   *
   * @param httpPort {@code HTTP_PORT}: replaces this member's http port when present
   */
  static NodeSection from(TomlTable t, OptionalInt httpPort) {
    int nodeId = t.intValue("node_id", DEFAULT_NODE_ID, 1, Integer.MAX_VALUE, "");
    Path dataDir = dataDir(t);

    List<Member> nodes = members(t);
    int self = indexOf(nodes, nodeId);
    if (self < 0) {
      throw t.invalid(
          "node_id",
          "not a member: " + t.field("nodes") + " has ids " + ids(nodes) + "; add this node to it");
    }
    if (httpPort.isPresent()) {
      Member m = nodes.get(self);
      nodes = new ArrayList<>(nodes);
      nodes.set(self, new Member(m.id(), m.raft(), m.http().withPort(httpPort.getAsInt())));
      t.problems().overridden(t.indexed("nodes", self), "HTTP_PORT");
    }
    checkEndpointsUnique(t, nodes, httpPort.isPresent() ? self : -1);

    Optional<Secret> secretRaft = t.secret("secret_raft", MIN_SECRET_CHARS);
    Optional<Secret> secretApi = t.secret("secret_api", MIN_SECRET_CHARS);
    if (nodes.size() > 1) {
      for (String key : List.of("secret_raft", "secret_api")) {
        if (!t.has(key)) {
          throw t.invalid(
              key,
              "required when " + t.field("nodes") + " has more than one member (it has "
                  + nodes.size() + "); use the same value on every node");
        }
      }
    }
    if (secretRaft.isPresent() && secretRaft.equals(secretApi)) {
      throw t.invalid("secret_api", "must differ from " + t.field("secret_raft"));
    }

    List<EncKey> encKeys = encKeys(t);
    Optional<String> active = t.optionalString("enc_key_active");
    if (active.isPresent() && encKeys.isEmpty()) {
      throw t.invalid("enc_key_active", "set, but " + t.field("enc_keys") + " is empty");
    }
    if (active.isEmpty() && !encKeys.isEmpty()) {
      throw t.invalid(
          "enc_key_active", "required when " + t.field("enc_keys") + " is not empty; name one of its ids");
    }
    if (active.isPresent() && encKeys.stream().noneMatch(k -> k.id().equals(active.get()))) {
      throw t.invalid(
          "enc_key_active",
          "not found in " + t.field("enc_keys") + " (ids: "
              + encKeys.stream().map(EncKey::id).collect(Collectors.joining(", ")) + ")");
    }

    Member me = nodes.get(self);
    String listenRaft = listenAddr(t, "listen_addr_raft", me.raft().host());
    String listenApi = listenAddr(t, "listen_addr_api", me.http().host());
    return new NodeSection(
        nodeId, dataDir, secretRaft, secretApi, encKeys, active, nodes, listenRaft, listenApi);
  }

  private static Path dataDir(TomlTable t) {
    String s = t.string("data_dir", DEFAULT_DATA_DIR);
    if (s.isBlank()) {
      throw t.invalid("data_dir", "must not be empty");
    }
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw t.invalid("data_dir", "is not a valid path: " + e.getReason());
    }
  }

  private static List<Member> members(TomlTable t) {
    List<String> entries = t.strings("nodes", DEFAULT_NODES);
    if (entries.isEmpty()) {
      throw t.invalid("nodes", "must list at least one member, \"id raft_host:port http_host:port\"");
    }
    List<Member> members = new ArrayList<>(entries.size());
    Map<Integer, Integer> indexById = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      Member m = member(t, i, entry);
      Integer earlier = indexById.putIfAbsent(m.id(), i);
      if (earlier != null) {
        throw t.problems().invalid(
            t.indexed("nodes", i),
            Problems.quote(entry),
            "member id " + m.id() + " is also used by " + t.indexed("nodes", earlier));
      }
      members.add(m);
    }
    return members;
  }

  private static Member member(TomlTable t, int i, String entry) {
    String field = t.indexed("nodes", i);
    String[] parts = WHITESPACE.split(entry.strip());
    if (parts.length != 3) {
      throw t.problems().invalid(
          field, Problems.quote(entry), "must be \"id raft_host:port http_host:port\" (3 parts, found "
              + (entry.isBlank() ? 0 : parts.length) + ")");
    }
    int id;
    try {
      id = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      id = 0;
    }
    if (id < 1) {
      throw t.problems().invalid(field, Problems.quote(entry), "member id must be an integer >= 1");
    }
    HostPort raft = endpoint(t, field, entry, "raft", parts[1]);
    HostPort http = endpoint(t, field, entry, "http", parts[2]);
    return new Member(id, raft, http);
  }

  private static HostPort endpoint(TomlTable t, String field, String entry, String kind, String s) {
    HostPort hp;
    try {
      hp = Addresses.hostPort(s);
    } catch (IllegalArgumentException e) {
      throw t.problems().invalid(field, Problems.quote(entry), kind + " address " + s + " " + e.getMessage());
    }
    if (Addresses.isUnspecified(hp.host())) {
      throw t.problems().invalid(
          field,
          Problems.quote(entry),
          kind + " address " + s + " cannot be dialled by peers; write the address they reach this member at"
              + " (to bind every interface, set listen_addr_" + (kind.equals("http") ? "api" : "raft") + ")");
    }
    return hp;
  }

  private static void checkEndpointsUnique(TomlTable t, List<Member> nodes, int overridden) {
    List<HostPort> seen = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Member m = nodes.get(i);
      for (String kind : List.of("raft", "http")) {
        HostPort hp = kind.equals("raft") ? m.raft() : m.http();
        for (int j = 0; j < seen.size(); j++) {
          if (seen.get(j).sameEndpoint(hp)) {
            // Report at the entry HTTP_PORT changed when it is involved: that is what to fix.
            int at = owners.get(j) == overridden ? overridden : i;
            int other = at == i ? owners.get(j) : i;
            String atKind = at == i ? kind : labels.get(j);
            String otherKind = at == i ? labels.get(j) : kind;
            String otherWhere =
                other == at ? "address of the same member" : "address of " + t.indexed("nodes", other);
            throw t.problems().invalid(
                t.indexed("nodes", at),
                Problems.quote(nodes.get(at).toEntry()),
                atKind + " address " + hp + " is also the " + otherKind + " " + otherWhere
                    + "; every raft and http address must be distinct");
          }
        }
        seen.add(hp);
        labels.add(kind);
        owners.add(i);
      }
    }
  }

  private static List<EncKey> encKeys(TomlTable t) {
    List<String> entries = t.strings("enc_keys", List.of());
    List<EncKey> keys = new ArrayList<>(entries.size());
    Map<String, Integer> indexById = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      String field = t.indexed("enc_keys", i);
      int slash = entry.indexOf('/');
      if (slash < 0) {
        throw t.problems().invalid(
            field, Secret.redacted(entry.length()), "must be \"id/base64key\" (no '/' found)");
      }
      String id = entry.substring(0, slash);
      String key = entry.substring(slash + 1);
      String shown = Problems.quote(id + "/" + Secret.redacted(key.length()));
      if (!ENC_KEY_ID.matcher(id).matches()) {
        throw t.problems().invalid(field, shown, "key id must match [A-Za-z0-9_-]+");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(key);
      } catch (IllegalArgumentException e) {
        throw t.problems().invalid(field, shown, "key is not valid base64");
      }
      if (bytes.length != ENC_KEY_BYTES) {
        throw t.problems().invalid(
            field, shown, "key must be base64 of exactly 32 bytes (AES-256), it decodes to " + bytes.length);
      }
      Integer earlier = indexById.putIfAbsent(id, i);
      if (earlier != null) {
        throw t.problems().invalid(
            field, shown, "key id \"" + id + "\" is also used by " + t.indexed("enc_keys", earlier));
      }
      keys.add(new EncKey(id, new Secret(key)));
    }
    return keys;
  }

  private static String listenAddr(TomlTable t, String key, String dflt) {
    if (!t.has(key)) {
      return dflt;
    }
    try {
      return Addresses.host(t.string(key, dflt));
    } catch (IllegalArgumentException e) {
      throw t.invalid(key, e.getMessage());
    }
  }

  private static int indexOf(List<Member> nodes, int id) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).id() == id) {
        return i;
      }
    }
    return -1;
  }

  private static String ids(List<Member> nodes) {
    return nodes.stream().map(m -> String.valueOf(m.id())).collect(Collectors.joining(", "));
  }
}
