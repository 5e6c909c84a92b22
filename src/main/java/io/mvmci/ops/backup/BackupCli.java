package io.mvmci.ops.backup;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.InvalidConfigException;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mvm-ci backup} and {@code mvm-ci restore}, the operator's commands.
 *
 * <pre>
 *   mvm-ci backup  [--config node.toml] --out FILE [--url http://host:port]
 *   mvm-ci restore [--config node.toml] --backup FILE [--paused]
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

  private static final String CONFIG_HELP = "The node's TOML configuration file (default: $MVMCI_CONFIG, "
      + "else built-in defaults).";

  private BackupCli() {}

  /** The {@code backup} command, for {@code mvm-ci}'s command line. */
  public static Object backupCommand(Map<String, String> env) {
    return new BackupCommand(env);
  }

  /** The {@code restore} command, for {@code mvm-ci}'s command line. */
  public static Object restoreCommand(Map<String, String> env) {
    return new RestoreCommand(env);
  }

  /** Runs {@code backup} or {@code restore} with {@code args}; answers the exit status. */
  public static int run(String command, List<String> args, Map<String, String> env, PrintStream out,
      PrintStream err) {
    Object c = switch (command) {
      case "backup" -> backupCommand(env);
      case "restore" -> restoreCommand(env);
      default -> throw new IllegalArgumentException("no command " + command);
    };
    CommandLine cli = new CommandLine(c);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args.toArray(String[]::new));
  }

  @Command(name = "backup", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = EX_USAGE,
      description = {"Asks the running node for an encrypted online backup and writes it to FILE.",
          "Needs node.enc_keys, node.enc_key_active and the node's secret_api (configured, or readable "
              + "in its data directory)."},
      footer = {"%nExit status: 0 written, 64 usage, 69 node unreachable, 74 I/O error, 78 configuration."})
  static final class BackupCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = CONFIG_HELP)
    String config;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the backup.")
    Path out;

    @Option(names = "--url", paramLabel = "URL",
        description = "The node to ask (default: this node's http address in node.nodes).")
    String url;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    BackupCommand(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      return withConfig(spec, "backup", config, env, c -> backup(c, out, url, spec.commandLine().getOut(),
          spec.commandLine().getErr()));
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = EX_USAGE,
      description = {"Decrypts a backup with the key its header names (any of node.enc_keys), checks it, "
          + "and writes the database into node.data_dir, which must never have been started.",
          "Restore every member of a new cluster from the same file before starting any."},
      footer = {"%nExit status: 0 restored, 64 usage, 65 bad backup, 73 data directory not fresh, "
          + "74 I/O error, 78 configuration."})
  static final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = CONFIG_HELP)
    String config;

    @Option(names = "--backup", paramLabel = "FILE", required = true, description = "The backup to restore.")
    Path backup;

    @Option(names = "--paused", description = "Start the node with claims paused: nothing runs, the jobs that were"
        + " in flight included, until POST /api/v1/admin/claims/resume (secret_api) on this node.")
    boolean paused;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    RestoreCommand(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      return withConfig(spec, "restore", config, env, c -> restore(c, backup, paused, spec.commandLine().getOut()));
    }
  }

  private interface Action {
    int run(NodeConfig config) throws IOException;
  }

  private static int withConfig(CommandSpec spec, String command, String file, Map<String, String> env,
      Action action) {
    PrintWriter err = spec.commandLine().getErr();
    NodeConfig config;
    try {
      config = ConfigLoader.load(file == null ? new String[0] : new String[] {"--config=" + file}, env);
    } catch (InvalidConfigException e) {
      err.println(e.getMessage());
      return EX_CONFIG;
    }
    try {
      return action.run(config);
    } catch (BackupException e) {
      err.println(command + " failed: " + e.getMessage());
      return e.targetHasState() ? EX_CANTCREAT : EX_DATAERR;
    } catch (IOException e) {
      err.println(command + " failed: " + e);
      return EX_IOERR;
    }
  }

  private static int restore(NodeConfig config, Path file, boolean paused, PrintWriter out) throws IOException {
    Restore.Summary s = Restore.run(file, config);
    if (paused) {
      io.mvmci.api.ClaimPause.pause(config.dataDir(), "restored from " + file + " with --paused");
    }
    out.println("restored " + file + " into " + s.database());
    out.println("  taken on node " + s.header().nodeId() + " at " + Instant.ofEpochMilli(s.header().createdAtMillis())
        + " (Raft applied index " + s.header().appliedIndex() + "), key '" + s.header().keyId() + "'");
    out.println("  " + s.jobs() + " jobs; the next job will be job-" + s.nextJobSeq());
    if (paused) {
      out.println("  claims are paused: nothing runs until POST /api/v1/admin/claims/resume on this node");
    }
    out.println("  start this node now; restore every other member of the cluster from the same file first");
    return 0;
  }

  private static int backup(NodeConfig config, Path target, String urlFlag, PrintWriter out, PrintWriter err)
      throws IOException {
    String secret = secretApi(config);
    if (secret == null) {
      err.println("backup needs the node's secret_api: set node.secret_api, or run it where "
          + config.dataDir().resolve("secret_api") + " is readable");
      return EX_CONFIG;
    }
    String url = urlFlag != null ? urlFlag : "http://" + config.self().http();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/api/v1/admin/backup"))
        .header("Authorization", "Bearer " + secret)
        .POST(HttpRequest.BodyPublishers.noBody())
        .build();
    Path out1 = target.toAbsolutePath();
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
}
