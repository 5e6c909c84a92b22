package io.mvmci.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflow modules this node can run, known by name and sha-256. Each distinct module is
 * compiled once, whatever the number of names it is deployed under.
 *
 * <p>Contract: {@link #deploy} is idempotent and its outcome depends only on its arguments and
 * on the order of earlier deploys, so replicating the sequence of deploys to every node gives
 * every node the same registry. Thread-safe.
 */
public final class ModuleRegistry {
  /** The classpath folder the build bundles committed workflow modules into. */
  public static final String BUNDLED_FOLDER = "workflows";

  private static final Logger LOG = LoggerFactory.getLogger(ModuleRegistry.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final Map<String, CompiledCode> compiled = new HashMap<>();
  private final Map<String, Map<String, WorkflowModule>> versions = new LinkedHashMap<>();
  private final Map<String, WorkflowModule> latest = new HashMap<>();
  private final List<WorkflowModule> bundled = new ArrayList<>();
  private volatile long compiles;
  private volatile long compileMillis;
  private final CompileCache cache;

  /** A registry that compiles every module it is given. */
  public ModuleRegistry() {
    this(null);
  }

  /**
   * A registry that keeps what it compiles under {@code compiledDir} and loads it from there after a
   * restart instead of compiling again ({@link CompileCache}); null keeps nothing.
   */
  public ModuleRegistry(java.nio.file.Path compiledDir) {
    this.cache = compiledDir == null ? CompileCache.NONE : new CompileCache(compiledDir);
  }

  /**
   * Validates, compiles and registers {@code wasm} under {@code name}, and makes it the latest
   * version of that name. Deploying bytes already known under that name only makes them the
   * latest again.
   *
   * @throws InvalidModuleException if the name is malformed or the module is refused; nothing
   *     is registered then
   */
  public synchronized WorkflowModule deploy(String name, byte[] wasm) throws InvalidModuleException {
    WorkflowModule known = check(name, wasm);
    versions.computeIfAbsent(name, n -> new LinkedHashMap<>()).putIfAbsent(known.sha256(), known);
    known = versions.get(name).get(known.sha256());
    latest.put(name, known);
    notifyAll();
    return known;
  }

  /**
   * The version {@code ref} names, waiting up to {@code wait} for it to be registered (a deploy
   * that this node is still compiling). A reference without a hash does not wait.
   */
  public synchronized Optional<WorkflowModule> await(ModuleRef ref, java.time.Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Optional<WorkflowModule> found = resolve(ref);
    while (found.isEmpty() && ref.sha256() != null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      found = resolve(ref);
    }
    return found;
  }

  /**
   * Validates and compiles {@code wasm} as {@code name} without registering it: what
   * {@link #deploy} would register. The compiled code is cached, so a deploy that follows is cheap.
   *
   * @throws InvalidModuleException if the name is malformed or the module is refused
   */
  public synchronized WorkflowModule check(String name, byte[] wasm) throws InvalidModuleException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidModuleException(
          "invalid module name \"" + name + "\": use 1-128 letters, digits, '.', '_' or '-',"
              + " starting with a letter or digit");
    }
    String sha256 = Sha256.hex(wasm);
    WorkflowModule known = versions.getOrDefault(name, Map.of()).get(sha256);
    if (known != null) {
      return known;
    }
    CompiledCode code = compiled.get(sha256);
    if (code == null) {
      code = CompiledCode.compile(wasm, cache);
      compiled.put(sha256, code);
      compiles++;
      compileMillis += code.compileMillis();
      LOG.info("{} module {} ({} bytes) in {} ms", code.cached() ? "loaded the compiled" : "compiled", sha256,
          code.sizeBytes(), code.compileMillis());
    }
    return new WorkflowModule(name, code, wasm);
  }

  /** Forgets one version of a module (deleted cluster-wide); its compiled code may stay cached. */
  public synchronized void remove(String name, String sha256) {
    Map<String, WorkflowModule> known = versions.get(name);
    if (known == null || known.remove(sha256) == null) {
      return;
    }
    WorkflowModule l = latest.get(name);
    if (l != null && l.sha256().equals(sha256)) {
      latest.remove(name);
      known.values().stream().reduce((a, b) -> b).ifPresent(last -> latest.put(name, last));
    }
    if (known.isEmpty()) {
      versions.remove(name);
    }
  }

  /** Distinct modules compiled since this registry was built (for metrics). */
  public long compileCount() {
    return compiles;
  }

  /** Time spent compiling them, in milliseconds (for metrics). */
  public long compileMillisTotal() {
    return compileMillis;
  }

  public synchronized Optional<WorkflowModule> latest(String name) {
    return Optional.ofNullable(latest.get(name));
  }

  public synchronized Optional<WorkflowModule> find(String name, String sha256) {
    return Optional.ofNullable(versions.getOrDefault(name, Map.of()).get(sha256));
  }

  /** The latest version for a bare name, that exact version when the reference has a hash. */
  public Optional<WorkflowModule> resolve(ModuleRef ref) {
    return ref.sha256() == null ? latest(ref.name()) : find(ref.name(), ref.sha256());
  }

  /** Every deployed version, ordered by name, then by deployment. */
  public synchronized List<WorkflowModule> list() {
    List<WorkflowModule> all = new ArrayList<>();
    versions.keySet().stream().sorted(Comparator.naturalOrder())
        .forEach(n -> all.addAll(versions.get(n).values()));
    return all;
  }

  /**
   * Deploys every {@code .wasm} under the classpath folder {@value #BUNDLED_FOLDER}, in path order.
   *
   * @throws InvalidModuleException naming the file, if one is refused or two share a name
   */
  public List<WorkflowModule> loadBundled(ClassLoader loader) throws InvalidModuleException {
    List<WorkflowModule> found = deployAll(BundledModules.onClasspath(loader, BUNDLED_FOLDER));
    synchronized (this) {
      bundled.addAll(found);
    }
    return found;
  }

  /** The modules {@link #loadBundled} registered: what this node's jar ships. */
  public synchronized List<WorkflowModule> bundled() {
    return List.copyOf(bundled);
  }

  /**
   * Deploys every {@code .wasm} under {@code dir} (recursively, in path order); a missing
   * folder holds no modules.
   *
   * @throws InvalidModuleException naming the file, if one is refused or two share a name
   */
  public List<WorkflowModule> loadDirectory(Path dir) throws InvalidModuleException {
    return deployAll(BundledModules.inDirectory(dir));
  }

  /**
   * The same bytes found twice under one name (a classpath that lists a folder twice) are one module;
   * different bytes under one name are an error, since neither could be called the latest.
   */
  private List<WorkflowModule> deployAll(List<BundledModules.Found> found) throws InvalidModuleException {
    Map<String, BundledModules.Found> byName = new java.util.LinkedHashMap<>();
    for (BundledModules.Found f : found) {
      BundledModules.Found other = byName.putIfAbsent(f.name(), f);
      if (other != null && !java.util.Arrays.equals(other.bytes(), f.bytes())) {
        throw new InvalidModuleException(
            "two different modules are named " + f.name() + ": " + other.source() + " and " + f.source());
      }
    }
    List<WorkflowModule> deployed = new ArrayList<>();
    for (BundledModules.Found f : byName.values()) {
      try {
        deployed.add(deploy(f.name(), f.bytes()));
      } catch (InvalidModuleException e) {
        throw new InvalidModuleException(f.source() + ": " + e.getMessage(), e);
      }
    }
    return deployed;
  }
}
