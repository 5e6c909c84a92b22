package io.mvmci.ops.backup;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.InvalidConfigException;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mvm-ci backup} and {@code mvm-ci restore}, the operator's commands.
 *
 * <pre>
 *   mvm-ci backup  --config node.toml --out FILE [--url http://host:port]
 *   mvm-ci restore --config node.toml --backup FILE
 * </pre>
 *
 * {@code backup} asks the running node for an online backup ({@code POST /api/v1/admin/backup} with
 * the node's {@code secret_api}) and writes it to FILE (complete or not at all). {@code restore}
 * works offline, on a node that has never started (see {@link Restore}). Exit statuses follow
 * sysexits.h: 64 usage, 65 bad backup, 69 node unreachable, 73 target not fresh, 74 I/O, 78 config.
 */
public final class BackupCli {
  static final int EX_USAGE = 64;
  static final int EX_DATAERR = 65;
  static final int EX_UNAVAILABLE = 69;
  static final int EX_CANTCREAT = 73;
  static final int EX_IOERR = 74;
  static final int EX_CONFIG = 78;

  public static final String USAGE = """
      usage: mvm-ci backup  --config node.toml --out FILE [--url http://host:port]
             mvm-ci restore --config node.toml --backup FILE
        backup:  asks the running node for an encrypted online backup (needs node.enc_keys,
                 node.enc_key_active and the node's secret_api) and writes it to FILE.
        restore: decrypts FILE with the key its header names (any of node.enc_keys), checks it, and
                 writes the database into node.data_dir, which must never have been started.
                 Restore every member of a new cluster from the same file before starting any.""";

  private BackupCli() {}

  public static int run(String command, List<String> args, Map<String, String> env, PrintStream out,
      PrintStream err) {
    Map<String, String> flags;
    try {
      flags = flags(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return EX_USAGE;
    }
    NodeConfig config;
    try {
      config = ConfigLoader.load(configArgs(flags), env);
    } catch (InvalidConfigException e) {
      err.println(e.getMessage());
      return EX_CONFIG;
    }
    try {
      return switch (command) {
        case "backup" -> backup(config, flags, env, out, err);
        case "restore" -> restore(config, flags, out, err);
        default -> {
          err.println(USAGE);
          yield EX_USAGE;
        }
      };
    } catch (BackupException e) {
      err.println(command + " failed: " + e.getMessage());
      return e.targetHasState() ? EX_CANTCREAT : EX_DATAERR;
    } catch (IOException e) {
      err.println(command + " failed: " + e);
      return EX_IOERR;
    }
  }

  private static int restore(NodeConfig config, Map<String, String> flags, PrintStream out, PrintStream err)
      throws IOException {
    String file = flags.get("--backup");
    if (file == null) {
      err.println("restore needs --backup FILE");
      err.println(USAGE);
      return EX_USAGE;
    }
    Restore.Summary s = Restore.run(Path.of(file), config);
    out.println("restored " + file + " into " + s.database());
    out.println("  taken on node " + s.header().nodeId() + " at " + Instant.ofEpochMilli(s.header().createdAtMillis())
        + " (Raft applied index " + s.header().appliedIndex() + "), key '" + s.header().keyId() + "'");
    out.println("  " + s.jobs() + " jobs; the next job will be job-" + s.nextJobSeq());
    out.println("  start this node now; restore every other member of the cluster from the same file first");
    return 0;
  }

  private static int backup(NodeConfig config, Map<String, String> flags, Map<String, String> env,
      PrintStream out, PrintStream err) throws IOException {
    String target = flags.get("--out");
    if (target == null) {
      err.println("backup needs --out FILE");
      err.println(USAGE);
      return EX_USAGE;
    }
    String secret = secretApi(config);
    if (secret == null) {
      err.println("backup needs the node's secret_api: set node.secret_api, or run it where "
          + config.dataDir().resolve("secret_api") + " is readable");
      return EX_CONFIG;
    }
    String url = flags.getOrDefault("--url", "http://" + config.self().http());
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/api/v1/admin/backup"))
        .header("Authorization", "Bearer " + secret)
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();
    Path out1 = Path.of(target).toAbsolutePath();
    Path tmp = out1.resolveSibling(out1.getFileName() + ".part");
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      err.println("backup failed: cannot reach " + url + ": " + e.getMessage());
      return EX_UNAVAILABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EX_UNAVAILABLE;
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        err.println("backup failed: " + url + " answered " + response.statusCode() + ": "
            + new String(body.readNBytes(4096), StandardCharsets.UTF_8));
        return EX_UNAVAILABLE;
      }
      Files.copy(body, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, out1, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    out.println("wrote " + out1 + " (" + Files.size(out1) + " bytes, Raft applied index "
        + response.headers().firstValue("X-Mvmci-Backup-Applied-Index").orElse("?") + ")");
    return 0;
  }

  /** {@code secret_api} as configured, or as a lone node generated it into its data directory. */
  private static String secretApi(NodeConfig config) throws IOException {
    if (config.secretApi().isPresent()) {
      return config.secretApi().get();
    }
    Path file = config.dataDir().resolve("secret_api");
    return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
  }

  private static Map<String, String> flags(List<String> args) {
    Map<String, String> flags = new java.util.HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (!List.of("--config", "--out", "--backup", "--url").contains(name)) {
        throw new IllegalArgumentException("unknown argument " + name);
      }
      String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.size() ? args.get(++i) : null);
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      if (flags.put(name, value) != null) {
        throw new IllegalArgumentException(name + " given twice");
      }
    }
    return flags;
  }

  private static String[] configArgs(Map<String, String> flags) {
    List<String> a = new ArrayList<>();
    if (flags.containsKey("--config")) {
      a.add("--config");
      a.add(flags.get("--config"));
    }
    return a.toArray(String[]::new);
  }
}
