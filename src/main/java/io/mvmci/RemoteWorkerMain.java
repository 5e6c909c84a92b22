package io.mvmci;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.mvmci.worker.RemoteTransport;
import io.mvmci.worker.WorkerAgent;
import io.mvmci.worker.WorkerSettings;
import io.mvmci.worker.WorkerTicket;
import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mvm-ci worker}: a worker process that claims jobs from a control plane over HTTP and runs
 * them in its own engine, with its own journal. No Spring, no Raft.
 */
final class RemoteWorkerMain {
  static final String USAGE = """
      usage: mvm-ci worker [--ticket TICKET | --control-plane URL[,URL...] --token SECRET_API]
                           [--data-dir DIR] [--capacity N] [--worker-id ID] [--heartbeat-ms MS]
                           [--journal-fsync true|false]
        A ticket (or CONTROL_PLANE_TICKET) carries the control plane's URLs and a credential; issue one
        with POST /api/v1/tickets. Without one, give the URLs and secret_api (or MVMCI_WORKER_TOKEN).
        --journal-fsync true fsyncs every journal commit, so a power cut repeats no step.
        Environment: CONTROL_PLANE_TICKET, MVMCI_WORKER_TOKEN (or SECRET_API), MVMCI_WORKER_DATA_DIR.""";

  /** Parsed arguments; what is wrong with them is an {@link IllegalArgumentException}. */
  record Options(List<URI> controlPlanes, String token, Path dataDir, int capacity, String workerId,
      long heartbeatMs, boolean journalFsync) {

    static Options parse(List<String> args, Map<String, String> env) {
      String ticket = env.get("CONTROL_PLANE_TICKET");
      String urls = null;
      String token = env.getOrDefault("MVMCI_WORKER_TOKEN", env.get("SECRET_API"));
      String dataDir = env.getOrDefault("MVMCI_WORKER_DATA_DIR", "./worker-data");
      int capacity = Runtime.getRuntime().availableProcessors();
      String workerId = null;
      long heartbeatMs = 1_000;
      boolean journalFsync = false;
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        String value = a.contains("=") ? a.substring(a.indexOf('=') + 1)
            : (i + 1 < args.size() ? args.get(++i) : null);
        if (value == null) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        switch (name) {
          case "--ticket" -> ticket = value;
          case "--control-plane" -> urls = value;
          case "--token" -> token = value;
          case "--data-dir" -> dataDir = value;
          case "--capacity" -> capacity = number(name, value, 1, 4096);
          case "--worker-id" -> workerId = value;
          case "--heartbeat-ms" -> heartbeatMs = number(name, value, 100, 60_000);
          case "--journal-fsync" -> journalFsync = switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--journal-fsync must be true or false");
          };
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      List<URI> planes = new ArrayList<>();
      if (ticket != null && !ticket.isBlank()) {
        WorkerTicket t = WorkerTicket.decode(ticket);
        t.urls().forEach(u -> planes.add(base(u)));
        token = t.token();
      }
      if (urls != null) {
        planes.clear();
        for (String u : urls.split(",")) {
          planes.add(base(u.strip()));
        }
      }
      if (planes.isEmpty()) {
        throw new IllegalArgumentException("no control plane: give --ticket, CONTROL_PLANE_TICKET or --control-plane");
      }
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("no credential: give --ticket, or --token / MVMCI_WORKER_TOKEN");
      }
      if (workerId != null && !workerId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        throw new IllegalArgumentException("--worker-id must be 1-64 letters, digits, '.', '_' or '-'");
      }
      return new Options(planes, token, Path.of(dataDir), capacity, workerId, heartbeatMs, journalFsync);
    }

    private static URI base(String url) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        url = "http://" + url;
      }
      try {
        URI u = URI.create(url.endsWith("/") ? url : url + "/");
        if (u.getHost() == null) {
          throw new IllegalArgumentException("control-plane URL has no host: " + url);
        }
        return u;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad control-plane URL \"" + url + "\": " + e.getMessage());
      }
    }

    private static int number(String name, String value, int min, int max) {
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max);
    }
  }

  private RemoteWorkerMain() {}

  static int run(List<String> args, Map<String, String> env) {
    Options o;
    try {
      o = Options.parse(args, env);
    } catch (IllegalArgumentException e) {
      System.err.println("mvm-ci worker: " + e.getMessage());
      System.err.println(USAGE);
      return Main.EXIT_CONFIG;
    }
    quietLibraries();
    try {
      Files.createDirectories(o.dataDir());
      String workerId = o.workerId() != null ? o.workerId() : persistentId(o.dataDir());
      ModuleRegistry modules = new ModuleRegistry();
      modules.loadBundled(RemoteWorkerMain.class.getClassLoader());
      var json = JsonMapper.builder().build();
      var transport = new RemoteTransport(o.controlPlanes(), o.token(), workerId, json, modules);
      CountDownLatch stopped = new CountDownLatch(1);
      var relay = new WorkerWiring.ProgressRelay();
      WorkflowEngine engine = new WorkflowEngine(
          EngineConfig.defaults(o.dataDir()).withJournalFsync(o.journalFsync()), modules, relay);
      WorkerSettings settings = new WorkerSettings(o.capacity(), o.heartbeatMs() * 3, o.heartbeatMs(),
          1_000, 60_000, Duration.ofSeconds(10));
      WorkerAgent agent = new WorkerAgent(settings, transport, engine, json);
      relay.target(agent::publish);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        agent.close();
        engine.close();
        stopped.countDown();
      }, "worker-shutdown"));
      LoggerFactory.getLogger(RemoteWorkerMain.class).info("worker {} (capacity {}) working for {}",
          workerId, o.capacity(), o.controlPlanes());
      agent.start();
      stopped.await();
      return 0;
    } catch (Exception e) {
      System.err.println("mvm-ci worker: " + e.getMessage());
      return 1;
    }
  }

  /** A worker keeps its id across restarts so that it can resume the claims it held. */
  private static String persistentId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("worker_id");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    byte[] r = new byte[3];
    new SecureRandom().nextBytes(r);
    String host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
    String id = ("worker-" + host).substring(0, Math.min(50, ("worker-" + host).length()))
        + "-" + HexFormat.of().formatHex(r);
    Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
    return id;
  }

  /** Without Spring Boot's logging setup, Logback would print every library's DEBUG lines. */
  private static void quietLibraries() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
      ctx.getLogger("com.dylibso").setLevel(Level.WARN);
      ctx.getLogger("jdk.internal.httpclient").setLevel(Level.WARN);
    }
  }
}
