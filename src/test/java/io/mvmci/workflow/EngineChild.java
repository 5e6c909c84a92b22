package io.mvmci.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A process that runs one workflow run on an engine and prints how it ended, for
 * {@link KillNineTest}. Arguments: data folder, module file, run id, input file. Prints
 * {@code UNFINISHED [ids]} at start and {@code OUTCOME SUCCEEDED <base64 output>} or
 * {@code OUTCOME <kind> <reason>} at the end.
 */
public final class EngineChild {
  private EngineChild() {}

  public static void main(String[] args) throws Exception {
    ModuleRegistry registry = new ModuleRegistry();
    WorkflowModule module = registry.deploy("child", Files.readAllBytes(Path.of(args[1])));
    try (WorkflowEngine engine = new WorkflowEngine(EngineConfig.defaults(Path.of(args[0])), registry,
        updates -> {}, EngineTestSupport.EGRESS)) {
      System.out.println("UNFINISHED " + engine.unfinishedRuns().stream().map(UnfinishedRun::runId).toList());
      RunOutcome outcome = engine.start(RunSpec.of(args[2], module.ref(), Files.readAllBytes(Path.of(args[3]))))
          .outcome().get();
      if (outcome instanceof RunOutcome.Succeeded s) {
        System.out.println("OUTCOME SUCCEEDED " + Base64.getEncoder().encodeToString(s.output()));
      } else if (outcome instanceof RunOutcome.Failed f) {
        System.out.println("OUTCOME " + f.kind() + " " + f.reason());
      }
    }
  }
}
