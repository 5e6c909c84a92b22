package io.mvmci.deploy;

import io.mvmci.command.DeleteModule;
import io.mvmci.command.DeployModule;
import io.mvmci.command.PromoteModule;
import io.mvmci.command.Effects;
import io.mvmci.command.Result;
import io.mvmci.command.SeedModule;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.store.ModuleQueries;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowModule;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys workflow modules cluster-wide and keeps this node's {@link ModuleRegistry} in step with the
 * replicated {@code modules} table, which is what every claim reads to decide the version a job runs.
 *
 * <p>A deployment is validated and compiled here first (a bad module is refused before it reaches
 * the log), then replicated; every node compiles it when the entry applies, on one background thread
 * in log order, so the apply thread is never held up by a compiler. A run claimed for a version this
 * node has not compiled yet waits for it (see {@code ModuleRegistry.await}); it never runs another.
 *
 * <p>At start the node seeds the table with the modules its jar bundles ({@link SeedModule}): until a
 * name has a version in the table, no job of it is claimed.
 */
public final class ModuleDeployer implements Effects, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleDeployer.class);

  private final RaftNode node;
  private final ModuleRegistry registry;
  private final Clock clock;
  private final boolean allowInterpreted;
  private final ExecutorService compiler = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "module-deployer");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  /**
   * @param allowInterpreted accept modules with a function too large to compile; it would run in
   *     Chicory's interpreter, where cancellation and timeouts cannot stop it
   */
  public ModuleDeployer(RaftNode node, ModuleRegistry registry, Clock clock, boolean allowInterpreted) {
    this.node = node;
    this.registry = registry;
    this.clock = clock;
    this.allowInterpreted = allowInterpreted;
  }

  /** Registers every module the replicated table holds (at start-up, and after a snapshot install). */
  public void loadAll() {
    try {
      node.stateMachine().queries().modules().forEachModule(m -> {
        try {
          registry.deploy(m.name(), m.wasm());
        } catch (InvalidModuleException e) {
          LOG.error("stored module {} {} does not load here: {}", m.name(), m.sha256(), e.getMessage());
        }
      });
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read deployed modules: " + e.getMessage(), e);
    }
  }

  /**
   * Proposes, on a background thread, the bundled versions the replicated table lacks, retrying
   * while the cluster has no leader, until each is there or this deployer closes.
   */
  public void seedBundled() {
    List<WorkflowModule> bundled = registry.bundled();
    if (bundled.isEmpty()) {
      return;
    }
    Thread t = new Thread(() -> seed(bundled), "module-seeder");
    t.setDaemon(true);
    t.start();
  }

  private void seed(List<WorkflowModule> bundled) {
    long pauseMs = 100;
    while (!closed) {
      try {
        Set<String> stored = new HashSet<>();
        for (ModuleQueries.ModuleVersion v : node.stateMachine().queries().modules().moduleVersions()) {
          stored.add(v.name() + "@" + v.sha256());
        }
        for (WorkflowModule m : bundled) {
          if (!stored.contains(m.name() + "@" + m.sha256())) {
            Result r = node.submit(new SeedModule(clock.millis(), m.name(), m.sha256(), m.wasm()))
                .get(30, TimeUnit.SECONDS);
            if (r instanceof Result.Rejected rejected) {
              LOG.error("bundled module {} was refused: {}", m.name(), rejected.message());
            }
          }
        }
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | RuntimeException | ExecutionException | TimeoutException e) {
        LOG.debug("seeding bundled modules: {}; retrying", e.toString());
        try {
          Thread.sleep(pauseMs);
        } catch (InterruptedException ie) {
          return;
        }
        pauseMs = Math.min(pauseMs * 2, 2_000);
      }
    }
  }

  /**
   * Validates and compiles {@code wasm} without deploying it: what {@link #deploy} would deploy (for a
   * check against the histories of runs in flight first).
   */
  public WorkflowModule check(String name, byte[] wasm) throws InvalidModuleException {
    WorkflowModule module = registry.check(name, wasm);
    if (module.usesInterpreter() && !allowInterpreted) {
      throw new InvalidModuleException("module " + name + " has a function too large to compile; it would"
          + " run in Chicory's interpreter, where cancellation and timeouts cannot stop it"
          + " (set [workers] allow_interpreted_modules = true to accept such modules)");
    }
    return module;
  }

  /** Makes a stored version the latest of its name again (a rollback), cluster-wide. */
  public void promote(String name, String sha256) throws InvalidModuleException {
    propose(new PromoteModule(clock.millis(), name, sha256), "promoting " + name);
  }

  /**
   * Deletes a stored version cluster-wide.
   *
   * @throws InvalidModuleException if there is no such version
   * @throws ModuleInUseException if it is the latest, or an unfinished job uses it
   */
  public void delete(String name, String sha256) throws InvalidModuleException {
    Result r = submit(new DeleteModule(clock.millis(), name, sha256), "deleting " + name);
    if (r instanceof Result.Rejected rejected) {
      if (rejected.reason() == Result.Reason.ILLEGAL_TRANSITION) {
        throw new ModuleInUseException(rejected.message());
      }
      throw new InvalidModuleException(rejected.message());
    }
  }

  /** A version that must stay: the latest of its name, or one an unfinished job uses. */
  public static final class ModuleInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ModuleInUseException(String message) {
      super(message);
    }
  }

  private void propose(io.mvmci.command.Command c, String what) throws InvalidModuleException {
    Result r = submit(c, what);
    if (r instanceof Result.Rejected rejected) {
      throw new InvalidModuleException(rejected.message());
    }
  }

  private Result submit(io.mvmci.command.Command c, String what) {
    try {
      return node.submit(c).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what);
    } catch (ExecutionException | TimeoutException e) {
      throw new ReplicationException(what + " was not committed: "
          + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
    }
  }

  /**
   * Validates and compiles {@code wasm} here (nothing is registered if it is refused), deploys it on
   * every node through the log, and registers it here before answering, so the caller can submit
   * jobs for it to this node at once.
   */
  public WorkflowModule deploy(String name, byte[] wasm) throws InvalidModuleException {
    WorkflowModule module = check(name, wasm);
    propose(new DeployModule(clock.millis(), name, module.sha256(), wasm), "deploying " + name);
    return registry.deploy(name, wasm);
  }

  @Override
  public void moduleStored(String name, String sha256, byte[] wasm) {
    compiler.execute(() -> {
      try {
        registry.deploy(name, wasm);
      } catch (InvalidModuleException e) {
        LOG.error("deployed module {} {} does not load here: {}", name, sha256, e.getMessage());
      }
    });
  }

  @Override
  public void moduleDeleted(String name, String sha256) {
    compiler.execute(() -> registry.remove(name, sha256));
  }

  @Override
  public void reloaded() {
    compiler.execute(this::loadAll);
  }

  @Override
  public void close() {
    closed = true;
    compiler.shutdownNow();
  }
}
