package io.mvmci.deploy;

import io.mvmci.command.Command;
import io.mvmci.command.DeployModule;
import io.mvmci.command.Result;
import io.mvmci.replication.ApplyListener;
import io.mvmci.replication.RaftNode;
import io.mvmci.replication.ReplicationException;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowModule;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys workflow modules cluster-wide and keeps this node's {@link ModuleRegistry} in step with the
 * replicated {@code modules} table.
 *
 * <p>A deployment is validated and compiled here first (a bad module is refused before it reaches
 * the log), then replicated; every node compiles it when the entry applies, on one background thread
 * in log order, so the apply thread is never held up by a compiler and "latest" means the same on
 * every node. Until a node has compiled a new module, its runs of it fail as UNKNOWN_MODULE, which is
 * retryable.
 */
public final class ModuleDeployer implements ApplyListener, AutoCloseable {
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
      node.stateMachine().queries().forEachModule(m -> {
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
   * Validates and compiles {@code wasm} here (nothing is registered if it is refused), deploys it on
   * every node through the log, and registers it here before answering, so the caller can submit
   * jobs for it to this node at once.
   */
  public WorkflowModule deploy(String name, byte[] wasm) throws InvalidModuleException {
    WorkflowModule module = registry.check(name, wasm);
    if (module.usesInterpreter() && !allowInterpreted) {
      throw new InvalidModuleException("module " + name + " has a function too large to compile; it would"
          + " run in Chicory's interpreter, where cancellation and timeouts cannot stop it"
          + " (set [workers] allow_interpreted_modules = true to accept such modules)");
    }
    Result r;
    try {
      r = node.submit(new DeployModule(clock.millis(), name, module.sha256(), wasm)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deploying " + name);
    } catch (ExecutionException | TimeoutException e) {
      throw new ReplicationException("deploying " + name + " was not committed: "
          + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
    }
    if (r instanceof Result.Rejected rejected) {
      throw new InvalidModuleException(rejected.message());
    }
    return registry.deploy(name, wasm);
  }

  @Override
  public void applied(long index, List<Command> batch, List<Result> results) {
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) instanceof DeployModule d && results.get(i) instanceof Result.Ack) {
        compiler.execute(() -> {
          try {
            registry.deploy(d.name(), d.wasm());
          } catch (InvalidModuleException e) {
            LOG.error("deployed module {} {} does not load here: {}", d.name(), d.sha256(), e.getMessage());
          }
        });
      }
    }
  }

  @Override
  public void reloaded() {
    compiler.execute(this::loadAll);
  }

  @Override
  public void close() {
    compiler.shutdownNow();
  }
}
