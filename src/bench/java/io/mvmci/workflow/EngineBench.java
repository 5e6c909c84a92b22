package io.mvmci.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The engine's benchmark (scripts/bench-engine.sh): compile and instantiation costs, the
 * compute kernels under Chicory and V8, and host-call, journal and replay costs. Prints a table.
 *
 * <p>usage: EngineBench [repository root]
 */
public final class EngineBench {
  private EngineBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    Path kernelFile = root.resolve("workflows/kernel/kernel.wasm");
    byte[] kernel = Files.readAllBytes(kernelFile);
    Table table = new Table();

    double[] cold = new double[1];
    CompiledCode code = Samples.timeOnce(() -> compile(kernel), cold);
    table.section("Compile (parse, validate, MachineFactoryCompiler), ms");
    table.row("kernel.wasm, " + kernel.length + " B, the first in this JVM (cold)", cold[0], "");
    for (String guest : new String[] {"workflows/kernel/kernel.wasm", "workflows/hostile/script.wasm",
        "workflows/hostile/huge-loop.wasm"}) {
      byte[] bytes = Files.readAllBytes(root.resolve(guest));
      Samples s = Samples.time(2, 5, () -> compile(bytes));
      table.row(Path.of(guest).getFileName() + ", " + bytes.length + " B, warm JIT (median)", s.median(),
          compile(bytes).usesInterpreter() ? "interpreter fallback" : "");
    }

    ComputeBench compute = new ComputeBench(code, 10, 10);
    table.section("Instantiate one run's Instance, ms (median of 2000)");
    table.row("kernel.wasm (" + code.initialPages() + " pages of memory)",
        Samples.time(500, 2000, () -> compute.instance(com.dylibso.chicory.runtime.ByteArrayMemory::new)).median(), "");
    byte[] hello = Files.readAllBytes(root.resolve("workflows/hostile/hello.wasm"));
    ComputeBench helloBench = new ComputeBench(compile(hello), 0, 0);
    table.row("hello.wasm (1 page), with its 10 host functions",
        Samples.time(500, 2000, () -> helloBench.instance(com.dylibso.chicory.runtime.ByteArrayMemory::new,
            new HostFunctions(null, "bench", new byte[0], null, () -> false, null).imports())).median(), "");

    Map<String, ComputeBench.Timing> node = compute.node(kernelFile, root.resolve("workflows/kernel/run-node.mjs"));
    Map<String, ComputeBench.Timing> chicory = compute.chicoryByteArrayMemory();
    Map<String, ComputeBench.Timing> buffer = compute.chicoryByteBufferMemory();
    table.section("Compute kernels, ms per call, median of 10 after 10 warm-up calls (CPU: user + system)");
    table.header("kernel (rounds)", "V8 wall", "Chicory wall", "V8 CPU", "Chicory CPU", "Chicory/V8 CPU",
        "ByteBuffer CPU");
    ComputeBench.KERNELS.forEach((name, rounds) -> {
      ComputeBench.Timing c = chicory.get(name);
      ComputeBench.Timing v8 = node.get(name);
      if (v8 != null && v8.checksum() != c.checksum()) {
        throw new IllegalStateException(name + ": V8 computed " + v8.checksum() + ", Chicory " + c.checksum());
      }
      table.cells(name + " (" + rounds + ")", v8 == null ? "n/a" : fmt(v8.wallMs()), fmt(c.wallMs()),
          v8 == null ? "n/a" : fmt(v8.cpuMs()), fmt(c.cpuMs()),
          v8 == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", c.cpuMs() / v8.cpuMs()),
          fmt(buffer.get(name).cpuMs()));
    });

    Path data = Files.createTempDirectory("engine-bench");
    try {
      ModuleRegistry registry = new ModuleRegistry();
      registry.deploy("hostcalls", Files.readAllBytes(root.resolve("workflows/kernel/hostcalls.wasm")));
      registry.deploy("hello", hello);
      try (HostCallBench calls = new HostCallBench(data, registry)) {
        table.section("Through the engine (journal " + data + "), median");
        table.row("one run of hello.wasm end to end, ms", calls.helloRunMillis(50, 200), "thread + journal + instance");
        perCall(table, "input() (not journaled)", calls.perCall('i', 1_000_000, 3, 7));
        perCall(table, "now_ms() journaled", calls.perCall('t', 20_000, 3, 7));
        perCall(table, "log(64 B) journaled", calls.perCall('l', 20_000, 3, 7));
        table.row("replay of a journaled now_ms, us per step", calls.replayMicrosPerStep(20_000, 5),
            "resume of a 20000-step journal");
      }
    } finally {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.println(table);
  }

  private static void perCall(Table table, String what, HostCallBench.PerCall cost) {
    table.row(what + ", us per call, wall clock", cost.wallMicros(), "target <= 50");
    table.row(what + ", us per call, CPU", cost.cpuMicros(), "");
  }

  private static CompiledCode compile(byte[] bytes) {
    try {
      return CompiledCode.compile(bytes);
    } catch (InvalidModuleException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String fmt(double ms) {
    return String.format(Locale.ROOT, "%.2f", ms);
  }

  /** A plain-text table of sections and rows. */
  private static final class Table {
    private final StringBuilder out = new StringBuilder();

    void section(String title) {
      out.append('\n').append(title).append('\n');
    }

    void header(String... cells) {
      cells(cells);
      out.append("  ").append("-".repeat(100)).append('\n');
    }

    void row(String what, double value, String note) {
      out.append(String.format(Locale.ROOT, "  %-62s %10.3f  %s%n", what, value, note));
    }

    void cells(String... cells) {
      out.append(String.format(Locale.ROOT, "  %-22s", cells[0]));
      for (int i = 1; i < cells.length; i++) {
        out.append(String.format(Locale.ROOT, " %15s", cells[i]));
      }
      out.append('\n');
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}
