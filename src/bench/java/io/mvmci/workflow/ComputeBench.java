package io.mvmci.workflow;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ByteBufferMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The compute kernels of workflows/kernel/kernel.wasm under Chicory (compiled, as the engine
 * runs them) and under Node.js (V8), with the same protocol: per kernel, warm-up calls, then
 * timed calls on one instance.
 */
final class ComputeBench {
  /**
   * A kernel's median call time, wall-clock and CPU, and its checksum in one runtime. CPU time
   * is what to compare on a shared machine, where wall-clock time includes waiting for a core.
   */
  record Timing(double wallMs, double cpuMs, long checksum) {}

  static final Map<String, Integer> KERNELS = new LinkedHashMap<>();

  static {
    KERNELS.put("sha256", 300);
    KERNELS.put("mandelbrot", 3);
    KERNELS.put("sort", 4);
  }

  private final CompiledCode code;
  private final int warmup;
  private final int measured;

  ComputeBench(CompiledCode code, int warmup, int measured) {
    this.code = code;
    this.warmup = warmup;
    this.measured = measured;
  }

  Instance instance(Function<MemoryLimits, Memory> memory) {
    return instance(memory, ImportValues.empty());
  }

  Instance instance(Function<MemoryLimits, Memory> memory, ImportValues imports) {
    return Instance.builder(code.wasm())
        .withMachineFactory(code.machines())
        .withMemoryFactory(memory)
        .withImportValues(imports)
        .withStart(false)
        .build();
  }

  Map<String, Timing> chicory(Function<MemoryLimits, Memory> memory) {
    Instance instance = instance(memory);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Timing> timings = new LinkedHashMap<>();
    KERNELS.forEach((name, rounds) -> {
      long checksum = 0;
      for (int i = 0; i < warmup; i++) {
        instance.export(name).apply(rounds);
      }
      List<Double> wall = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      for (int i = 0; i < measured; i++) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        checksum = instance.export(name).apply(rounds)[0] & 0xffffffffL;
        wall.add((System.nanoTime() - start) / 1e6);
        cpu.add((threads.getCurrentThreadCpuTime() - cpuStart) / 1e6);
      }
      timings.put(name, new Timing(Samples.of(wall).median(), Samples.of(cpu).median(), checksum));
    });
    return timings;
  }

  Map<String, Timing> chicoryByteArrayMemory() {
    return chicory(ByteArrayMemory::new);
  }

  Map<String, Timing> chicoryByteBufferMemory() {
    return chicory(ByteBufferMemory::new);
  }

  /** The same kernels under node; empty if node is not installed. */
  Map<String, Timing> node(Path kernel, Path runner) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", runner.toString(), kernel.toString(),
        String.valueOf(warmup), String.valueOf(measured)));
    KERNELS.forEach((name, rounds) -> command.add(name + "=" + rounds));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      return Map.of();
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IOException("node exited with " + p.exitValue());
    }
    JsonNode json = JsonMapper.builder().build().readTree(out);
    Map<String, Timing> timings = new LinkedHashMap<>();
    for (String name : KERNELS.keySet()) {
      JsonNode k = json.get(name);
      List<Double> wall = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      k.get("times_ms").forEach(t -> wall.add(t.asDouble()));
      k.get("cpu_ms").forEach(t -> cpu.add(t.asDouble()));
      timings.put(name, new Timing(Samples.of(wall).median(), Samples.of(cpu).median(),
          k.get("checksum").asLong()));
    }
    return timings;
  }
}
