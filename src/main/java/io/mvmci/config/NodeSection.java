package io.mvmci.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code [node]} section (alias {@code [hiqlite]}, the original's name): who this node is,
 * who its peers are, where it keeps data, and the cluster's shared secrets.
 *
 * <p>{@code HTTP_PORT} and {@code RAFT_PORT} replace this member's ports in a {@code nodes} that
 * came from the file or the defaults, and must agree with one that came from the environment.
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
 * @param nodes all members including this one; {@code nodes}, default this node alone: {@code
 *     "<node_id> 127.0.0.1:9000 127.0.0.1:3020"}
 * @param listenAddrRaft host the Raft server binds; {@code listen_addr_raft}, default this
 *     member's raft host
 * @param listenAddrApi host the HTTP server binds; {@code listen_addr_api}, default this
 *     member's http host
 * @param join {@code join}: the HTTP address ({@code host:port}) of a member of a running cluster
 *     that this node joins; default none. Used only while the node's Raft storage is empty: the node
 *     asks that member for the replicated members, starts outside the group and waits until an
 *     operator adds it ({@code mvm-ci cluster add}). Needs both secrets.
 */
public record NodeSection(
    @Range(min = 1, max = Integer.MAX_VALUE) int nodeId,
    Path dataDir,
    Optional<Secret> secretRaft,
    Optional<Secret> secretApi,
    List<EncKey> encKeys,
    Optional<String> encKeyActive,
    List<Member> nodes,
    String listenAddrRaft,
    String listenAddrApi,
    Optional<String> join) {

  public static final int DEFAULT_NODE_ID = 1;
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final int MIN_SECRET_CHARS = 16;
  public static final int ENC_KEY_BYTES = 32;

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
   * The fields whose values are the public examples of config/ and docker-compose.yml: they work,
   * so that a first cluster starts, but anyone can read them.
   */
  List<String> exampleValues() {
    List<String> fields = new ArrayList<>();
    for (String key : List.of("secret_raft", "secret_api")) {
      String v = (key.equals("secret_raft") ? secretRaft : secretApi).map(Secret::reveal).orElse("");
      if (v.contains("EXAMPLE") || v.contains("CHANGE-ME")) {
        fields.add("node." + key);
      }
    }
    if (encKeys.stream().anyMatch(k -> k.id().equals("example"))) {
      fields.add("node.enc_keys");
    }
    return fields;
  }

  /** The defaults of the keys, for a node whose {@code node_id} is {@code nodeId}. */
  static Map<String, Object> defaults(int nodeId) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("node_id", nodeId);
    d.put("data_dir", DEFAULT_DATA_DIR);
    d.put("enc_keys", List.of());
    d.put("nodes", List.of(nodeId + " 127.0.0.1:9000 127.0.0.1:3020"));
    return d;
  }

  /**
   * The rules across keys of this section, with this member's ports from the environment applied;
   * the binder has parsed every entry and checked {@code node_id}'s range.
   */
  NodeSection checked(Fields f, Optional<Environment.Port> http, Optional<Environment.Port> raft) {
    if (nodes.isEmpty()) {
      throw f.invalid("nodes", "must list at least one member, \"id raft_host:port http_host:port\"");
    }
    checkIdsUnique(f);
    int self = indexOf(nodes, nodeId);
    if (self < 0) {
      throw f.invalid("node_id", "not a member: " + f.field("nodes") + " has ids " + ids(nodes)
          + "; add this node to it");
    }
    List<Member> members = new ArrayList<>(nodes);
    boolean changed = withPort(f, members, self, http) | withPort(f, members, self, raft);
    checkEndpointsUnique(f, members, changed ? self : -1);

    Optional<String> joinAt = join.map(j -> {
      try {
        return Addresses.hostPort(j).toString();
      } catch (IllegalArgumentException e) {
        throw f.invalid("join", e.getMessage() + " (a member's HTTP address, host:port)");
      }
    });
    checkSecrets(f, joinAt.isPresent() ? Math.max(2, members.size()) : members.size());
    checkEncKeys(f);
    Member me = members.get(self);
    String listenRaft = listenAddr(f, "listen_addr_raft", listenAddrRaft, me.raft().host());
    String listenApi = listenAddr(f, "listen_addr_api", listenAddrApi, me.http().host());
    return new NodeSection(nodeId, dataDir, secretRaft, secretApi, encKeys, encKeyActive, members,
        listenRaft, listenApi, joinAt);
  }

  /**
   * Applies {@code HTTP_PORT} or {@code RAFT_PORT} to this member: it replaces the port of a {@code
   * nodes} from the file or the defaults, and must agree with a {@code nodes} from the environment.
   */
  private static boolean withPort(Fields f, List<Member> members, int self, Optional<Environment.Port> port) {
    if (port.isEmpty()) {
      return false;
    }
    Environment.Port p = port.get();
    Member m = members.get(self);
    HostPort current = p.http() ? m.http() : m.raft();
    String nodesVariable = f.origin("nodes");
    if (nodesVariable != null) {
      if (current.port() != p.port()) {
        throw f.invalidAt("nodes", self, Problems.quote(m.toEntry()), "this member's " + p.kind()
            + " port " + current.port() + " disagrees with " + p.variable() + " = " + p.port()
            + "; make them agree or unset " + p.variable());
      }
      return false;
    }
    members.set(self, p.http()
        ? new Member(m.id(), m.raft(), m.http().withPort(p.port()), m.stream())
        : new Member(m.id(), m.raft().withPort(p.port()), m.http(), m.stream()));
    f.problems().overridden(f.indexed("nodes", self), p.variable());
    return true;
  }

  private void checkIdsUnique(Fields f) {
    Map<Integer, Integer> indexById = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      Integer earlier = indexById.putIfAbsent(nodes.get(i).id(), i);
      if (earlier != null) {
        throw f.invalidAt("nodes", i, Problems.quote(nodes.get(i).toEntry()),
            "member id " + nodes.get(i).id() + " is also used by " + f.indexed("nodes", earlier));
      }
    }
  }

  private static void checkEndpointsUnique(Fields f, List<Member> nodes, int overridden) {
    List<HostPort> seen = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Member m = nodes.get(i);
      for (String kind : List.of("raft", "http")) {
        HostPort hp = kind.equals("raft") ? m.raft() : m.http();
        for (int j = 0; j < seen.size(); j++) {
          if (seen.get(j).sameEndpoint(hp)) {
            // Report at the entry HTTP_PORT or RAFT_PORT changed when it is involved: that is what to fix.
            int at = owners.get(j) == overridden ? overridden : i;
            int other = at == i ? owners.get(j) : i;
            String atKind = at == i ? kind : labels.get(j);
            String otherKind = at == i ? labels.get(j) : kind;
            String otherWhere =
                other == at ? "address of the same member" : "address of " + f.indexed("nodes", other);
            throw f.invalidAt("nodes", at, Problems.quote(nodes.get(at).toEntry()),
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

  private void checkSecrets(Fields f, int members) {
    for (String key : List.of("secret_raft", "secret_api")) {
      Optional<Secret> s = key.equals("secret_raft") ? secretRaft : secretApi;
      if (s.isPresent() && s.get().length() < MIN_SECRET_CHARS) {
        throw f.invalid(key, "must be at least " + MIN_SECRET_CHARS
            + " characters (omit the key to leave it unset)");
      }
    }
    if (members > 1) {
      for (String key : List.of("secret_raft", "secret_api")) {
        if ((key.equals("secret_raft") ? secretRaft : secretApi).isEmpty()) {
          throw f.invalid(key, "required when " + f.field("nodes") + " has more than one member (it has "
              + members + "); use the same value on every node");
        }
      }
    }
    if (secretRaft.isPresent() && secretRaft.equals(secretApi)) {
      throw f.invalid("secret_api", "must differ from " + f.field("secret_raft"));
    }
  }

  private void checkEncKeys(Fields f) {
    Map<String, Integer> indexById = new HashMap<>();
    for (int i = 0; i < encKeys.size(); i++) {
      EncKey k = encKeys.get(i);
      Integer earlier = indexById.putIfAbsent(k.id(), i);
      if (earlier != null) {
        throw f.invalidAt("enc_keys", i, Problems.quote(k.id() + "/" + k.key()),
            "key id \"" + k.id() + "\" is also used by " + f.indexed("enc_keys", earlier));
      }
    }
    if (encKeyActive.isPresent() && encKeys.isEmpty()) {
      throw f.invalid("enc_key_active", "set, but " + f.field("enc_keys") + " is empty");
    }
    if (encKeyActive.isEmpty() && !encKeys.isEmpty()) {
      throw f.invalid("enc_key_active",
          "required when " + f.field("enc_keys") + " is not empty; name one of its ids");
    }
    if (encKeyActive.isPresent() && activeEncKey().isEmpty()) {
      throw f.invalid("enc_key_active", "not found in " + f.field("enc_keys") + " (ids: "
          + encKeys.stream().map(EncKey::id).collect(Collectors.joining(", ")) + ")");
    }
  }

  private static String listenAddr(Fields f, String key, String value, String dflt) {
    if (value == null) {
      return dflt;
    }
    try {
      return Addresses.host(value);
    } catch (IllegalArgumentException e) {
      throw f.invalid(key, e.getMessage());
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
