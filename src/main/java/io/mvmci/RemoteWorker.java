package io.mvmci;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.mvmci.worker.ProgressRelay;
import io.mvmci.worker.RemoteTransport;
import io.mvmci.worker.WorkerAgent;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A remote worker process: its own module registry, engine and journal, a {@link WorkerAgent} over
 * {@link RemoteTransport}. No Spring, no Raft. It runs until the JVM is asked to stop, then hands
 * back what it could not finish within the shutdown grace.
 */
final class RemoteWorker {
  private RemoteWorker() {}

  /** Runs until the process is stopped; answers the exit status. */
  static int run(WorkerOptions o, PrintWriter err) {
    quietLibraries();
    try {
      Files.createDirectories(o.dataDir());
      String workerId = o.workerId() != null ? o.workerId() : persistentId(o.dataDir());
      ModuleRegistry modules = new ModuleRegistry(o.dataDir().resolve(WorkerSettingsFactory.COMPILED_DIR));
      modules.loadBundled(RemoteWorker.class.getClassLoader());
      var json = JsonMapper.builder().build();
      var transport = new RemoteTransport(o.controlPlanes(), o.token(), workerId, json, modules)
          .withLabels(o.labels());
      CountDownLatch stopped = new CountDownLatch(1);
      var relay = new ProgressRelay();
      WorkflowEngine engine = new WorkflowEngine(o.engine(), modules, relay, o.egress());
      WorkerAgent agent = new WorkerAgent(o.settings(), transport, engine, json);
      relay.target(agent::publish);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        agent.close();
        engine.close();
        stopped.countDown();
      }, "worker-shutdown"));
      var admission = WorkerSettingsFactory.remoteAdmission(o.capacity(), Runtime.getRuntime().maxMemory());
      var log = LoggerFactory.getLogger(RemoteWorker.class);
      if (admission.reduced() || admission.overcommitted()) {
        log.warn("{}", admission.describe());
      }
      log.info("worker {} (capacity {}) working for {}", workerId, admission.admitted(), o.controlPlanes());
      agent.start();
      stopped.await();
      return ExitCodes.OK;
    } catch (Exception e) {
      err.println("mvm-ci worker: " + e.getMessage());
      return ExitCodes.FAILED;
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
